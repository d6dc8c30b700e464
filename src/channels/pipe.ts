/**
 * `Pipe()`: Python's `multiprocessing.Pipe` between threads, two connected `Connection` ends.
 *
 *   duplex:   end A ──out── queue AB ──in──▶ end B        one-way:   end A (receives) ◀──in── queue ──out── end B (sends)
 *             end A ◀──in── queue BA ──out── end B
 *
 * Each direction is an unbounded shared-memory queue (queue.ts), so a pipe inherits its codec fast path, its
 * no-syscall-unless-someone-sleeps wake-ups and its capacityBytes story. Like Python's, an end is meant to be
 * used by one thread at a time: two threads reading one end at once each get whole messages, but `poll` in one
 * can take the wake-up meant for `recv` in the other (the slice wait bounds the delay to 100 ms).
 */
import { assertMayBlock, mayBlock } from '../core/may-block.ts';
import type { Shareable, ShareTarget, SharedWireForm } from '../core/shareable.ts';
import { kShare, registerShareable } from '../core/shareable.ts';
import { ChannelClosedError, InvalidStateError, QueueEmptyError, TimeoutError } from '../errors.ts';
import { deadlineAfter, remaining, waitSlice, waitSliceAsync } from '../sync/futex.ts';
import { booleanOption, optionsObject, signalOption } from './channel-options.ts';
import type { StoreState } from './item-store.ts';
import { CLOSED, COUNT, GETTERS, NOT_EMPTY } from './item-store.ts';
import type { AsyncWaitOptions } from './queue-options.ts';
import { Queue, reviveQueue, storeOf } from './queue.ts';

/** Options of `Pipe()`. */
export interface PipeOptions {
  /** Both ends send and receive (true), or the first end only receives and the second only sends. @default true */
  readonly duplex?: boolean;
  /** The most bytes in flight per direction; see {@link QueueOptions.capacityBytes}. @default 67108864 (64 MiB) */
  readonly capacityBytes?: number;
}

/** Options of `send` in a worker. */
export interface SendOptions {
  /** The most milliseconds to wait for room when the pipe holds its `capacityBytes`. @default Infinity */
  readonly timeout?: number;
}

/** Options of `recv`. */
export interface RecvOptions {
  /** The most milliseconds to wait for a message before throwing TimeoutError. @default Infinity */
  readonly timeout?: number;
}

interface ConnectionState {
  readonly incoming: StoreState | undefined;
  readonly outgoing: StoreState | undefined;
}

/** The options of the async forms: `sendAsync`, `recvAsync`. */
const ASYNC_OPTIONS: readonly string[] = ['timeout', 'signal'];

/**
 * Creates a pipe between threads and returns its two ends. Pass an end to a thread worker as a task argument (or
 * into `Thread`); keep or pass on the other.
 * @throws InvalidArgumentError for bad options.
 * @example
 * ```ts
 * const [parent, child] = Pipe<string>();
 * pool.submit(echoTask, child); // in the worker: child.send(child.recv().toUpperCase())
 * parent.send('hi');
 * await parent.recvAsync(); // 'HI'
 * ```
 */
export function Pipe<T = unknown>(options?: PipeOptions): [Connection<T>, Connection<T>] {
  const o = optionsObject('options', options, ['duplex', 'capacityBytes'], 'Pipe(options)');
  const duplex = booleanOption('duplex', o.duplex, true);
  const queueOptions = { capacityBytes: o.capacityBytes };
  const ab = new Queue<T>(queueOptions);
  if (!duplex) return [new Connection<T>(ab, undefined), new Connection<T>(undefined, ab)];
  const ba = new Queue<T>(queueOptions);
  return [new Connection<T>(ba, ab), new Connection<T>(ab, ba)];
}

/**
 * One end of a {@link Pipe}. Workers use `send`/`recv`/`poll(timeout)`; the main thread uses `send`,
 * `recvAsync`, `poll()` (non-blocking), `pollAsync` and `for await`, since `recv` and a waiting `poll` throw
 * BlockingCallError there.
 */
export class Connection<T = unknown> implements Shareable, AsyncIterable<T> {
  readonly #incoming: Queue<T> | undefined;
  readonly #outgoing: Queue<T> | undefined;
  #closed = false;

