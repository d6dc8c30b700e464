/**
 * Typed arrays in shared memory (Python's `multiprocessing.Array` / `RawArray`, for threads).
 *
 * `sharedArray()` is the whole story for most programs: a standard typed array whose buffer is a
 * SharedArrayBuffer, which structured clone passes to a worker as a view of the same memory, never a copy.
 * `SharedArray` pairs such an array with a Lock, for updates that span several elements.
 */
import type { Shareable, ShareTarget, SharedWireForm } from '../core/shareable.ts';
import { kShare, registerShareable } from '../core/shareable.ts';
import { InvalidArgumentError, InvalidStateError } from '../errors.ts';
import { Lock, reviveLock } from '../sync/lock.ts';
import { booleanOption, optionsObject, shown } from '../channels/channel-options.ts';
import type { ElementOf, ElementType, TypedArrayOf } from './element-types.ts';
import { CONSTRUCTORS, checkElement, checkType } from './element-types.ts';

const TYPES = Object.keys(CONSTRUCTORS) as ElementType[];
/** The longest array: a typed array's own limit on Node 20 is far above any SharedArrayBuffer we could allocate. */
const MAX_LENGTH = 2 ** 32;

/**
 * A typed array over new shared memory, zero-filled or holding `values`. Pass it to thread workers as a task
 * argument (or inside one): they see and write the same memory, without copying. Use `Atomics` for elements
 * several threads write, or a {@link SharedArray}'s lock for updates that span several elements.
 * @param type the element type: `'int8'`, `'uint8'`, `'uint8clamped'`, `'int16'`, `'uint16'`, `'int32'`,
 * `'uint32'`, `'float32'`, `'float64'`, `'bigint64'` or `'biguint64'`
 * @param lengthOrValues the length (zero-filled), or the initial elements
 * @throws InvalidArgumentError for an unknown type, a bad length or an element of the wrong kind.
 * @example
 * ```ts
 * const hits = sharedArray('int32', 16);
 * await Promise.all(pages.map((p) => pool.submit(countHits, p, hits))); // workers: Atomics.add(hits, i, 1)
 * const weights = sharedArray('float64', [0.5, 0.25, 0.25]);
 * ```
 */
export function sharedArray<K extends ElementType>(
  type: K,
  lengthOrValues: number | Iterable<ElementOf<K>> | ArrayLike<ElementOf<K>>,
): TypedArrayOf[K] {
  const kind = checkType(type, TYPES);
  const Class = CONSTRUCTORS[kind];
  if (typeof lengthOrValues === 'number') {
    if (!Number.isInteger(lengthOrValues) || lengthOrValues < 0 || lengthOrValues > MAX_LENGTH)
      throw new InvalidArgumentError(
        `Expected \`length\` to be an integer from 0 to ${MAX_LENGTH}, got ${shown(lengthOrValues)}`,
      );
    return new Class(new SharedArrayBuffer(lengthOrValues * Class.BYTES_PER_ELEMENT)) as TypedArrayOf[K];
  }
  if (typeof lengthOrValues !== 'object' || lengthOrValues === null)
    throw new InvalidArgumentError(
      `Expected \`lengthOrValues\` to be a length or an array of values, got ${shown(lengthOrValues)}`,
    );
  const values = Array.from(lengthOrValues as ArrayLike<unknown>);
  values.forEach((value, i) => checkElement(`values[${i}]`, kind, value));
  const array = new Class(new SharedArrayBuffer(values.length * Class.BYTES_PER_ELEMENT));
  (array as unknown as { set(values: ArrayLike<unknown>): void }).set(values);
  return array as TypedArrayOf[K];
}

/** Options of `new SharedArray()`. */
export interface SharedArrayOptions {
  /** Pair the array with a Lock (`getLock()`), as Python's `Array(lock=True)`. @default true */
  readonly lock?: boolean;
}

interface SharedArrayState {
  readonly type: ElementType;
  readonly array: TypedArrayOf[ElementType];
  readonly lock: SharedArrayBuffer | undefined;
}

/** Memory a revived SharedArray adopts instead of allocating (set just around `new`). */
let adopting: SharedArrayState | undefined;

/**
 * A shared typed array with a Lock beside it (Python's `multiprocessing.Array`): the array is `array`, an
 * ordinary typed array over shared memory; the lock guards updates that span several elements. Passes to
 * thread workers as itself (same memory, same lock). Cannot go to a process worker.
 *
 * Caveat: the lock guards only code that takes it; `array` itself is unguarded, as in Python's `get_obj()`.
 * @example
 * ```ts
 * const stats = new SharedArray('float64', 2); // [sum, count]
 * // in a worker:
 * using _ = stats.getLock().hold();
 * stats.array[0] += x;
 * stats.array[1] += 1;
 * ```
 */
export class SharedArray<K extends ElementType = ElementType> implements Shareable {
  /** The elements: a standard typed array over shared memory. */
  readonly array: TypedArrayOf[K];
  /** The element type given at construction. */
  readonly type: K;
  readonly #lock: Lock | undefined;

  /**
   * @param type the element type (see {@link sharedArray})
   * @param lengthOrValues the length (zero-filled), or the initial elements
   * @throws InvalidArgumentError for bad arguments or options.
   */
  constructor(
    type: K,
    lengthOrValues: number | Iterable<ElementOf<K>> | ArrayLike<ElementOf<K>>,
    options?: SharedArrayOptions,
  ) {
    const state = adopting;
    adopting = undefined;
    if (state !== undefined) {
      this.type = state.type as K;
      this.array = state.array as TypedArrayOf[K];
      this.#lock = state.lock === undefined ? undefined : reviveLock(state.lock);
      return;
    }
    const lock = booleanOption(
      'lock',
      optionsObject('options', options, ['lock'], 'sharedArray(options)').lock,
      true,
    );
    this.array = sharedArray(type, lengthOrValues);
    this.type = type;
    this.#lock = lock ? new Lock() : undefined;
  }

  /** The number of elements. */
  get length(): number {
    return this.array.length;
  }

  /**
   * The Lock paired with the array.
   * @throws InvalidStateError if it was created with `lock: false`.
   */
  getLock(): Lock {
    if (this.#lock === undefined)
      throw new InvalidStateError('This SharedArray was created with `lock: false` and has no lock');
    return this.#lock;
  }

  /** @internal How it crosses to a thread worker: the array (a view of shared memory) and the lock's memory. */
  [kShare](target: ShareTarget): SharedWireForm {
    if (target === 'process')
      throw new Error(
        'a SharedArray lives in memory shared between threads, which a process worker cannot map',
      );
    const state: SharedArrayState = {
      type: this.type,
      array: this.array,
      lock: this.#lock?.[kShare](target).state as SharedArrayBuffer | undefined,
    };
    return { kind: 'spindle.SharedArray', state };
  }
}

registerShareable('spindle.SharedArray', (state: SharedArrayState) => {
  adopting = state;
  try {
    return new SharedArray(state.type, 0);
  } finally {
    adopting = undefined;
  }
});
