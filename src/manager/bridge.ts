/**
 * The blocking bridge: how a thread that may block (a worker thread, or the main thread of a Spindle worker
 * process) makes a manager call that waits for its reply. Node has no synchronous socket I/O, so a small helper
 * thread (bridge-entry.ts), started on first use, owns this thread's connection:
 *
 *   callSync ──request──▶ port ──▶ helper ──▶ socket ──▶ manager
 *     │                                                     │
 *     └─ Atomics.wait(flags[SEQ]) ◀── notify ◀── helper ◀───┘ reply bytes posted to the port
 *        wake, receiveMessageOnPort, decode: our reply? return it. Another call's? settle that one, sleep again.
 *
 * Async calls from the same thread go through the same helper, so the thread has exactly one session: the
 * server ties lock ownership to it. The caller wakes when the helper dies or the connection drops (the helper
 * posts why and marks itself DEAD), and it sleeps in slices, checking that flag, so a wake-up missed for any
 * reason costs a moment, not a hang. The helper thread is unref'd, and its port is referenced only while an
 * async call is in flight: neither keeps a finished thread or process alive. When the calling thread exits,
 * Node stops the helper with it and the server sees the session close.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { assertMayBlock } from '../core/may-block.ts';
import { nodeWorkerThreads } from '../core/lazy-builtins.ts';
import { tsxApiUrl } from '../backends/thread/typescript-loader.ts';
import type { BridgeFailedMessage, BridgeWorkerData } from './bridge-protocol.ts';
import { BOOTING, CLOSE_MESSAGE, DEAD, FLAG_COUNT, OPEN_MESSAGE, SEQ, STATE } from './bridge-protocol.ts';
import type { Failure, Outcome } from './call-table.ts';
import { CallTable, failureError, reviveSync } from './call-table.ts';
import type { ConnectOptions, FilledConnectOptions } from './endpoint.ts';
import { checkEndpoint, fillConnectOptions, formatAddress } from './endpoint.ts';
import type { ChannelCallOptions, ManagerChannel, ManagerEndpoint } from './types.ts';
import { FrameDecoder } from './wire.ts';

const entryUrl = new URL(
  import.meta.url.endsWith('.ts') ? './bridge-entry.ts' : './manager-bridge.js',
  import.meta.url,
);

/** How long a blocking call watches for its reply before it sleeps (see #waitUntil). */
const SPIN_MS = 0.1;
/** A blocked caller looks at the helper's state at least this often. */
const SLICE_MS = 500;
/** A helper that has not even begun to run by then is taken for dead (its start-up failed unseen). */
const BOOT_LIMIT_MS = 60_000;

/**
 * A manager channel through a helper thread, for threads that may block. Made by channelFor; one per thread
 * and manager.
 */
export class Bridge implements ManagerChannel {
  readonly endpoint: ManagerEndpoint;
  readonly #options: FilledConnectOptions;
  readonly #table: CallTable;
  readonly #where: string;
  readonly #onClosed: (() => void) | undefined;
  readonly #decoder = new FrameDecoder(2 ** 32 - 1);
  #worker: Worker | undefined;
  #port: MessagePort | undefined;
  #flags: Int32Array | undefined;
  #startedAt = 0;
  #opened = false;
  #busy = false;
  /** Settles what ready() returned: with nothing once the helper is authenticated, with the error on failure. */
  readonly #readyWaiters: ((error?: Error) => void)[] = [];

