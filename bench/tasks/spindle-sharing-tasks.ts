/**
 * Spindle's side of the process-sharing scenarios (10–11): loops that run inside a worker and time
 * themselves there, and the receiving end of a 64 MiB hand-off.
 */
import type { SpindleSharedMemory, SpindleValueProxy } from '../spindle-api.ts';
import { spindleExport } from '../spindle-api.ts';

const task = await spindleExport('task');

/** 10. Blocking round trips to a manager from a worker: `calls` reads of a managed value; calls per second. */
export const managerCalls = task(
  import.meta.url,
  (value: SpindleValueProxy, calls: number, warmup: number) => {
    for (let i = 0; i < warmup; i++) value.get();
    const start = performance.now();
    for (let i = 0; i < calls; i++) value.get();
    return calls / ((performance.now() - start) / 1000);
  },
);

/** 11. The receiving end of a hand-off: touch the first and last element of what arrived, so it is really there. */
export const receiveArray = task(import.meta.url, (data: Float64Array) => data[0]! + data[data.length - 1]!);

export const receiveBlock = task(import.meta.url, (block: SpindleSharedMemory) => {
  const data = new Float64Array(block.buffer);
  return data[0]! + data[data.length - 1]!;
});
