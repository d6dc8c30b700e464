/** Finds the `spin()` iteration count that takes `targetMs` on this machine (scenario 3). */
import work from './tasks/work.cts';

/** The fastest of three runs: other work on the machine can only make a run slower, never faster. */
function time(iterations: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    work.spin(iterations);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

export function calibrateSpin(targetMs: number): number {
  time(1_000_000); // Let V8 optimise the loop before measuring it.
  let iterations = 1_000_000;
  while (time(iterations) < 20) iterations *= 2;
  iterations = Math.round((iterations * targetMs) / time(iterations));
  // One full-length check, to correct for the short probe's timer and frequency noise.
  return Math.round((iterations * targetMs) / time(iterations));
}
