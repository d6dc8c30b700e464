/**
 * The managed namespace: Python's `Manager().Namespace()`, named attributes holding opaque values. Names are
 * strings (Python's attribute names); an attribute never set reads as undefined.
 */
import { InvalidArgumentError } from '../../errors.ts';
import { describe } from '../../sync/options.ts';
import type { Invocation, Session } from '../types.ts';
import type { Hosted } from './hosted.ts';
import { arity, dispatch, methodTable } from './hosted.ts';

function checkName(name: unknown): string {
  if (typeof name !== 'string')
    throw new InvalidArgumentError(`Expected \`name\` to be a string, got ${describe(name)}`);
  return name;
}

function checkObject(value: unknown): Record<string, unknown> {
  const proto =
    typeof value === 'object' && value !== null ? (Object.getPrototypeOf(value) as unknown) : undefined;
  if (proto !== Object.prototype && proto !== null)
    throw new InvalidArgumentError(`Expected \`attributes\` to be a plain object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

const METHODS = methodTable<HostNamespace>({
  get: (ns, args) => {
    arity(args, 1, 1, 'Namespace.get');
    return ns.attributes.get(checkName(args[0]));
  },
  set: (ns, args) => {
    arity(args, 2, 2, 'Namespace.set');
    ns.attributes.set(checkName(args[0]), args[1]);
  },
  has: (ns, args) => {
    arity(args, 1, 1, 'Namespace.has');
    return ns.attributes.has(checkName(args[0]));
  },
  /** → true if the attribute was there. */
  delete: (ns, args) => {
    arity(args, 1, 1, 'Namespace.delete');
    return ns.attributes.delete(checkName(args[0]));
  },
  /** [attributes]: sets several at once. */
  update: (ns, args) => {
    arity(args, 1, 1, 'Namespace.update');
    for (const [name, value] of Object.entries(checkObject(args[0]))) ns.attributes.set(name, value);
  },
  /** → a plain-object copy of every attribute. */
  toObject: (ns, args) => {
    arity(args, 0, 0, 'Namespace.toObject');
    return Object.fromEntries(ns.attributes);
  },
});

export class HostNamespace implements Hosted {
  readonly type = 'namespace';
  readonly attributes = new Map<string, unknown>();

  /** `[attributes?]`: a plain object of initial attributes (Python's `Namespace(**kwargs)`). */
  static create(args: readonly unknown[]): HostNamespace {
    arity(args, 0, 1, 'Namespace()');
    const ns = new HostNamespace();
    if (args[0] !== undefined)
      for (const [name, value] of Object.entries(checkObject(args[0]))) ns.attributes.set(name, value);
    return ns;
  }

  invoke(method: string, args: readonly unknown[], invocation: Invocation): unknown {
    return dispatch(this, METHODS, method, args, invocation);
  }

  sessionClosed(_session: Session): void {}
}
