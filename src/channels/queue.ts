/**
 * `Queue<T>`: Python's `queue.Queue` between threads, in shared memory (the store is item-store.ts).
 *
 *   put ──encode (outside the lock)──▶ lock ─ room? ─yes─▶ memcpy into the store ─ unlock ─▶ wake a getter if one sleeps
 *                                              └─no──▶ GETTERS/PUTTERS += 1, read the seq word, unlock, futex-wait on it
 *   get ──▶ lock ─ item? ─yes─▶ decode, remove ─ unlock ─▶ wake a putter if one sleeps
 *
 * Waiting: a waiter reads the NOT_EMPTY (or NOT_FULL) sequence word and counts itself in GETTERS (PUTTERS) under
 * the lock, then sleeps while the word is unchanged. The other side, after changing the store under the lock,
 * bumps the word and notifies only if the count is non-zero: no system call when nobody sleeps, and no lost
 * wake-up, since a waiter either saw the change under the lock or sleeps on a word that has moved on. Sleeps are
 * futex slices (sync/futex.ts), so a waiter also looks around every slice whatever happens.
 *
 * The queue's own lock is held for microseconds (a memcpy and a few counters), so even the non-blocking forms
 * take it without a deadline, as Python's `get_nowait` does; only waiting for items or room can be long, and
 * that is what the main thread does asynchronously.
 */
import { assertMayBlock, mayBlock } from '../core/may-block.ts';
import type { Shareable, ShareTarget, SharedWireForm } from '../core/shareable.ts';
import { kShare, registerShareable } from '../core/shareable.ts';
import { ChannelClosedError, InvalidArgumentError, QueueEmptyError, QueueFullError } from '../errors.ts';
import { deadlineAfter, remaining, waitSlice, waitSliceAsync, wake } from '../sync/futex.ts';
import { firstUnknownOption } from '../core/known-options.ts';
import {
  DEFAULT_CAPACITY_BYTES,
  MAX_CAPACITY_BYTES,
  MIN_CAPACITY_BYTES,
  booleanOption,
  integerOption,
  optionsObject,
  shown,
  signalOption,
} from './channel-options.ts';
import { encodeItem, releaseItem } from './item-bytes.ts';
import type { AsyncWaitOptions, GetOptions, PutOptions, QueueOptions } from './queue-options.ts';
import type { Discipline, StoreState } from './item-store.ts';
import {
  BYTE_BLOCKED,
  CLOSED,
  COUNT,
  FIFO,
  FULL_BYTES,
  GETTERS,
  ItemStore,
  NOT_EMPTY,
  NOT_FULL,
  PRIORITY,
  PUTTERS,
  ROOM,
} from './item-store.ts';

/** How a Queue subclass is made and sent: its wire kind and the order of its store. */
export interface QueueKind {
  readonly kind: string;
  readonly discipline: Discipline;
}

export const kQueueKind: unique symbol = Symbol('spindle.queueKind');

/** The store a revived queue maps instead of creating one (set only while a reviver runs `new`). */
let attaching: StoreState | undefined;

/** Builds a queue of some class over an existing store: what a reviver calls. */
export function reviveQueue<Q>(make: () => Q, state: StoreState): Q {
  attaching = state;
  try {
    return make();
  } finally {
    attaching = undefined;
  }
}

/** The store behind a queue, for the other channel classes (JoinableQueue, Connection). */
export let storeOf: (queue: Queue<unknown>) => ItemStore;

/** Spin checks of the count before a worker sleeps: an item often lands within microseconds. */
const SPIN_CHECKS = 2000;

/** Every option any call of a queue reads, as seen once checked. */
interface CallOptionsSeen {
  readonly block?: unknown;
  readonly timeout?: number;
  readonly signal?: unknown;
  readonly priority?: unknown;
}
const NO_OPTIONS: CallOptionsSeen = Object.freeze({});
const BLOCKING_OPTIONS: readonly string[] = ['block', 'timeout'];
const ASYNC_OPTIONS: readonly string[] = ['timeout', 'signal'];
/** A PriorityQueue's puts take `priority` too. */
const BLOCKING_PRIORITY_OPTIONS: readonly string[] = [...BLOCKING_OPTIONS, 'priority'];
const ASYNC_PRIORITY_OPTIONS: readonly string[] = [...ASYNC_OPTIONS, 'priority'];

