/**
 * One client connection as the manager's server sees it: the handshake, then a session of requests.
 *
 *   socket ──data──▶ FrameDecoder ──▶ handshake ──done──▶ REQUEST ──▶ host.invoke(object, method, args, …)
 *                                                         CANCEL  ──▶ abort that request's signal
 *   socket ◀── REPLY (as each request settles: out of order) ◀──────────────────────────┘
 *   close ──▶ abort every pending signal ──▶ host.sessionClosed(session)
 *
 * Nothing a peer sends may crash the server. A request whose id can be read is answered (with an error if it is
 * malformed); anything else that is wrong (a bad length, an unknown frame type, a failed or slow handshake) gets
 * a GOODBYE or REFUSED frame saying why, and the connection is closed. Other sessions carry on.
 */
import type { Socket } from 'node:net';
import { CancelledError, ProtocolError } from '../errors.ts';
import { encodeError } from '../backends/common/remote-error.ts';
import { unserializableError } from '../backends/common/unserializable.ts';
import { ServerHandshake } from './auth.ts';
import type { ObjectHost, Session } from './types.ts';
import type { Frame, ReplyStatus, RequestBody } from './wire.ts';
import { PollWindow } from './poll-window.ts';
import {
  FRAME_CANCEL,
  FRAME_GOODBYE,
  FRAME_POLL,
  FRAME_REQUEST,
  FrameDecoder,
  HANDSHAKE_MAX_FRAME_BYTES,
  REPLY_CANCELLED,
  REPLY_ERROR,
  REPLY_OK,
  encodeReason,
  encodeReply,
  readId,
  readRequestBody,
} from './wire.ts';

export interface ServerSessionOptions {
  readonly key: Buffer;
  readonly host: ObjectHost;
  readonly sessionId: number;
  readonly maxFrameBytes: number;
  readonly handshakeTimeout: number;
  /** Called once, when the connection has closed and the host has been told. */
  readonly onClose: (session: ServerSession) => void;
  /** Errors of the host's `sessionClosed`, which have no request to be sent back with. */
  readonly onHostError: (error: unknown) => void;
}

/**
 * How long this thread's loop keeps polling after a reply to a client that asked for it (a POLL frame), for its
 * next request (see PollWindow): a client making calls in a loop sends it within a few tens of microseconds.
 * Only such clients: the blocking bridge's helper thread must get a CPU the moment a reply is sent, and on a
 * two-CPU machine a polling server would keep it from one (profiled: 15k calls/s fell to 5k).
 */
const POLL_AFTER_REPLY_MS = 0.1;
/** One per thread: it is the thread's event loop that polls, whichever session replied. */
const afterReply = new PollWindow(POLL_AFTER_REPLY_MS);

interface PendingRequest {
  readonly controller: AbortController;
  /** The client sent a cancel for it: a rejection with the signal's reason is then a withdrawal. */
  cancelled: boolean;
}

export class ServerSession {
  readonly #socket: Socket;
  readonly #options: ServerSessionOptions;
  readonly #decoder = new FrameDecoder(HANDSHAKE_MAX_FRAME_BYTES);
  readonly #pending = new Map<number, PendingRequest>();
  #handshake: ServerHandshake | undefined;
  #session: Session | undefined;
  #handshakeTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #paused = false;
  #pollAfterReply = false;

  constructor(socket: Socket, options: ServerSessionOptions) {
    this.#socket = socket;
    this.#options = options;
    socket.on('data', this.#onData);
    // The peer vanishing (ECONNRESET) is just how a connection ends here: 'close' follows.
    socket.on('error', () => undefined);
    socket.on('close', () => this.#close());
    this.#handshake = new ServerHandshake(options.key);
    this.#handshakeTimer = setTimeout(
      () => this.#fail(new ProtocolError('The handshake took too long'), false),
      options.handshakeTimeout,
    );
    this.#handshakeTimer.unref();
    this.#write(this.#handshake.start());
  }

  /** Whether the peer has authenticated (and so holds a session the host knows of). */
  get established(): boolean {
    return this.#session !== undefined;
  }

  /** Closes the connection (server shutdown): pending requests are aborted, the host told. */
  destroy(): void {
    this.#socket.destroy();
    this.#close();
  }

  #onData = (chunk: Buffer): void => {
    this.#decoder.push(chunk);
    try {
      for (let frame = this.#decoder.next(); frame !== undefined; frame = this.#decoder.next()) {
        this.#onFrame(frame);
        if (this.#closed) return;
      }
    } catch (error) {
      this.#fail(error as Error, true);
    }
  };

  #onFrame(frame: Frame): void {
    const handshake = this.#handshake;
    if (handshake !== undefined) {
      const step = handshake.receive(frame);
      for (const bytes of step.send) this.#write(bytes);
      if (step.error !== undefined) this.#fail(step.error, false);
      else if (step.done) this.#establish();
      return;
    }
    switch (frame.type) {
      case FRAME_REQUEST: {
        const id = readId(frame.payload);
        if (id === undefined) throw new ProtocolError('Malformed request: too short to hold an id');
        this.#request(id, frame.payload);
        return;
      }
      case FRAME_CANCEL: {
        if (frame.payload.length !== 4) throw new ProtocolError('Malformed cancel: its payload is not an id');
        const pending = this.#pending.get(readId(frame.payload)!);
        if (pending === undefined || pending.cancelled) return; // already answered: its reply stands
        pending.cancelled = true;
        pending.controller.abort(new CancelledError('The client cancelled this call'));
        return;
      }
      case FRAME_POLL:
        if (frame.payload.length !== 0) throw new ProtocolError('Malformed poll frame: it has a payload');
        this.#pollAfterReply = true;
        return;
      default:
        throw new ProtocolError(`Unexpected frame type ${frame.type} from a client`);
    }
  }

