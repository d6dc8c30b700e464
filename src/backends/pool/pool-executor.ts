/**
 * The pool logic shared by ThreadPoolExecutor and ProcessPoolExecutor, written once against WorkerHandle.
 *
 *   submit ──▶ queue ──pump──▶ worker (≤ window jobs in flight each) ──result──▶ future
 *                ▲                 │ dies (crash, cancel, timeout)
 *                └── not started ◀─┴── started ──▶ WorkerCrashedError; worker replaced
 *
 * Window: how many jobs a worker holds at once. Tiny tasks need a deep window (one wake-up carries hundreds
 * of jobs); long tasks need a window of one (a job queued behind a 250 ms task on a busy worker while another
 * worker idles is lost parallelism). The window follows a moving average of measured run times: one job at
 * a time above 2 ms, up to 1,024 for microsecond tasks. With `concurrencyPerWorker` > 1 it is that number.
 *
 * A job is `running` from the moment it is handed to a worker (as in Python, where jobs in the call queue
 * are running). Cancelling it first tries to withdraw it from the worker; only if it has started is the
 * worker terminated. When a worker dies, jobs it had started fail with WorkerCrashedError and jobs it had
 * not are put back at the front of the queue, so one bad task never takes others down with it.
 */
import type { CallOptions, TransferItem } from '../../core/call-options.ts';
import { timerDelay } from '../../core/call-options.ts';
import { monotonicMs } from '../../core/clock.ts';
import type { BackendLoad, Job } from '../../core/executor.ts';
import { Executor } from '../../core/executor.ts';
import { Fifo } from '../../core/fifo.ts';
import type { Future } from '../../core/future.ts';
import { kCancelWith, kReject, kResolve, kSetRunning, kSlot } from '../../core/future.ts';
import type { AnyTask } from '../../core/task.ts';
import { assertTask, resolveExportName, taskRoot } from '../../core/task.ts';
import { TimeoutError, WorkerCrashedError, WorkerStartError, type WorkerExit } from '../../errors.ts';
import type { EncodedError } from '../common/remote-error.ts';
import { decodeError } from '../common/remote-error.ts';
import type { FilledPoolOptions } from './pool-options.ts';
import type { TaskAddress, WorkerEvents, WorkerHandle } from './worker-handle.ts';

/** One object per submitted task, from submit to result: what the pool keeps alive per queued task. */
interface PoolJob {
  readonly future: Future<unknown>;
  /**
   * The arguments; undefined for a call with exactly one, which is kept in `onlyArg` instead: the argument
   * array would cost each queued task 56 bytes, and live bytes per task set the pace of a large first batch.
   */
  readonly args: readonly unknown[] | undefined;
  readonly onlyArg: unknown;
  readonly options: CallOptions;
  readonly enqueuedAt: number;
  address: TaskAddress | undefined;
  id: number;
  worker: WorkerState | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Put back in the queue after its worker died before starting it; its future stays `running`. */
  requeued: boolean;
}

interface WorkerState {
  readonly handle: WorkerHandle;
  /** Job ids in dispatch order. */
  readonly inFlight: Set<number>;
  ready: boolean;
  retiring: boolean;
  refed: boolean;
  tasksRun: number;
  idleTimer: NodeJS.Timeout | undefined;
  killTimer: NodeJS.Timeout | undefined;
  /** Set when the pool itself terminates the worker (to stop a cancelled or timed-out job). */
  stoppedFor: string | undefined;
}

/** A job that transferred memory to its worker cannot be sent anywhere else. */
function movesMemory(pj: PoolJob): boolean {
  const { transfer } = pj.options;
  return transfer !== undefined && transfer.length > 0;
}

const WINDOW_LONG_TASK_MICROS = 2000;
/** Large payloads in flight per worker before it gets no more (see backlog.ts). */
const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;
/**
 * The deepest window. 1,024 against 256: the first of two batches of 100k tiny tasks on two worker threads
 * ~446k -> ~480k tasks/s (medians of 7 alternating runs): the parent ran out of jobs it could send while
 * workers were still waking up, idle ~20% of the batch.
 */
const WINDOW_MAX = 1024;

