/**
 * `Value`: one shared scalar (Python's `multiprocessing.Value`, for threads), read and written atomically.
 *
 * Integer types use `Atomics` on their own typed array. Floats have no Atomics in JavaScript, so a float is kept as
 * its bit pattern in an integer cell of the same width (float32 in an Int32 cell, float64 in a BigInt64 cell) and
 * converted through a small per-thread scratch buffer: loads and stores are then single atomic operations, and
 * read-modify-write operations (`add`, `compareExchange`) are compare-and-swap loops on the bits.
 */
import type { Shareable, ShareTarget, SharedWireForm } from '../core/shareable.ts';
import { kShare, registerShareable } from '../core/shareable.ts';
import { InvalidStateError } from '../errors.ts';
import { Lock, reviveLock } from '../sync/lock.ts';
import { booleanOption, optionsObject } from '../channels/channel-options.ts';
import type { ElementOf } from './element-types.ts';
import { checkElement, checkType, isBigIntType } from './element-types.ts';

/** The scalar types a Value can hold. */
export type ValueType =
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'float32'
  | 'float64'
  | 'bigint64'
  | 'biguint64';

const TYPES: readonly ValueType[] = [
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'float32',
  'float64',
  'bigint64',
  'biguint64',
];

/** Options of `new Value()`. */
export interface ValueOptions {
  /** Pair the value with a Lock (`getLock()`) for compound updates, as Python's `Value(lock=True)`. @default true */
  readonly lock?: boolean;
}

type IntegerCell = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
type BigCell = BigInt64Array | BigUint64Array;

/** The integer view a type's atomics run on (a float's bits live in a same-width integer cell). */
function cellOf(type: ValueType, buffer: SharedArrayBuffer): IntegerCell | BigCell {
  switch (type) {
    case 'int8':
      return new Int8Array(buffer, 0, 1);
    case 'uint8':
      return new Uint8Array(buffer, 0, 1);
    case 'int16':
      return new Int16Array(buffer, 0, 1);
    case 'uint16':
      return new Uint16Array(buffer, 0, 1);
    case 'int32':
    case 'float32':
      return new Int32Array(buffer, 0, 1);
    case 'uint32':
      return new Uint32Array(buffer, 0, 1);
    case 'float64':
    case 'bigint64':
      return new BigInt64Array(buffer, 0, 1);
    case 'biguint64':
      return new BigUint64Array(buffer, 0, 1);
  }
}

// Bit conversions between floats and their integer cells, through one scratch word per thread.
const scratch = new ArrayBuffer(8);
const f32 = new Float32Array(scratch);
const i32 = new Int32Array(scratch);
const f64 = new Float64Array(scratch);
const i64 = new BigInt64Array(scratch);

/** The cell's raw value for a user value (float bits for floats). */
function toCell(type: ValueType, value: number | bigint): number | bigint {
  if (type === 'float32') {
    f32[0] = value as number;
    return i32[0]!;
  }
  if (type === 'float64') {
    f64[0] = value as number;
    return i64[0]!;
  }
  return value;
}

/** The user value for a cell's raw value. */
function fromCell(type: ValueType, raw: number | bigint): number | bigint {
  if (type === 'float32') {
    i32[0] = raw as number;
    return f32[0]!;
  }
  if (type === 'float64') {
    i64[0] = raw as bigint;
    return f64[0]!;
  }
  return raw;
}

interface ValueState {
  readonly type: ValueType;
  readonly buffer: SharedArrayBuffer;
  readonly lock: SharedArrayBuffer | undefined;
}

/** Memory a revived Value adopts instead of allocating (set just around `new`). */
let adopting: ValueState | undefined;

/**
 * One shared number (or bigint) that thread workers and the main thread read and write as the same memory.
 * `value` reads and writes atomically; `add`, `exchange` and `compareExchange` are atomic read-modify-writes;
 * `getLock()` returns a Lock for compound updates. Passes to thread workers as itself; not to process workers.
 *
 * Caveats: values wrap or round to the type as a typed array would (`int8` 200 reads -56, `float32` rounds).
 * `v.value += 1` is a read then a write, not atomic: use `v.add(1)`, or hold the lock.
 * @example
 * ```ts
 * const done = new Value('int32', 0);
 * await Promise.all(jobs.map((j) => pool.submit(work, j, done))); // worker: done.add(1)
 * done.value; // jobs.length
 * ```
 */
export class Value<K extends ValueType = ValueType> implements Shareable {
  /** The type given at construction. */
  readonly type: K;
  readonly #buffer: SharedArrayBuffer;
  readonly #cell: IntegerCell | BigCell;
  readonly #lock: Lock | undefined;

