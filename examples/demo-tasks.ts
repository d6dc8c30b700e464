// The two workloads of the demo, defined once as tasks so every backend runs the very same code.
import { task } from '../src/index.ts';

/** CPU-bound: counts the primes below `limit` by trial division (~100 ms for 250k on this machine). */
export const countPrimes = task(import.meta.url, (limit: number) => {
  let count = 0;
  for (let n = 2; n < limit; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
});

/** I/O-bound: one HTTP request to a local server that answers after a delay; returns the body's length. */
export const fetchLength = task(import.meta.url, async (url: string) => {
  const response = await fetch(url);
  return (await response.text()).length;
});
