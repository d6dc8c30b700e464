/**
 * Strategies (a backend and its sizing): how they are named, how they compare in cost, and the line of code
 * that creates each one. Shared by the plan, the recommender and every report, so they all say the same.
 */
import type { Backend, Strategy } from './measurements.ts';

/** Cheapest first: fewer moving parts, less start-up, less copying. */
const BACKEND_COST: Readonly<Record<Backend, number>> = { serial: 0, async: 1, thread: 2, process: 3 };

/** A short human label: `serial`, `async ×64`, `threads ×2`, `processes ×2 (16 async each)`. */
export function strategyLabel(strategy: Strategy): string {
  const { backend, workers, concurrencyPerWorker } = strategy;
  if (backend === 'serial') return 'serial';
  if (backend === 'async') return `async ×${concurrencyPerWorker}`;
  const base = `${backend === 'thread' ? 'threads' : 'processes'} ×${workers}`;
  return concurrencyPerWorker > 1 ? `${base} (${concurrencyPerWorker} async each)` : base;
}

/** Orders strategies from the simplest and cheapest to run to the costliest (for tie-breaks). */
export function compareCost(a: Strategy, b: Strategy): number {
  return (
    BACKEND_COST[a.backend] - BACKEND_COST[b.backend] ||
    a.workers - b.workers ||
    a.concurrencyPerWorker - b.concurrencyPerWorker
  );
}

/** True when the strategy runs tasks on worker threads or processes. */
export function isPool(strategy: Strategy): boolean {
  return strategy.backend === 'thread' || strategy.backend === 'process';
}

/** Tasks the strategy runs at once. */
export function capacityOf(strategy: Strategy): number {
  if (strategy.backend === 'serial') return 1;
  if (strategy.backend === 'async') return strategy.concurrencyPerWorker;
  return strategy.workers * strategy.concurrencyPerWorker;
}

/** The Spindle code that runs a task this way, for the recommendation. */
export function strategyCode(strategy: Strategy): string {
  const { backend, workers, concurrencyPerWorker } = strategy;
  if (backend === 'serial') return 'await myTask.fn(...args) // inline, one call after another';
  if (backend === 'async') return `new AsyncExecutor({ maxConcurrency: ${concurrencyPerWorker} })`;
  const name = backend === 'thread' ? 'ThreadPoolExecutor' : 'ProcessPoolExecutor';
  const hybrid = concurrencyPerWorker > 1 ? `, concurrencyPerWorker: ${concurrencyPerWorker}` : '';
  return `new ${name}({ maxWorkers: ${workers}${hybrid} })`;
}
