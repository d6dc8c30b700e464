/**
 * Which of the threads Spindle started have exited, readable from every thread: a lock whose owner died can
 * notice, instead of leaving its waiters blocked forever.
 *
 * One shared table, made by the first thread that needs it and handed to every worker Spindle starts:
 *   table[threadId & MASK] = threadId   while that thread runs
 *                          = -threadId  after it exited
 * The parent marks both (it sees `new Worker` and the 'exit' event), so a thread that dies however it dies is
 * marked. A slot still held by a live thread is never taken over: a thread that finds no free slot goes untracked
 * and is simply never reported dead. Threads Spindle did not start (the main thread, a user's own Workers) are
 * never reported dead either: the cost of not knowing is a wait that only its timeout ends, never a false alarm.
 */
import { nodeWorkerThreads } from '../../core/lazy-builtins.ts';

const SLOTS = 1 << 16;
const MASK = SLOTS - 1;

let table: Int32Array | undefined;

/** The table's memory, created on first use in this thread (the parent passes it to each new worker). */
export function livenessBuffer(): SharedArrayBuffer {
  table ??= new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  return table.buffer as SharedArrayBuffer;
}

/** In a worker thread at start, before any task code runs: use the parent's table. */
export function adoptLiveness(buffer: SharedArrayBuffer): void {
  table = new Int32Array(buffer);
}

export function markThreadStarted(id: number): void {
  livenessBuffer();
  const slot = id & MASK;
  const held = Atomics.load(table!, slot);
  if (held > 0) return; // a live thread keeps its slot; this one goes untracked
  Atomics.compareExchange(table!, slot, held, id);
}

export function markThreadExited(id: number): void {
  if (table === undefined) return;
  Atomics.compareExchange(table, id & MASK, id, -id);
}

/** True only if `id` is a thread Spindle started and it has exited. */
export function isThreadGone(id: number): boolean {
  return id > 0 && table !== undefined && Atomics.load(table, id & MASK) === -id;
}

/** This thread's id (0 on the main thread), as recorded in shared objects as their owner. */
export function currentThreadId(): number {
  return nodeWorkerThreads().threadId;
}
