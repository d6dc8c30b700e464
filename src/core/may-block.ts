/**
 * Whether this thread may block. Blocking forms of the shared primitives (`lock.acquire()`, `queue.get()`) are
 * for workers; on the main thread they would freeze the event loop (every timer, socket and promise of the
 * program), so they throw there and point at the async form instead. A Spindle process worker runs tasks on its
 * main thread but is a worker all the same: its entry file marks it.
 */
import { BlockingCallError } from '../errors.ts';
import { nodeWorkerThreads } from './lazy-builtins.ts';

const kWorkerProcess = Symbol.for('spindle.workerProcess');

/** Called by a process worker's entry before any task runs. */
export function markWorkerProcess(): void {
  (globalThis as Record<symbol, unknown>)[kWorkerProcess] = true;
}

export function mayBlock(): boolean {
  return (
    !nodeWorkerThreads().isMainThread || (globalThis as Record<symbol, unknown>)[kWorkerProcess] === true
  );
}

/**
 * Throws BlockingCallError on the main thread.
 * @param call what was called, e.g. `'Lock.acquire()'`
 * @param instead the async form to use, e.g. `'await lock.acquireAsync()'`
 */
export function assertMayBlock(call: string, instead: string): void {
  if (mayBlock()) return;
  throw new BlockingCallError(
    `${call} blocks, and this is the main thread: blocking it would freeze the event loop. Use ${instead} here; ` +
      'the blocking form is for worker threads and processes.',
  );
}
