/** `ListProxy`: a managed list (Python's `Manager().list()`) from any thread or process. */
import { registerShareable } from '../../core/shareable.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { describe } from '../../sync/options.ts';
import { channelFor } from '../channels.ts';
import type { ManagerChannel } from '../types.ts';
import type { ProxyState } from './managed-proxy.ts';
import { ManagedProxy, proxyKind } from './managed-proxy.ts';
import { checkIndex } from './options.ts';

registerShareable(
  proxyKind('list'),
  (state: ProxyState) => new ListProxy(channelFor(state.endpoint), state.id),
);

function checkItems(items: unknown): readonly unknown[] {
  if (!Array.isArray(items))
    throw new InvalidArgumentError(`Expected \`items\` to be an array, got ${describe(items)}`);
  return items;
}

function bounds(start: number | undefined, end: number | undefined): number[] {
  if (end !== undefined) return [checkIndex(start ?? 0, 'start'), checkIndex(end, 'end')];
  return start === undefined ? [] : [checkIndex(start, 'start')];
}

/**
 * An array on a manager (Python's `Manager().list()`), shared by every thread and process holding a proxy of
 * it. Items are any structured-cloneable value (proxies of other managed objects included), stored as copies.
 * Indexes follow Python: negative ones count from the end; one outside the list throws InvalidArgumentError
 * (`get`, `set`, `pop`), while `insert` clamps it. `indexOf` and `remove` compare items deeply
 * (`util.isDeepStrictEqual`).
 *
 * Every method is one atomic step on the manager; the plain forms block (workers), the `...Async` forms return
 * promises (any thread).
 * @example
 * ```ts
 * const results = await manager.list<number>();
 * // in each of 5 worker processes:
 * for (let i = 0; i < 100; i++) results.append(i);
 * // main thread, after them:
 * await results.lengthAsync(); // 500
 * ```
 */
export class ListProxy<T = unknown> extends ManagedProxy {
  /** @internal Made by `manager.list()`, or revived from a task argument. */
  constructor(channel: ManagerChannel, id: number) {
    super(channel, id, 'list', 'list');
  }

  /** The item at `index` (negative: from the end). Blocking: workers. */
  get(index: number): T {
    return this.callSync('get', [checkIndex(index)]) as T;
  }

  /** The async form of {@link get}. */
  getAsync(index: number): Promise<T> {
    return this.callAsync('get', [checkIndex(index)]) as Promise<T>;
  }

  /** Replaces the item at `index`. Blocking: workers. */
  set(index: number, value: T): void {
    this.callSync('set', [checkIndex(index), value]);
  }

  /** The async form of {@link set}. */
  setAsync(index: number, value: T): Promise<void> {
    return this.callVoid('set', [checkIndex(index), value]);
  }

  /** Adds `value` at the end; returns the new length. Blocking: workers. */
  append(value: T): number {
    return this.callSync('append', [value]) as number;
  }

  /** The async form of {@link append}. */
  appendAsync(value: T): Promise<number> {
    return this.callAsync('append', [value]) as Promise<number>;
  }

  /** Adds every item at the end, in one step; returns the new length. Blocking: workers. */
  extend(items: readonly T[]): number {
    return this.callSync('extend', [checkItems(items)]) as number;
  }

  /** The async form of {@link extend}. */
  extendAsync(items: readonly T[]): Promise<number> {
    return this.callAsync('extend', [checkItems(items)]) as Promise<number>;
  }

  /** Inserts `value` before `index` (clamped to the list, as Python's). Blocking: workers. */
  insert(index: number, value: T): void {
    this.callSync('insert', [checkIndex(index), value]);
  }

  /** The async form of {@link insert}. */
  insertAsync(index: number, value: T): Promise<void> {
    return this.callVoid('insert', [checkIndex(index), value]);
  }

  /**
   * Removes and returns the item at `index` (the last by default). Throws InvalidStateError on an empty list.
   * Blocking: workers.
   * @default index -1
   */
  pop(index = -1): T {
    return this.callSync('pop', [checkIndex(index)]) as T;
  }

  /** The async form of {@link pop}. */
  popAsync(index = -1): Promise<T> {
    return this.callAsync('pop', [checkIndex(index)]) as Promise<T>;
  }

  /** Removes the first item deeply equal to `value`; true if there was one. Blocking: workers. */
  remove(value: T): boolean {
    return this.callSync('remove', [value]) as boolean;
  }

  /** The async form of {@link remove}. */
  removeAsync(value: T): Promise<boolean> {
    return this.callAsync('remove', [value]) as Promise<boolean>;
  }

  /** The index of the first item deeply equal to `value`, -1 if none. Blocking: workers. */
  indexOf(value: T): number {
    return this.callSync('indexOf', [value]) as number;
  }

  /** The async form of {@link indexOf}. */
  indexOfAsync(value: T): Promise<number> {
    return this.callAsync('indexOf', [value]) as Promise<number>;
  }

  /** The number of items. Blocking: workers. */
  length(): number {
    return this.callSync('length', []) as number;
  }

  /** The async form of {@link length}. */
  lengthAsync(): Promise<number> {
    return this.callAsync('length', []) as Promise<number>;
  }

  /** A copy of the items from `start` to before `end`, as `Array.prototype.slice`. Blocking: workers. */
  slice(start?: number, end?: number): T[] {
    return this.callSync('slice', bounds(start, end)) as T[];
  }

  /** The async form of {@link slice}. */
  sliceAsync(start?: number, end?: number): Promise<T[]> {
    return this.callAsync('slice', bounds(start, end)) as Promise<T[]>;
  }

  /** A copy of every item. Blocking: workers. */
  toArray(): T[] {
    return this.callSync('toArray', []) as T[];
  }

  /** The async form of {@link toArray}. */
  toArrayAsync(): Promise<T[]> {
    return this.callAsync('toArray', []) as Promise<T[]>;
  }

  /** Removes every item. Blocking: workers. */
  clear(): void {
    this.callSync('clear', []);
  }

  /** The async form of {@link clear}. */
  clearAsync(): Promise<void> {
    return this.callVoid('clear', []);
  }
}
