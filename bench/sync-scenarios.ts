/**
 * Scenarios 7–9: Spindle's shared-memory primitives between worker threads, beside the baselines a Node
 * program has without them (a bare Atomics spin lock as the floor for a lock; postMessage over a
 * MessageChannel for a queue). Every loop runs inside worker threads and times itself there; the main thread
 * only starts the workers, raises a shared start flag and collects the figures.
 */
import type { TransferListItem } from 'node:worker_threads';
import { MessageChannel, Worker } from 'node:worker_threads';
import { spindleExport } from './spindle-api.ts';
import type { BaselineJob } from './tasks/baseline-sync-worker.ts';
import { workerFile } from './tasks/files.ts';
import type { CaseSpec } from './types.ts';

type Values = Record<string, number>;

export const SYNC_SCENARIOS = new Set(['lock', 'lock-contended', 'queue']);

const shared = (cells: number): Int32Array => new Int32Array(new SharedArrayBuffer(cells * 4));

/** Waits until `parties` workers wait at the start flag, then releases them together. */
async function release(flag: Int32Array, parties: number): Promise<void> {
  while (Atomics.load(flag, 1) < parties) await new Promise((resolve) => setTimeout(resolve, 1));
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

/** Runs one baseline job in a plain worker and resolves to what it posts back. */
function baseline<T>(job: BaselineJob, transfer: TransferListItem[] = []): Promise<T> {
  const worker = new Worker(workerFile('baseline-sync-worker'), {
    workerData: job,
    transferList: transfer,
  });
  return new Promise<T>((resolve, reject) => {
    worker.once('message', (value: T) => {
      resolve(value);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

async function spindlePool(workers: number) {
  const ThreadPoolExecutor = await spindleExport('ThreadPoolExecutor');
  return new ThreadPoolExecutor({ maxWorkers: workers, minWorkers: workers });
}

async function lock(spec: CaseSpec): Promise<Values> {
  const n = spec.params.lockIterations;
  if (spec.library === 'atomics') {
    return baseline<Values>({ kind: 'atomics-lock', cells: shared(1), iterations: n });
  }
  const Lock = await spindleExport('Lock');
  const tasks = await import('./tasks/spindle-sync-tasks.ts');
  const pool = await spindlePool(1);
  try {
    return await pool.submit(tasks.lockLoop, new Lock(), n);
  } finally {
    await pool.shutdown();
  }
}

async function lockContended(spec: CaseSpec): Promise<Values> {
  const n = spec.params.contendIterations;
  const counter = shared(1);
  const flag = shared(2);
  let times: number[];
  if (spec.library === 'atomics') {
    const cells = shared(1);
    const runs = [0, 1].map(() =>
      baseline<number>({ kind: 'atomics-contend', cells, counter, flag, iterations: n }),
    );
    await release(flag, 2);
    times = await Promise.all(runs);
  } else {
    const Lock = await spindleExport('Lock');
    const tasks = await import('./tasks/spindle-sync-tasks.ts');
    const pool = await spindlePool(2);
    try {
      const lock = new Lock();
      const runs = [0, 1].map(() => pool.submit(tasks.lockContend, lock, counter, flag, n));
      await release(flag, 2);
      times = await Promise.all(runs);
    } finally {
      await pool.shutdown();
    }
  }
  if (counter[0] !== 2 * n) throw new Error(`counter is ${counter[0]}, expected ${2 * n}: the lock leaked`);
  return { opsPerSec: (2 * n) / (Math.max(...times) / 1000) };
}

async function queue(spec: CaseSpec): Promise<Values> {
  const count = spec.params.queueItems;
  const flag = shared(2);
  let ms: number;
  if (spec.library === 'messageport-rounds') {
    const { port1, port2 } = new MessageChannel();
    const ping = baseline<number>({ kind: 'port-ping', port: port1, flag, count }, [port1]);
    const echo = baseline<number>({ kind: 'port-echo', port: port2, flag, count }, [port2]);
    await release(flag, 2);
    [ms] = await Promise.all([ping, echo]);
  } else if (spec.library === 'messageport') {
    const { port1, port2 } = new MessageChannel();
    const consumer = baseline<number>({ kind: 'port-consume', port: port2, flag, count }, [port2]);
    const producer = baseline<number>({ kind: 'port-produce', port: port1, flag, count }, [port1]);
    await release(flag, 2);
    [ms] = await Promise.all([consumer, producer]);
  } else {
    const Queue = await spindleExport('Queue');
    const tasks = await import('./tasks/spindle-sync-tasks.ts');
    const pool = await spindlePool(2);
    try {
      const items = new Queue<number>();
      const consumer = pool.submit(tasks.consume, items, flag, count);
      const producer = pool.submit(tasks.produce, items, flag, count);
      await release(flag, 2);
      [ms] = await Promise.all([consumer, producer]);
    } finally {
      await pool.shutdown();
    }
  }
  return { itemsPerSec: count / (ms / 1000) };
}

export function measureSync(spec: CaseSpec): Promise<Values> {
  switch (spec.scenario) {
    case 'lock':
      return lock(spec);
    case 'lock-contended':
      return lockContended(spec);
    case 'queue':
      return queue(spec);
    default:
      throw new Error(`scenario ${spec.scenario} is not a synchronisation scenario`);
  }
}
