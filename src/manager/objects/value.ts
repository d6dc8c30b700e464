/**
 * The managed value: Python's `Manager().Value()`, one opaque value with atomic read-modify-write methods, so
 * a counter shared by many processes needs no lock: `add` runs on the server in one step. The returns follow
 * the thread Value (shared/value.ts): `add`, `exchange` and `compareExchange` return the value before.
 */
import { isDeepStrictEqual } from 'node:util';
import { InvalidArgumentError, InvalidStateError } from '../../errors.ts';
import { describe } from '../../sync/options.ts';
import type { Invocation, Session } from '../types.ts';
import type { Hosted } from './hosted.ts';
import { arity, dispatch, methodTable } from './hosted.ts';

const METHODS = methodTable<HostValue>({
  get: (value, args) => {
    arity(args, 0, 0, 'Value.get');
    return value.current;
  },
  set: (value, args) => {
    arity(args, 1, 1, 'Value.set');
    value.current = args[0];
  },
  /** [delta] → the value before; the value and delta must both be numbers, or both bigints. */
  add: (value, args) => {
    arity(args, 1, 1, 'Value.add');
    return value.add(args[0]);
  },
  /** [next] → the value before. */
  exchange: (value, args) => {
    arity(args, 1, 1, 'Value.exchange');
    const before = value.current;
    value.current = args[0];
    return before;
  },
  /**
   * [expected, replacement] → the value before; stores `replacement` if it equalled `expected` (primitives by
   * `===`, so NaN matches nothing as in the thread Value; objects and arrays by deep equality).
   */
  compareExchange: (value, args) => {
    arity(args, 2, 2, 'Value.compareExchange');
    const before = value.current;
    if (equal(before, args[0])) value.current = args[1];
    return before;
  },
});

function equal(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b;
  return isDeepStrictEqual(a, b);
}

export class HostValue implements Hosted {
  readonly type = 'value';
  current: unknown;

  /** `[initial = 0]`. */
  static create(args: readonly unknown[]): HostValue {
    arity(args, 0, 1, 'Value()');
    return new HostValue(args.length === 0 ? 0 : args[0]);
  }

  private constructor(initial: unknown) {
    this.current = initial;
  }

  invoke(method: string, args: readonly unknown[], invocation: Invocation): unknown {
    return dispatch(this, METHODS, method, args, invocation);
  }

  add(delta: unknown): number | bigint {
    const before = this.current;
    if (typeof delta !== 'number' && typeof delta !== 'bigint')
      throw new InvalidArgumentError(`Expected \`delta\` to be a number or a bigint, got ${describe(delta)}`);
    if (typeof before !== 'number' && typeof before !== 'bigint')
      throw new InvalidStateError(
        `Cannot add to a managed value holding ${describe(before)}: it is not a number`,
      );
    if (typeof before !== typeof delta)
      throw new InvalidArgumentError(
        `Expected \`delta\` to be a ${typeof before} like the value it adds to, got ${describe(delta)}`,
      );
    this.current = (before as number) + (delta as number);
    return before;
  }

  sessionClosed(_session: Session): void {}
}
