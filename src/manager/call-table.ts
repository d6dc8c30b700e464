/**
 * The client half of a session, whatever carries its bytes: the calls in flight, keyed by request id, and what
 * to do with each frame the server sends. A direct Connection (connection.ts) feeds it from a socket; the
 * blocking bridge (bridge.ts) from the helper thread that owns the socket.
 *
 *   call ──packShared, encode──▶ REQUEST ──sink──▶ …server…
 *   abort ──────────────────────▶ CANCEL
 *   REPLY ──▶ onFrame: OK → value (shared objects revived) · ERROR → decodeError · CANCELLED → signal.reason
 *   fail(why) ──▶ every call in flight, and every later one, rejects at once (never hangs)
 *
 * Reply values are deserialized in the calling thread, from the bytes: shared objects inside them must be
 * revived in the thread that will use them.
 */
import { packShared, unknownKinds, unpackShared } from '../core/shareable.ts';
import {
  AuthenticationError,
  ManagerUnavailableError,
  ProtocolError,
  UnserializableError,
} from '../errors.ts';
import type { EncodedError } from '../backends/common/remote-error.ts';
import { decodeError } from '../backends/common/remote-error.ts';
import { unserializableError } from '../backends/common/unserializable.ts';
import type { ChannelCallOptions } from './types.ts';
import type { Frame } from './wire.ts';
import {
  FRAME_GOODBYE,
  FRAME_REPLY,
  REPLY_CANCELLED,
  REPLY_ERROR,
  deserializeBody,
  encodeCancel,
  encodeRequest,
  mayHoldShared,
  readReason,
  readReplyHead,
} from './wire.ts';

/**
 * How a call ended: its value, its error, or withdrawn by the server after a cancel. An `ok` value with `packed`
 * still holds shared objects in their wire form: {@link reviveSync} or {@link revive} rebuilds them.
 */
export type Outcome =
  | { readonly status: 'ok'; readonly value: unknown; readonly packed: boolean }
  | { readonly status: 'error'; readonly error: unknown }
  | { readonly status: 'cancelled' };

interface PendingCall {
  readonly settle: (outcome: Outcome) => void;
  /** An async call (it keeps the thread's event loop alive while in flight); blocking calls do not need to. */
  readonly async: boolean;
}

/** Why a session ended, kept so each later call gets an error of its own with the same class and message. */
export interface Failure {
  readonly kind: 'unavailable' | 'authentication';
  readonly message: string;
  readonly cause?: unknown;
}

export function failureError(failure: Failure): Error {
  const options = failure.cause === undefined ? undefined : { cause: failure.cause };
  return failure.kind === 'authentication'
    ? new AuthenticationError(failure.message, options)
    : new ManagerUnavailableError(failure.message, options);
}

const MAX_ID = 0xffff_ffff;

export class CallTable {
  readonly #pending = new Map<number, PendingCall>();
  readonly #maxFrameBytes: number;
  /** Writes one frame toward the server (buffering it if the session is not up yet). */
  readonly #send: (frame: Buffer) => void;
  /** Told when the count of async calls in flight goes from 0 to 1 (true) and back (false). */
  readonly #onBusy: (busy: boolean) => void;
  #asyncCount = 0;
  #nextId = 1;
  #failure: Failure | undefined;

  constructor(send: (frame: Buffer) => void, onBusy: (busy: boolean) => void, maxFrameBytes: number) {
    this.#send = send;
    this.#onBusy = onBusy;
    this.#maxFrameBytes = maxFrameBytes;
  }

  get failure(): Failure | undefined {
    return this.#failure;
  }

  get size(): number {
    return this.#pending.size;
  }

