/** `NamespaceProxy`: a managed namespace (Python's `Manager().Namespace()`) from any thread or process. */
import { registerShareable } from '../../core/shareable.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { describe } from '../../sync/options.ts';
import { channelFor } from '../channels.ts';
import type { ManagerChannel } from '../types.ts';
import type { ProxyState } from './managed-proxy.ts';
import { ManagedProxy, proxyKind } from './managed-proxy.ts';

registerShareable(
  proxyKind('namespace'),
  (state: ProxyState) => new NamespaceProxy(channelFor(state.endpoint), state.id),
);

function checkName(name: unknown): string {
  if (typeof name !== 'string')
    throw new InvalidArgumentError(`Expected \`name\` to be a string, got ${describe(name)}`);
  return name;
}

function checkAttributes(attributes: unknown): object {
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes))
    throw new InvalidArgumentError(
      `Expected \`attributes\` to be a plain object, got ${describe(attributes)}`,
    );
  return attributes;
}

/**
 * Named attributes on a manager (Python's `Manager().Namespace()`), typed by `T`. JavaScript cannot make
 * `ns.x = 1` a round trip that may block, so attributes are read and written with `get` / `set`. Values are
 * stored as copies; an attribute never set reads as undefined.
 * @example
 * ```ts
 * const config = await manager.namespace<{ version: number; name: string }>();
 * await config.setAsync('version', 7);
 * // in a worker process:
 * config.get('version'); // 7
 * ```
 */
export class NamespaceProxy<T extends object = Record<string, unknown>> extends ManagedProxy {
  /** @internal Made by `manager.namespace()`, or revived from a task argument. */
  constructor(channel: ManagerChannel, id: number) {
    super(channel, id, 'namespace', 'namespace');
  }

  /** The attribute's value, undefined if never set. Blocking: workers. */
  get<N extends keyof T & string>(name: N): T[N] | undefined {
    return this.callSync('get', [checkName(name)]) as T[N] | undefined;
  }

  /** The async form of {@link get}. */
  getAsync<N extends keyof T & string>(name: N): Promise<T[N] | undefined> {
    return this.callAsync('get', [checkName(name)]) as Promise<T[N] | undefined>;
  }

  /** Sets the attribute. Blocking: workers. */
  set<N extends keyof T & string>(name: N, value: T[N]): void {
    this.callSync('set', [checkName(name), value]);
  }

  /** The async form of {@link set}. */
  setAsync<N extends keyof T & string>(name: N, value: T[N]): Promise<void> {
    return this.callVoid('set', [checkName(name), value]);
  }

  /** True if the attribute was set (and not deleted since). Blocking: workers. */
  has(name: keyof T & string): boolean {
    return this.callSync('has', [checkName(name)]) as boolean;
  }

  /** The async form of {@link has}. */
  hasAsync(name: keyof T & string): Promise<boolean> {
    return this.callAsync('has', [checkName(name)]) as Promise<boolean>;
  }

  /** Deletes the attribute; true if it was set. Blocking: workers. */
  delete(name: keyof T & string): boolean {
    return this.callSync('delete', [checkName(name)]) as boolean;
  }

  /** The async form of {@link delete}. */
  deleteAsync(name: keyof T & string): Promise<boolean> {
    return this.callAsync('delete', [checkName(name)]) as Promise<boolean>;
  }

  /** Sets several attributes in one step. Blocking: workers. */
  update(attributes: Partial<T>): void {
    this.callSync('update', [checkAttributes(attributes)]);
  }

  /** The async form of {@link update}. */
  updateAsync(attributes: Partial<T>): Promise<void> {
    return this.callVoid('update', [checkAttributes(attributes)]);
  }

  /** A copy of every attribute as a plain object. Blocking: workers. */
  toObject(): Partial<T> {
    return this.callSync('toObject', []) as Partial<T>;
  }

  /** The async form of {@link toObject}. */
  toObjectAsync(): Promise<Partial<T>> {
    return this.callAsync('toObject', []) as Promise<Partial<T>>;
  }
}
