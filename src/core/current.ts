/**
 * The running task's scope, so a task can read its own AbortSignal without a parameter for it.
 *
 * AsyncLocalStorage carries the scope across `await` (about 0.25 µs per async task on Node 20). The
 * AbortController inside is created only if the task asks for its signal or is cancelled: most tasks never
 * do, and an AbortController costs more than the rest of a tiny task's bookkeeping.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { NoCurrentTaskError } from '../errors.ts';

/** @internal */
export class TaskScope {
  #controller: AbortController | undefined;
  #reason: unknown = undefined;
  #aborted = false;

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

// One store per thread, shared by every copy of the package that gets loaded (the worker runtime may run
// from one copy while a task module imports another), hence the global registry symbol.
const kTaskContext = Symbol.for('spindle.taskContext');
const registry = globalThis as unknown as Record<symbol, AsyncLocalStorage<TaskScope> | undefined>;

/** @internal */
export const taskContext: AsyncLocalStorage<TaskScope> = (registry[kTaskContext] ??=
  new AsyncLocalStorage<TaskScope>());

/**
 * The AbortSignal of the task running now (in this thread, worker or process). It aborts when the task is
 * cancelled or times out; pass it on to `fetch`, timers and streams so they stop too.
 * @throws NoCurrentTaskError when called outside a task.
 * @example
 * ```ts
 * export const download = task(import.meta.url, async (url: string) => {
 *   const response = await fetch(url, { signal: currentSignal() });
 *   return response.text();
 * });
 * ```
 */
export function currentSignal(): AbortSignal {
  const scope = taskContext.getStore();
  if (scope === undefined) throw new NoCurrentTaskError();
  return scope.signal;
}