  /**
   * Encodes and sends a request; `settle` is called exactly once, synchronously from {@link onFrame} or
   * {@link fail}. Throws (sending nothing) when the arguments cannot travel or the session has failed.
   * @returns the request id, for a cancel
   */
  start(
    object: number,
    method: string,
    args: readonly unknown[],
    timeout: number | undefined,
    async: boolean,
    settle: (outcome: Outcome) => void,
  ): number {
    if (this.#failure !== undefined) throw failureError(this.#failure);
    const packed = packShared(args, 'process', 'args').value as readonly unknown[];
    const id = this.#allocateId();
    let frame: Buffer;
    try {
      frame = encodeRequest(id, object, method, packed, timeout, this.#maxFrameBytes);
    } catch (error) {
      if (error instanceof ProtocolError || error instanceof UnserializableError) throw error;
      throw unserializableError(args, 'args', 'to the manager', error);
    }
    this.#pending.set(id, { settle, async });
    if (async && this.#asyncCount++ === 0) this.#onBusy(true);
    this.#send(frame);
    return id;
  }

  /** Asks the server to withdraw a call; its reply (withdrawn, or its result if too late) still settles it. */
  cancel(id: number): void {
    if (this.#pending.has(id) && this.#failure === undefined) this.#send(encodeCancel(id));
  }

  /** An async call: resolves with the value, rejects with the error (or `signal.reason` once withdrawn). */
  call(
    object: number,
    method: string,
    args: readonly unknown[],
    options?: ChannelCallOptions,
  ): Promise<unknown> {
    const signal = options?.signal;
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
    return new Promise((resolve, reject) => {
      let id = -1;
      const onAbort = (): void => this.cancel(id);
      id = this.start(object, method, args, options?.timeout, true, (outcome) => {
        signal?.removeEventListener('abort', onAbort);
        if (outcome.status === 'ok') resolve(outcome.packed ? revive(outcome.value) : outcome.value);
        else reject(outcome.status === 'error' ? outcome.error : signal?.reason);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Handles one frame from the server. Throws ProtocolError for a frame a server must not send. */
  onFrame(frame: Frame): void {
    if (frame.type === FRAME_GOODBYE) {
      throw new ProtocolError(`The manager closed the connection: ${readReason(frame.payload)}`);
    }
    if (frame.type !== FRAME_REPLY)
      throw new ProtocolError(`Unexpected frame type ${frame.type} from the manager`);
    const reply = readReplyHead(frame.payload);
    const call = this.#pending.get(reply.id);
    if (call === undefined)
      throw new ProtocolError(`The manager replied to request ${reply.id}, which is not pending`);
    this.#pending.delete(reply.id);
    if (call.async && --this.#asyncCount === 0) this.#onBusy(false);
    call.settle(readOutcome(reply.status, reply.body));
  }

  /** Ends the session: every call in flight settles with the failure's error, and so will every later one. */
  fail(failure: Failure): void {
    if (this.#failure !== undefined) return;
    this.#failure = failure;
    const calls = [...this.#pending.values()];
    this.#pending.clear();
    if (this.#asyncCount > 0) {
      this.#asyncCount = 0;
      this.#onBusy(false);
    }
    for (const call of calls) call.settle({ status: 'error', error: failureError(failure) });
  }

  #allocateId(): number {
    let id = this.#nextId;
    while (this.#pending.has(id)) id = id === MAX_ID ? 1 : id + 1;
    this.#nextId = id === MAX_ID ? 1 : id + 1;
    return id;
  }
}

/**
 * Rebuilds the shared objects (proxies, say) inside a reply value, loading the modules that define their kinds
 * first if this thread has not (a worker that was sent a dict proxy and gets a list proxy back from it).
 */
export async function revive(value: unknown): Promise<unknown> {
  if (unknownKinds(value).size > 0) await import('../backends/common/all-kinds.ts');
  return unpackShared(value);
}

/** {@link revive} for a blocking call, which cannot wait for a module to load: the kinds must be known here. */
export function reviveSync(value: unknown): unknown {
  return unpackShared(value);
}

function readOutcome(status: number, body: Buffer): Outcome {
  if (status === REPLY_CANCELLED) return { status: 'cancelled' };
  try {
    const value = deserializeBody(body, 'reply');
    if (status === REPLY_ERROR) {
      if (typeof value !== 'object' || value === null || !('type' in value)) {
        throw new ProtocolError('Malformed reply: the error is not an encoded error');
      }
      return { status: 'error', error: decodeError(value as EncodedError) };
    }
    return { status: 'ok', value, packed: mayHoldShared(body) };
  } catch (error) {
    // One reply that cannot be read (or revived here) fails its own call, not the session.
    return { status: 'error', error };
  }
}
