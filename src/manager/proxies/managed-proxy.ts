/**
 * The base of every manager proxy: the object's id, the channel its calls travel through, and how it crosses to
 * a worker (its endpoint and id, revived there on that worker's own channel to the same manager).
 *
 *   proxy.get(k)      ──mayBlock? ──channel.callSync(id, 'get', [k])──▶ server ──▶ reply     (workers only)
 *   proxy.getAsync(k) ─────────────channel.call(id, 'get', [k], { timeout, signal })──▶ promise (any thread)
 *
 * Shared objects inside arguments and results (a proxy stored in a dict, a Lock sent through a queue) are packed
 * and revived by the channel itself, so the proxies pass values through untouched.
 */
import { assertMayBlock, mayBlock } from '../../core/may-block.ts';
import type { Shareable, ShareTarget, SharedWireForm } from '../../core/shareable.ts';
import { kShare } from '../../core/shareable.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { describe } from '../../sync/options.ts';
import type { ChannelCallOptions, ManagedType, ManagerChannel, ManagerEndpoint } from '../types.ts';

/** What a proxy sends in its place: enough for the receiving thread to reach the same object. */
export interface ProxyState {
  readonly endpoint: ManagerEndpoint;
  readonly id: number;
}

/** The wire kind of a proxy of `type`, e.g. `'spindle.manager.Lock'`. */
export function proxyKind(type: ManagedType | 'Connection'): string {
  return `spindle.manager.${type}`;
}

/** `'dict'` ⇒ `'DictProxy'`, `'Lock'` ⇒ `'LockProxy'`: the class a user holds, for messages. */
function className(type: string): string {
  return `${type.charAt(0).toUpperCase()}${type.slice(1)}Proxy`;
}

function noop(): void {}

let idOf: (proxy: ManagedProxy) => number;
let channelOf: (proxy: ManagedProxy) => ManagerChannel;

/**
 * A proxy of one object of a manager. Not constructed directly: the Manager's factories (`manager.dict()`,
 * `manager.Lock()`, ...) return the concrete proxies, and a proxy passed to a task arrives in the worker as a
 * proxy of the same object.
 */
export abstract class ManagedProxy implements Shareable {
  readonly #channel: ManagerChannel;
  readonly #id: number;
  readonly #type: ManagedType | 'Connection';
  /** How BlockingCallError names the proxy in `await x.methodAsync()`. */
  readonly #variable: string;

  static {
    idOf = (proxy) => proxy.#id;
    channelOf = (proxy) => proxy.#channel;
  }

  /**
   * @param channel this thread's channel to the manager holding the object
   * @param id the object's id on that manager
   */
  protected constructor(
    channel: ManagerChannel,
    id: number,
    type: ManagedType | 'Connection',
    variable: string,
  ) {
    if (typeof channel !== 'object' || channel === null || typeof channel.call !== 'function')
      throw new InvalidArgumentError(`Expected \`channel\` to be a ManagerChannel, got ${describe(channel)}`);
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1)
      throw new InvalidArgumentError(
        `Expected \`id\` to be an object id (an integer from 1 up), got ${describe(id)}`,
      );
    this.#channel = channel;
    this.#id = id;
    this.#type = type;
    this.#variable = variable;
  }

  /**
   * A blocking round trip (workers only). `name` is the public method, for the BlockingCallError that points
   * at its async form on the main thread.
   */
  protected callSync(
    method: string,
    args: readonly unknown[],
    timeout?: number,
    name = method,
    instead?: string,
  ): unknown {
    // mayBlock() first: the message strings would cost every call in a worker allocations.
    if (!mayBlock())
      assertMayBlock(
        `${className(this.#type)}.${name}()`,
        instead ?? `await ${this.#variable}.${name}Async()`,
      );
    return this.#channel.callSync(this.#id, method, args, timeout === undefined ? undefined : { timeout });
  }

  /** A round trip that does not block the thread. */
  protected callAsync(
    method: string,
    args: readonly unknown[],
    options?: ChannelCallOptions,
  ): Promise<unknown> {
    return this.#channel.call(this.#id, method, args, options);
  }

  /** A round trip whose answer is nothing. */
  protected callVoid(method: string, args: readonly unknown[], options?: ChannelCallOptions): Promise<void> {
    return this.callAsync(method, args, options).then(noop);
  }

  /** @internal How the proxy crosses to a worker thread or process: the manager's endpoint and the object id. */
  [kShare](_target: ShareTarget): SharedWireForm {
    const state: ProxyState = { endpoint: this.#channel.endpoint, id: this.#id };
    return { kind: proxyKind(this.#type), state };
  }
}

/**
 * The object id behind a proxy, for a factory that makes one managed object over another (a Condition over a
 * managed Lock sends the lock's id, not the proxy).
 * @throws InvalidArgumentError if `proxy` is not a manager proxy.
 */
export function objectIdOf(proxy: ManagedProxy): number {
  if (!(proxy instanceof ManagedProxy))
    throw new InvalidArgumentError(`Expected a manager proxy, got ${describe(proxy)}`);
  return idOf(proxy);
}

/**
 * The endpoint of the manager a proxy's object lives on (a factory checks that a Condition's lock lives on the
 * same manager as the Condition).
 * @throws InvalidArgumentError if `proxy` is not a manager proxy.
 */
export function endpointOf(proxy: ManagedProxy): ManagerEndpoint {
  if (!(proxy instanceof ManagedProxy))
    throw new InvalidArgumentError(`Expected a manager proxy, got ${describe(proxy)}`);
  return channelOf(proxy).endpoint;
}