  /** @internal Made by {@link Pipe}. */
  constructor(incoming: Queue<T> | undefined, outgoing: Queue<T> | undefined) {
    this.#incoming = incoming;
    this.#outgoing = outgoing;
  }

  /** True if this end can receive (false for the sending end of a one-way pipe). */
  get readable(): boolean {
    return this.#incoming !== undefined;
  }

  /** True if this end can send (false for the receiving end of a one-way pipe). */
  get writable(): boolean {
    return this.#outgoing !== undefined;
  }

  /** True once `close()` was called on this end object. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends a value (any structured-cloneable value but shared memory) to the other end. The pipe buffers up to
   * `capacityBytes`; past that, a worker waits for room (Python's behaviour) up to `timeout`, while the main
   * thread never waits: it throws QueueFullError (use `sendAsync` to wait there).
   * @throws ChannelClosedError if either end was closed. InvalidStateError on the receiving end of a one-way pipe.
   * @throws UnserializableError for a value that cannot be copied.
   * @example
   * ```ts
   * conn.send({ op: 'resize', width: 640 });
   * ```
   */
  send(value: T, options?: SendOptions): void {
    const { timeout } = optionsObject('options', options, ['timeout'], 'Connection.send(options)');
    const out = this.#out('send');
    try {
      if (mayBlock()) out.put(value, { timeout });
      else out.putNowait(value);
    } catch (error) {
      throw sendError(error);
    }
  }

  /** Sends a value, waiting asynchronously for room when the pipe is full. Rejects as `send` throws. */
  async sendAsync(value: T, options?: AsyncWaitOptions): Promise<void> {
    optionsObject('options', options, ASYNC_OPTIONS, 'Connection.sendAsync(options)');
    const out = this.#out('send');
    try {
      await out.putAsync(value, options);
    } catch (error) {
      throw sendError(error);
    }
  }

  /**
   * Returns the next message, blocking until one arrives. Workers only.
   * @throws TimeoutError after `timeout`. ChannelClosedError once the other end closed and everything it sent
   * was received. BlockingCallError on the main thread: use `recvAsync` or `for await`.
   */
  recv(options?: RecvOptions): T {
    assertMayBlock('Connection.recv()', 'await conn.recvAsync()');
    const { timeout } = optionsObject('options', options, ['timeout'], 'Connection.recv(options)');
    const incoming = this.#in('recv');
    try {
      return incoming.get({ timeout });
    } catch (error) {
      throw this.#translate(error, timeout);
    }
  }

  /**
   * Returns the next message, waiting asynchronously: the form for the main thread.
   * @throws (rejects) TimeoutError after `timeout`; `signal.reason` if `signal` aborts; ChannelClosedError once
   * the other end closed and everything it sent was received.
   * @example
   * ```ts
   * const reply = await conn.recvAsync({ timeout: 1_000 });
   * ```
   */
  async recvAsync(options?: AsyncWaitOptions): Promise<T> {
    optionsObject('options', options, ASYNC_OPTIONS, 'Connection.recvAsync(options)');
    const incoming = this.#in('recv');
    try {
      return await incoming.getAsync(options);
    } catch (error) {
      throw this.#translate(error, options?.timeout);
    }
  }

