/**
 * The running task's scope, so a task can read its own AbortSignal without a parameter for it.
 *
 * The scope is set while the task's function runs synchronously, and cleared when it returns (or reaches its
 * first `await`). Not AsyncLocalStorage: on Node 20 enabling it installs promise hooks for the whole process,
 * which made every promise about 3× slower in our measurements, a tax on code that never asks for a signal.
 * So a task reads its signal at its start and keeps it; a read after an `await` gets a clear error, never a
 * wrong signal (no other task's synchronous code can be on the stack at that point).
 *
 * The AbortController inside is created only if the task asks for its signal.
 */
import { NoCurrentTaskError } from '../errors.ts';

/** @internal */
export class TaskScope {
  #controller: AbortController | undefined;

  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
  }

  /** Aborts the signal if the task asked for it; a task that never did cannot read it any more. */
  abort(reason: unknown): void {
    this.#controller?.abort(reason);
  }
}

// One slot per thread, shared by every copy of the package that gets loaded (the worker runtime may run from
// one copy while a task module imports another), hence the global registry symbol.
const kCurrent = Symbol.for('spindle.currentTaskScope');
const registry = globalThis as unknown as Record<symbol, { scope: TaskScope | undefined } | undefined>;
const slot = (registry[kCurrent] ??= { scope: undefined });

/** @internal Calls `fn(...args)` with `scope` as the current task scope for its synchronous part. */
export function runInScope(
  scope: TaskScope,
  fn: (...args: readonly unknown[]) => unknown,
  args: readonly unknown[],
): unknown {
  const previous = slot.scope;
  slot.scope = scope;
  try {
    return fn(...args);
  } finally {
    slot.scope = previous;
  }
}

/**
 * The AbortSignal of the task running now (in this thread, worker or process). It aborts when the task is
 * cancelled or times out; pass it on to `fetch`, timers and streams so they stop too.
 *
 * Call it synchronously in the task, before its first `await`, and keep the signal.
 * @throws NoCurrentTaskError when called outside a task, or after the task's first `await`.
 * @example
 * ```ts
 * export const download = task(import.meta.url, async (url: string) => {
 *   const signal = currentSignal(); // first thing, before any await
 *   const response = await fetch(url, { signal });
 *   return response.text();
 * });
 * ```
 */
export function currentSignal(): AbortSignal {
  const scope = slot.scope;
  if (scope === undefined) {
    throw new NoCurrentTaskError(
      "currentSignal() was called outside a running task, or after the task's first await: call it at the " +
        'start of the task, before awaiting anything, and keep the signal',
    );
  }
  return scope.signal;
}
