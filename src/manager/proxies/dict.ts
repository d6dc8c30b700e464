/** `DictProxy`: a managed dict (Python's `Manager().dict()`) from any thread or process. */
import { registerShareable } from '../../core/shareable.ts';
import { channelFor } from '../channels.ts';
import type { DictKey } from '../objects/dict-key.ts';
import { checkKey } from '../objects/dict-key.ts';
import type { ManagerChannel } from '../types.ts';
import type { ProxyState } from './managed-proxy.ts';
import { ManagedProxy, proxyKind } from './managed-proxy.ts';

export type { DictKey } from '../objects/dict-key.ts';

registerShareable(
  proxyKind('dict'),
  (state: ProxyState) => new DictProxy(channelFor(state.endpoint), state.id),
);

/** What `update` takes: a Map, [key, value] pairs, or a plain object (string keys). */
export type DictEntries<K extends DictKey, V> =
  | ReadonlyMap<K, V>
  | readonly (readonly [K, V])[]
  | (K extends string ? { readonly [key: string]: V } : never);

/** The arguments of get/pop: the key, and the fallback only if one was given (undefined is no fallback). */
function keyAnd(key: unknown, fallback: unknown): unknown[] {
  checkKey(key);
  return fallback === undefined ? [key] : [key, fallback];
}

/**
 * A map on a manager (Python's `Manager().dict()`), shared by every thread and process holding a proxy of it.
 * Keys are strings, numbers, bigints or booleans (an object key would arrive on the manager as a copy, equal to
 * nothing there: it throws InvalidArgumentError); values are any structured-cloneable value, proxies of other
 * managed objects included, stored as copies: change one you read, then `set` it back.
 *
 * Every method is one round trip and one atomic step on the manager; the plain forms block (workers), the
 * `...Async` forms return promises (any thread). A read-modify-write of several calls is not atomic: guard it
 * with a managed Lock, or use `setDefault` / `pop`, which are.
 * @example
 * ```ts
 * const scores = await manager.dict<string, number>();
 * // in each worker process:
 * scores.set(name, compute(name));
 * // main thread, after the workers:
 * console.log(await scores.toMapAsync());
 * ```
 */
export class DictProxy<K extends DictKey = DictKey, V = unknown> extends ManagedProxy {
  /** @internal Made by `manager.dict()`, or revived from a task argument. */
  constructor(channel: ManagerChannel, id: number) {
    super(channel, id, 'dict', 'dict');
  }

  /** The value under `key`, or `fallback` (undefined) if absent. Blocking: workers. */
  get(key: K): V | undefined;
  get<D>(key: K, fallback: D): V | D;
  get(key: K, fallback?: unknown): unknown {
    return this.callSync('get', keyAnd(key, fallback));
  }

  /** The async form of {@link get}. */
  getAsync(key: K): Promise<V | undefined>;
  getAsync<D>(key: K, fallback: D): Promise<V | D>;
  getAsync(key: K, fallback?: unknown): Promise<unknown> {
    return this.callAsync('get', keyAnd(key, fallback));
  }

  /** Stores `value` under `key`. Blocking: workers. */
  set(key: K, value: V): void {
    this.callSync('set', [checkKey(key), value]);
  }

  /** The async form of {@link set}. */
  setAsync(key: K, value: V): Promise<void> {
    return this.callVoid('set', [checkKey(key), value]);
  }

  /** True if `key` is present. Blocking: workers. */
  has(key: K): boolean {
    return this.callSync('has', [checkKey(key)]) as boolean;
  }

  /** The async form of {@link has}. */
  hasAsync(key: K): Promise<boolean> {
    return this.callAsync('has', [checkKey(key)]) as Promise<boolean>;
  }

  /** Removes `key`; true if it was present. Blocking: workers. */
  delete(key: K): boolean {
    return this.callSync('delete', [checkKey(key)]) as boolean;
  }

