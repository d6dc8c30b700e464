/**
 * Future: the result of a submitted task, with Python's `concurrent.futures.Future` semantics and
 * Node's idioms (it is awaitable).
 *
 *   pending ──setRunning──▶ running ──resolve/reject──▶ finished
 *      │                       │
 *      └───────cancel()────────┴──────────────────────▶ cancelled
 *
 * The caller half (`cancel`, `result`, `addDoneCallback`, `then`) is the public class API. The executor half
 * (setRunning, resolve, reject) is reached through module-private symbols, so users cannot settle a future
 * by mistake; each transition returns whether it happened, because executors race timeouts, cancellation
 * and late results and must drop whichever loses.
 *
 * A Future is a native Promise (a subclass whose `constructor` reads as Promise), so `await future` and
 * `Promise.all(futures)` take it as it is: no wrapper promise and no extra microtask per task, which is most of
 * what awaiting 100k tiny tasks costs. `then`/`catch`/`finally` return plain promises. A future that fails
 * with nobody listening raises no unhandled rejection: the error stays in the future, as in Python.
 */
import { CancelledError, InvalidArgumentError, TimeoutError } from '../errors.ts';
import { timerDelay, validateTimeout } from './call-options.ts';

export type FutureState = 'pending' | 'running' | 'finished' | 'cancelled';

/** The executor's side of cancellation: told when a pending or running future is cancelled. */
export interface CancelHandler {
  /** Called after the future has moved to `cancelled`; `wasRunning` says whether the task had started. */
  onCancel(future: Future<unknown>, wasRunning: boolean, reason: CancelledError | TimeoutError): void;
}

export type DoneCallback<R> = (future: Future<R>) => void;

/** @internal executor-side transitions */
export const kSetRunning = Symbol('setRunning');
/** @internal */
export const kResolve = Symbol('resolve');
/** @internal */
export const kReject = Symbol('reject');
/** @internal executor-side cancel with a chosen error (timeouts, signals, shutdown) */
export const kCancelWith = Symbol('cancelWith');
/** @internal where the executor that owns a future keeps its bookkeeping for it (saves a Map lookup) */
export const kSlot = Symbol('executorSlot');
/** @internal synchronous peek: true if the future is done with an error (or cancelled) */
export const kFailed = Symbol('failed');

// One number holds both the state and the outcome (a field less on every future).
const PENDING = 0;
const RUNNING = 1;
const FULFILLED = 2;
const REJECTED = 3;
const CANCELLED = 4; // rejected too

const STATE_NAMES: readonly FutureState[] = ['pending', 'running', 'finished', 'finished', 'cancelled'];

const noop = (): void => undefined;

/**
 * The executor every Future hands to Promise, which calls it at once: one function for all of them, where an
 * arrow per future cost a closure and a context (heap growth per queued submit 555 → 523 bytes, 100k submits
 * to a thread pool). The constructor picks the resolve function up straight after.
 */
let capturedResolve: (value: never) => void = noop;
function captureResolve(resolve: (value: never) => void): void {
  capturedResolve = resolve;
}

/**
 * What a failing future is resolved with: a thenable that rejects it, one microtask later. Futures keep only
 * their resolve function: holding the reject function too cost every future 64 bytes (a field and a function
 * object) for the rarer path.
 */
class Rejection {
  readonly #error: unknown;
  constructor(error: unknown) {
    this.#error = error;
  }
  then(_resolve: unknown, reject: (error: unknown) => void): void {
    reject(this.#error);
  }
}

export class Future<R> extends Promise<R> {
  /** @internal */
  [kSlot]: unknown = undefined;
  #status = PENDING;
  #handler: CancelHandler | undefined;
  // Stored without R in parameter position so Future<string> stays assignable to Future<unknown>.
  #callbacks: DoneCallback<never>[] | undefined;
  #resolvePromise: (value: never) => void;

  /** @internal Futures are made by executors; `handler` is told about cancellation. */
  constructor(handler?: CancelHandler) {
    super(captureResolve);
    this.#resolvePromise = capturedResolve;
    capturedResolve = noop; // holding the last one would keep its promise alive
    this.#handler = handler;
  }

