/** What the run measures: the scenarios in report order, the rows (library × mode) of each, and the counts. */
import type { LibraryName, Mode, Params, ScenarioId } from './types.ts';

export interface Row {
  readonly library: LibraryName;
  readonly mode: Mode;
}

export interface Metric {
  readonly key: string;
  readonly label: string;
  readonly better: 'higher' | 'lower';
  readonly digits: number;
  /** Whether the table gets a "vs fastest peer" column for this metric. */
  readonly ratio: boolean;
}

export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  readonly describe: (params: Params) => string;
  readonly rows: readonly Row[];
  readonly metrics: readonly Metric[];
  /**
   * Fresh processes per row; the report shows the median of their values. This machine's two cores are
   * shared with whatever else runs on it, so one process alone can land on a busy moment.
   */
  readonly samples: number;
  readonly timeoutMs: number;
}

const THREAD_ROWS: readonly Row[] = [
  { library: 'spindle', mode: 'thread' },
  { library: 'piscina', mode: 'thread' },
  { library: 'tinypool', mode: 'thread' },
  { library: 'workerpool', mode: 'thread' },
  { library: 'poolifier', mode: 'thread' },
];
const PROCESS_ROWS: readonly Row[] = [
  { library: 'spindle', mode: 'process' },
  { library: 'tinypool', mode: 'process' },
  { library: 'workerpool', mode: 'process' },
  { library: 'poolifier', mode: 'process' },
];
const POOL_ROWS = [...THREAD_ROWS, ...PROCESS_ROWS];