  /**
   * @param type `'int8'`, `'uint8'`, `'int16'`, `'uint16'`, `'int32'`, `'uint32'`, `'float32'`, `'float64'`,
   * `'bigint64'` or `'biguint64'`
   * @param initial the first value. @default 0 (0n for the bigint types)
   * @throws InvalidArgumentError for an unknown type, an initial value of the wrong kind, or bad options.
   */
  constructor(type: K, initial?: ElementOf<K>, options?: ValueOptions) {
    const state = adopting;
    adopting = undefined;
    if (state !== undefined) {
      this.type = state.type as K;
      this.#buffer = state.buffer;
      this.#cell = cellOf(state.type, state.buffer);
      this.#lock = state.lock === undefined ? undefined : reviveLock(state.lock);
      return;
    }
    this.type = checkType(type, TYPES) as K;
    const lock = booleanOption(
      'lock',
      optionsObject('options', options, ['lock'], 'Value(options)').lock,
      true,
    );
    const first = initial ?? (isBigIntType(type) ? 0n : 0);
    checkElement('initial', type, first);
    this.#buffer = new SharedArrayBuffer(8);
    this.#cell = cellOf(type, this.#buffer);
    this.#lock = lock ? new Lock() : undefined;
    this.#store(first);
  }

  /** The current value, read atomically. Setting it stores atomically (after wrapping/rounding to the type). */
  get value(): ElementOf<K> {
    return fromCell(this.type, Atomics.load(this.#cell as Int32Array, 0)) as ElementOf<K>;
  }

  set value(next: ElementOf<K>) {
    checkElement('value', this.type, next);
    this.#store(next);
  }

  /**
   * Adds `delta` atomically and returns the value before, as `Atomics.add` does (floats: a CAS loop).
   * @example
   * ```ts
   * const ticket = counter.add(1); // unique per caller across threads
   * ```
   */
  add(delta: ElementOf<K>): ElementOf<K> {
    checkElement('delta', this.type, delta);
    if (!this.#isFloat()) return Atomics.add(this.#cell as Int32Array, 0, delta as number) as ElementOf<K>;
    for (;;) {
      const raw = Atomics.load(this.#cell as Int32Array, 0);
      const before = fromCell(this.type, raw) as number;
      const next = toCell(this.type, before + (delta as number));
      if (Atomics.compareExchange(this.#cell as Int32Array, 0, raw, next as number) === raw)
        return before as ElementOf<K>;
    }
  }

  /** Stores `next` atomically and returns the value before. */
  exchange(next: ElementOf<K>): ElementOf<K> {
    checkElement('value', this.type, next);
    const raw = Atomics.exchange(this.#cell as Int32Array, 0, toCell(this.type, next) as number);
    return fromCell(this.type, raw) as ElementOf<K>;
  }

  /**
   * Stores `replacement` if the value equals `expected`, atomically; returns the value before either way (so it
   * succeeded if that equals `expected`). Floats compare by value as `===` does: `0` matches `-0`, NaN matches
   * nothing. Integers compare after wrapping `expected` to the type, as `Atomics.compareExchange` does.
   * @example
   * ```ts
   * if (state.compareExchange(IDLE, BUSY) === IDLE) runOnce();
   * ```
   */
  compareExchange(expected: ElementOf<K>, replacement: ElementOf<K>): ElementOf<K> {
    checkElement('expected', this.type, expected);
    checkElement('replacement', this.type, replacement);
    const cell = this.#cell as Int32Array;
    if (!this.#isFloat())
      return Atomics.compareExchange(cell, 0, expected as number, replacement as number) as ElementOf<K>;
    const next = toCell(this.type, replacement) as number;
    for (;;) {
      const raw = Atomics.load(cell, 0);
      const before = fromCell(this.type, raw);
      if (before !== expected) return before as ElementOf<K>;
      if (Atomics.compareExchange(cell, 0, raw, next) === raw) return before as ElementOf<K>;
    }
  }

  /**
   * The Lock paired with the value, for updates that read and write it (or several values) as one step.
   * @throws InvalidStateError if it was created with `lock: false`.
   * @example
   * ```ts
   * using _ = balance.getLock().hold(); // in a worker
   * if (balance.value >= price) balance.value -= price;
   * ```
   */
  getLock(): Lock {
    if (this.#lock === undefined)
      throw new InvalidStateError('This Value was created with `lock: false` and has no lock');
    return this.#lock;
  }

  /** The value, so a Value reads naturally in arithmetic and templates. */
  valueOf(): ElementOf<K> {
    return this.value;
  }

  /** @internal How it crosses to a thread worker: its shared word and its lock's memory. */
  [kShare](target: ShareTarget): SharedWireForm {
    if (target === 'process')
      throw new Error('a Value lives in memory shared between threads, which a process worker cannot map');
    const state: ValueState = {
      type: this.type,
      buffer: this.#buffer,
      lock: this.#lock?.[kShare](target).state as SharedArrayBuffer | undefined,
    };
    return { kind: 'spindle.Value', state };
  }

  #isFloat(): boolean {
    return this.type === 'float32' || this.type === 'float64';
  }

  #store(next: number | bigint): void {
    Atomics.store(this.#cell as Int32Array, 0, toCell(this.type, next) as number);
  }
}

registerShareable('spindle.Value', (state: ValueState) => {
  adopting = state;
  try {
    return new Value(state.type);
  } finally {
    adopting = undefined;
  }
});