  /**
   * True if `recv` would return without waiting: a message is there, or the other end closed. With a `timeout`
   * (ms) it waits up to that long for one, which blocks: `poll()` is allowed on the main thread, `poll(ms)` is not.
   * @default timeout 0
   * @example
   * ```ts
   * if (conn.poll()) handle(conn.recv());
   * ```
   */
  poll(timeout = 0): boolean {
    if (timeout !== 0) assertMayBlock('Connection.poll(timeout)', 'await conn.pollAsync(timeout)');
    const deadline = deadlineAfter(timeout);
    const cells = storeOf(this.#in('poll') as Queue<unknown>).cells;
    for (;;) {
      const seq = this.#readyOrRegister(cells, deadline);
      if (seq === undefined) return this.#ready(cells);
      waitSlice(cells, NOT_EMPTY, seq, deadline);
      Atomics.sub(cells, GETTERS, 1);
    }
  }

  /** The async form of `poll`: resolves true when a message is there (or the other end closed), false after `timeout`. */
  async pollAsync(timeout = 0, options?: Pick<AsyncWaitOptions, 'signal'>): Promise<boolean> {
    const deadline = deadlineAfter(timeout);
    const o = optionsObject('options', options, ['signal'], 'Connection.pollAsync(timeout, options)');
    const signal = signalOption(o.signal);
    const cells = storeOf(this.#in('poll') as Queue<unknown>).cells;
    for (;;) {
      signal?.throwIfAborted();
      const seq = this.#readyOrRegister(cells, deadline);
      if (seq === undefined) return this.#ready(cells);
      try {
        await waitSliceAsync(cells, NOT_EMPTY, seq, deadline, signal);
      } finally {
        Atomics.sub(cells, GETTERS, 1);
      }
    }
  }

  /**
   * Closes the pipe from this end: the other end's `recv` returns what was already sent, then throws
   * ChannelClosedError, and its `send` throws ChannelClosedError; this end object refuses everything after.
   * Idempotent.
   */
  close(): void {
    this.#closed = true;
    this.#outgoing?.close();
    this.#incoming?.close();
  }

  /** Yields messages as they arrive until the other end closes (and everything it sent has been received). */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      let value: T;
      try {
        value = await this.recvAsync();
      } catch (error) {
        if (error instanceof ChannelClosedError) return;
        throw error;
      }
      yield value;
    }
  }

  /** @internal How an end crosses to a thread worker: the shared buffers of its one or two directions. */
  [kShare](target: ShareTarget): SharedWireForm {
    if (target === 'process')
      throw new Error(
        'a Pipe Connection lives in memory shared between threads, which a process worker cannot map; ' +
          'use a ThreadPoolExecutor',
      );
    const state: ConnectionState = {
      incoming: this.#incoming === undefined ? undefined : storeOf(this.#incoming as Queue<unknown>).state,
      outgoing: this.#outgoing === undefined ? undefined : storeOf(this.#outgoing as Queue<unknown>).state,
    };
    return { kind: 'spindle.Connection', state };
  }

  #ready(cells: Int32Array): boolean {
    return Atomics.load(cells, COUNT) > 0 || Atomics.load(cells, CLOSED) !== 0;
  }

  /** Undefined if ready or out of time (the caller asks #ready which); else registers and returns the word. */
  #readyOrRegister(cells: Int32Array, deadline: number): number | undefined {
    if (this.#ready(cells) || remaining(deadline) === 0) return undefined;
    // Register, then look again: a sender that stored its item before seeing the registration was seen here.
    const seq = Atomics.load(cells, NOT_EMPTY);
    Atomics.add(cells, GETTERS, 1);
    if (this.#ready(cells)) {
      Atomics.sub(cells, GETTERS, 1);
      return undefined;
    }
    return seq;
  }

  #in(call: string): Queue<T> {
    if (this.#closed) throw new ChannelClosedError(`Cannot ${call}: this connection is closed`);
    if (this.#incoming === undefined)
      throw new InvalidStateError(`Cannot ${call}: this end of a one-way Pipe only sends`);
    return this.#incoming;
  }

  #out(call: string): Queue<T> {
    if (this.#closed) throw new ChannelClosedError(`Cannot ${call}: this connection is closed`);
    if (this.#outgoing === undefined)
      throw new InvalidStateError(`Cannot ${call}: this end of a one-way Pipe only receives`);
    return this.#outgoing;
  }

  /** A pipe speaks of timeouts and closed ends, not of empty queues. */
  #translate(error: unknown, timeout: number | undefined): unknown {
    if (error instanceof QueueEmptyError)
      return new TimeoutError(`No message arrived within ${timeout} ms`, { cause: error });
    if (error instanceof ChannelClosedError)
      return new ChannelClosedError(
        'The other end of the pipe was closed and everything it sent was received',
        {
          cause: error,
        },
      );
    return error;
  }
}

function sendError(error: unknown): unknown {
  return error instanceof ChannelClosedError
    ? new ChannelClosedError('Cannot send: the other end of the pipe was closed', { cause: error })
    : error;
}

registerShareable('spindle.Connection', (state: ConnectionState) => {
  const revive = (s: StoreState | undefined): Queue<unknown> | undefined =>
    s === undefined ? undefined : reviveQueue(() => new Queue(), s);
  return new Connection(revive(state.incoming), revive(state.outgoing));
});