  /** @param onClosed called once, when the channel fails or is closed */
  constructor(endpoint: ManagerEndpoint, options?: ConnectOptions, onClosed?: () => void) {
    checkEndpoint(endpoint);
    this.endpoint = endpoint;
    this.#options = fillConnectOptions(options);
    this.#where = formatAddress(endpoint.address);
    this.#onClosed = onClosed;
    this.#table = new CallTable(
      (frame) => this.#post(frame),
      (busy) => {
        this.#busy = busy;
        this.#applyRef();
      },
      this.#options.maxFrameBytes,
    );
  }

  /** Whether the channel has failed or been closed; every call then fails at once. */
  get closed(): boolean {
    return this.#table.failure !== undefined;
  }

  /**
   * Starts the helper if need be and resolves once it has connected and authenticated; rejects as a call would
   * (AuthenticationError, ManagerUnavailableError). Calls need not wait for it.
   */
  ready(): Promise<void> {
    this.#start();
    const failure = this.#table.failure;
    if (failure !== undefined) return Promise.reject(failureError(failure));
    if (this.#opened) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#readyWaiters.push((error) => (error === undefined ? resolve() : reject(error)));
      this.#applyRef();
    });
  }

  call(
    object: number,
    method: string,
    args: readonly unknown[],
    options?: ChannelCallOptions,
  ): Promise<unknown> {
    try {
      this.#start();
      return this.#table.call(object, method, args, options);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  callSync(
    object: number,
    method: string,
    args: readonly unknown[],
    options?: { readonly timeout?: number },
  ): unknown {
    assertMayBlock(`A blocking manager call (${method} on object ${object})`, 'the async form');
    this.#start();
    let outcome: Outcome | undefined;
    this.#table.start(object, method, args, options?.timeout, false, (settled) => {
      outcome = settled;
    });
    this.#waitUntil(() => outcome !== undefined);
    const result = outcome!;
    if (result.status === 'ok') return result.packed ? reviveSync(result.value) : result.value;
    // A blocking call is never cancelled, so the only other outcome is an error.
    throw result.status === 'error' ? result.error : new Error('Spindle: a blocking call was withdrawn');
  }

  /** Closes the connection and stops the helper; calls in flight fail with ManagerUnavailableError. */
  close(): void {
    this.#fail({
      kind: 'unavailable',
      message: `The connection to the manager at ${this.#where} was closed`,
    });
  }

  #start(): void {
    if (this.#worker !== undefined || this.#table.failure !== undefined) return;
    const threads = nodeWorkerThreads(); // on first use: only a blocking manager call starts this helper
    const { port1, port2 } = new threads.MessageChannel();
    const flags = new SharedArrayBuffer(FLAG_COUNT * 4);
    const { address, authkey } = this.endpoint;
    const data: BridgeWorkerData = {
      endpoint: {
        address: typeof address === 'string' ? address : { host: address.host, port: address.port },
        authkey,
      },
      options: this.#options,
      flags,
      port: port2,
    };
    let worker: Worker;
    try {
      worker = new threads.Worker(bootstrapSource(), {
        eval: true,
        workerData: data,
        transferList: [port2],
        name: 'spindle-manager-bridge',
      });
    } catch (error) {
      port1.close();
      this.#fail({
        kind: 'unavailable',
        message: `Could not start the thread that connects to the manager at ${this.#where}: ${(error as Error).message}`,
        cause: error,
      });
      return;
    }
    worker.unref();
    worker.on('error', () => undefined); // its exit follows, and says so
    worker.on('exit', () => {
      this.#drain();
      this.#fail({
        kind: 'unavailable',
        message: `The thread connecting to the manager at ${this.#where} exited`,
      });
    });
    port1.on('message', (message: unknown) => this.#onMessage(message));
    this.#worker = worker;
    this.#port = port1;
    this.#applyRef();
    this.#flags = new Int32Array(flags);
    this.#startedAt = performance.now();
  }

  #post(frame: Buffer): void {
    const port = this.#port;
    if (port === undefined) return;
    // Frames are made in buffers of their own, so they are handed over, not copied.
    const own = frame.byteOffset === 0 && frame.buffer.byteLength === frame.length;
    port.postMessage(frame, own ? [frame.buffer as ArrayBuffer] : undefined);
  }

  /** Sleeps this thread until `done()`, handling every message meanwhile; never past the helper's death. */
  #waitUntil(done: () => boolean): void {
    const flags = this.#flags;
    while (!done()) {
      if (flags === undefined) return; // the helper never started: the table has failed every call
      const seen = Atomics.load(flags, SEQ);
      this.#drain();
      if (done()) return;
      const state = Atomics.load(flags, STATE);
      if (state === DEAD) {
        this.#drain();
        this.#fail({
          kind: 'unavailable',
          message: `The thread connecting to the manager at ${this.#where} stopped`,
        });
      } else if (state === BOOTING && performance.now() - this.#startedAt > BOOT_LIMIT_MS) {
        this.#fail({
          kind: 'unavailable',
          message: `The thread connecting to the manager at ${this.#where} did not start within ${BOOT_LIMIT_MS} ms`,
        });
      } else {
        // Most replies are back within a few tens of microseconds; sleeping and being woken costs about as much
        // again (more on a virtual machine whose idle CPUs halt), so look briefly before going to sleep.
        const spinUntil = performance.now() + SPIN_MS;
        while (Atomics.load(flags, SEQ) === seen && performance.now() < spinUntil);
        Atomics.wait(flags, SEQ, seen, SLICE_MS);
      }
    }
  }

  #drain(): void {
    const port = this.#port;
    if (port === undefined) return;
    const { receiveMessageOnPort } = nodeWorkerThreads();
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      this.#onMessage(m.message);
    }
  }

  #onMessage(message: unknown): void {
    if (message instanceof Uint8Array) {
      if (this.closed) return;
      const decoder = this.#decoder;
      decoder.push(Buffer.from(message.buffer, message.byteOffset, message.byteLength));
      try {
        for (let frame = decoder.next(); frame !== undefined && !this.closed; frame = decoder.next()) {
          this.#table.onFrame(frame);
        }
      } catch (error) {
        this.#fail({
          kind: 'unavailable',
          message: `Lost the connection to the manager at ${this.#where}: ${(error as Error).message}`,
          cause: error,
        });
      }
    } else if (message === OPEN_MESSAGE) {
      this.#opened = true;
      this.#settleReady();
    } else if ((message as BridgeFailedMessage | null)?.type === 'failed') {
      this.#fail((message as BridgeFailedMessage).failure);
    }
  }

  #settleReady(error?: Error): void {
    const waiters = this.#readyWaiters.splice(0);
    for (const settle of waiters) settle(error);
    this.#applyRef();
  }

  /** The port holds this thread open only while someone awaits it: an async call, or ready(). */
  #applyRef(): void {
    const port = this.#port;
    if (port === undefined || this.#table.failure !== undefined) return;
    if (this.#busy || this.#readyWaiters.length > 0) port.ref();
    else port.unref();
  }

  #fail(failure: Failure): void {
    if (this.#table.failure !== undefined) return;
    this.#table.fail(failure);
    this.#settleReady(failureError(failure));
    const port = this.#port;
    if (port !== undefined) {
      port.postMessage(CLOSE_MESSAGE);
      port.close();
    }
    this.#onClosed?.();
  }
}

/**
 * The helper's first code. It is always this small eval rather than the entry file itself: if loading the entry
 * fails, the thread still marks itself DEAD and says why, so a caller already blocked on it wakes up. Under tsx
 * it registers tsx's hooks first (a worker does not inherit them on Node 20; see typescript-loader.ts).
 */
function bootstrapSource(): string {
  const tsx = tsxApiUrl();
  const register = tsx === undefined ? '' : `(await import(${JSON.stringify(tsx)})).register();`;
  return `import('node:worker_threads').then(async ({ workerData }) => {
  try {
    ${register}
    await import(${JSON.stringify(entryUrl.href)});
  } catch (error) {
    const flags = new Int32Array(workerData.flags);
    const message = 'The thread connecting to the manager could not start: ' + String(error && error.message || error);
    workerData.port.postMessage({ type: 'failed', failure: { kind: 'unavailable', message } });
    Atomics.store(flags, ${STATE}, ${DEAD});
    Atomics.add(flags, ${SEQ}, 1);
    Atomics.notify(flags, ${SEQ});
    workerData.port.close();
  }
});`;
}
