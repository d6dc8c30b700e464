// Built-in workload, memory-heavy: each call holds a large buffer while it runs, then lets it go.
import { task } from '../../core/task.ts';

/** Fills `mib` MiB of doubles and sums a sample of them; the buffer is garbage once the call returns. */
export const fillBuffer = task(import.meta.url, (mib: number): number => {
  const values = new Float64Array((mib * 1024 * 1024) / 8);
  for (let i = 0; i < values.length; i += 512) values[i] = i;
  let sum = 0;
  for (let i = 0; i < values.length; i += 4096) sum += values[i]!;
  return sum;
});
