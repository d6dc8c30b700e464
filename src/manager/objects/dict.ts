/**
 * The managed dict: Python's `Manager().dict()`, a map from primitive keys to opaque values.
 *
 * Keys are strings, numbers, bigints and booleans, compared as a JavaScript Map compares them (`1` and `'1'`
 * are two keys, `-0` is `0`, NaN is one key): they are what survives the trip to the server and back unchanged
 * and comparable. An object key would arrive as a copy, equal to nothing the server holds, so it is refused
 * with InvalidArgumentError rather than silently stored out of reach. Values are stored exactly as they came.
 */
import { InvalidArgumentError } from '../../errors.ts';
import { describe } from '../../sync/options.ts';
import type { Invocation, Session } from '../types.ts';
import type { Hosted } from './hosted.ts';
import { arity, dispatch, methodTable } from './hosted.ts';
import type { DictKey } from './dict-key.ts';
import { checkKey } from './dict-key.ts';

/** The entries of `update`'s argument: a Map, an array of [key, value] pairs, or a plain object. */
function entriesOf(source: unknown): [DictKey, unknown][] {
  let entries: [unknown, unknown][];
  if (source instanceof Map) entries = [...(source as Map<unknown, unknown>)];
  else if (Array.isArray(source)) {
    entries = source.map((pair: unknown, i) => {
      if (!Array.isArray(pair) || pair.length !== 2)
        throw new InvalidArgumentError(
          `Expected \`entries[${i}]\` to be a [key, value] pair, got ${describe(pair)}`,
        );
      return [pair[0], pair[1]] as [unknown, unknown];
    });
  } else if (isPlainObject(source)) entries = Object.entries(source);
  else
    throw new InvalidArgumentError(
      `Expected \`entries\` to be a Map, an array of [key, value] pairs or a plain object, got ${describe(source)}`,
    );
  // Every key checked before any is stored: a bad update changes nothing.
  return entries.map(([key, value], i) => [checkKey(key, `entries[${i}] key`), value]);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const METHODS = methodTable<HostDict>({
  /** [key, fallback?] → the value, or `fallback` (undefined) if the key is absent. */
  get: (dict, args) => {
    arity(args, 1, 2, 'dict.get');
    const key = checkKey(args[0]);
    return dict.map.has(key) ? dict.map.get(key) : args[1];
  },
  set: (dict, args) => {
    arity(args, 2, 2, 'dict.set');
    dict.map.set(checkKey(args[0]), args[1]);
  },
  has: (dict, args) => {
    arity(args, 1, 1, 'dict.has');
    return dict.map.has(checkKey(args[0]));
  },
  /** → true if the key was there. */
  delete: (dict, args) => {
    arity(args, 1, 1, 'dict.delete');
    return dict.map.delete(checkKey(args[0]));
  },
  keys: (dict, args) => {
    arity(args, 0, 0, 'dict.keys');
    return [...dict.map.keys()];
  },
  values: (dict, args) => {
    arity(args, 0, 0, 'dict.values');
    return [...dict.map.values()];
  },
  entries: (dict, args) => {
    arity(args, 0, 0, 'dict.entries');
    return [...dict.map.entries()];
  },
  size: (dict, args) => {
    arity(args, 0, 0, 'dict.size');
    return dict.map.size;
  },
  clear: (dict, args) => {
    arity(args, 0, 0, 'dict.clear');
    dict.map.clear();
  },
  /** [entries]: a Map, [key, value] pairs or a plain object; all or nothing. */
  update: (dict, args) => {
    arity(args, 1, 1, 'dict.update');
    for (const [key, value] of entriesOf(args[0])) dict.map.set(key, value);
  },
  /** [key, fallback] → the value if present, else stores and returns `fallback` (Python's `setdefault`). */
  setDefault: (dict, args) => {
    arity(args, 1, 2, 'dict.setDefault');
    const key = checkKey(args[0]);
    if (dict.map.has(key)) return dict.map.get(key);
    dict.map.set(key, args[1]);
    return args[1];
  },
  /** [key, fallback?] → removes and returns the value, or returns `fallback` (undefined) if absent. */
  pop: (dict, args) => {
    arity(args, 1, 2, 'dict.pop');
    const key = checkKey(args[0]);
    if (!dict.map.has(key)) return args[1];
    const value = dict.map.get(key);
    dict.map.delete(key);
    return value;
  },
  /** → a Map copy (keys keep their types). */
  toMap: (dict, args) => {
    arity(args, 0, 0, 'dict.toMap');
    return new Map(dict.map);
  },
  /** → a plain-object copy, keys as strings (`1` and `'1'` collide: the later wins). */
  toObject: (dict, args) => {
    arity(args, 0, 0, 'dict.toObject');
    return Object.fromEntries([...dict.map].map(([key, value]) => [String(key), value]));
  },
});

export class HostDict implements Hosted {
  readonly type = 'dict';
  readonly map = new Map<DictKey, unknown>();

  /** `[entries?]`: initial contents, as `update` takes them. */
  static create(args: readonly unknown[]): HostDict {
    arity(args, 0, 1, 'dict()');
    const dict = new HostDict();
    if (args[0] !== undefined) for (const [key, value] of entriesOf(args[0])) dict.map.set(key, value);
    return dict;
  }

  invoke(method: string, args: readonly unknown[], invocation: Invocation): unknown {
    return dispatch(this, METHODS, method, args, invocation);
  }

  sessionClosed(_session: Session): void {}
}
