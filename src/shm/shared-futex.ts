/**
 * Waiting on a 32-bit word of memory shared between processes: sync/futex.ts again, but through the native
 * addon's process-shared futex instead of `Atomics.wait` / `Atomics.waitAsync`, whose waiters only ever
 * hear from their own process. Everyone who waits on a word or wakes it must come through here: a futex
 * wake never reaches an `Atomics.wait`, nor an `Atomics.notify` a futex waiter.
 *
 * Waits are cut into the same slices as the thread primitives' (SLICE_MS), so a waiter notices a dead holder
 * or an aborted signal; the value is re-checked after every slice, so no wake-up is lost by that.
 *
 * The async form sleeps on a libuv pool thread, in slices of ASYNC_SLICE_MS so that thread goes back to the
 * pool's other work (file system, DNS, crypto) between slices. The addon lets only two such waits hold pool
 * threads at once, process-wide (the pool has four by default, shared by every thread): past that, an async
 * wait polls on a timer every POLL_MS instead. Polling alone would cost every main-thread acquire a few
 * milliseconds of wake-up latency; pool threads alone could starve file I/O under many waiters.
 */
import type { WaitOutcome } from '../sync/futex.ts';
import { remaining, SLICE_MS } from '../sync/futex.ts';
import { native } from './native.ts';

export type { WaitOutcome };

/** A pool wait's longest slice. */
export const ASYNC_SLICE_MS = 20;
/** How often an async wait that found no pool budget looks again. */
export const POLL_MS = 2;

const OUTCOMES: readonly WaitOutcome[] = ['ok', 'not-equal', 'timed-out'];
const WAKE_ALL = 0x7fff_ffff;

function settle(outcome: number, deadline: number): WaitOutcome {
  const named = OUTCOMES[outcome] ?? 'ok';
  return named === 'timed-out' ? (remaining(deadline) === 0 ? 'timed-out' : 'ok') : named;
}

/**
 * Sleeps in the kernel while the int32 at `byteOffset` holds `expected`, for at most one slice and never
 * past `deadline`. 'ok' means woken (or the slice ended): the caller re-checks its condition either way.
 */
export function waitSlice(
  buffer: SharedArrayBuffer,
  byteOffset: number,
  expected: number,
  deadline: number,
): WaitOutcome {
  const left = remaining(deadline);
  if (left === 0) return 'timed-out';
  return settle(native().wait(buffer, byteOffset, expected, Math.min(left, SLICE_MS)), deadline);
}

/**
 * The promise form of {@link waitSlice}: the event loop runs meanwhile. An abort of `signal` ends the slice at
 * once ('ok'; the caller checks `signal.aborted`): a pool wait cannot be withdrawn, so the abort wakes every
 * waiter on the word, and the others, seeing a spurious wake-up, re-check and sleep again.
 */
export function waitSliceAsync(
  buffer: SharedArrayBuffer,
  byteOffset: number,
  expected: number,
  deadline: number,
  signal?: AbortSignal,
): Promise<WaitOutcome> {
  const left = remaining(deadline);
  if (left === 0) return Promise.resolve('timed-out');
  if (signal?.aborted === true) return Promise.resolve('ok');
  const binding = native();
  return new Promise((resolve) => {
    const onAbort = (): void => {
      binding.wake(buffer, byteOffset, WAKE_ALL);
    };
    const queued = binding.waitAsync(
      buffer,
      byteOffset,
      expected,
      Math.min(left, ASYNC_SLICE_MS),
      (outcome) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(settle(outcome, deadline));
      },
    );
    if (queued) {
      signal?.addEventListener('abort', onAbort, { once: true });
      return;
    }
    // No pool budget left: look again after POLL_MS (the caller re-checks the word), or at once on abort.
    if (Atomics.load(new Int32Array(buffer, byteOffset, 1), 0) !== expected) {
      resolve('not-equal');
      return;
    }
    const stopPolling = (): void => {
      clearTimeout(timer);
      resolve('ok');
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', stopPolling);
        resolve(remaining(deadline) === 0 ? 'timed-out' : 'ok');
      },
      Math.min(left, POLL_MS),
    );
    signal?.addEventListener('abort', stopPolling, { once: true });
  });
}

/** Wakes up to `count` waiters (all by default), in every process, on the int32 at `byteOffset`. */
export function wake(buffer: SharedArrayBuffer, byteOffset: number, count = WAKE_ALL): void {
  native().wake(buffer, byteOffset, Math.min(count, WAKE_ALL));
}