  /** `'pending'` (queued), `'running'`, `'finished'` (with a result or an error) or `'cancelled'`. */
  get state(): FutureState {
    return STATE_NAMES[this.#status]!;
  }

  /** True if the task was cancelled (by `cancel()`, an aborted signal, a timeout or shutdown). */
  cancelled(): boolean {
    return this.#status === CANCELLED;
  }

  /** True while the task is executing. */
  running(): boolean {
    return this.#status === RUNNING;
  }

  /** True once the future has a result, an error, or was cancelled. */
  done(): boolean {
    return this.#status >= FULFILLED;
  }

  /**
   * Cancels the task. A queued task is removed; a running task on a thread or process pool is stopped (its
   * worker is terminated and replaced); an async task's signal is aborted. The future rejects with
   * `CancelledError`.
   * @returns false if the future had already finished or been cancelled.
   */
  cancel(): boolean {
    return this[kCancelWith](new CancelledError());
  }

  /**
   * Resolves to the task's result, or rejects with its error. With `timeoutMs`, rejects with `TimeoutError`
   * if the future is not done by then; the task itself keeps running (as in Python).
   */
  result(timeoutMs?: number): Promise<R> {
    if (timeoutMs === undefined) return this.then();
    return this.#whenDone(timeoutMs).then(() => this.then());
  }

  /**
   * Resolves to the task's error, or `undefined` if it succeeded. Rejects with `CancelledError` if it was
   * cancelled, and with `TimeoutError` if it is not done within `timeoutMs`.
   */
  async exception(timeoutMs?: number): Promise<unknown> {
    await this.#whenDone(timeoutMs);
    const cancelled = this.#status === CANCELLED;
    // The promise holds the outcome: a field for it cost every future 8 bytes.
    return Promise.prototype.then.call(
      this,
      () => undefined,
      (error: unknown) => {
        if (cancelled) throw error;
        return error;
      },
    );
  }

  /**
   * Calls `callback(future)` once the future is done (at once if it already is). A callback that throws
   * does not disturb the others; its error is reported as a process warning.
   */
  addDoneCallback(callback: DoneCallback<R>): void {
    if (typeof callback !== 'function') {
      throw new InvalidArgumentError(`Expected \`callback\` to be a function, got ${typeof callback}`);
    }
    if (this.done()) {
      this.#invoke(callback);
      return;
    }
    (this.#callbacks ??= []).push(callback as DoneCallback<never>);
  }

  override get [Symbol.toStringTag](): string {
    return 'Future';
  }

  /** @internal */
  [kFailed](): boolean {
    return this.#status >= REJECTED;
  }

  /** @internal Python's set_running_or_notify_cancel: false if the future was cancelled while queued. */
  [kSetRunning](): boolean {
    if (this.#status !== PENDING) return false;
    this.#status = RUNNING;
    return true;
  }

  /** @internal */
  [kResolve](value: R): boolean {
    if (this.done()) return false;
    this.#settle(FULFILLED, value);
    return true;
  }

  /** @internal */
  [kReject](error: unknown): boolean {
    if (this.done()) return false;
    this.#settle(REJECTED, error);
    return true;
  }

  /** @internal Cancels with a specific error (CancelledError or TimeoutError) and tells the executor. */
  [kCancelWith](error: CancelledError | TimeoutError): boolean {
    if (this.done()) return false;
    const wasRunning = this.#status === RUNNING;
    this.#settle(CANCELLED, error);
    this.#handler?.onCancel(this as Future<unknown>, wasRunning, error);
    this.#handler = undefined;
    return true;
  }

  #settle(status: number, value: unknown): void {
    this.#status = status;
    if (status !== CANCELLED) this.#handler = undefined;
    const resolvePromise = this.#resolvePromise;
    // Used once: dropping it frees the resolving functions and their context (a finished future kept by the
    // caller: 235 → 122 bytes, 100k of them after their tasks ended).
    this.#resolvePromise = noop;
    if (status === FULFILLED) {
      resolvePromise(value as never);
    } else {
      // As in Python, an error nobody asks for stays in the future: no unhandled-rejection report.
      Promise.prototype.then.call(this, undefined, noop);
      resolvePromise(new Rejection(value) as never);
    }
    const callbacks = this.#callbacks;
    if (callbacks !== undefined) {
      this.#callbacks = undefined;
      for (const callback of callbacks) this.#invoke(callback as DoneCallback<R>);
    }
  }

  #invoke(callback: DoneCallback<R>): void {
    try {
      callback(this);
    } catch (error) {
      process.emitWarning(`A Future done-callback threw: ${(error as Error)?.stack ?? String(error)}`, {
        code: 'SPINDLE_DONE_CALLBACK',
      });
    }
  }

  /** Resolves when done (never rejects with the task's error), or rejects with TimeoutError after `timeoutMs`. */
  #whenDone(timeoutMs: number | undefined): Promise<void> {
    try {
      validateTimeout(timeoutMs, '`timeoutMs`');
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.done()) return Promise.resolve();
    const delay = timerDelay(timeoutMs);
    // 0 only looks, as `timeout: 0` does everywhere in Spindle (and Python's result(timeout=0)): a timer of
    // 0 ms would wait a millisecond, long enough for a fast task to finish and pass for done in time.
    if (delay === 0)
      return Promise.reject(new TimeoutError('The future was not done (timeout 0 only looks)'));
    return new Promise<void>((resolve, reject) => {
      const timer =
        delay === undefined
          ? undefined
          : setTimeout(() => reject(new TimeoutError(`The future was not done within ${delay} ms`)), delay);
      this.addDoneCallback(() => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** True for a {@link Future} from any copy of this module. */
export function isFuture(value: unknown): value is Future<unknown> {
  return value instanceof Future;
}

// `await future` and `Promise.all(futures)` take a native promise as it is only if its `constructor` is
// Promise; otherwise each await wraps it in another promise and an extra microtask.
Object.defineProperty(Future.prototype, 'constructor', {
  value: Promise,
  writable: true,
  configurable: true,
});
