// Helpers shared by the tests: futures in a given state (playing the executor through the internal
// symbols), and waiting a few event-loop rounds.
import assert from 'node:assert/strict';
import type { CancelHandler } from '../../src/core/future.ts';
import { Future, kReject, kResolve, kSetRunning } from '../../src/core/future.ts';

/** A future an executor has started. */
export function running<R>(handler?: CancelHandler): Future<R> {
  const future = new Future<R>(handler);
  assert.equal(future[kSetRunning](), true);
  return future;
}

/** A future that finished with `value`. */
export function resolved<R>(value: R): Future<R> {
  const future = running<R>();
  future[kResolve](value);
  return future;
}

/** A future that finished with `error`. */
export function failed(error: unknown = new Error('failed')): Future<never> {
  const future = running<never>();
  future[kReject](error);
  return future;
}

/** One event-loop round (timers' microtasks, immediates). */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Lets timers, immediates and microtasks run a few rounds. */
export async function ticks(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await tick();
}

/** True if `promise` settled within a few rounds of the event loop. */
export async function isSettled(promise: PromiseLike<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await ticks();
  return settled;
}

/** Runs `body`, then a few event-loop rounds, and returns every unhandled rejection seen meanwhile. */
export async function unhandledRejectionsDuring(body: () => void | Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => void seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await body();
    await ticks();
    return seen;
  } finally {
    process.off('unhandledRejection', listener);
  }
}