const count = (n: number): string => n.toLocaleString('en-US');

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'tiny',
    title: '1. Tiny tasks throughput',
    describe: (p) =>
      `${count(p.tinyTasks)} tasks of \`n + 1\`, all submitted at once and awaited, after ${count(p.tinyWarmup)} warm-up tasks; then ${count(p.tinyTasks)} more the same way. The first batch runs while V8 still compiles the hot paths and grows the heap; the second is the steady state.`,
    rows: POOL_ROWS,
    metrics: [
      { key: 'tasksPerSec', label: 'tasks/s, first batch', better: 'higher', digits: 0, ratio: true },
      { key: 'nextTasksPerSec', label: 'tasks/s, second batch', better: 'higher', digits: 0, ratio: true },
    ],
    samples: 3,
    timeoutMs: 60_000,
  },
  {
    id: 'latency',
    title: '2. Sequential round trips',
    describe: (p) =>
      `${count(p.roundTrips)} tasks of \`n + 1\`, each awaited before the next is submitted, after ${count(p.roundTripWarmup)} warm-up round trips.`,
    rows: POOL_ROWS,
    metrics: [
      { key: 'p50Us', label: 'p50 µs', better: 'lower', digits: 1, ratio: true },
      { key: 'p99Us', label: 'p99 µs', better: 'lower', digits: 1, ratio: true },
    ],
    samples: 3,
    timeoutMs: 30_000,
  },
  {
    id: 'cpu',
    title: '3. CPU speedup',
    describe: (p) =>
      `${p.cpuTasks} CPU-bound tasks (a ${count(p.spinIterations)}-iteration integer loop, calibrated to ~250 ms each), submitted at once after warm-up; speedup = serial time on the main thread / pool time. ${p.workers} workers, so ${p.workers}.00 is the ceiling.`,
    rows: POOL_ROWS,
    metrics: [
      { key: 'poolMs', label: 'pool ms', better: 'lower', digits: 0, ratio: false },
      { key: 'speedup', label: 'speedup', better: 'higher', digits: 2, ratio: true },
    ],
    samples: 3,
    timeoutMs: 30_000,
  },
  {
    id: 'copy',
    title: '4a. 1 MiB payloads, copied',
    describe: (p) =>
      `${p.payloadTasks} tasks, each sent its own ${p.payloadBytes / 2 ** 20} MiB Uint8Array (structured clone) and returning its length; submitted at once; then ${p.payloadTasks} more the same way. The first batch faults in the memory the receiving side allocates for the copies; the second shows a pool that has carried such payloads before.`,
    rows: POOL_ROWS,
    metrics: [
      { key: 'mibPerSec', label: 'MiB/s, first batch', better: 'higher', digits: 0, ratio: true },
      { key: 'nextMibPerSec', label: 'MiB/s, second batch', better: 'higher', digits: 0, ratio: true },
    ],
    // Their timed part lasts tens of milliseconds: more samples steady the median.
    samples: 7,
    timeoutMs: 30_000,
  },
  {
    id: 'transfer',
    title: '4b. 1 MiB payloads, transferred',
    describe: (p) =>
      `As 4a's first batch, with ${p.transferTasks} buffers, each moved to the worker by the library's transfer API (detachment checked). Threads only. More tasks than 4a: 200 transfers took 15–30 ms, short enough for one scheduling hiccup to halve a figure.`,
    rows: THREAD_ROWS,
    metrics: [{ key: 'mibPerSec', label: 'MiB/s', better: 'higher', digits: 0, ratio: true }],
    // A short timed part: more samples steady the median.
    samples: 7,
    timeoutMs: 30_000,
  },
  {
    id: 'startup',
    title: '5. Pool start-up',
    describe: (p) =>
      `From constructing a pool of ${p.workers} workers to the first task's result; the library is imported before the clock starts.`,
    rows: POOL_ROWS,
    metrics: [{ key: 'ms', label: 'ms', better: 'lower', digits: 1, ratio: true }],
    // Each run takes well under a second, and a millisecond or two of noise decides this ratio: more runs.
    samples: 9,
    timeoutMs: 15_000,
  },
  {
    id: 'async',
    title: '6. AsyncExecutor vs p-limit',
    describe: (p) =>
      `${count(p.asyncTasks)} calls of \`async (n) => n + 1\` at concurrency ${p.asyncConcurrency}, all submitted at once, after ${count(p.asyncWarmup)} warm-up calls.`,
    rows: [
      { library: 'spindle', mode: 'async' },
      { library: 'p-limit', mode: 'async' },
    ],
    metrics: [{ key: 'tasksPerSec', label: 'tasks/s', better: 'higher', digits: 0, ratio: true }],
    samples: 3,
    timeoutMs: 30_000,
  },
  {
    id: 'lock',
    title: '7. Lock, uncontended',
    describe: (p) =>
      `${count(p.lockIterations)} \`acquire()\` + \`release()\` pairs in one worker thread, timed inside it (then as many \`using lock.hold()\` scopes). The floor is a bare \`Atomics.compareExchange\` + \`Atomics.store\` pair, with no owner, no waiters and no abandonment: what any lock must do at least. Target: under 100 ns a pair.`,
    rows: [
      { library: 'spindle', mode: 'thread' },
      { library: 'atomics', mode: 'thread' },
    ],
    metrics: [
      { key: 'pairNs', label: 'ns per acquire+release', better: 'lower', digits: 1, ratio: false },
      { key: 'holdNs', label: 'ns per hold() scope', better: 'lower', digits: 1, ratio: false },
    ],
    samples: 3,
    timeoutMs: 30_000,
  },
  {
    id: 'lock-contended',
    title: '8. Lock, contended',
    describe: (p) =>
      `2 worker threads each take one lock ${count(p.contendIterations)} times around a non-atomic increment of a shared counter (checked exact at the end); acquire/release pairs per second across both. The peer is a bare compare-and-swap lock that sleeps on \`Atomics.wait\` when taken.`,
    rows: [
      { library: 'spindle', mode: 'thread' },
      { library: 'atomics', mode: 'thread' },
    ],
    metrics: [{ key: 'opsPerSec', label: 'pairs/s', better: 'higher', digits: 0, ratio: true }],
    samples: 3,
    timeoutMs: 60_000,
  },
  {
    id: 'queue',
    title: '9. Queue between two threads',
    describe: (p) =>
      `${count(p.queueItems)} small items (integers) from one worker thread to another, checked in order: Spindle's \`Queue\` (blocking \`put\` / \`get\` in the workers) against \`postMessage\` over a \`MessageChannel\` between the same two threads, as a one-way stream and as round trips (each item echoed back before the next is sent). The issue's target reads "at least 5× a MessagePort round of postMessage": the round-trip row; the stream row is the harder comparison, and the ratio column uses it.`,
    rows: [
      { library: 'spindle', mode: 'thread' },
      { library: 'messageport', mode: 'thread' },
      { library: 'messageport-rounds', mode: 'thread' },
    ],
    metrics: [{ key: 'itemsPerSec', label: 'items/s', better: 'higher', digits: 0, ratio: true }],
    samples: 3,
    timeoutMs: 60_000,
  },
  {
    id: 'manager',
    title: '10. Manager round trips',
    describe: (p) =>
      `${count(p.managerCalls)} sequential reads of a managed value (after ${count(p.managerWarmup)} warm-up reads), each a round trip to the manager's server process: from the main thread (\`await value.getAsync()\`) and from a process worker (blocking \`value.get()\`). The peer is Python's \`multiprocessing.Manager\` (\`manager.Value('i', 0).value\`), the tool the seeds use, run by python3 on the same machine in the same run.`,
    rows: [
      { library: 'spindle', mode: 'process' },
      { library: 'python', mode: 'process' },
    ],
    metrics: [
      { key: 'mainCallsPerSec', label: 'calls/s, main', better: 'higher', digits: 0, ratio: true },
      { key: 'workerCallsPerSec', label: 'calls/s, in a worker', better: 'higher', digits: 0, ratio: true },
    ],
    samples: 3,
    timeoutMs: 120_000,
  },
  {
    id: 'shm-handoff',
    title: '11. Handing 64 MiB to a process worker',
    describe: (p) =>
      `A warm process worker is handed a ${p.handoffBytes / 2 ** 20} MiB \`Float64Array\` and reads its first and last element; the median of 5 hand-offs, from submit to result. Spindle's \`SharedMemory\` passes the block by name (the worker maps the same pages) against copying the array as an ordinary task argument (serialised down the worker's socket).`,
    rows: [
      { library: 'spindle', mode: 'process' },
      { library: 'copy', mode: 'process' },
    ],
    metrics: [{ key: 'ms', label: 'ms per hand-off', better: 'lower', digits: 2, ratio: true }],
    samples: 3,
    timeoutMs: 120_000,
  },
];

