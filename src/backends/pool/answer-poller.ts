/**
 * After a handle sends jobs, keep the parent's event loop turning for a moment (one `setImmediate` after
 * another, each turn polling I/O without sleeping) while answers are still due: a tiny task's answer is then
 * read within microseconds instead of after the loop wakes from a blocking poll (~25 µs or more). Bounded to
 * {@link POLL_MS} after the last send, so an idle pool costs nothing.
 */
import { monotonicMs } from '../../core/clock.ts';

const POLL_MS = 0.05;

export class AnswerPoller {
  readonly #onTurn: () => void;
  readonly #awaiting: () => boolean;
  readonly #onStop: (() => void) | undefined;
  #polling = false;
  #until = 0;

  /**
   * @param onTurn work for each turn (e.g. draining a shared ring); may be a no-op when I/O events deliver.
   * @param awaiting whether answers are still due.
   * @param onStop called when polling stops (e.g. to ask the other side for a wake-up instead).
   */
  constructor(onTurn: () => void, awaiting: () => boolean, onStop?: () => void) {
    this.#onTurn = onTurn;
    this.#awaiting = awaiting;
    this.#onStop = onStop;
  }

  /** True while turns are being polled. */
  get polling(): boolean {
    return this.#polling;
  }

  /** Jobs were just sent: poll for the next moment. */
  sent(): void {
    this.#until = monotonicMs() + POLL_MS;
    if (this.#polling) return;
    this.#polling = true;
    setImmediate(this.#turn);
  }

  #turn = (): void => {
    this.#onTurn();
    if (this.#awaiting() && monotonicMs() < this.#until) {
      setImmediate(this.#turn);
      return;
    }
    this.#polling = false;
    this.#onStop?.();
  };
}
