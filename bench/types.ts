/** Shapes shared by the orchestrator (run.ts), the case runner (case.ts) and the library adapters (cases/). */

export type Mode = 'thread' | 'process' | 'async';

export type LibraryName =
  | 'spindle'
  | 'piscina'
  | 'tinypool'
  | 'workerpool'
  | 'poolifier'
  | 'p-limit'
  | 'serial'
  | 'atomics'
  | 'messageport'
  | 'messageport-rounds'
  | 'python'
  | 'copy';

/** One measurement a case process makes. `serial` is the single-thread baseline of scenario 3. */
export type ScenarioId =
  | 'tiny'
  | 'latency'
  | 'cpu'
  | 'serial'
  | 'copy'
  | 'transfer'
  | 'startup'
  | 'async'
  | 'lock'
  | 'lock-contended'
  | 'queue'
  | 'manager'
  | 'shm-handoff';

/** Counts for every scenario, fixed by the orchestrator (scaled down by `--quick`). */
export interface Params {
  readonly workers: number;
  readonly tinyTasks: number;
  readonly tinyWarmup: number;
  readonly roundTrips: number;
  readonly roundTripWarmup: number;
  readonly cpuTasks: number;
  readonly spinIterations: number;
  readonly payloadTasks: number;
  /** Transfers are cheap: more of them, so the timed part is long enough to measure steadily. */
  readonly transferTasks: number;
  readonly payloadBytes: number;
  readonly asyncTasks: number;
  readonly asyncWarmup: number;
  readonly asyncConcurrency: number;
  readonly lockIterations: number;
  readonly contendIterations: number;
  readonly queueItems: number;
  readonly managerCalls: number;
  readonly managerWarmup: number;
  readonly handoffBytes: number;
}

/** What the orchestrator asks one case process to do (passed as JSON in argv). */
export interface CaseSpec {
  readonly library: LibraryName;
  readonly mode: Mode;
  readonly scenario: ScenarioId;
  readonly params: Params;
}

/** What a case process prints back, on one line that starts with {@link RESULT_PREFIX}. */
export type CaseResult =
  | { readonly status: 'ok'; readonly values: Readonly<Record<string, number>>; readonly note?: string }
  | { readonly status: 'na'; readonly reason: string }
  | { readonly status: 'error'; readonly message: string };

export const RESULT_PREFIX = '@@bench-result ';

/**
 * A pool of one library in one mode, reduced to the three tasks the scenarios need. Methods return the
 * library's own promise (or Spindle's Future) untouched, so the adapter adds one call and nothing else.
 */
export interface PoolAdapter {
  inc(n: number): PromiseLike<number>;
  spin(iterations: number): PromiseLike<number>;
  /** `transfer: true` moves `bytes.buffer` to the worker with the library's own transfer API. */
  byteLength(bytes: Uint8Array<ArrayBuffer>, transfer: boolean): PromiseLike<number>;
  close(): Promise<void>;
}

/** A concurrency limiter running `incAsync` on the event loop (scenario 6). */
export interface AsyncAdapter {
  run(n: number): PromiseLike<number>;
  close(): Promise<void>;
}

/**
 * A library made ready to construct: `load` does the imports (not timed), `create` builds the pool (timed by
 * the start-up scenario). `note` explains any option that departs from the library's defaults.
 */
export interface Loaded<A> {
  readonly create: () => A;
  readonly note?: string;
}

export interface PoolLibrary {
  readonly kind: 'pool';
  /** Null when the library cannot do this mode or scenario at all; the string is shown as the reason. */
  unsupported(mode: Mode, scenario: ScenarioId): string | null;
  load(mode: Mode, scenario: ScenarioId, params: Params): Promise<Loaded<PoolAdapter>>;
}

export interface AsyncLibrary {
  readonly kind: 'async';
  load(params: Params): Promise<Loaded<AsyncAdapter>>;
}

export type Library = PoolLibrary | AsyncLibrary;

/** Thrown when a library (Spindle, while it is being written) does not provide what a case needs yet. */
export class NotAvailableError extends Error {
  override readonly name = 'NotAvailableError';
}
