// Built-in workload, blocking I/O: a call blocks its thread for 10 ms without using the CPU, as a synchronous
// file or database call does.
import { task } from '../../core/task.ts';

// Private to each thread: nobody ever notifies it, so every wait runs to its timeout.
const cell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for `ms` (Atomics.wait, which sleeps in the kernel). */
export const blockingRead = task(import.meta.url, (ms: number): number => {
  Atomics.wait(cell, 0, 0, ms);
  return ms;
});
