/**
 * Waiting on one 32-bit word of shared memory, the building block of every primitive and channel: a blocking
 * form for workers (`Atomics.wait`) and a promise form for the main thread (`Atomics.waitAsync`), both bounded
 * by a deadline on `performance.now()`'s clock.
 *
 * Waits are cut into slices of at most {@link SLICE_MS}: a waiter wakes now and then even if nobody notifies it,
 * so it can notice what no notification would tell it (the lock's owner died, its AbortSignal fired). A wake-up
 * is never lost by this: the value is re-checked after every slice.
 */
import { InvalidArgumentError } from '../errors.ts';

export type WaitOutcome = 'ok' | 'not-equal' | 'timed-out';

/** The longest a waiter sleeps before it looks around on its own. */
export const SLICE_MS = 100;

/**
 * Turns a user's `timeout` (ms; `undefined` or `Infinity` = wait forever) into a deadline, validating it.
 * @param what the option's name as the user wrote it, for the error message
 */
export function deadlineAfter(timeout: number | undefined, what = 'timeout'): number {
  if (timeout === undefined || timeout === Infinity) return Infinity;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0)
    throw new InvalidArgumentError(
      `Expected \`${what}\` to be a number of milliseconds from 0 up (or Infinity), got \`${String(timeout)}\` (${typeof timeout})`,
    );
  return performance.now() + timeout;
}

/** Milliseconds left until `deadline`, never negative. */
export function remaining(deadline: number): number {
  return deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now());
}

/**
 * Sleeps while `cells[index] === expected`, for at most one slice and never past `deadline`.
 * 'ok' means woken (or a slice ended): the caller re-checks its condition either way.
 */
export function waitSlice(cells: Int32Array, index: number, expected: number, deadline: number): WaitOutcome {
  const left = remaining(deadline);
  if (left === 0) return 'timed-out';
  const outcome = Atomics.wait(cells, index, expected, Math.min(left, SLICE_MS));
  return outcome === 'timed-out' ? (remaining(deadline) === 0 ? 'timed-out' : 'ok') : outcome;
}

/**
 * The promise form of {@link waitSlice}, for the main thread: the event loop keeps running meanwhile.
 *
 * With a `signal`, an abort ends the slice at once ('ok'; the caller checks `signal.aborted`). A pending
 * `Atomics.waitAsync` cannot be withdrawn, and one left behind would swallow a later `wake(…, 1)` meant for a
 * live waiter, so the abort wakes every waiter on the word instead: ours settles, the others see a spurious
 * wake-up, re-check their condition and sleep again.
 */
export async function waitSliceAsync(
  cells: Int32Array,
  index: number,
  expected: number,
  deadline: number,
  signal?: AbortSignal,
): Promise<WaitOutcome> {
  const left = remaining(deadline);
  if (left === 0) return 'timed-out';
  if (signal?.aborted === true) return 'ok';
  const slice = Math.min(left, SLICE_MS);
  const wait = Atomics.waitAsync(cells, index, expected, slice);
  let outcome: WaitOutcome;
  if (!wait.async) outcome = wait.value;
  else {
    // A pending Atomics.waitAsync does not keep Node's event loop alive: without this timer a program whose
    // main thread awaits a lock (or an event, a queue) would simply exit mid-wait. It must outlive the wait
    // (whose own timeout may fire a little late), so it is long and cleared once the wait settles.
    const keepAlive = setTimeout(noop, KEEP_ALIVE_MS);
    const onAbort = (): void => wake(cells, index);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      outcome = await wait.value;
    } finally {
      clearTimeout(keepAlive);
      signal?.removeEventListener('abort', onAbort);
    }
  }
  return outcome === 'timed-out' ? (remaining(deadline) === 0 ? 'timed-out' : 'ok') : outcome;
}

const KEEP_ALIVE_MS = 0x7fff_ffff;

function noop(): void {}

/** Wakes up to `count` waiters on the word (all by default). */
export function wake(cells: Int32Array, index: number, count = Infinity): void {
  Atomics.notify(cells, index, count);
}
