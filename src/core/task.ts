/**
 * Task handles: a function plus the address a worker uses to find it again (module URL + export name).
 *
 * Thread and process workers cannot receive functions, so a task is addressed by where it lives. The export
 * name is found lazily, by importing the defining module in the parent and looking for the export whose value
 * is this handle; the result is cached on the handle, so the hot path never repeats it. That lookup is the
 * same one a distributed backend needs, which is why tasks are always addressable by module and export.
 */
import { InvalidArgumentError, NotATaskError, TaskNotFoundError } from '../errors.ts';
import type { CallOptions } from './call-options.ts';
import { validateCallOptions } from './call-options.ts';
import { rejectUnknownOptions } from './known-options.ts';

const kTask = Symbol.for('spindle.task');

/** A function defined with {@link task}, addressable by module URL and export name. */
export interface Task<A extends readonly unknown[], R> {
  /** The module that defined the task (`import.meta.url` at the definition). */
  readonly moduleUrl: string;
  /** The function itself; calling it runs the task in the current thread. */
  readonly fn: (...args: A) => R | PromiseLike<R>;
  /** Per-call options attached with {@link Task.with}. */
  readonly callOptions: Readonly<CallOptions>;
  /** The export name, once known (given to `task()`, or found on first use by a pool). */
  readonly exportName: string | undefined;
  /**
   * The same task with per-call options attached: `pool.submit(square.with({ timeout: 500 }), 7)`.
   * Options given here override those of the handle it was made from.
   */
  with(options: CallOptions): Task<A, R>;
  /** @internal brand; use {@link isTask}. */
  readonly [kTask]: TaskInternals;
}

/** Anything a `submit` accepts: a task handle, or (only for `AsyncExecutor`) a plain function. */
export type TaskLike<A extends readonly unknown[], R> = Task<A, R> | ((...args: A) => R | PromiseLike<R>);

/** The argument list of a task or function. */
export type TaskArgs<T> =
  T extends Task<infer A, unknown> ? A : T extends (...args: infer A) => unknown ? A : never;
/** The awaited result type of a task or function. */
export type TaskResult<T> =
  T extends Task<infer _A, infer R>
    ? Awaited<R>
    : T extends (...args: never[]) => infer R
      ? Awaited<R>
      : never;

interface TaskInternals {
  /** The handle `task()` returned; `with()` copies share it so export lookup finds them. */
  readonly root: AnyTask;
  exportName: string | undefined;
  resolving: Promise<string> | undefined;
}

/** @internal */
export type AnyTask = Task<never, unknown>;

export interface TaskDefinitionOptions {
  /**
   * The export that holds this task. Optional: pools find it by importing the module on first use. Give it
   * when the module cannot be imported from the parent at that point, or to skip the lookup.
   */
  readonly name?: string;
}

class TaskHandle<A extends readonly unknown[], R> implements Task<A, R> {
  readonly moduleUrl: string;
  readonly fn: (...args: A) => R | PromiseLike<R>;
  readonly callOptions: Readonly<CallOptions>;
  declare readonly [kTask]: TaskInternals;

  constructor(
    moduleUrl: string,
    fn: (...args: A) => R | PromiseLike<R>,
    callOptions: Readonly<CallOptions>,
    internals: TaskInternals | undefined,
  ) {
    this.moduleUrl = moduleUrl;
    this.fn = fn;
    this.callOptions = callOptions;
    // Non-enumerable, so a spread copy (`{ ...handle }`) is not mistaken for a task.
    Object.defineProperty(this, kTask, {
      value: internals ?? {
        root: this as unknown as AnyTask,
        exportName: undefined,
        resolving: undefined,
      },
    });
  }

  get exportName(): string | undefined {
    return this[kTask].exportName;
  }

  with(options: CallOptions): Task<A, R> {
    validateCallOptions(options, 'task.with(options)');
    return new TaskHandle(this.moduleUrl, this.fn, { ...this.callOptions, ...options }, this[kTask]);
  }
}

/**
 * Defines a task: a function that thread and process workers can load by itself, from the module that defines it.
 *
 * Export the handle from an ordinary ES module (`.ts` or `.js`); pass the handle to any executor.
 *
 * @param moduleUrl Always `import.meta.url` of the defining module.
 * @param fn The work. Arguments and results must be structured-cloneable to cross to a worker.
 * @example
 * ```ts
 * // tasks.ts
 * import { task } from 'spindle';
 * export const square = task(import.meta.url, (n: number) => n * n);
 * ```
 */
