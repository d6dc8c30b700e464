/**
 * The client end of a manager socket up to the session: connect, authenticate, then bytes both ways. Shared by
 * the direct Connection (which decodes the bytes itself) and the bridge's helper thread (which forwards them,
 * undecoded, to the thread that made the calls).
 *
 *   connecting ──connect──▶ handshake ──▶ open ──close / error / close()──▶ failed (once, with why)
 *       frames written before open are queued, and sent in order once it is
 *
 * ECONNREFUSED or a missing socket file, a handshake slower than `connectTimeout`, a peer that is not a
 * Spindle manager: ManagerUnavailableError naming the address and why. A wrong key: AuthenticationError.
 */
import type { Socket } from 'node:net';
import { ClientHandshake } from './auth.ts';
import type { Failure } from './call-table.ts';
import type { FilledConnectOptions } from './endpoint.ts';
import { formatAddress } from './endpoint.ts';
import type { ManagerEndpoint } from './types.ts';
import { nodeNet } from '../core/lazy-builtins.ts';
import { AuthenticationError } from '../errors.ts';
import { FrameDecoder, HANDSHAKE_MAX_FRAME_BYTES } from './wire.ts';

export interface ClientSocketEvents {
  /** Authenticated: the session is up. */
  readonly open: () => void;
  /** Bytes from the server after the handshake, as they come (frames split or many to a chunk). */
  readonly data: (chunk: Buffer) => void;
  /** The connection failed or closed; called once, and nothing else is called after it. */
  readonly failed: (failure: Failure) => void;
}

export class ClientSocket {
  readonly where: string;
  readonly #socket: Socket;
  readonly #events: ClientSocketEvents;
  readonly #timer: NodeJS.Timeout;
  #handshake: ClientHandshake | undefined;
  #decoder: FrameDecoder | undefined = new FrameDecoder(HANDSHAKE_MAX_FRAME_BYTES);
  #queue: Buffer[] = [];
  #connected = false;
  #state: 'handshake' | 'open' | 'failed' = 'handshake';
  #why: string | undefined;

  constructor(
    endpoint: ManagerEndpoint,
    key: Buffer,
    options: FilledConnectOptions,
    events: ClientSocketEvents,
  ) {
    this.#events = events;
    const { address } = endpoint;
    this.where = formatAddress(address);
    this.#handshake = new ClientHandshake(key);
    const socket =
      typeof address === 'string'
        ? nodeNet().connect({ path: address })
        : nodeNet().connect({ host: address.host, port: address.port, noDelay: true });
    this.#socket = socket;
    this.#timer = setTimeout(() => {
      this.#why = `no answer within ${options.connectTimeout} ms`;
      socket.destroy();
    }, options.connectTimeout);
    this.#timer.unref();
    socket.on('connect', () => {
      this.#connected = true;
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.#why ??= error.code ?? error.message;
    });
    socket.on('data', this.#onData);
    socket.on('close', () => this.#fail(this.#lost(undefined)));
  }

  get open(): boolean {
    return this.#state === 'open';
  }

  /** Sends a frame now, or once the handshake is through; dropped after failure (its caller was failed too). */
  write(frame: Uint8Array): void {
    if (this.#state === 'open') this.#socket.write(frame);
    else if (this.#state === 'handshake')
      this.#queue.push(Buffer.from(frame.buffer, frame.byteOffset, frame.length));
  }

  ref(): void {
    this.#socket.ref();
  }

  unref(): void {
    this.#socket.unref();
  }

  /** Drops the connection because of what the server sent (`why`); `failed` is called saying so. */
  lose(why: string, cause: unknown): void {
    this.#why = why;
    this.#fail(this.#lost(cause));
  }

  /** Closes the socket; `failed` is called with this message. */
  close(message: string): void {
    this.#fail({ kind: 'unavailable', message });
  }

  #onData = (chunk: Buffer): void => {
    const decoder = this.#decoder;
    if (decoder === undefined) {
      this.#events.data(chunk);
      return;
    }
    decoder.push(chunk);
    try {
      for (let frame = decoder.next(); frame !== undefined; frame = decoder.next()) {
        const step = this.#handshake!.receive(frame);
        for (const bytes of step.send) this.#socket.write(bytes);
        if (step.error !== undefined) throw step.error;
        if (step.done) {
          this.#established(decoder);
          return;
        }
      }
    } catch (error) {
      if (error instanceof AuthenticationError) {
        this.#fail({ kind: 'authentication', message: `${error.message} (manager at ${this.where})` });
      } else {
        this.#why = (error as Error).message;
        this.#fail(this.#lost(error));
      }
    }
  };

  #established(decoder: FrameDecoder): void {
    this.#handshake = undefined;
    this.#decoder = undefined;
    clearTimeout(this.#timer);
    this.#state = 'open';
    for (const frame of this.#queue) this.#socket.write(frame);
    this.#queue = [];
    this.#events.open();
    // Bytes after the handshake's last frame belong to the session.
    for (const rest of decoder.takeRemaining()) if (this.#state === 'open') this.#events.data(rest);
  }

  #lost(cause: unknown): Failure {
    const why = this.#why;
    let message: string;
    if (!this.#connected)
      message = `Could not connect to the manager at ${this.where}: ${why ?? 'no answer'}`;
    else if (this.#state === 'handshake') {
      message = `The manager at ${this.where} closed the connection during the handshake: ${why ?? 'no reason given'}`;
    } else
      message = `Lost the connection to the manager at ${this.where}: ${why ?? 'the manager closed the connection (it exited, or was shut down)'}`;
    return cause === undefined ? { kind: 'unavailable', message } : { kind: 'unavailable', message, cause };
  }

  #fail(failure: Failure): void {
    if (this.#state === 'failed') return;
    this.#state = 'failed';
    clearTimeout(this.#timer);
    this.#queue = [];
    this.#socket.destroy();
    this.#events.failed(failure);
  }
}
