/**
 * Keeps the last structured-clone message a thread received alive until the next one arrives, or until the
 * thread has received none for a second, so that the memory of the earlier ones is reused rather than handed
 * back to the kernel and faulted in again.
 *
 * Why it matters: a message carrying a large byte array makes the receiving thread allocate a buffer for it,
 * and glibc serves that from the thread's own malloc arena, at the top of its heap. Once a batch of such
 * messages is dead, the garbage collector frees their buffers together; freed memory that reaches the top of
 * the heap is trimmed (`madvise(MADV_DONTNEED)`), so every page of the next batch's buffers faults in anew.
 * On this machine a fault costs ~3 µs, ~0.7 ms per MiB, more than the copy itself. While the newest buffer is
 * alive it sits at the top, the buffers freed below it cannot join the top, and glibc reuses them.
 *
 * Measured with the benchmark's 1 MiB copy case in a script running five batches of 200 copies per pool, two
 * worker threads, six processes each way in alternation: first batch 2.0–2.6k MiB/s held against 1.8–2.5k not
 * held; fourth and fifth batches 4.5–7.0k against 2.3–5.1k. In a bare `postMessage` script, minor faults in
 * the two workers over five batches drop from 47–98k to 15–25k.
 *
 * The cost: one message per worker outlives its job, until the next message or for a second at most. Under an
 * allocator that does not trim this way the hold gains nothing and merely delays that message's collection.
 */
export class ArenaFence {
  #held: unknown;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #releaseAfterMs: number;

  constructor(releaseAfterMs = 1000) {
    this.#releaseAfterMs = releaseAfterMs;
  }

  /** Keeps `message` alive in place of the one held before it. */
  hold(message: unknown): void {
    this.#held = message;
    if (this.#timer === undefined) {
      this.#timer = setTimeout(this.#release, this.#releaseAfterMs);
      this.#timer.unref();
    } else {
      this.#timer.refresh(); // re-arms a timer that has already fired, too
    }
  }

  /** Whether a message is being held (for tests). */
  get holding(): boolean {
    return this.#held !== undefined;
  }

  #release = (): void => {
    this.#held = undefined;
  };
}
