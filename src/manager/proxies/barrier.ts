/** `BarrierProxy`: a managed Barrier (Python's `Manager().Barrier(parties)`) from any thread or process. */
import { registerShareable } from '../../core/shareable.ts';
import type { AsyncWaitOptions } from '../../sync/options.ts';
import { channelFor } from '../channels.ts';
import type { ManagerChannel } from '../types.ts';
import type { ProxyState } from './managed-proxy.ts';
import { ManagedProxy, proxyKind } from './managed-proxy.ts';
import { asyncOptions, checkTimeout } from './options.ts';

registerShareable(
  proxyKind('Barrier'),
  (state: ProxyState) => new BarrierProxy(channelFor(state.endpoint), state.id),
);

/**
 * A barrier on a manager (Python's `Manager().Barrier(parties, timeout)`): each of `parties` sessions calls
 * `wait()`, which returns once all have arrived, with a distinct arrival index from 0 to `parties - 1`.
 * Reusable. The surface of the thread `Barrier`, with an `...Async` form of each method (the getters
 * `parties`, `nWaiting` and `broken` are methods here: each is a round trip).
 *
 * A wait that times out or is aborted, `abort()`, or a waiting party whose session closes breaks the barrier:
 * every waiter, and every later wait until `reset()`, gets BrokenBarrierError. There is no `action` (a function
 * cannot travel to the manager): run it in the party whose wait returned 0.
 * @example
 * ```ts
 * for (let round = 0; round < 10; round++) {
 *   step(round);
 *   if (barrier.wait(5_000) === 0) report(round); // in each worker
 * }
 * ```
 */
export class BarrierProxy extends ManagedProxy {
  /** @internal Made by `manager.Barrier()`, or revived from a task argument. */
  constructor(channel: ManagerChannel, id: number) {
    super(channel, id, 'Barrier', 'barrier');
  }

  /**
   * Blocks this worker until `parties` sessions have called `wait()`, then returns this one's arrival index.
   * Throws BrokenBarrierError if the barrier is or becomes broken; a wait that times out breaks it.
   * @param timeout ms to wait; the barrier's own default timeout if not given.
   */
  wait(timeout?: number): number {
    return this.callSync('wait', [], checkTimeout(timeout)) as number;
  }

  /**
   * Waits at the barrier without blocking the thread. Resolves to the arrival index; rejects with
   * BrokenBarrierError, or with `signal.reason` if `signal` aborts (which breaks the barrier for the others).
   */
  waitAsync(options?: AsyncWaitOptions): Promise<number> {
    return this.callAsync('wait', [], asyncOptions(options)) as Promise<number>;
  }

  /** Back to empty and unbroken; parties waiting now get BrokenBarrierError. Blocking: workers. */
  reset(): void {
    this.callSync('reset', []);
  }

  /** The async form of {@link reset}. */
  resetAsync(): Promise<void> {
    return this.callVoid('reset', []);
  }

  /** Breaks the barrier, releasing every waiter with BrokenBarrierError. Blocking: workers. */
  abort(): void {
    this.callSync('abort', []);
  }

  /** The async form of {@link abort}. */
  abortAsync(): Promise<void> {
    return this.callVoid('abort', []);
  }

  /** How many sessions must call `wait()` to trip it. Blocking: workers. */
  parties(): number {
    return this.callSync('parties', []) as number;
  }

  /** The async form of {@link parties}. */
  partiesAsync(): Promise<number> {
    return this.callAsync('parties', []) as Promise<number>;
  }

  /** How many parties wait now (a snapshot). Blocking: workers. */
  nWaiting(): number {
    return this.callSync('nWaiting', []) as number;
  }

  /** The async form of {@link nWaiting}. */
  nWaitingAsync(): Promise<number> {
    return this.callAsync('nWaiting', []) as Promise<number>;
  }

  /** True if the barrier is broken. Blocking: workers. */
  broken(): boolean {
    return this.callSync('broken', []) as boolean;
  }

  /** The async form of {@link broken}. */
  brokenAsync(): Promise<boolean> {
    return this.callAsync('broken', []) as Promise<boolean>;
  }
}
