/**
 * Calls a task's function in this thread, as a serial caller would, with a time limit on what can be
 * limited: a returned promise that does not settle in time is abandoned with a TimeoutError. A synchronous
 * call cannot be interrupted from its own thread; the profiler has already run the task once in a worker
 * (the preflight) under the same limit, so a task that always hangs never gets here.
 */
import { TimeoutError } from '../errors.ts';

type AnyFunction = (...args: readonly unknown[]) => unknown;

/** The function's value, or a promise of it when the function is async; throws what the task throws. */
export function callInline(fn: AnyFunction, args: readonly unknown[], timeoutMs: number): unknown {
  const value = fn(...args);
  if (!isThenable(value)) return value;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new TimeoutError(`The task did not settle within ${timeoutMs} ms`)),
      timeoutMs,
    );
    value.then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** `Name: message` of anything thrown, for reports. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `thrown value: ${String(error)}`;
}
