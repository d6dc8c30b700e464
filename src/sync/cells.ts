/** Shared memory for one primitive, and the rule every primitive follows when asked to cross to a process. */
import type { ShareTarget } from '../core/shareable.ts';

/** `count` zeroed Int32 cells in a SharedArrayBuffer of their own. */
export function allocateCells(count: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(count * Int32Array.BYTES_PER_ELEMENT));
}

/** Throws, saying why, if a thread-only primitive named `what` is being sent to a child process. */
export function refuseProcess(target: ShareTarget, what: string): void {
  if (target === 'process')
    throw new Error(
      `a ${what} lives in memory shared by the threads of one process and cannot reach a child process; ` +
        'use it with ThreadPoolExecutor or Thread. Between processes, use a Manager ' +
        `(\`await manager.${what}()\`)` +
        (what === 'Lock' || what === 'Semaphore' || what === 'BoundedSemaphore'
          ? ` or a Process${what} (shared memory)`
          : ''),
    );
}
