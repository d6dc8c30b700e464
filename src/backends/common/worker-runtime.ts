/**
 * The worker side of a pool, shared by thread and process workers: loads task modules, runs jobs in arrival
 * order with at most `concurrency` at once, and hands each outcome to the transport.
 *
 * Synchronous tasks run inline while draining a batch, so a burst of tiny tasks costs one wake-up, not one
 * per task. Each result is handed over as soon as it exists (not at the end of the batch): if the worker
 * dies later in the batch, the parent still gets every result that was produced.
 *
 * A job whose task has not been defined yet waits for its DEFINE, untouched (so it can still be withdrawn):
 * the parent always sends the DEFINE first, but a thread worker's ring and its port are not ordered with
 * each other, and a DEFINE that did not fit in a full ring comes by the port.
 */
import { monotonicMs } from '../../core/clock.ts';
import { NotATaskError, TaskNotFoundError, WorkerStartError } from '../../errors.ts';
import { TaskScope, runInScope } from '../../core/current.ts';
import { Fifo } from '../../core/fifo.ts';
import { isTask } from '../../core/task.ts';
import type { DefineFrame, RunFrame } from './protocol.ts';
import { unpackSharedFrame } from './protocol.ts';
import { encodeError } from './remote-error.ts';
import { loadTaskModule } from './task-module.ts';

type TaskFn = (...args: readonly unknown[]) => unknown;

/** Where a worker's outcomes go. */
export interface WorkerSink {
  result(id: number, ok: boolean, runMicros: number, value: unknown): void;
  skipped(id: number): void;
  memory(bytes: number): void;
}

/** Decides, at the moment a job would start, whether it still may (the parent can withdraw queued jobs). */
export type StartGate = (frame: RunFrame) => boolean;

interface Definition {
  readonly moduleUrl: string;
  readonly exportName: string;
  fn: TaskFn | undefined;
  loading: Promise<TaskFn> | undefined;
}

export interface WorkerRuntimeOptions {
  readonly concurrency: number;
  /** Report memory at most this often (ms); 0 turns reports off. */
  readonly memoryReportMs: number;
  readonly measureMemory: () => number;
}

export class WorkerRuntime {
  readonly #sink: WorkerSink;
  readonly #gate: StartGate;
  readonly #options: WorkerRuntimeOptions;
  readonly #definitions = new Map<number, Definition>();
  readonly #modules = new Map<string, Promise<Record<string, unknown>>>();
  readonly #queue = new Fifo<RunFrame>();
  /** Jobs whose task key has no definition yet, by key, in arrival order. */
  readonly #undefined = new Map<number, RunFrame[]>();
  #active = 0;
  #lastMemoryReport = 0;

  constructor(sink: WorkerSink, gate: StartGate, options: WorkerRuntimeOptions) {
    this.#sink = sink;
    this.#gate = gate;
    this.#options = options;
  }

  /** Jobs queued or running. */
  get busy(): boolean {
    return this.#active > 0 || this.#queue.size > 0 || this.#undefined.size > 0;
  }