export const FULL_PARAMS: Params = {
  workers: 2,
  tinyTasks: 100_000,
  tinyWarmup: 2_000,
  roundTrips: 5_000,
  roundTripWarmup: 500,
  cpuTasks: 8,
  spinIterations: 0,
  payloadTasks: 200,
  transferTasks: 1_000,
  payloadBytes: 2 ** 20,
  asyncTasks: 100_000,
  asyncWarmup: 2_000,
  asyncConcurrency: 64,
  lockIterations: 5_000_000,
  contendIterations: 500_000,
  queueItems: 500_000,
  managerCalls: 20_000,
  managerWarmup: 1_000,
  handoffBytes: 64 * 2 ** 20,
};

/** `--quick`: a smoke run of the harness, about a tenth of the work; its figures are not for publishing. */
export const QUICK_PARAMS: Params = {
  ...FULL_PARAMS,
  tinyTasks: 10_000,
  tinyWarmup: 500,
  roundTrips: 500,
  roundTripWarmup: 100,
  payloadTasks: 20,
  transferTasks: 100,
  asyncTasks: 10_000,
  asyncWarmup: 500,
  lockIterations: 500_000,
  contendIterations: 50_000,
  queueItems: 50_000,
  managerCalls: 2_000,
  managerWarmup: 200,
};