export abstract class PoolExecutor extends Executor implements WorkerEvents {
  readonly #options: FilledPoolOptions;
  readonly #kind: string;
  readonly #queue = new Fifo<PoolJob>();
  readonly #workers = new Map<WorkerHandle, WorkerState>();
  readonly #jobs = new Map<number, PoolJob>();
  /** Jobs handed to a worker (or put back after one died) and not done: their futures' slots hold them. */
  #runningCount = 0;
  readonly #addresses = new WeakMap<AnyTask, TaskAddress>();
  readonly #keys = new Map<string, number>();
  #nextJobId = 0;
  #nextWorkerId = 0;
  #resolving = 0;
  #ewmaMicros: number | undefined;
  #pumpScheduled = false;
  #pumping = false;
  /** Whether the workers of `minWorkers` after the first have been started (see startMinWorkers). */
  #toppedUp = false;
  #closing = false;
  #idleWaiters: (() => void)[] = [];
  #exitWaiters: (() => void)[] = [];

  /** @internal */
  constructor(options: FilledPoolOptions, kind: string) {
    super();
    this.#options = options;
    this.#kind = kind;
  }

  /**
   * @internal Subclasses call this at the end of their constructor, once `createWorker` can run. One worker
   * starts now, the rest of `minWorkers` once it is up and idle (jobs that need more start them sooner): on
   * two cores, two workers booting side by side took the first result 31 -> 37 ms (medians of 8 runs).
   */
  protected startMinWorkers(): void {
    if (this.#options.minWorkers > 0 && this.#workers.size === 0) this.#spawn();
  }

  /** @internal The filled options, for the backend's `createWorker`. */
  protected get poolOptions(): FilledPoolOptions {
    return this.#options;
  }

  /** @internal Memory reports only when a limit asks for them (every 100 ms at most). */
  protected get memoryReportMs(): number {
    return Number.isFinite(this.#options.maxWorkerMemoryMb) ? 100 : 0;
  }

  /** The most workers this pool runs. */
  get maxWorkers(): number {
    return this.#options.maxWorkers;
  }

  /** @internal Starts one worker of the backend's kind. */
  protected abstract createWorker(id: number, events: WorkerEvents): WorkerHandle;

  protected get capacity(): number {
    return this.#options.maxWorkers * this.#options.concurrencyPerWorker;
  }

  protected checkTask(task: unknown): void {
    assertTask(task, `${this.constructor.name}.submit()`);
  }

  protected schedule(job: Job): void {
    // Copied, not referenced: the job object then dies young, and a queued task keeps one object alive.
    const { future, task, args, options, enqueuedAt } = job;
    const pj: PoolJob = {
      future,
      args: args.length === 1 ? undefined : args,
      onlyArg: args.length === 1 ? args[0] : undefined,
      options,
      enqueuedAt,
      address: undefined,
      id: 0,
      worker: undefined,
      timer: undefined,
      requeued: false,
    };
    const handle = task as AnyTask;
    const root = taskRoot(handle);
    const known = this.#addresses.get(root);
    if (known !== undefined) {
      pj.address = known;
      this.#enqueue(pj);
      return;
    }
    const name = resolveExportName(handle);
    if (typeof name === 'string') {
      pj.address = this.#intern(root, handle.moduleUrl, name);
      this.#enqueue(pj);
      return;
    }
    this.#resolving++;
    name.then(
      (exportName) => {
        this.#resolving--;
        pj.address = this.#intern(root, handle.moduleUrl, exportName);
        this.#enqueue(pj);
      },
      (error: unknown) => {
        this.#resolving--;
        if (future[kReject](error)) this.recorder.failed++;
        this.#notifyIfIdle();
      },
    );
  }

  protected cancelJob(future: Future<unknown>, wasRunning: boolean, reason: Error): void {
    if (!wasRunning) return; // still queued: the pump skips it
    const pj = future[kSlot] as PoolJob | undefined;
    if (pj === undefined) return;
    this.#forget(future);
    if (pj.timer !== undefined) clearTimeout(pj.timer);
    const worker = pj.worker;
    if (worker === undefined) return; // requeued: the pump skips it
    if (worker.handle.withdraw(pj.id)) return; // never started; `skipped` cleans up
    // It is running and JavaScript cannot be interrupted from outside: replace the worker.
    worker.stoppedFor ??= reason instanceof TimeoutError ? 'timeout' : 'cancel';
    worker.retiring = true;
    this.recorder.workerRestarts++;
    worker.handle.terminate();
  }

  protected async close(cancelFutures: boolean): Promise<void> {
    this.#closing = true;
    if (cancelFutures) {
      for (const pj of this.#queue) pj.future.cancel();
    }
    if (!this.#idle()) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    for (const worker of this.#workers.values()) this.#retire(worker);
    if (this.#workers.size > 0) await new Promise<void>((resolve) => this.#exitWaiters.push(resolve));
  }

  protected load(): BackendLoad {
    let busy = 0;
    for (const worker of this.#workers.values()) if (worker.inFlight.size > 0) busy++;
    return {
      workers: { total: this.#workers.size, busy, idle: this.#workers.size - busy },
      queued: this.#queued() + this.#resolving,
      running: this.#runningCount,
    };
  }

  // ── WorkerEvents ──────────────────────────────────────────────────────────────────────────────────────

  /** @internal */
  ready(handle: WorkerHandle): void {
    const worker = this.#workers.get(handle);
    if (worker === undefined) return;
    worker.ready = true;
    // Timeouts count from when a worker could start the job, not from when it was still booting.
    for (const id of worker.inFlight) {
      const pj = this.#jobs.get(id);
      if (pj !== undefined) this.#armTimeout(pj);
    }
    if (worker.inFlight.size === 0) {
      this.#steal();
      if (this.#queue.size > 0) this.#schedulePump();
      else this.#scheduleTopUp();
    }
  }

  /** @internal */
  result(_handle: WorkerHandle, id: number, ok: boolean, runMicros: number, value: unknown): void {
    const pj = this.#jobs.get(id);
    if (pj === undefined) return;
    const worker = this.#finishJob(pj);
    this.recorder.runTime.record(runMicros);
    this.#ewmaMicros = this.#ewmaMicros === undefined ? runMicros : this.#ewmaMicros * 0.8 + runMicros * 0.2;
    const { future } = pj;
    if (ok) {
      if (future[kResolve](value)) this.recorder.completed++;
    } else if (future[kReject](decodeError(value as EncodedError))) {
      this.recorder.failed++;
    }
    if (worker !== undefined) {
      worker.tasksRun++;
      if (worker.tasksRun >= this.#options.maxTasksPerWorker && !worker.retiring) {
        this.recorder.workerRestarts++;
        this.#retire(worker);
      }
      this.#afterJob(worker);
    }
  }

  /** @internal */
  skipped(_handle: WorkerHandle, id: number): void {
    const pj = this.#jobs.get(id);
    if (pj === undefined) return;
    const worker = this.#finishJob(pj);
    if (worker !== undefined) this.#afterJob(worker);
  }

  /** @internal */
  memory(handle: WorkerHandle, bytes: number): void {
    const worker = this.#workers.get(handle);
    if (worker === undefined || worker.retiring) return;
    if (bytes > this.#options.maxWorkerMemoryMb * 1024 * 1024) {
      this.recorder.workerRestarts++;
      this.#retire(worker);
    }
  }

  /** @internal */
  exit(handle: WorkerHandle, exit: WorkerExit): void {
    const worker = this.#workers.get(handle);
    if (worker === undefined) return;
    this.#workers.delete(handle);
    if (worker.idleTimer !== undefined) clearTimeout(worker.idleTimer);
    if (worker.killTimer !== undefined) clearTimeout(worker.killTimer);
    const startFailure = !worker.ready && !worker.retiring && worker.stoppedFor === undefined;
    const crash = startFailure ? undefined : this.#crashError(worker, exit);
    if (crash !== undefined && worker.stoppedFor === undefined && !worker.retiring)
      this.recorder.workerRestarts++;
    const startError = startFailure ? this.#startError(exit) : undefined;
    const requeue: PoolJob[] = [];
    for (const id of worker.inFlight) {
      const pj = this.#jobs.get(id);
      if (pj === undefined) continue;
      this.#jobs.delete(id);
      if (pj.timer !== undefined) clearTimeout(pj.timer);
      pj.timer = undefined;
      const { future } = pj;
      if (future.done()) continue;
      if (startError !== undefined) {
        this.#forget(future);
        if (future[kReject](startError)) this.recorder.failed++;
      } else if (handle.started(id)) {
        this.#forget(future);
        if (future[kReject](crash)) this.recorder.failed++;
      } else if (movesMemory(pj)) {
        // Its transferred buffers now belong to the dead worker: it cannot be sent again.
        this.#forget(future);
        const lost = new WorkerCrashedError(
          `${crash?.message ?? 'The worker died'} before starting this task; the buffers it transferred were lost with it`,
          exit,
        );
        if (future[kReject](lost)) this.recorder.failed++;
      } else {
        pj.worker = undefined;
        pj.requeued = true;
        requeue.push(pj);
      }
    }
    for (let i = requeue.length - 1; i >= 0; i--) this.#queue.unshift(requeue[i]!);
    // The environment cannot start workers: fail what waits instead of respawning for every job.
    if (startError !== undefined) this.#failQueue(startError);
    if (this.#workers.size < this.#options.minWorkers && !this.#closing && startError === undefined)
      this.#spawn();
    this.#schedulePump();
    this.#notifyIfIdle();
    if (this.#workers.size === 0) {
      const waiters = this.#exitWaiters;
      this.#exitWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  // ── scheduling ────────────────────────────────────────────────────────────────────────────────────────

  #intern(root: AnyTask, moduleUrl: string, exportName: string): TaskAddress {
    const id = `${moduleUrl}#${exportName}`;
    let key = this.#keys.get(id);
    if (key === undefined) {
      key = this.#keys.size + 1;
      this.#keys.set(id, key);
    }
    const address: TaskAddress = { key, moduleUrl, exportName };
    this.#addresses.set(root, address);
    return address;
  }

  #enqueue(pj: PoolJob): void {
    this.#queue.push(pj);
    this.#schedulePump();
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(this.#pump);
  }

  #pump = (): void => {
    this.#pumpScheduled = false;
    if (this.#pumping) return;
    this.#pumping = true;
    const touched: WorkerState[] = [];
    const window = this.#window();
    // One clock reading for the whole pump: it dispatches in microseconds, and a reading per job showed in
    // profiles of 100k tiny tasks.
    const now = monotonicMs();
    while (this.#queue.size > 0) {
      // An idle worker first, then a new one, and only then a busy worker's window: parallelism before depth.
      let worker = this.#pickWorker(window);
      if (worker === undefined || (worker.inFlight.size > 0 && this.#canSpawn())) {
        if (!this.#canSpawn()) break;
        worker = this.#spawn();
        if (worker === undefined) break;
      }
      const pj = this.#queue.shift()!;
      const { future } = pj;
      if (pj.requeued ? future.done() : !future[kSetRunning]()) continue; // cancelled while queued
      if (!touched.includes(worker)) touched.push(worker);
      this.#dispatch(pj, worker, now);
    }
    for (const worker of touched) worker.handle.flush();
    this.#pumping = false;
    this.#notifyIfIdle();
  };

  /**
   * Starts the rest of `minWorkers` after the current turn (the caller may be resolving a future: its awaiter
   * runs first), and only once: after that, the minimum is kept by replacing workers that exit.
   */
  #scheduleTopUp(): void {
    if (this.#toppedUp) return;
    this.#toppedUp = true;
    if (this.#activeWorkers() >= this.#options.minWorkers) return;
    setImmediate(() => {
      for (let i = this.#activeWorkers(); i < this.#options.minWorkers && !this.#closing; i++) {
        if (this.#spawn() === undefined) break;
      }
    });
  }

  /** Retiring workers (recycled, or being killed to stop a task) do not count: their replacement may start. */
  #canSpawn(): boolean {
    return this.#activeWorkers() < this.#options.maxWorkers;
  }

  #activeWorkers(): number {
    let active = 0;
    for (const worker of this.#workers.values()) if (!worker.retiring) active++;
    return active;
  }

  #window(): number {
    const perWorker = this.#options.concurrencyPerWorker;
    if (perWorker > 1) return perWorker;
    const ewma = this.#ewmaMicros;
    if (ewma === undefined || ewma >= WINDOW_LONG_TASK_MICROS) return 1;
    return Math.min(WINDOW_MAX, Math.max(2, Math.ceil(WINDOW_LONG_TASK_MICROS / Math.max(ewma, 1))));
  }

  #pickWorker(window: number): WorkerState | undefined {
    let best: WorkerState | undefined;
    for (const worker of this.#workers.values()) {
      if (worker.retiring || worker.inFlight.size >= window || !worker.handle.canTakeJob) continue;
      if (worker.inFlight.size > 0 && worker.handle.backlogBytes >= MAX_BACKLOG_BYTES) continue;
      if (best === undefined || worker.inFlight.size < best.inFlight.size) best = worker;
    }
    return best;
  }

  #dispatch(pj: PoolJob, worker: WorkerState, now: number): void {
    const { future } = pj;
    pj.id = ++this.#nextJobId;
    pj.worker = worker;
    pj.requeued = false;
    try {
      const args = pj.args ?? [pj.onlyArg];
      worker.handle.run(pj.id, pj.address!, args, pj.options.transfer as TransferItem[] | undefined);
    } catch (error) {
      pj.worker = undefined;
      if (future[kReject](error)) this.recorder.failed++;
      return;
    }
    this.#jobs.set(pj.id, pj);
    if (future[kSlot] === undefined) this.#runningCount++; // a requeued job is counted already
    future[kSlot] = pj;
    worker.inFlight.add(pj.id);
    if (worker.idleTimer !== undefined) {
      clearTimeout(worker.idleTimer);
      worker.idleTimer = undefined;
    }
    if (!worker.refed) {
      worker.refed = true;
      worker.handle.setRef(true);
    }
    this.recorder.waitTime.record((now - pj.enqueuedAt) * 1000);
    if (worker.ready) this.#armTimeout(pj);
  }

  #armTimeout(pj: PoolJob): void {
    const timeout = timerDelay(pj.options.timeout);
    if (timeout === undefined || pj.timer !== undefined) return;
    const { future } = pj;
    pj.timer = setTimeout(() => {
      future[kCancelWith](new TimeoutError(`The task did not finish within its ${timeout} ms timeout`));
    }, timeout);
  }

  /** The future no longer needs the pool's bookkeeping (done, or cancelled and being cleaned up). */
  #forget(future: Future<unknown>): void {
    if (future[kSlot] === undefined) return;
    future[kSlot] = undefined;
    this.#runningCount--;
  }

  /** Forgets a finished (or skipped) job; returns the worker it ran on if that worker is still in the pool. */
  #finishJob(pj: PoolJob): WorkerState | undefined {
    this.#jobs.delete(pj.id);
    this.#forget(pj.future);
    if (pj.timer !== undefined) clearTimeout(pj.timer);
    const worker = pj.worker;
    worker?.inFlight.delete(pj.id);
    return worker !== undefined && this.#workers.has(worker.handle) ? worker : undefined;
  }

  #afterJob(worker: WorkerState): void {
    if (worker.inFlight.size === 0 && this.#queue.size === 0 && !worker.retiring) this.#steal();
    if (this.#queue.size > 0) this.#schedulePump();
    if (worker.inFlight.size > 0) return;
    this.#scheduleTopUp();
    if (worker.retiring) {
      this.#closeWorker(worker);
      return;
    }
    if (worker.refed && this.#queue.size === 0) {
      worker.refed = false;
      worker.handle.setRef(false);
    }
    if (
      this.#activeWorkers() > this.#options.minWorkers &&
      worker.idleTimer === undefined &&
      !this.#closing
    ) {
      worker.idleTimer = setTimeout(() => {
        worker.idleTimer = undefined;
        if (worker.inFlight.size === 0 && this.#activeWorkers() > this.#options.minWorkers)
          this.#retire(worker);
      }, this.#options.idleTimeoutMs);
      worker.idleTimer.unref();
    }
    this.#notifyIfIdle();
  }

  /**
   * A worker went idle with nothing queued: take back jobs that wait, unstarted, behind another worker's
   * running job (or behind a worker still booting) so they run now. Only where withdrawal is exact, since a
   * job must never run twice.
   */
  #steal(): void {
    let victim: WorkerState | undefined;
    for (const other of this.#workers.values()) {
      if (!other.handle.exactWithdraw || other.inFlight.size < 2) continue;
      if (victim === undefined || other.inFlight.size > victim.inFlight.size) victim = other;
    }
    if (victim === undefined) return;
    const ids = [...victim.inFlight];
    const stolen: PoolJob[] = [];
    for (let i = ids.length - 1; i >= Math.ceil(ids.length / 2); i--) {
      const id = ids[i]!;
      const pj = this.#jobs.get(id)!;
      if (movesMemory(pj)) continue; // its buffers are already in that worker
      if (!victim.handle.withdraw(id)) break; // it started, so every earlier one has too
      this.#jobs.delete(id);
      victim.inFlight.delete(id);
      if (pj.timer !== undefined) clearTimeout(pj.timer);
      pj.timer = undefined;
      pj.worker = undefined;
      pj.requeued = true;
      stolen.push(pj);
    }
    for (const pj of stolen) this.#queue.unshift(pj);
  }

  /** Starts a worker; if the backend cannot even create one (bad execArgv, say), fails what waits. */
  #spawn(): WorkerState | undefined {
    let handle: WorkerHandle;
    try {
      handle = this.createWorker(++this.#nextWorkerId, this);
    } catch (error) {
      const failure = new WorkerStartError(
        `A ${this.#kind} worker could not be created: ${(error as Error)?.message ?? String(error)}`,
        { cause: error },
      );
      this.#failQueue(failure);
      return undefined;
    }
    handle.setRef(false);
    const worker: WorkerState = {
      handle,
      inFlight: new Set(),
      ready: false,
      retiring: false,
      refed: false,
      tasksRun: 0,
      idleTimer: undefined,
      killTimer: undefined,
      stoppedFor: undefined,
    };
    this.#workers.set(handle, worker);
    return worker;
  }

  #failQueue(error: WorkerStartError): void {
    for (let pj = this.#queue.shift(); pj !== undefined; pj = this.#queue.shift()) {
      this.#forget(pj.future);
      if (pj.future[kReject](error)) this.recorder.failed++;
    }
  }

  /** No new jobs for this worker; it exits once its jobs are done. */
  #retire(worker: WorkerState): void {
    worker.retiring = true;
    if (worker.inFlight.size === 0) this.#closeWorker(worker);
  }

  #closeWorker(worker: WorkerState): void {
    if (worker.killTimer !== undefined) return;
    worker.handle.close();
    worker.killTimer = setTimeout(() => worker.handle.terminate(), this.#options.shutdownTimeoutMs);
  }

  /** Queued jobs not cancelled meanwhile (those stay in the queue until the pump skips them). */
  #queued(): number {
    let queued = 0;
    for (const pj of this.#queue) if (!pj.future.done()) queued++;
    return queued;
  }

  #idle(): boolean {
    return this.#queue.size === 0 && this.#jobs.size === 0 && this.#resolving === 0;
  }

  #notifyIfIdle(): void {
    if (this.#idleWaiters.length === 0 || !this.#idle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #crashError(worker: WorkerState, exit: WorkerExit): WorkerCrashedError {
    const kind = this.#kind;
    if (worker.stoppedFor !== undefined) {
      return new WorkerCrashedError(
        `The ${kind} worker was stopped to ${worker.stoppedFor === 'cancel' ? 'cancel' : 'time out'} another task ` +
          'running alongside this one (concurrencyPerWorker > 1)',
        exit,
      );
    }
    const how =
      exit.signal != null
        ? `was killed by ${exit.signal}`
        : exit.error !== undefined
          ? `died of an uncaught error: ${(exit.error as Error)?.message ?? String(exit.error)}`
          : `exited with code ${String(exit.exitCode)}`;
    return new WorkerCrashedError(`The ${kind} worker running this task ${how}`, exit);
  }

  #startError(exit: WorkerExit): WorkerStartError {
    const why =
      exit.error !== undefined
        ? `${(exit.error as Error)?.message ?? String(exit.error)}`
        : `it exited with code ${String(exit.exitCode)}${exit.signal != null ? ` (${exit.signal})` : ''}`;
    return new WorkerStartError(`A ${this.#kind} worker failed to start: ${why}`, { cause: exit.error });
  }
}
