/**
 * The managed list: Python's `Manager().list()`, an array of opaque values. Indexes follow Python: negative
 * ones count from the end (`-1` is the last item), an index outside the list is an error for `get`, `set` and
 * `pop`, and `insert` clamps it. Values are compared (by `indexOf`, `remove`) as `util.isDeepStrictEqual`
 * does, the nearest thing to Python's `==` for values that arrive as copies.
 */
import { isDeepStrictEqual } from 'node:util';
import { InvalidArgumentError, InvalidStateError } from '../../errors.ts';
import { describe } from '../../sync/options.ts';
import type { Invocation, Session } from '../types.ts';
import type { Hosted } from './hosted.ts';
import { arity, dispatch, methodTable } from './hosted.ts';

function checkInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new InvalidArgumentError(`Expected \`${name}\` to be an integer, got ${describe(value)}`);
  return value;
}

function checkArray(value: unknown, name: string): readonly unknown[] {
  if (!Array.isArray(value))
    throw new InvalidArgumentError(`Expected \`${name}\` to be an array, got ${describe(value)}`);
  return value;
}

/** An optional slice bound: undefined or an integer (negative counts from the end, as Array.slice). */
function sliceBound(value: unknown, name: string): number | undefined {
  return value === undefined ? undefined : checkInteger(value, name);
}

const METHODS = methodTable<HostList>({
  get: (list, args) => {
    arity(args, 1, 1, 'list.get');
    return list.items[list.position(args[0])];
  },
  set: (list, args) => {
    arity(args, 2, 2, 'list.set');
    list.items[list.position(args[0])] = args[1];
  },
  /** → the new length. */
  append: (list, args) => {
    arity(args, 1, 1, 'list.append');
    return list.items.push(args[0]);
  },
  /** [items] → the new length. */
  extend: (list, args) => {
    arity(args, 1, 1, 'list.extend');
    const items = checkArray(args[0], 'items');
    for (const item of items) list.items.push(item);
    return list.items.length;
  },
  /** [index, value]: before `index`, clamped to the list (Python's `insert`). */
  insert: (list, args) => {
    arity(args, 2, 2, 'list.insert');
    const index = checkInteger(args[0], 'index');
    const length = list.items.length;
    const at = index < 0 ? Math.max(0, length + index) : Math.min(index, length);
    list.items.splice(at, 0, args[1]);
  },
  /** [index = -1] → the item removed. */
  pop: (list, args) => {
    arity(args, 0, 1, 'list.pop');
    if (list.items.length === 0) throw new InvalidStateError('Cannot pop from an empty list');
    return list.items.splice(list.position(args[0] ?? -1), 1)[0];
  },
  /** [value] → true if an equal item was found (and its first occurrence removed). */
  remove: (list, args) => {
    arity(args, 1, 1, 'list.remove');
    const at = list.indexOf(args[0]);
    if (at >= 0) list.items.splice(at, 1);
    return at >= 0;
  },
  /** [value] → the index of the first equal item, -1 if none. */
  indexOf: (list, args) => {
    arity(args, 1, 1, 'list.indexOf');
    return list.indexOf(args[0]);
  },
  length: (list, args) => {
    arity(args, 0, 0, 'list.length');
    return list.items.length;
  },
  /** [start?, end?]: as Array.slice. */
  slice: (list, args) => {
    arity(args, 0, 2, 'list.slice');
    return list.items.slice(sliceBound(args[0], 'start'), sliceBound(args[1], 'end'));
  },
  toArray: (list, args) => {
    arity(args, 0, 0, 'list.toArray');
    return list.items.slice();
  },
  clear: (list, args) => {
    arity(args, 0, 0, 'list.clear');
    list.items.length = 0;
  },
});

export class HostList implements Hosted {
  readonly type = 'list';
  readonly items: unknown[] = [];

  /** `[items?]`: the initial contents. */
  static create(args: readonly unknown[]): HostList {
    arity(args, 0, 1, 'list()');
    const list = new HostList();
    if (args[0] !== undefined) for (const item of checkArray(args[0], 'items')) list.items.push(item);
    return list;
  }

  invoke(method: string, args: readonly unknown[], invocation: Invocation): unknown {
    return dispatch(this, METHODS, method, args, invocation);
  }

  /** The array position of a Python-style index; InvalidArgumentError outside the list. */
  position(index: unknown): number {
    const i = checkInteger(index, 'index');
    const length = this.items.length;
    const at = i < 0 ? length + i : i;
    if (at < 0 || at >= length)
      throw new InvalidArgumentError(
        length === 0
          ? `Expected \`index\` to be inside the list, got \`${i}\`: the list is empty`
          : `Expected \`index\` to be from ${-length} to ${length - 1} (the list holds ${length} item(s)), got \`${i}\``,
      );
    return at;
  }

  indexOf(value: unknown): number {
    return this.items.findIndex((item) => item === value || isDeepStrictEqual(item, value));
  }

  sessionClosed(_session: Session): void {}
}
