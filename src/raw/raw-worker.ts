/**
 * The seeds' raw style, `threading.Thread(target=…).start(); t.join()`, over a one-worker pool: the same
 * task handles, error fidelity and crash reporting as the executors, with Python's method names.
 */
import type { Future } from '../core/future.ts';
import type { PoolExecutor } from '../backends/pool/pool-executor.ts';
import type { AnyTask, Task } from '../core/task.ts';
import { assertTask } from '../core/task.ts';
import { InvalidStateError } from '../errors.ts';
import { validateTimeout } from '../core/call-options.ts';

export abstract class RawWorker<A extends readonly unknown[], R> {
  /** A name for messages and debugging; settable, as in Python. @default 'Thread-N' / 'Process-N' */
  name: string;
  readonly #task: AnyTask;
  readonly #args: A;
  #future: Future<Awaited<R>> | undefined;
  #pool: PoolExecutor | undefined;

  /** @internal */
  protected constructor(kind: string, serial: number, task: Task<A, R>, args: A) {
    assertTask(task, `new ${kind}()`);
    this.name = `${kind}-${serial}`;
    this.#task = task as unknown as AnyTask;
    this.#args = args;
  }

  /** @internal */
  protected abstract createPool(): PoolExecutor;

  /**
   * Starts running the task in its own worker.
   * @throws InvalidStateError if called twice.
   */
  start(): this {
    if (this.#future !== undefined) throw new InvalidStateError(`${this.name} has already been started`);
    const pool = this.createPool();
    this.#pool = pool;
    const submit = pool.submit.bind(pool) as (
      task: AnyTask,
      ...args: readonly unknown[]
    ) => Future<Awaited<R>>;
    this.#future = submit(this.#task, ...this.#args);
    this.#future.addDoneCallback(() => void pool.shutdown());
    return this;
  }

  /**
   * Waits until the task has finished (succeeded or failed) or `timeoutMs` has passed, and says which.
   * Like Python's `join`, it never throws the task's error: read that from {@link RawWorker.result}.
   */
  async join(timeoutMs?: number): Promise<boolean> {
    validateTimeout(timeoutMs, '`timeoutMs` of join(timeoutMs)');
    const future = this.#started('join');
    try {
      await future.exception(timeoutMs);
    } catch {
      // a TimeoutError from exception() means "not finished yet"; a cancellation means finished
    }
    if (future.done()) await this.#pool?.shutdown();
    return future.done();
  }

  /** True from `start()` until the task has finished. */
  isAlive(): boolean {
    return this.#future !== undefined && !this.#future.done();
  }

  /** The task's result; rejects with its error (or `WorkerCrashedError` if the worker died). */
  result(): Promise<Awaited<R>> {
    return this.#started('get the result of').result();
  }

  /** The future behind this worker, for `wait`, `asCompleted` and callbacks. */
  get future(): Future<Awaited<R>> {
    return this.#started('read the future of');
  }

  /** @param action what the caller would do, for the message: `join`, `get the result of` */
  #started(action: string): Future<Awaited<R>> {
    if (this.#future === undefined) {
      throw new InvalidStateError(`Cannot ${action} ${this.name}: call start() first`);
    }
    return this.#future;
  }
}