/**
 * A first-in, first-out queue between threads (Python's `queue.Queue`), carrying any structured-cloneable value.
 * Pass it to thread workers as a task argument (or into `Thread`, or nested in an argument): every side uses the
 * same queue. Workers use the blocking forms (`put`, `get`); the main thread uses `putAsync`/`getAsync`, the
 * non-blocking `putNowait`/`getNowait`, or `for await`: a blocking form there throws BlockingCallError.
 *
 * Caveats: items are copied (numbers, strings, plain arrays and objects through a compact codec, other values
 * through `v8.serialize`); shared memory inside an item is refused (pass it as a task argument). A queue cannot
 * cross to a process worker. If a thread dies inside a queue operation (a cancelled task's worker is terminated),
 * the queue's lock is abandoned and every later call throws LockAbandonedError.
 * @example
 * ```ts
 * const queue = new Queue<number>({ maxsize: 100 });
 * pool.submit(producer, queue); // in the worker: queue.put(n), then queue.close()
 * for await (const n of queue) console.log(n); // ends once the queue is closed and drained
 * ```
 */
export class Queue<T = unknown> implements Shareable, AsyncIterable<T> {
  static readonly [kQueueKind]: QueueKind = { kind: 'Queue', discipline: FIFO };

  readonly #store: ItemStore;
  readonly #kind: QueueKind;

  static {
    storeOf = (queue) => queue.#store;
  }

  /** @throws InvalidArgumentError for a bad `maxsize` or `capacityBytes`. */
  constructor(options?: QueueOptions) {
    this.#kind = (new.target as unknown as { readonly [kQueueKind]: QueueKind })[kQueueKind];
    const state = attaching;
    attaching = undefined;
    if (state !== undefined) {
      this.#store = new ItemStore(state, this.#kind.kind);
      return;
    }
    const o = optionsObject(
      'options',
      options,
      ['maxsize', 'capacityBytes'],
      `new ${this.#kind.kind}(options)`,
    );
    const maxsize = integerOption('maxsize', o.maxsize, 0, 0, 2 ** 31 - 1);
    const capacity = integerOption(
      'capacityBytes',
      o.capacityBytes,
      DEFAULT_CAPACITY_BYTES,
      MIN_CAPACITY_BYTES,
      MAX_CAPACITY_BYTES,
    );
    this.#store = ItemStore.create(this.#kind.discipline, maxsize, capacity, this.#kind.kind);
  }

  /** The item limit given at construction (0 = none). */
  get maxsize(): number {
    return this.#store.maxsize;
  }

