/**
 * Keeps this thread's event loop polling, never sleeping, for a moment after each {@link extend}: both ends of
 * the wire call it when an answer is due soon (a client after sending a request, a server after sending a
 * reply, while the client's next request is likely on its way).
 *
 * Why: on a virtual machine a CPU with nothing to run halts, and waking it for the next packet costs tens of
 * microseconds, more than the rest of a round trip put together (profiled: 2 halted wake-ups per call were
 * about 60% of a manager call's time). A pending immediate makes libuv poll for I/O without blocking, so the
 * packet is read as soon as it lands and no CPU halts meanwhile. Each turn yields to all other work; the window
 * is bounded, so a quiet peer costs at most `windowMs` of polling per extend, never a busy thread.
 */
export class PollWindow {
  readonly #windowMs: number;
  #until = 0;
  #scheduled = false;

  /** @param windowMs how long to keep polling after each extend; 0 disables polling */
  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** Keeps the loop polling until `windowMs` from now. */
  extend(): void {
    if (this.#windowMs <= 0) return;
    this.#until = performance.now() + this.#windowMs;
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#tick);
    }
  }

  /** Lets the loop sleep again as soon as this turn ends. */
  stop(): void {
    this.#until = 0;
  }

  readonly #tick = (): void => {
    if (performance.now() < this.#until) setImmediate(this.#tick);
    else this.#scheduled = false;
  };
}
