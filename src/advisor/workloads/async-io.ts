// Built-in workload, async I/O: a call awaits a 20 ms timer, standing in for a network or database round trip.
import { setTimeout as sleep } from 'node:timers/promises';
import { task } from '../../core/task.ts';

/** Waits `ms` without blocking the thread, then answers. */
export const awaitReply = task(import.meta.url, async (ms: number): Promise<string> => {
  await sleep(ms);
  return 'ok';
});
