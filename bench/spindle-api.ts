/**
 * The slice of Spindle's public API the benchmark uses, loaded by package name at run time.
 *
 * Why not `import { ThreadPoolExecutor } from 'spindle'`: the package resolves to `dist/`, which exists only
 * after `npm run build`, and `npm run typecheck` (which covers bench/) runs before any build. Spindle's pools
 * are also still being written, so the benchmark must run, and report "n/a", while an export is missing. A
 * non-literal specifier keeps TypeScript from resolving the package; the interfaces below are the contract
 * the benchmark codes against, and the run itself checks that the real exports have that shape.
 */
import type { TransferListItem } from 'node:worker_threads';
import { NotAvailableError } from './types.ts';

export interface SpindleTask<A extends readonly unknown[], R> {
  with(options: { readonly transfer?: readonly TransferListItem[] }): SpindleTask<A, R>;
}

export interface SpindlePool {
  submit<A extends readonly unknown[], R>(task: SpindleTask<A, R>, ...args: A): PromiseLike<Awaited<R>>;
  shutdown(): Promise<void>;
}

export interface SpindleAsyncExecutor {
  submit<A extends readonly unknown[], R>(fn: (...args: A) => R, ...args: A): PromiseLike<Awaited<R>>;
  shutdown?(): Promise<void>;
}

/** Scenarios 7–8: a lock shared by worker threads (blocking forms, used inside workers). */
export interface SpindleLock {
  acquire(): boolean;
  release(): void;
  locked(): boolean;
  hold(): Disposable;
}

/** Scenario 9: a queue shared by worker threads. */
export interface SpindleQueue<T> {
  put(item: T): void;
  get(): T;
}

export interface SpindlePoolOptions {
  readonly maxWorkers: number;
  readonly minWorkers: number;
}

/** Scenario 10: a managed value, read from the main thread (async) and from a worker (blocking). */
export interface SpindleValueProxy {
  get(): unknown;
  getAsync(): Promise<unknown>;
}

export interface SpindleManager {
  value(initial: number): Promise<SpindleValueProxy>;
  shutdown(): Promise<void>;
}

/** Scenario 11: a block of shared memory handed to a process worker by name. */
export interface SpindleSharedMemory {
  readonly buffer: SharedArrayBuffer;
  close(): void;
  unlink(): void;
}

interface SpindleModule {
  readonly task?: <A extends readonly unknown[], R>(
    moduleUrl: string,
    fn: (...args: A) => R,
  ) => SpindleTask<A, R>;
  readonly ThreadPoolExecutor?: new (options: SpindlePoolOptions) => SpindlePool;
  readonly ProcessPoolExecutor?: new (options: SpindlePoolOptions) => SpindlePool;
  readonly AsyncExecutor?: new (options: { readonly maxConcurrency: number }) => SpindleAsyncExecutor;
  readonly Lock?: new () => SpindleLock;
  readonly Queue?: new <T>() => SpindleQueue<T>;
  readonly Manager?: { start(): Promise<SpindleManager> } & (abstract new () => unknown);
  readonly SharedMemory?: new (options: { readonly size: number }) => SpindleSharedMemory;
}

const specifier: string = 'spindle';

/** Imports `spindle` (dist/index.js through the package's own "exports"); NotAvailableError if it is not built. */
export async function loadSpindle(): Promise<SpindleModule> {
  try {
    return (await import(specifier)) as SpindleModule;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
      throw new NotAvailableError('not built', { cause: error });
    }
    throw error;
  }
}

/** Returns the named export of Spindle, or throws NotAvailableError when the build does not have it yet. */
export async function spindleExport<K extends keyof SpindleModule>(
  name: K,
): Promise<NonNullable<SpindleModule[K]>> {
  const value = (await loadSpindle())[name];
  if (typeof value !== 'function') throw new NotAvailableError(`not built (no \`${name}\` export yet)`);
  return value as NonNullable<SpindleModule[K]>;
}
