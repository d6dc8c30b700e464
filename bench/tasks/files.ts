/** Where the compiled worker files live: beside this module in bench/.out/tasks/. */
import { fileURLToPath } from 'node:url';

const FILES = {
  work: 'work.cjs',
  'workerpool-worker': 'workerpool-worker.js',
  'poolifier-thread-worker': 'poolifier-thread-worker.js',
  'poolifier-cluster-worker': 'poolifier-cluster-worker.cjs',
  'baseline-sync-worker': 'baseline-sync-worker.js',
} as const;

export function workerFile(name: keyof typeof FILES): string {
  return fileURLToPath(new URL(`./${FILES[name]}`, import.meta.url));
}