  /** True once `close()` has been called, from any thread. */
  get closed(): boolean {
    return Atomics.load(this.#store.cells, CLOSED) !== 0;
  }

  /**
   * Adds an item, waiting for room in a full queue. Blocking: for worker threads.
   * @throws QueueFullError if there is no room (at once with `block: false`, else after `timeout`).
   * @throws ChannelClosedError after `close()`. UnserializableError for an item that cannot be copied.
   * @throws BlockingCallError on the main thread (with `block` true): use `putAsync` or `putNowait`.
   * @example
   * ```ts
   * queue.put(job, { timeout: 1_000 }); // in a worker
   * ```
   */
  put(item: T, options?: PutOptions): void {
    const o = options === undefined ? NO_OPTIONS : this.#options(options, 'put', this.#putOptions(false));
    const block = booleanOption('block', o.block, true);
    // mayBlock() first: the message strings would cost every put in a worker an allocation.
    if (block && !mayBlock())
      assertMayBlock(`${this.#kind.kind}.put()`, `await ${this.#var()}.putAsync(item)`);
    this.#put(item, block, block ? deadlineAfter(o.timeout) : 0, this.#priority(o));
  }

  #put(item: T, block: boolean, deadline: number, priority: number): void {
    const w = encodeItem(item, this.#kind.kind);
    try {
      this.#putSync(w.bytes, w.pos, priority, block, deadline);
    } finally {
      releaseItem(w);
    }
  }

  /**
   * Adds an item if there is room now (Python's `put_nowait`); allowed on every thread.
   * @throws QueueFullError if the queue is full. ChannelClosedError after `close()`.
   */
  putNowait(item: T): void {
    this.#put(item, false, 0, 0); // what put(item, { block: false }) does, without checking options
  }

  /**
   * Adds an item, waiting asynchronously for room: the form for the main thread (works in workers too).
   * @throws (rejects) QueueFullError after `timeout`; `signal.reason` if `signal` aborts; ChannelClosedError
   * after `close()`; UnserializableError for an item that cannot be copied.
   * @example
   * ```ts
   * await queue.putAsync({ id: 1 }, { timeout: 5_000 });
   * ```
   */
  async putAsync(item: T, options?: AsyncWaitOptions): Promise<void> {
    const o = options === undefined ? NO_OPTIONS : this.#options(options, 'putAsync', this.#putOptions(true));
    const deadline = deadlineAfter(o.timeout);
    const signal = signalOption(o.signal);
    const priority = this.#priority(o);
    const store = this.#store;
    const w = encodeItem(item, this.#kind.kind);
    const length = w.pos;
    let bytes = w.bytes;
    let scratch: typeof w | undefined = w;
    try {
      for (;;) {
        signal?.throwIfAborted();
        store.mutex.lock(Infinity);
        const seq = this.#roomOrRegister(bytes, length, priority, deadline);
        if (seq === undefined) return;
        if (scratch !== undefined) {
          // About to wait: copy the bytes out, so the scratch writer serves other puts meanwhile.
          bytes = bytes.slice(0, length);
          releaseItem(scratch);
          scratch = undefined;
        }
        await this.#sleep(store.cells, NOT_FULL, PUTTERS, seq, deadline, signal);
      }
    } finally {
      if (scratch !== undefined) releaseItem(scratch);
    }
  }

  /**
   * Removes and returns the next item, waiting for one in an empty queue. Blocking: for worker threads.
   * @throws QueueEmptyError if there is none (at once with `block: false`, else after `timeout`).
   * @throws ChannelClosedError once the queue is closed and drained.
   * @throws BlockingCallError on the main thread (with `block` true): use `getAsync`, `getNowait` or `for await`.
   * @example
   * ```ts
   * const job = queue.get({ timeout: 1_000 }); // in a worker
   * ```
   */
  get(options?: GetOptions): T {
    const o = options === undefined ? NO_OPTIONS : this.#options(options, 'get', BLOCKING_OPTIONS);
    const block = booleanOption('block', o.block, true);
    if (block && !mayBlock()) assertMayBlock(`${this.#kind.kind}.get()`, `await ${this.#var()}.getAsync()`);
    return this.#get(block, block ? deadlineAfter(o.timeout) : 0, o.timeout);
  }

  #get(block: boolean, deadline: number, timeout: number | undefined): T {
    const store = this.#store;
    const cells = store.cells;
    let spun = false;
    for (;;) {
      store.mutex.lock(Infinity);
      if (cells[COUNT]! > 0) return this.#take();
      if (Atomics.load(cells, CLOSED) !== 0) {
        store.mutex.unlock();
        throw this.#closedError('get');
      }
      if (remaining(deadline) === 0) {
        store.mutex.unlock();
        throw new QueueEmptyError(
          block ? `The ${this.#kind.kind} stayed empty for ${timeout} ms` : undefined,
        );
      }
      if (!spun) {
        // A futex sleep and wake costs tens of µs: look a little first, without the lock.
        store.mutex.unlock();
        spun = true;
        for (let i = 0; i < SPIN_CHECKS && Atomics.load(cells, COUNT) === 0; i++);
        continue;
      }
      const seq = Atomics.load(cells, NOT_EMPTY);
      Atomics.add(cells, GETTERS, 1);
      store.mutex.unlock();
      waitSlice(cells, NOT_EMPTY, seq, deadline);
      Atomics.sub(cells, GETTERS, 1);
    }
  }

  /**
   * Removes and returns the next item if there is one now (Python's `get_nowait`); allowed on every thread.
   * @throws QueueEmptyError if the queue is empty; ChannelClosedError once it is closed and drained.
   */
  getNowait(): T {
    return this.#get(false, 0, undefined); // what get({ block: false }) does, without checking options
  }

  /**
   * Removes and returns the next item, waiting asynchronously for one: the form for the main thread.
   * @throws (rejects) QueueEmptyError after `timeout`; `signal.reason` if `signal` aborts; ChannelClosedError
   * once the queue is closed and drained.
   * @example
   * ```ts
   * const item = await queue.getAsync({ timeout: 5_000, signal });
   * ```
   */
  async getAsync(options?: AsyncWaitOptions): Promise<T> {
    const o = options === undefined ? NO_OPTIONS : this.#options(options, 'getAsync', ASYNC_OPTIONS);
    const deadline = deadlineAfter(o.timeout);
    const signal = signalOption(o.signal);
    const store = this.#store;
    const cells = store.cells;
    for (;;) {
      signal?.throwIfAborted();
      store.mutex.lock(Infinity);
      if (cells[COUNT]! > 0) return this.#take();
      if (Atomics.load(cells, CLOSED) !== 0) {
        store.mutex.unlock();
        throw this.#closedError('get');
      }
      if (remaining(deadline) === 0) {
        store.mutex.unlock();
        throw new QueueEmptyError(`The ${this.#kind.kind} stayed empty for ${o.timeout} ms`);
      }
      const seq = Atomics.load(cells, NOT_EMPTY);
      Atomics.add(cells, GETTERS, 1);
      store.mutex.unlock();
      await this.#sleep(cells, NOT_EMPTY, GETTERS, seq, deadline, signal);
    }
  }

  /** The number of items held now (a snapshot: other threads may change it at once). */
  qsize(): number {
    return this.#store.count;
  }

  /** True if no item is held now (a snapshot). */
  empty(): boolean {
    return this.#store.count === 0;
  }

  /**
   * True if `maxsize` items are held now (a snapshot). A queue stopped by its `capacityBytes` instead is not
   * reported full: whether an item fits depends on its size.
   */
  full(): boolean {
    const maxsize = this.#store.maxsize;
    return maxsize > 0 && this.#store.count >= maxsize;
  }

  /**
   * Closes the queue for every thread (Python 3.13's `shutdown()`): later `put`s throw ChannelClosedError, as do
   * `put`s waiting for room now; `get` still returns what is left, then throws ChannelClosedError, and so does a
   * waiting `get` once the queue is empty; `for await` loops end. Idempotent.
   * @example
   * ```ts
   * queue.close(); // producers are done: consumers drain, then stop
   * ```
   */
  close(): void {
    const store = this.#store;
    const cells = store.cells;
    store.mutex.lock(Infinity);
    Atomics.store(cells, CLOSED, 1);
    store.mutex.unlock();
    for (const word of [NOT_EMPTY, NOT_FULL]) {
      Atomics.add(cells, word, 1);
      wake(cells, word);
    }
  }

  /**
   * Yields items as they arrive (via `getAsync`) until the queue is closed and drained. Several loops (on any
   * threads) may consume one queue: each item goes to exactly one of them.
   * @example
   * ```ts
   * for await (const item of queue) handle(item);
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      let item: T;
      try {
        item = await this.getAsync();
      } catch (error) {
        if (error instanceof ChannelClosedError) return;
        throw error;
      }
      yield item;
    }
  }

  /** @internal How the queue crosses to a thread worker: its three shared buffers. Refuses process workers. */
  [kShare](target: ShareTarget): SharedWireForm {
    if (target === 'process')
      throw new Error(
        `a ${this.#kind.kind} lives in memory shared between threads, which a process worker cannot map; ` +
          'use a ThreadPoolExecutor, or send the items as task arguments and results',
      );
    return { kind: `spindle.${this.#kind.kind}`, state: this.#store.state };
  }

  /**
   * Under the lock (released on every path): stores the item if it fits and returns undefined; else throws
   * if it may not wait, or registers as a sleeping putter and returns the NOT_FULL word to sleep on.
   */
  #roomOrRegister(bytes: Uint8Array, length: number, priority: number, deadline: number): number | undefined {
    const store = this.#store;
    const cells = store.cells;
    if (Atomics.load(cells, CLOSED) !== 0) {
      store.mutex.unlock();
      throw this.#closedError('put');
    }
    if (!store.fitsEver(length)) {
      store.mutex.unlock();
      throw new InvalidArgumentError(
        `Expected \`item\` to encode to at most ${store.maxItemBytes} bytes (the ${this.#kind.kind}'s ` +
          `capacityBytes), got ${length} bytes`,
      );
    }
    const room = store.room(length);
    if (room === ROOM) {
      try {
        store.push(bytes, length, priority);
      } finally {
        store.mutex.unlock();
      }
      this.#wakeOne(NOT_EMPTY, GETTERS);
      return undefined;
    }
    if (remaining(deadline) === 0) {
      store.mutex.unlock();
      throw new QueueFullError(
        room === FULL_BYTES
          ? `The ${this.#kind.kind} holds its capacityBytes (${store.capacity}): no room for ${length} more bytes`
          : `The ${this.#kind.kind} is full (maxsize ${store.maxsize})`,
      );
    }
    // A putter stopped by bytes may need several gets' worth of room: each get then wakes every putter.
    if (room === FULL_BYTES) Atomics.store(cells, BYTE_BLOCKED, 1);
    const seq = Atomics.load(cells, NOT_FULL);
    Atomics.add(cells, PUTTERS, 1);
    store.mutex.unlock();
    return seq;
  }

  #putSync(bytes: Uint8Array, length: number, priority: number, block: boolean, deadline: number): void {
    const store = this.#store;
    const cells = store.cells;
    for (;;) {
      store.mutex.lock(Infinity);
      const seq = this.#roomOrRegister(bytes, length, priority, block ? deadline : 0);
      if (seq === undefined) return;
      waitSlice(cells, NOT_FULL, seq, deadline);
      Atomics.sub(cells, PUTTERS, 1);
    }
  }