  /** The async form of {@link delete}. */
  deleteAsync(key: K): Promise<boolean> {
    return this.callAsync('delete', [checkKey(key)]) as Promise<boolean>;
  }

  /** The keys, in insertion order (a snapshot). Blocking: workers. */
  keys(): K[] {
    return this.callSync('keys', []) as K[];
  }

  /** The async form of {@link keys}. */
  keysAsync(): Promise<K[]> {
    return this.callAsync('keys', []) as Promise<K[]>;
  }

  /** The values, in insertion order (a snapshot). Blocking: workers. */
  values(): V[] {
    return this.callSync('values', []) as V[];
  }

  /** The async form of {@link values}. */
  valuesAsync(): Promise<V[]> {
    return this.callAsync('values', []) as Promise<V[]>;
  }

  /** The [key, value] pairs, in insertion order (a snapshot). Blocking: workers. */
  entries(): [K, V][] {
    return this.callSync('entries', []) as [K, V][];
  }

  /** The async form of {@link entries}. */
  entriesAsync(): Promise<[K, V][]> {
    return this.callAsync('entries', []) as Promise<[K, V][]>;
  }

  /** The number of keys. Blocking: workers. */
  size(): number {
    return this.callSync('size', []) as number;
  }

  /** The async form of {@link size}. */
  sizeAsync(): Promise<number> {
    return this.callAsync('size', []) as Promise<number>;
  }

  /** Removes every key. Blocking: workers. */
  clear(): void {
    this.callSync('clear', []);
  }

  /** The async form of {@link clear}. */
  clearAsync(): Promise<void> {
    return this.callVoid('clear', []);
  }

  /**
   * Stores every entry of a Map, an array of [key, value] pairs or a plain object, in one step: if any key is
   * refused, nothing is stored. Blocking: workers.
   */
  update(entries: DictEntries<K, V>): void {
    this.callSync('update', [entries]);
  }

  /** The async form of {@link update}. */
  updateAsync(entries: DictEntries<K, V>): Promise<void> {
    return this.callVoid('update', [entries]);
  }

  /**
   * The value under `key` if present; else stores `fallback` there and returns it, in one step (Python's
   * `setdefault`). Blocking: workers.
   */
  setDefault(key: K, fallback: V): V {
    return this.callSync('setDefault', [checkKey(key), fallback]) as V;
  }

  /** The async form of {@link setDefault}. */
  setDefaultAsync(key: K, fallback: V): Promise<V> {
    return this.callAsync('setDefault', [checkKey(key), fallback]) as Promise<V>;
  }

  /** Removes `key` and returns its value, or returns `fallback` (undefined) if absent, in one step. Blocking: workers. */
  pop(key: K): V | undefined;
  pop<D>(key: K, fallback: D): V | D;
  pop(key: K, fallback?: unknown): unknown {
    return this.callSync('pop', keyAnd(key, fallback));
  }

  /** The async form of {@link pop}. */
  popAsync(key: K): Promise<V | undefined>;
  popAsync<D>(key: K, fallback: D): Promise<V | D>;
  popAsync(key: K, fallback?: unknown): Promise<unknown> {
    return this.callAsync('pop', keyAnd(key, fallback));
  }

  /** A copy of the whole dict as a Map (keys keep their types). Blocking: workers. */
  toMap(): Map<K, V> {
    return this.callSync('toMap', []) as Map<K, V>;
  }

  /** The async form of {@link toMap}. */
  toMapAsync(): Promise<Map<K, V>> {
    return this.callAsync('toMap', []) as Promise<Map<K, V>>;
  }

  /** A copy of the whole dict as a plain object, keys as strings (`1` and `'1'` collide). Blocking: workers. */
  toObject(): Record<string, V> {
    return this.callSync('toObject', []) as Record<string, V>;
  }

  /** The async form of {@link toObject}. */
  toObjectAsync(): Promise<Record<string, V>> {
    return this.callAsync('toObject', []) as Promise<Record<string, V>>;
  }
}
