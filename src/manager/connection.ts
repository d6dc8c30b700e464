/**
 * A direct connection to a manager, for a thread whose event loop is free to do the I/O (the main thread).
 *
 *   idle ──first call / ready()──▶ ClientSocket (connect, authenticate) ──▶ open ──▶ failed
 *                                   calls made meanwhile are queued          every call in flight rejects, and
 *                                                                            every later one, at once
 *
 * The socket holds the process open only while connecting or while a call is in flight: an idle connection to
 * a manager does not keep a program from exiting.
 */
import { assertMayBlock } from '../core/may-block.ts';
import { InvalidStateError } from '../errors.ts';
import type { Failure } from './call-table.ts';
import { CallTable, failureError } from './call-table.ts';
import { ClientSocket } from './client-socket.ts';
import type { ConnectOptions, FilledConnectOptions } from './endpoint.ts';
import { checkEndpoint, fillConnectOptions, formatAddress } from './endpoint.ts';
import type { ChannelCallOptions, ManagerChannel, ManagerEndpoint } from './types.ts';
import { PollWindow } from './poll-window.ts';
import { FRAME_POLL, FrameDecoder, encodeRaw } from './wire.ts';

/**
 * How long the loop keeps polling for a reply after each request (see PollWindow): a manager answers most calls
 * within a few tens of microseconds, and a sleeping CPU would take longer than that to wake for it.
 */
const POLL_FOR_REPLY_MS = 0.1;

/**
 * Opens a connection to a manager and authenticates.
 * @throws ManagerUnavailableError when nothing answers at the address (or not within `connectTimeout`);
 *   AuthenticationError when the key is wrong
 * @example
 * ```ts
 * const connection = await connect(endpoint);
 * const id = await connection.call(MANAGER_OBJECT, 'create', ['dict']);
 * ```
 */
export async function connect(endpoint: ManagerEndpoint, options?: ConnectOptions): Promise<Connection> {
  const connection = new Connection(endpoint, options);
  await connection.ready();
  return connection;
}

/**
 * A manager channel over its own socket. Connects on first use (or on {@link ready}); see {@link connect}.
 * `callSync` is not available: a thread cannot wait on its own socket. Threads that may block use the bridge
 * (channelFor gives each thread the right one).
 */
export class Connection implements ManagerChannel {
  readonly endpoint: ManagerEndpoint;
  readonly #key: Buffer;
  readonly #options: FilledConnectOptions;
  readonly #table: CallTable;
  readonly #onClosed: (() => void) | undefined;
  // Replies are bounded by the server's own limit; this side only refuses what no frame can be.
  readonly #decoder = new FrameDecoder(2 ** 32 - 1);
  #socket: ClientSocket | undefined;
  #ready: Promise<void> | undefined;
  #busy = false;
  readonly #poll = new PollWindow(POLL_FOR_REPLY_MS);

  /** @param onClosed called once, when the connection fails or is closed (the channel cache forgets it then) */
  constructor(endpoint: ManagerEndpoint, options?: ConnectOptions, onClosed?: () => void) {
    this.#key = checkEndpoint(endpoint);
    this.#options = fillConnectOptions(options);
    this.endpoint = endpoint;
    this.#onClosed = onClosed;
    this.#table = new CallTable(
      (frame) => {
        this.#socket!.write(frame);
        this.#poll.extend();
      },
      (busy) => this.#setBusy(busy),
      this.#options.maxFrameBytes,
    );
  }

  /** Whether the connection has failed or been closed; every call then rejects at once. */
  get closed(): boolean {
    return this.#table.failure !== undefined;
  }

  /** Connects and authenticates, if not yet done; rejects as a call would. */
  ready(): Promise<void> {
    const failure = this.#table.failure;
    if (failure !== undefined) return Promise.reject(failureError(failure));
    this.#open();
    return this.#ready!;
  }

  call(
    object: number,
    method: string,
    args: readonly unknown[],
    options?: ChannelCallOptions,
  ): Promise<unknown> {
    try {
      this.#open();
      return this.#table.call(object, method, args, options);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  callSync(
    object: number,
    method: string,
    _args?: readonly unknown[],
    _options?: { readonly timeout?: number },
  ): unknown {
    assertMayBlock(`A blocking manager call (${method} on object ${object})`, 'the async form');
    throw new InvalidStateError(
      'A direct manager Connection cannot block the thread that owns its socket: use channelFor(endpoint), ' +
        'which gives a thread that may block a channel through a helper thread',
    );
  }

  /** Closes the connection; calls in flight reject with ManagerUnavailableError. */
  close(): void {
    const message = `The connection to the manager at ${formatAddress(this.endpoint.address)} was closed`;
    if (this.#socket !== undefined) this.#socket.close(message);
    else this.#failed({ kind: 'unavailable', message });
  }

  #open(): void {
    if (this.#socket !== undefined || this.#table.failure !== undefined) return;
    let settle: (error?: Error) => void = () => undefined;
    this.#ready = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // Nobody need await ready() (a call made before the connection is up hears of a failure itself).
    this.#ready.catch(() => undefined);
    const socket = new ClientSocket(this.endpoint, this.#key, this.#options, {
      open: () => {
        this.#applyRef();
        settle();
      },
      data: (chunk) => this.#onData(chunk),
      failed: (failure) => {
        this.#failed(failure);
        settle(failureError(failure));
      },
    });
    this.#socket = socket;
    // This thread polls for its replies (POLL_FOR_REPLY_MS): ask the server to poll for its requests likewise.
    // Sent first, so it is the session's first frame (written once the handshake is through).
    socket.write(encodeRaw(FRAME_POLL));
  }

  #onData(chunk: Buffer): void {
    const decoder = this.#decoder;
    decoder.push(chunk);
    try {
      for (let frame = decoder.next(); frame !== undefined && !this.closed; frame = decoder.next()) {
        this.#table.onFrame(frame);
      }
    } catch (error) {
      this.#socket!.lose((error as Error).message, error);
    }
  }

  #setBusy(busy: boolean): void {
    this.#busy = busy;
    if (!busy) this.#poll.stop();
    this.#applyRef();
  }

  /** Held open while connecting (someone may await ready() with nothing else running); once open, while busy. */
  #applyRef(): void {
    const socket = this.#socket;
    if (socket === undefined || !socket.open) return;
    if (this.#busy) socket.ref();
    else socket.unref();
  }

  #failed(failure: Failure): void {
    this.#table.fail(failure);
    this.#onClosed?.();
  }
}
