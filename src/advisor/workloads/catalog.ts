/**
 * The built-in workloads of `spindle profile --builtin`: one small task per kind of workload the advisor
 * tells apart, with the arguments to call it with. Each shows one lesson of the decision guide, measured on
 * the machine at hand rather than asserted.
 */
import type { AnyTask } from '../../core/task.ts';
import type { WorkloadClass } from '../classify.ts';
import type { ArgLists } from '../target.ts';
import { awaitReply } from './async-io.ts';
import { blockingRead } from './blocking-io.ts';
import { countPrimes } from './cpu-bound.ts';
import { fillBuffer } from './memory-heavy.ts';
import { increment } from './overhead-dominated.ts';
import { firstAndLast } from './payload-dominated.ts';

export interface BuiltinWorkload {
  /** Short name, also the expected classification. */
  readonly name: WorkloadClass;
  readonly description: string;
  readonly task: AnyTask;
  /** Built when the workload runs, not at import (the payload one is several MiB). */
  readonly argLists: () => ArgLists;
}

// Re-exported so that, bundled, the chunk holding these tasks exports them: workers find a task by the
// export of its module (here, the chunk) that holds it.
export { awaitReply, blockingRead, countPrimes, fillBuffer, increment, firstAndLast };

const PAYLOAD_LENGTH = 512 * 1024;

export const BUILTIN_WORKLOADS: readonly BuiltinWorkload[] = [
  {
    name: 'cpu-bound',
    description: 'counts primes below 150 000 by trial division (~10 ms of computation)',
    task: countPrimes as AnyTask,
    argLists: () => [[150_000]],
  },
  {
    name: 'async-io',
    description: 'awaits a 20 ms timer, like a network round trip',
    task: awaitReply as AnyTask,
    argLists: () => [[20]],
  },
  {
    name: 'blocking-io',
    description: 'blocks its thread for 10 ms in Atomics.wait, like a synchronous file call',
    task: blockingRead as AnyTask,
    argLists: () => [[10]],
  },
  {
    name: 'overhead-dominated',
    description: 'n => n + 1',
    task: increment as AnyTask,
    argLists: () => Array.from({ length: 64 }, (_, i) => [i]),
  },
  {
    name: 'payload-dominated',
    description: `reads two elements of a ${PAYLOAD_LENGTH.toLocaleString('en-US')}-number array (~4 MiB copied per call)`,
    task: firstAndLast as AnyTask,
    argLists: () => [[Array.from({ length: PAYLOAD_LENGTH }, (_, i) => i * 0.5)]],
  },
  {
    name: 'memory-heavy',
    description: 'fills a 128 MiB buffer and sums a sample of it',
    task: fillBuffer as AnyTask,
    argLists: () => [[128]],
  },
];
