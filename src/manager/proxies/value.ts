/** `ValueProxy`: a managed value (Python's `Manager().Value()`) from any thread or process. */
import { registerShareable } from '../../core/shareable.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { describe } from '../../sync/options.ts';
import { channelFor } from '../channels.ts';
import type { ManagerChannel } from '../types.ts';
import type { ProxyState } from './managed-proxy.ts';
import { ManagedProxy, proxyKind } from './managed-proxy.ts';

registerShareable(
  proxyKind('value'),
  (state: ProxyState) => new ValueProxy(channelFor(state.endpoint), state.id),
);

/** What `add` takes for a value of type T: a bigint for a bigint, else a number. */
export type Delta<T> = T extends bigint ? bigint : number;

function checkDelta(delta: unknown): number | bigint {
  if (typeof delta !== 'number' && typeof delta !== 'bigint')
    throw new InvalidArgumentError(`Expected \`delta\` to be a number or a bigint, got ${describe(delta)}`);
  return delta;
}

/**
 * One value on a manager (Python's `Manager().Value()`), with atomic read-modify-write methods, so a counter
 * shared by many processes needs no lock. Returns follow the thread `Value`: `add`, `exchange` and
 * `compareExchange` return the value before. The value may be anything structured-cloneable; `add` needs a
 * number (or bigint).
 * @example
 * ```ts
 * const done = await manager.value(0);
 * // in each worker process, per item:
 * done.add(1);
 * // main thread:
 * await done.getAsync();
 * ```
 */
export class ValueProxy<T = unknown> extends ManagedProxy {
  /** @internal Made by `manager.value()`, or revived from a task argument. */
  constructor(channel: ManagerChannel, id: number) {
    super(channel, id, 'value', 'value');
  }

  /** The value. Blocking: workers. */
  get(): T {
    return this.callSync('get', []) as T;
  }

  /** The async form of {@link get}. */
  getAsync(): Promise<T> {
    return this.callAsync('get', []) as Promise<T>;
  }

  /** Replaces the value. Blocking: workers. */
  set(value: T): void {
    this.callSync('set', [value]);
  }

  /** The async form of {@link set}. */
  setAsync(value: T): Promise<void> {
    return this.callVoid('set', [value]);
  }

  /**
   * Adds `delta` in one step on the manager and returns the value before (as `Atomics.add`). Throws
   * InvalidStateError if the value is not a number, InvalidArgumentError if `delta` is not of its kind
   * (number or bigint). Blocking: workers.
   * @example
   * ```ts
   * const ticket = counter.add(1); // unique per caller across processes
   * ```
   */
  add(delta: Delta<T>): T {
    return this.callSync('add', [checkDelta(delta)]) as T;
  }

  /** The async form of {@link add}. */
  addAsync(delta: Delta<T>): Promise<T> {
    return this.callAsync('add', [checkDelta(delta)]) as Promise<T>;
  }

  /** Stores `next` and returns the value before, in one step. Blocking: workers. */
  exchange(next: T): T {
    return this.callSync('exchange', [next]) as T;
  }

  /** The async form of {@link exchange}. */
  exchangeAsync(next: T): Promise<T> {
    return this.callAsync('exchange', [next]) as Promise<T>;
  }

  /**
   * Stores `replacement` if the value equals `expected` (primitives by `===`, objects deeply), in one step;
   * returns the value before either way, so it succeeded if that equals `expected`. Blocking: workers.
   * @example
   * ```ts
   * if (state.compareExchange('idle', 'busy') === 'idle') runOnce();
   * ```
   */
  compareExchange(expected: T, replacement: T): T {
    return this.callSync('compareExchange', [expected, replacement]) as T;
  }

  /** The async form of {@link compareExchange}. */
  compareExchangeAsync(expected: T, replacement: T): Promise<T> {
    return this.callAsync('compareExchange', [expected, replacement]) as Promise<T>;
  }
}
