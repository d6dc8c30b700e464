/**
 * The one small interface a pool backend implements: a handle on one worker (a thread or a process) that
 * carries jobs there and reports back. The pool (scheduling, cancellation, crash recovery) is written once
 * against it; see pool-executor.ts.
 */
import type { TransferItem } from '../../core/call-options.ts';
import type { WorkerExit } from '../../errors.ts';

/** Where a task lives, plus the pool-wide numeric key it is interned under. */
export interface TaskAddress {
  readonly key: number;
  readonly moduleUrl: string;
  readonly exportName: string;
}

/** Reports from a worker to its pool. `exit` comes last, after every result the worker produced. */
export interface WorkerEvents {
  ready(worker: WorkerHandle): void;
  /** `ok` false: `value` is an encoded error (remote-error.ts). */
  result(worker: WorkerHandle, id: number, ok: boolean, runMicros: number, value: unknown): void;
  skipped(worker: WorkerHandle, id: number): void;
  memory(worker: WorkerHandle, bytes: number): void;
  exit(worker: WorkerHandle, exit: WorkerExit): void;
}

export interface WorkerHandle {
  readonly id: number;
  /** Bytes of large payloads sent to this worker and not yet answered (see backlog.ts). */
  readonly backlogBytes: number;
  /** True if `withdraw` is exact (a withdrawn job surely never runs), which allows moving jobs between workers. */
  readonly exactWithdraw: boolean;
  /**
   * False while the worker cannot be sent another job (a thread worker's table of start flags is full: jobs
   * in flight hold one each, and so do withdrawn jobs until the worker has read that they were). The pool
   * sends jobs elsewhere meanwhile, or keeps them queued.
   */
  readonly canTakeJob: boolean;
  /**
   * Sends a job (buffered until {@link WorkerHandle.flush}). Throws UnserializableError, naming where the bad
   * value sits, if the arguments cannot be sent.
   */
  run(
    id: number,
    task: TaskAddress,
    args: readonly unknown[],
    transfer: readonly TransferItem[] | undefined,
  ): void;
  /** Sends what `run` buffered. */
  flush(): void;
  /** Tries to take back a job the worker has not started. True: it never runs, and `skipped` follows. */
  withdraw(id: number): boolean;
  /** After `exit`: whether the job had started (it is then failed; a job that had not is run elsewhere). */
  started(id: number): boolean;
  /** Asks the worker to exit once idle; `exit` follows. */
  close(): void;
  /** Stops the worker now; `exit` follows. */
  terminate(): void;
  /** Whether this worker keeps the Node process alive (pools unref idle workers). */
  setRef(ref: boolean): void;
}