  define(frame: DefineFrame): void {
    this.#definitions.set(frame.key, {
      moduleUrl: frame.moduleUrl,
      exportName: frame.exportName,
      fn: undefined,
      loading: undefined,
    });
    const waiting = this.#undefined.get(frame.key);
    if (waiting === undefined) return;
    this.#undefined.delete(frame.key);
    for (let i = waiting.length - 1; i >= 0; i--) this.#queue.unshift(waiting[i]!); // next, in their order
  }

  enqueue(frame: RunFrame): void {
    this.#queue.push(frame);
  }

  /**
   * Queues a job whose arguments hold shared objects in wire form, once their modules are loaded: revived
   * here. A job whose objects cannot be revived fails alone; the worker carries on.
   */
  enqueueShared(frame: RunFrame): void {
    let ready: RunFrame;
    try {
      ready = unpackSharedFrame(frame);
    } catch (error) {
      this.#sink.result(frame.id, false, 0, encodeError(error));
      return;
    }
    this.enqueue(ready);
  }

  /** Starts queued jobs while below the concurrency limit. Call after enqueueing a batch. */
  pump(): void {
    while (this.#active < this.#options.concurrency) {
      const frame = this.#queue.shift();
      if (frame === undefined) return;
      const definition = this.#definitions.get(frame.key);
      if (definition === undefined) {
        const waiting = this.#undefined.get(frame.key);
        if (waiting === undefined) this.#undefined.set(frame.key, [frame]);
        else waiting.push(frame);
        continue;
      }
      if (!this.#gate(frame)) {
        this.#sink.skipped(frame.id);
        continue;
      }
      this.#start(frame, definition);
    }
  }

  #start(frame: RunFrame, definition: Definition): void {
    if (definition.fn !== undefined) {
      this.#call(frame, definition.fn);
      return;
    }
    this.#active++;
    definition.loading ??= this.#load(definition);
    definition.loading.then(
      (fn) => {
        definition.fn = fn;
        this.#active--;
        this.#call(frame, fn);
        this.pump();
      },
      (error: unknown) => {
        this.#active--;
        this.#fail(frame.id, 0, error);
        this.pump();
      },
    );
  }

  #call(frame: RunFrame, fn: TaskFn): void {
    const started = monotonicMs();
    let outcome: unknown;
    try {
      outcome = runInScope(new TaskScope(), fn, frame.args);
    } catch (error) {
      this.#fail(frame.id, started, error);
      return;
    }
    if (outcome !== null && typeof (outcome as PromiseLike<unknown>)?.then === 'function') {
      this.#active++;
      (outcome as PromiseLike<unknown>).then(
        (value) => {
          this.#active--;
          this.#succeed(frame.id, started, value);
          this.pump();
        },
        (error: unknown) => {
          this.#active--;
          this.#fail(frame.id, started, error);
          this.pump();
        },
      );
      return;
    }
    this.#succeed(frame.id, started, outcome);
  }

  #succeed(id: number, started: number, value: unknown): void {
    this.#sink.result(id, true, (monotonicMs() - started) * 1000, value);
    this.#maybeReportMemory();
  }

  #fail(id: number, started: number, error: unknown): void {
    const runMicros = started === 0 ? 0 : (monotonicMs() - started) * 1000;
    this.#sink.result(id, false, runMicros, encodeError(error));
    this.#maybeReportMemory();
  }

  #maybeReportMemory(): void {
    const every = this.#options.memoryReportMs;
    if (every === 0) return;
    const now = monotonicMs();
    if (now - this.#lastMemoryReport < every) return;
    this.#lastMemoryReport = now;
    this.#sink.memory(this.#options.measureMemory());
  }

  async #load(definition: Definition): Promise<TaskFn> {
    const { moduleUrl, exportName } = definition;
    let loading = this.#modules.get(moduleUrl);
    if (loading === undefined) {
      loading = loadTaskModule(moduleUrl);
      this.#modules.set(moduleUrl, loading);
    }
    let mod: Record<string, unknown>;
    try {
      mod = await loading;
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      if (
        code === 'ERR_MODULE_NOT_FOUND' &&
        String((error as Error).message).includes(moduleUrl.replace('file://', ''))
      ) {
        throw new TaskNotFoundError(`Task module not found: ${moduleUrl}`, { cause: error });
      }
      throw new WorkerStartError(
        `The worker could not load task module ${moduleUrl}: ${(error as Error)?.message ?? String(error)}`,
        { cause: error },
      );
    }
    if (!(exportName in mod)) {
      throw new TaskNotFoundError(`Module ${moduleUrl} has no export named \`${exportName}\``);
    }
    const value = mod[exportName];
    if (isTask(value)) return value.fn as TaskFn;
    if (typeof value === 'function') return value as TaskFn;
    throw new NotATaskError(`Export \`${exportName}\` of ${moduleUrl} is not a task (got ${typeof value})`);
  }
}
