// Built-in workload, payload-dominated: a multi-MiB argument and almost no work on it.
import { task } from '../../core/task.ts';

/** Reads two elements of a large array: copying the array to a worker costs far more than this. */
export const firstAndLast = task(import.meta.url, (values: readonly number[]): number => {
  return (values[0] ?? 0) + (values[values.length - 1] ?? 0);
});