  /** Under the lock, with an item held: removes it, unlocks, wakes a putter if one sleeps. */
  #take(): T {
    const store = this.#store;
    try {
      return store.pop() as T;
    } finally {
      store.mutex.unlock();
      const cells = store.cells;
      if (Atomics.load(cells, PUTTERS) > 0) {
        Atomics.add(cells, NOT_FULL, 1);
        wake(cells, NOT_FULL, Atomics.exchange(cells, BYTE_BLOCKED, 0) === 1 ? Infinity : 1);
      }
    }
  }

  #wakeOne(word: number, sleepers: number): void {
    const cells = this.#store.cells;
    if (Atomics.load(cells, sleepers) === 0) return;
    Atomics.add(cells, word, 1);
    wake(cells, word, 1);
  }

  /**
   * One async slice on `word`, registered in `sleepers` by the caller; unregisters however it ends. An abort
   * ends it at once (waking every sleeper on the word, so no wake-up is left with a dead waiter: see futex.ts).
   */
  async #sleep(
    cells: Int32Array,
    word: number,
    sleepers: number,
    seq: number,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    try {
      await waitSliceAsync(cells, word, seq, deadline, signal);
    } finally {
      Atomics.sub(cells, sleepers, 1);
    }
  }

  /** The options a put (`putAsync` if `async`) takes. */
  #putOptions(async: boolean): readonly string[] {
    if (this.#kind.discipline !== PRIORITY) return async ? ASYNC_OPTIONS : BLOCKING_OPTIONS;
    return async ? ASYNC_PRIORITY_OPTIONS : BLOCKING_PRIORITY_OPTIONS;
  }

  /** The options of a call, checked; the message is built only for a call that has an unknown one. */
  #options(options: object, method: string, known: readonly string[]): CallOptionsSeen {
    if (typeof options === 'object' && options !== null && firstUnknownOption(options, known) === undefined)
      return options;
    return optionsObject<CallOptionsSeen>('options', options, known, `${this.#kind.kind}.${method}(options)`);
  }

  /** A PriorityQueue's options carry `priority`; the other queues' never do. */
  #priority(options: object | undefined): number {
    if (this.#kind.discipline !== PRIORITY) return 0;
    const priority = (options as { readonly priority?: unknown } | undefined)?.priority ?? 0;
    if (typeof priority !== 'number' || Number.isNaN(priority))
      throw new InvalidArgumentError(
        `Expected \`priority\` to be a number (not NaN), got ${shown(priority)}`,
      );
    return priority;
  }

  #closedError(op: 'get' | 'put'): ChannelClosedError {
    return new ChannelClosedError(
      op === 'put'
        ? `Cannot put into a closed ${this.#kind.kind}`
        : `The ${this.#kind.kind} is closed and has no items left`,
    );
  }

  #var(): string {
    return this.#kind.kind.charAt(0).toLowerCase() + this.#kind.kind.slice(1);
  }
}

registerShareable('spindle.Queue', (state: StoreState) => reviveQueue(() => new Queue(), state));
