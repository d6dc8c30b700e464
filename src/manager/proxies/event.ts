/** `EventProxy`: a managed Event (Python's `Manager().Event()`) from any thread or process. */
import { registerShareable } from '../../core/shareable.ts';
import type { AsyncWaitOptions } from '../../sync/options.ts';
import { channelFor } from '../channels.ts';
import type { ManagerChannel } from '../types.ts';
import type { ProxyState } from './managed-proxy.ts';
import { ManagedProxy, proxyKind } from './managed-proxy.ts';
import { asyncOptions, checkTimeout } from './options.ts';

registerShareable(
  proxyKind('Event'),
  (state: ProxyState) => new EventProxy(channelFor(state.endpoint), state.id),
);

/**
 * A flag on a manager that sessions wait on until one of them sets it (Python's `Manager().Event()`). The
 * surface of the thread `Event`, with an `...Async` form of each method. Nobody holds an event, so nothing is
 * abandoned when a session closes.
 * @example
 * ```ts
 * // in each worker process:
 * if (!start.wait(10_000)) throw new Error('no start signal within 10 s');
 * // main thread:
 * await start.setAsync();
 * ```
 */
export class EventProxy extends ManagedProxy {
  /** @internal Made by `manager.Event()`, or revived from a task argument. */
  constructor(channel: ManagerChannel, id: number) {
    super(channel, id, 'Event', 'event');
  }

  /** True if the flag is set. Blocking (the round trip): workers. */
  isSet(): boolean {
    return this.callSync('isSet', []) as boolean;
  }

  /** The async form of {@link isSet}. */
  isSetAsync(): Promise<boolean> {
    return this.callAsync('isSet', []) as Promise<boolean>;
  }

  /** Sets the flag and wakes every waiter. Blocking: workers. */
  set(): void {
    this.callSync('set', []);
  }

  /** The async form of {@link set}. */
  setAsync(): Promise<void> {
    return this.callVoid('set', []);
  }

  /** Clears the flag. Blocking: workers. */
  clear(): void {
    this.callSync('clear', []);
  }

  /** The async form of {@link clear}. */
  clearAsync(): Promise<void> {
    return this.callVoid('clear', []);
  }

  /**
   * Blocks this worker until the flag is set or `timeout` (ms) runs out. Returns true if it was set (even if
   * cleared again since), false on timeout, as Python's.
   */
  wait(timeout?: number): boolean {
    return this.callSync('wait', [], checkTimeout(timeout)) as boolean;
  }

  /** Waits for the flag without blocking the thread: true once set, false on timeout; rejects on abort. */
  waitAsync(options?: AsyncWaitOptions): Promise<boolean> {
    return this.callAsync('wait', [], asyncOptions(options)) as Promise<boolean>;
  }
}
