/**
 * The worker thread's side of copy staging (copy-staging.ts): sees that the blocks it was sent go back to the
 * parent's pool soon after the tasks that read them are done.
 *
 * A staged block returns to the pool when V8 frees the ArrayBuffer over it, and V8 frees it only when it
 * collects that object. A worker that runs tasks over large arrays allocates little else on its heap, so left
 * to itself it would collect only once external memory had grown by tens of MiB, and the parent would map
 * fresh blocks all that time, faulting in every page. So after every RECYCLE_BYTES of staged arguments the
 * worker runs one young-generation collection, on the next turn of its event loop (the tasks that read them
 * have returned by then, or are awaiting something): a fraction of a millisecond, against ~0.4 ms to map
 * and fill each fresh MiB. 200 copied 1 MiB arrays through two workers, batches after the first, three
 * processes each way: 2.1–4.8k MiB/s without it, 8.2–9.9k with it.
 *
 * What it cannot reach: an argument that a task holds while V8 collects the young generation (a task
 * that allocates megabytes, or awaits for long) is promoted to the old generation, and its block comes back
 * only with a full collection, as memory from structured clone would. A full collection here costs ~3–4 ms
 * even on a small heap, too much to run every few MiB.
 */
import { native } from '../../shm/native.ts';

/** Staged bytes received between two collections. */
const RECYCLE_BYTES = 4 * 1024 * 1024;

type Collector = (options: { type: 'minor' }) => void;

export class StagedRecycler {
  #bytes = 0;
  #scheduled = false;
  /** undefined until first needed; null where no collector can be had (the blocks then return later). */
  #collect: Collector | null | undefined;

  /** A job arrived carrying `bytes` of staged arguments. */
  received(bytes: number): void {
    this.#bytes += bytes;
    if (this.#bytes < RECYCLE_BYTES || this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#run);
  }

  readonly #run = (): void => {
    this.#scheduled = false;
    this.#bytes = 0;
    this.#collect ??= collector();
    this.#collect?.({ type: 'minor' });
  };
}

function collector(): Collector | null {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as Collector; // the process runs with --expose-gc
  try {
    return native().collectorFunction() ?? null;
  } catch {
    return null; // no addon: nothing was staged either
  }
}
