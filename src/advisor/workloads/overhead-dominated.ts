// Built-in workload, overhead-dominated: far less work than sending it anywhere costs.
import { task } from '../../core/task.ts';

/** `n + 1`: a fraction of a microsecond. */
export const increment = task(import.meta.url, (n: number): number => n + 1);
