/**
 * The kinds of shared object Spindle defines, so a worker can load their modules (all-kinds.ts) the first
 * time one arrives (see core/shareable.ts) instead of at start-up: most tasks are never sent a lock or a
 * queue, and every module a worker loads adds to its start-up time.
 */
import { unknownKinds } from '../../core/shareable.ts';
import type { Frame } from './protocol.ts';
import { FRAME_RESULT, FRAME_RUN } from './protocol.ts';

/** The kinds all-kinds.ts defines. */
const KINDS: readonly string[] = [
  'spindle.Lock',
  'spindle.RLock',
  'spindle.Semaphore',
  'spindle.BoundedSemaphore',
  'spindle.Condition',
  'spindle.Event',
  'spindle.Barrier',
  'spindle.Queue',
  'spindle.LifoQueue',
  'spindle.PriorityQueue',
  'spindle.SimpleQueue',
  'spindle.JoinableQueue',
  'spindle.Connection',
  'spindle.SharedArray',
  'spindle.Value',
  'spindle.SharedMemory',
  'spindle.ProcessLock',
  'spindle.ProcessSemaphore',
  'spindle.ProcessBoundedSemaphore',
  'spindle.manager.dict',
  'spindle.manager.list',
  'spindle.manager.namespace',
  'spindle.manager.value',
  'spindle.manager.Lock',
  'spindle.manager.RLock',
  'spindle.manager.Semaphore',
  'spindle.manager.BoundedSemaphore',
  'spindle.manager.Condition',
  'spindle.manager.Event',
  'spindle.manager.Barrier',
  'spindle.manager.Queue',
  'spindle.manager.JoinableQueue',
  'spindle.manager.LifoQueue',
  'spindle.manager.PriorityQueue',
  'spindle.manager.SimpleQueue',
  'spindle.manager.Connection',
];

/** Every kind this table knows (the test checks it against the classes that register themselves). */
export const knownKinds: readonly string[] = KINDS;

/**
 * The modules a structured-clone frame needs before its shared objects can be revived, loaded; undefined if
 * none is missing (the common case: no promise, no delay). A kind nobody defines is left for unpacking to
 * report, as an error of that one job.
 */
export function loadKindsFor(frame: Frame): Promise<void> | undefined {
  if (frame.type !== FRAME_RUN && frame.type !== FRAME_RESULT) return undefined;
  if (frame.shared !== true) return undefined;
  const missing = unknownKinds(frame.type === FRAME_RUN ? frame.args : frame.value);
  if (![...missing].some((kind) => KINDS.includes(kind))) return undefined;
  return import('./all-kinds.ts').then(() => undefined);
}