export function task<A extends readonly unknown[], R>(
  moduleUrl: string,
  fn: (...args: A) => R | PromiseLike<R>,
  options: TaskDefinitionOptions = {},
): Task<A, R> {
  if (typeof moduleUrl !== 'string' || !/^(file|data|https?|node):/.test(moduleUrl)) {
    throw new InvalidArgumentError(
      `Expected \`moduleUrl\` to be the defining module's \`import.meta.url\`, got ${describe(moduleUrl)}`,
    );
  }
  if (typeof fn !== 'function') {
    throw new InvalidArgumentError(`Expected \`fn\` to be a function, got ${describe(fn)}`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`Expected \`options\` to be an object, got ${describe(options)}`);
  }
  const callOption = ['timeout', 'signal', 'transfer'].find((key) => key in options);
  if (callOption !== undefined) {
    throw new InvalidArgumentError(
      `\`${callOption}\` is a call option: attach it with \`task.with({ ${callOption} })\`; ` +
        'task(moduleUrl, fn, options) takes only `name`',
    );
  }
  rejectUnknownOptions(options, ['name'], 'task(moduleUrl, fn, options)');
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
    throw new InvalidArgumentError(
      `Expected \`options.name\` to be a non-empty string, got ${describe(options.name)}`,
    );
  }
  const handle = new TaskHandle(moduleUrl, fn, {}, undefined);
  handle[kTask].exportName = options.name;
  return handle;
}

/** True when `value` is a handle made by {@link task} (from any copy of this package). */
export function isTask(value: unknown): value is AnyTask {
  return typeof value === 'object' && value !== null && kTask in value;
}

/** @internal The root handle (the one exported) of a task, for identity checks in workers. */
export function taskRoot(handle: AnyTask): AnyTask {
  return handle[kTask].root;
}

/** @internal Throws the error thread/process executors give for a non-task. */
export function assertTask(value: unknown, where: string): asserts value is AnyTask {
  if (isTask(value)) return;
  const hint =
    typeof value === 'function'
      ? ' Plain functions cannot be sent to another thread or process. Define it in a module with ' +
        '`export const name = task(import.meta.url, fn)` and pass that handle; or use AsyncExecutor, which runs ' +
        'plain functions on the event loop.'
      : ' Define tasks with `export const name = task(import.meta.url, fn)` in an ES module.';
  throw new NotATaskError(`${where} expects a task handle, got ${describe(value)}.${hint}`);
}

/**
 * @internal Finds (once) the export name under which the handle's module exports it. The promise is cached on
 * the handle, so concurrent first submissions share one lookup.
 */
export function resolveExportName(handle: AnyTask): string | Promise<string> {
  const internals = handle[kTask];
  if (internals.exportName !== undefined) return internals.exportName;
  internals.resolving ??= findExport(handle.moduleUrl, internals.root).then(
    (name) => (internals.exportName = name),
    (error: unknown) => {
      internals.resolving = undefined;
      throw error;
    },
  );
  return internals.resolving;
}

async function findExport(moduleUrl: string, root: AnyTask): Promise<string> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(moduleUrl)) as Record<string, unknown>;
  } catch (error) {
    throw new TaskNotFoundError(`Cannot import task module ${moduleUrl}: ${(error as Error)?.message}`, {
      cause: error,
    });
  }
  for (const [name, value] of Object.entries(mod)) {
    if (value === root || (isTask(value) && taskRoot(value) === root)) return name;
  }
  throw new TaskNotFoundError(
    `The task defined in ${moduleUrl} is not exported from it. Workers load tasks by export name: ` +
      '`export const name = task(import.meta.url, fn)`, or pass `{ name }` to task().',
  );
}

/** @internal Short description of a value for error messages: `` `0` (number) ``. */
export function describe(value: unknown): string {
  if (value === null) return '`null`';
  if (value === undefined) return '`undefined`';
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'string') return `\`${JSON.stringify(value)}\` (string)`;
  if (typeof value === 'object') return `${value.constructor?.name ?? 'Object'} object`;
  return `\`${String(value)}\` (${typeof value})`;
}
