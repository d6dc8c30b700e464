/**
 * The line of invocations waiting on one object (lock acquirers, queue getters, barrier parties, ...).
 *
 *   park ──▶ in line ──grant(value)────────────▶ resolves with value         (the object's state changed for it)
 *                    ├─timeout─▶ out of line ──▶ settles as onTimeout says  (false, QueueEmptyError, ...)
 *                    ├─signal──▶ out of line ──▶ settles as onAbort says    (default: rejects with signal.reason)
 *                    └─fail / dropSession ─────▶ rejects                     (abandoned lock, closed queue, gone peer)
 *
 * The server runs on one thread, so every change of an object's state and every hand-over to a waiter happens
 * in one synchronous step: a waiter is either still in line (and a timeout or an abort takes it out with no
 * effect) or already granted (and a later abort changes nothing). That is how "cancellation leaves no effect"
 * holds without any compare-and-swap.
 */
import { CancelledError } from '../../errors.ts';
import type { Session } from '../types.ts';

/** Who waits, for how long, and what can call the wait off: an Invocation fits. */
export interface WaitSpec {
  readonly session: Session;
  /** Milliseconds; undefined waits for ever. */
  readonly timeout?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** What settles a waiter that leaves the line without being granted. Both run after it has left. */
export interface LeaveHandlers<T> {
  onTimeout(): T | Promise<T>;
  /** @default rejects with `reason` */
  onAbort?(reason: unknown): T | Promise<T>;
}

/** A waiter as the object sees it: its session and what it brought (a putter's item, a party's index). */
export interface Waiter<D> {
  readonly session: Session;
  readonly data: D;
}

interface Entry<T, D> extends Waiter<D> {
  resolve(value: T | Promise<T>): void;
  reject(error: unknown): void;
  cleanup(): void;
}

/** Node fires a longer timer at once (TimeoutOverflowWarning); a wait that long is a wait for ever. */
const MAX_TIMER_MS = 0x7fff_ffff;

/** The waiters of one object, first come first served. */
export class WaiterList<T, D = undefined> {
  readonly #entries = new Set<Entry<T, D>>();

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Joins the line; the promise settles when the waiter is granted, times out, is aborted or failed. A timeout
   * of 0 does not join at all: it settles as `onTimeout` says at once. An already aborted signal settles as
   * `onAbort` says, also without joining.
   */
  park(spec: WaitSpec, data: D, handlers: LeaveHandlers<T>): Promise<T> {
    const { signal, timeout } = spec;
    const onAbort =
      handlers.onAbort ??
      ((reason: unknown): never => {
        throw reason;
      });
    if (signal?.aborted === true) return settle(() => onAbort(signal.reason));
    if (timeout === 0) return settle(handlers.onTimeout);
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const leave = (how: () => T | Promise<T>): void => {
        if (!this.#entries.delete(entry)) return;
        entry.cleanup();
        try {
          resolve(how());
        } catch (error) {
          reject(error);
        }
      };
      const abort = (): void => leave(() => onAbort(signal?.reason));
      const entry: Entry<T, D> = {
        session: spec.session,
        data,
        resolve,
        reject,
        cleanup: () => {
          if (timer !== undefined) clearTimeout(timer);
          signal?.removeEventListener('abort', abort);
        },
      };
      this.#entries.add(entry);
      if (timeout !== undefined && timeout <= MAX_TIMER_MS)
        timer = setTimeout(() => leave(handlers.onTimeout), timeout);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  /** The waiter first in line, still in line. */
  first(): Waiter<D> | undefined {
    for (const entry of this.#entries) return entry;
    return undefined;
  }

  /** Takes `waiter` out of line and resolves it with `value`. */
  grant(waiter: Waiter<D>, value: T | Promise<T>): void {
    const entry = waiter as Entry<T, D>;
    if (!this.#entries.delete(entry)) return;
    entry.cleanup();
    entry.resolve(value);
  }

  /** Takes `waiter` out of line and rejects it with `error`. */
  fail(waiter: Waiter<D>, error: unknown): void {
    const entry = waiter as Entry<T, D>;
    if (!this.#entries.delete(entry)) return;
    entry.cleanup();
    entry.reject(error);
  }

  /** Rejects everyone in line (a lock abandoned, a queue closed, a barrier broken). */
  failAll(error: () => unknown): void {
    for (const entry of [...this.#entries]) this.fail(entry, error());
  }

  /**
   * Takes a closed session's waiters out of line, so nothing is handed to a peer that cannot receive it (the
   * reply would go nowhere, and an item or a lock would be lost with it). Returns how many there were.
   */
  dropSession(session: Session): number {
    let dropped = 0;
    for (const entry of [...this.#entries])
      if (entry.session === session) {
        this.fail(entry, new CancelledError('The session of this call closed'));
        dropped++;
      }
    return dropped;
  }

  /** The waiters in line, first first (a snapshot: granting while iterating is safe). */
  waiters(): Waiter<D>[] {
    return [...this.#entries];
  }
}

function settle<T>(how: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(how());
  } catch (error) {
    return Promise.reject(error as Error);
  }
}
