/**
 * What every object a manager serves is, to the host (host.ts): a type name for messages, a table of methods,
 * and what it does when a session closes. The arguments arrive from the wire, so every method checks them
 * here, on the server, whatever the proxy already checked: a peer speaking the protocol directly gets the same
 * typed errors as a proxy's caller, never a crash of the server.
 */
import { InvalidArgumentError } from '../../errors.ts';
import { describe } from '../../sync/options.ts';
import type { Invocation, Session } from '../types.ts';

/** One method of a hosted object: its arguments as sent, the invocation (session, timeout, signal). */
export type Method<O> = (object: O, args: readonly unknown[], invocation: Invocation) => unknown;

/** A type's methods by name. Built with {@link methodTable}, so `toString` or `__proto__` are never methods. */
export type MethodTable<O> = Readonly<Record<string, Method<O>>>;

/** An object the host serves. */
export interface Hosted {
  /** The ManagedType it was created as (a Pipe's ends say `'Connection'`), for messages. */
  readonly type: string;
  /** Runs a method; throws InvalidArgumentError if the type has no method of that name. */
  invoke(method: string, args: readonly unknown[], invocation: Invocation): unknown;
  /** The session is gone: drop its waiters, abandon what it held. */
  sessionClosed(session: Session): void;
}

/** A frozen, prototype-less table: a method name from the wire can only find what is listed. */
export function methodTable<O>(methods: Record<string, Method<O>>): MethodTable<O> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, Method<O>>, methods));
}

/** Looks `method` up in `table` and runs it; what each Hosted's `invoke` does. */
export function dispatch<O extends Hosted>(
  object: O,
  table: MethodTable<O>,
  method: string,
  args: readonly unknown[],
  invocation: Invocation,
): unknown {
  const run = table[method];
  if (run === undefined)
    throw new InvalidArgumentError(
      `A managed ${object.type} has no method ${JSON.stringify(method)}; it has ${Object.keys(table).join(', ')}`,
    );
  return run(object, args, invocation);
}

/** Throws InvalidArgumentError unless `args.length` is from `min` to `max`. */
export function arity(args: readonly unknown[], min: number, max: number, call: string): void {
  if (args.length >= min && args.length <= max) return;
  const expected = min === max ? `${min}` : `${min} to ${max}`;
  throw new InvalidArgumentError(`Expected ${expected} argument(s) to ${call}, got ${args.length}`);
}

/** An integer argument from `min` to `max` (or `fallback` when absent). */
export function integerArg(
  value: unknown,
  name: string,
  min: number,
  max: number,
  fallback?: number,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new InvalidArgumentError(
      `Expected \`${name}\` to be an integer from ${min} to ${max}, got ${describe(value)}`,
    );
  return value;
}

/** A boolean argument (or `fallback` when absent). */
export function booleanArg(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new InvalidArgumentError(`Expected \`${name}\` to be a boolean, got ${describe(value)}`);
  return value;
}

/** A timeout in ms (undefined = for ever), as a barrier's default timeout or an invocation's. */
export function timeoutArg(value: unknown, name: string): number | undefined {
  if (value === undefined || value === Infinity) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0)
    throw new InvalidArgumentError(
      `Expected \`${name}\` to be a number of milliseconds from 0 up (or Infinity), got ${describe(value)}`,
    );
  return value;
}