  #establish(): void {
    this.#handshake = undefined;
    clearTimeout(this.#handshakeTimer);
    this.#decoder.maxFrameBytes = this.#options.maxFrameBytes;
    this.#session = Object.freeze({ id: this.#options.sessionId });
  }

  #request(id: number, payload: Buffer): void {
    let body: RequestBody;
    try {
      if (this.#pending.has(id))
        throw new ProtocolError(`Request id ${id} is already in use by a pending call`);
      body = readRequestBody(payload);
    } catch (error) {
      this.#reply(id, REPLY_ERROR, encodeError(error));
      return;
    }
    const controller = new AbortController();
    const pending: PendingRequest = { controller, cancelled: false };
    this.#pending.set(id, pending);
    let result: unknown;
    try {
      result = this.#options.host.invoke(body.object, body.method, body.args, {
        session: this.#session!,
        timeout: body.timeout,
        signal: controller.signal,
      });
    } catch (error) {
      this.#settle(id, pending, false, error);
      return;
    }
    if (isThenable(result)) {
      result.then(
        (value) => this.#settle(id, pending, true, value),
        (error: unknown) => this.#settle(id, pending, false, error),
      );
    } else {
      this.#settle(id, pending, true, result);
    }
  }

  #settle(id: number, pending: PendingRequest, ok: boolean, value: unknown): void {
    if (this.#pending.get(id) !== pending) return; // the session closed meanwhile
    this.#pending.delete(id);
    if (ok) this.#reply(id, REPLY_OK, value);
    else if (pending.cancelled && value === pending.controller.signal.reason)
      this.#reply(id, REPLY_CANCELLED);
    else this.#reply(id, REPLY_ERROR, encodeError(value));
  }

  #reply(id: number, status: ReplyStatus, value?: unknown): void {
    if (this.#closed) return;
    const max = this.#options.maxFrameBytes;
    let frame: Buffer;
    try {
      frame = encodeReply(id, status, value, max);
    } catch (error) {
      // The value cannot travel (a function inside it, or too big): the call fails, the session goes on.
      const why =
        error instanceof ProtocolError
          ? error
          : unserializableError(value, 'result', 'from the manager', error);
      frame = encodeReply(id, REPLY_ERROR, encodeError(why), max);
    }
    this.#write(frame);
    if (this.#pollAfterReply) afterReply.extend();
  }

  #write(frame: Buffer): void {
    if (this.#closed || this.#socket.destroyed) return;
    if (this.#socket.write(frame) || this.#paused) return;
    // A client that sends requests without reading the replies stops being read until it catches up.
    this.#paused = true;
    this.#socket.pause();
    this.#socket.once('drain', () => {
      this.#paused = false;
      if (!this.#closed) this.#socket.resume();
    });
  }

  /** Tells the peer why (GOODBYE once authenticated; REFUSED was already sent) and closes the connection. */
  #fail(error: Error, goodbye: boolean): void {
    if (this.#closed) return;
    const socket = this.#socket;
    if (goodbye && this.#session !== undefined && !socket.destroyed) {
      socket.end(encodeReason(FRAME_GOODBYE, error.message), () => socket.destroy());
    } else {
      socket.end(() => socket.destroy());
    }
    // A peer that never reads would hold the half-closed socket open: give it a moment, then cut it.
    setTimeout(() => socket.destroy(), 1_000).unref();
    this.#close();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#handshakeTimer);
    this.#socket.off('data', this.#onData);
    // Waiters leave their queues before the session's holdings are released, so nothing is handed to them.
    const reason = new CancelledError("The client's connection to the manager closed");
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const { controller } of pending) controller.abort(reason);
    if (this.#session !== undefined) {
      try {
        this.#options.host.sessionClosed(this.#session);
      } catch (error) {
        this.#options.onHostError(error);
      }
    }
    this.#options.onClose(this);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
