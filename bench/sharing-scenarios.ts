/**
 * Scenarios 10–11: sharing between processes. Round trips to a manager (Spindle's `Manager` against Python's
 * `multiprocessing.Manager`, the tool the seeds reach for), and handing a 64 MiB array to a process worker
 * through `SharedMemory` against copying it as a task argument.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { spindleExport } from './spindle-api.ts';
import type { CaseSpec } from './types.ts';
import { NotAvailableError } from './types.ts';

type Values = Record<string, number>;

export const SHARING_SCENARIOS = new Set(['manager', 'shm-handoff']);

/** Python's figures, from the script beside the compiled tasks' sources. */
async function pythonManager(calls: number, warmup: number): Promise<Values> {
  const script = fileURLToPath(new URL('../tasks/python-manager.py', import.meta.url));
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)('python3', [script, String(calls), String(warmup)], {
      timeout: 120_000,
    }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new NotAvailableError('no python3 on this machine', { cause: error });
    throw error;
  }
  const figures = JSON.parse(stdout) as { main: number; worker: number };
  return { mainCallsPerSec: figures.main, workerCallsPerSec: figures.worker };
}

async function manager(spec: CaseSpec): Promise<Values> {
  const { managerCalls: calls, managerWarmup: warmup } = spec.params;
  if (spec.library === 'python') return pythonManager(calls, warmup);
  const Manager = await spindleExport('Manager');
  const ProcessPoolExecutor = await spindleExport('ProcessPoolExecutor');
  const tasks = await import('./tasks/spindle-sharing-tasks.ts');
  const manager = await Manager.start();
  const pool = new ProcessPoolExecutor({ maxWorkers: 1, minWorkers: 1 });
  try {
    const value = await manager.value(0);
    for (let i = 0; i < warmup; i++) await value.getAsync();
    const start = performance.now();
    for (let i = 0; i < calls; i++) await value.getAsync();
    const mainCallsPerSec = calls / ((performance.now() - start) / 1000);
    const workerCallsPerSec = await pool.submit(tasks.managerCalls, value, calls, warmup);
    return { mainCallsPerSec, workerCallsPerSec };
  } finally {
    await pool.shutdown();
    await manager.shutdown();
  }
}

/** Median of `runs` timings of `once`, in milliseconds. */
async function medianMs(runs: number, once: () => PromiseLike<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await once();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function handoff(spec: CaseSpec): Promise<Values> {
  const bytes = spec.params.handoffBytes;
  const ProcessPoolExecutor = await spindleExport('ProcessPoolExecutor');
  const tasks = await import('./tasks/spindle-sharing-tasks.ts');
  const pool = new ProcessPoolExecutor({ maxWorkers: 1, minWorkers: 1 });
  const check = (got: number, length = bytes / 8): void => {
    if (got !== 1 + length) throw new Error(`the worker saw ${got}, expected ${1 + length}`);
  };
  try {
    check(await pool.submit(tasks.receiveArray, filled(new Float64Array(8))), 8); // the worker is up and warm
    if (spec.library === 'copy') {
      const data = filled(new Float64Array(bytes / 8));
      return { ms: await medianMs(5, async () => check(await pool.submit(tasks.receiveArray, data))) };
    }
    const SharedMemory = await spindleExport('SharedMemory');
    const block = new SharedMemory({ size: bytes });
    try {
      filled(new Float64Array(block.buffer));
      return { ms: await medianMs(5, async () => check(await pool.submit(tasks.receiveBlock, block))) };
    } finally {
      block.unlink();
      block.close();
    }
  } finally {
    await pool.shutdown();
  }
}

/** Element i holds i + 1 (so the first is 1 and the last is the length). */
function filled(data: Float64Array): Float64Array {
  for (let i = 0; i < data.length; i++) data[i] = i + 1;
  return data;
}

export function measureSharing(spec: CaseSpec): Promise<Values> {
  switch (spec.scenario) {
    case 'manager':
      return manager(spec);
    case 'shm-handoff':
      return handoff(spec);
    default:
      throw new Error(`scenario ${spec.scenario} is not a process-sharing scenario`);
  }
}
