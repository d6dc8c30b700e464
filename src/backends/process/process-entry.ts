/**
 * Entry point of a pool's worker process: reads jobs from fd 3 (and jobs with large arguments from the jobs
 * ring, where a BULK frame on fd 3 says), runs them through the shared worker runtime, and hands each result
 * back before the next job starts: into the answer ring (fd 5, shared memory), or written to fd 4 when there
 * is no ring or it cannot carry the result.
 *
 *   fd 3 'data' ─▶ decode every frame in the chunk ─▶ runtime.pump(): synchronous tasks run inline
 *                                                        │ before each job starts: flush fd 4 (writeSync)
 *   answer ring ◀── results ◀────────────────────────────┤ (a WAKE on fd 4 if the parent sleeps)
 *   fd 4 ◀── writeSync ◀── other results, SKIPPED, MEMORY┘ async results: flushed in a microtask
 *   fd 3 EOF ─▶ closing: once idle, let go of fd 3 and let the event loop run out
 *
 * Results leave at once because the process may die at any moment (a task calls `process.exit()`, throws
 * from a timer, is killed): whatever completed before that must already be in memory the parent maps, or in
 * the kernel, where the parent reads it after the death. Results produced together (one synchronous drain,
 * one microtask checkpoint) share a write to fd 4, but never across a job start.
 *
 * On close the process is not made to exit: it exits like any Node program, when nothing keeps it alive. A
 * task that leaves a timer or a server behind keeps it running, and the pool kills it after
 * `shutdownTimeoutMs`, as it does a worker thread.
 */
import { monotonicMs } from '../../core/clock.ts';
import { UnserializableError } from '../../errors.ts';
import { markWorkerProcess } from '../../core/may-block.ts';
import type { Frame, RunFrame } from '../common/protocol.ts';
import {
  BULK_FRAME,
  BULK_FRAME_BYTES,
  FRAME_BULK,
  FRAME_CANCEL,
  FRAME_DEFINE,
  FRAME_MEMORY,
  FRAME_READY,
  FRAME_RESULT,
  FRAME_RUN,
  FRAME_SKIPPED,
  FRAME_WAKE,
} from '../common/protocol.ts';
import { loadKindsFor } from '../common/shared-kinds.ts';
import { encodeError } from '../common/remote-error.ts';
import { unserializableError } from '../common/unserializable.ts';
import { WorkerRuntime } from '../common/worker-runtime.ts';
import type { WorkerSink } from '../common/worker-runtime.ts';
import { FrameDecoder, FrameEncoder } from './frame-stream.ts';
import type { ProcessMessage, ProcessWorkerConfig } from './process-worker.ts';
import { JOBS_FD, RESULTS_FD, SHARED_FD } from './process-worker.ts';
import { NotPlain } from '../common/codec.ts';
import type { ResultFrame } from '../common/protocol.ts';
import { isLargeBytes, SharedBlock } from './shared-block.ts';
import { native, type NativeBinding } from '../../shm/native.ts';
import { nodeFs, nodeNet } from '../../core/lazy-builtins.ts';

const { closeSync, readSync, writeSync } = nodeFs();
const { Socket } = nodeNet();

markWorkerProcess();
const config = JSON.parse(process.argv[2] ?? '{}') as ProcessWorkerConfig;
const spinMs = config.spinMicros / 1000;
process.title = config.title;

const out = new FrameEncoder();
/**
 * The block the parent shares (answer, jobs and results rings), once attached (see the end of this file);
 * until then results take fd 4, and the parent sends every job by fd 3.
 */
let shared: SharedBlock | undefined;
const pause = new Int32Array(new SharedArrayBuffer(4));
/** Inside the synchronous handling of a chunk, whose end flushes: no microtask needed. */
let draining = false;
let flushQueued = false;
let closing = false;
/**
 * The shared block is mapped once a first result has gone out or the worker is idle (at once, if no job is
 * waiting at start-up): loading the native addon and mapping take ~1.5 ms, which the first result need not
 * wait for, and done while a task module loaded they delayed its result by ~2 ms (measured). Until then
 * results take fd 4, which the parent reads all the same, and jobs come by fd 3.
 */
let attachPending = config.sharedBlock;
let answered = false;
/** The highest job id that has reached its turn to start: ids rise in the order jobs arrive. */
let lastTurn = 0;
/** Jobs cancelled before their turn. */
const cancelled = new Set<number>();
/** Jobs started and not finished, to tell a CANCEL that came too late. */
const running = new Set<number>();
/** When fd 3 was last read (by the event loop or by {@link readAhead}). */
let lastRead = 0;
/** A job waiting behind a task that ran this long first looks for a CANCEL sent meanwhile. */
const READ_AHEAD_AFTER_MS = 1;
const readBuffer = new Uint8Array(64 * 1024);

/** Writes all of `bytes`, in order. fd 4 is normally blocking; should it not be, wait out EAGAIN. */
function writeAll(bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.byteLength) {
    try {
      offset += writeSync(RESULTS_FD, bytes, offset, bytes.byteLength - offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EINTR') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

function flush(): void {
  if (out.size === 0) return;
  try {
    writeAll(out.peek());
  } catch {
    // EPIPE: the parent is gone, and nobody is left to run jobs for.
    process.exit(1);
  } finally {
    out.clear();
  }
}

/**
 * Reads what the parent sent while a long task kept the event loop busy, so a CANCEL for the next job is
 * seen before that job starts. Bytes come straight off fd 3 in order: the socket holds none of its own
 * (checked), and the event loop, which reads the same fd, is not running while this does.
 */
function readAhead(): void {
  lastRead = monotonicMs();
  if (input.readableLength > 0 || input.destroyed) return;
  for (;;) {
    const n = tryRead();
    if (n < 0) return; // EAGAIN: nothing more for now (any other error, the event loop will see too)
    if (n === 0) return; // EOF: the event loop sees it too, and closes
    decoder.push(readBuffer.slice(0, n));
    if (n < readBuffer.byteLength) return;
  }
}

/**
 * One non-blocking read of fd 3 into `readBuffer`: the bytes read, 0 at EOF, -1 if there are none yet (or the
 * read failed, which the event loop, reading the same fd, reports). An empty read throws; with no stack to
 * capture, the throw costs a fraction of what it would, which matters to a loop that polls with it.
 */
function tryRead(): number {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return readSync(JOBS_FD, readBuffer, 0, readBuffer.byteLength, null);
  } catch {
    return -1;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function queueFlush(): void {
  if (draining || flushQueued) return;
  flushQueued = true;
  queueMicrotask(settle);
}

/** After work: send what is pending; once closing and idle, release fd 3 so the process can end. */
function settle(): void {
  flushQueued = false;
  flush();
  if (closing && !runtime.busy) input.destroy();
  else if (attachPending && (answered || !runtime.busy)) {
    attachPending = false;
    setImmediate(attachSharedBlock);
  }
}

/**
 * Maps the block the parent shares and says so in it. Without it every result takes fd 4 and every job comes
 * by fd 3, which the parent then keeps to.
 */
function attachSharedBlock(): void {
  let binding: NativeBinding;
  try {
    binding = native();
  } catch {
    closeSync(SHARED_FD); // no addon here (the parent had one): the sockets it is
    return;
  }
  let block: SharedBlock;
  try {
    block = new SharedBlock(binding.attachDescriptor(SHARED_FD)); // which closes the descriptor, mapped or not
  } catch {
    return;
  }
  shared = block;
  block.markAttached();
}

/**
 * Publishes a result in the answer ring (a large byte array in the results ring, a BULK frame in the answer
 * ring in its place); false if there is no ring, or no room, or the value needs fd 4.
 */
function answer(frame: ResultFrame): boolean {
  if (shared === undefined) return false;
  const { answers } = shared;
  try {
    if (!(isLargeBytes(frame.value) ? answerBeside(shared, frame) : answers.tryWrite(frame))) return false;
  } catch (error) {
    if (error !== NotPlain) throw error;
    return false;
  }
  if (answers.claimWake()) {
    out.writeFrame({ type: FRAME_WAKE });
    queueFlush(); // or the flush before the next job, or at the end of this chunk: whichever comes first
  }
  return true;
}

function answerBeside({ answers, results }: SharedBlock, frame: ResultFrame): boolean {
  if (!answers.hasRoom(BULK_FRAME_BYTES) || !results.tryWrite(frame)) return false;
  answers.tryWrite(BULK_FRAME); // cannot fail: checked above, and only this process writes there
  return true;
}

const sink: WorkerSink = {
  result(id, ok, runMicros, value) {
    running.delete(id);
    answered = true;
    try {
      if (answer({ type: FRAME_RESULT, id, ok, runMicros, value })) return;
      out.writeFrame({ type: FRAME_RESULT, id, ok, runMicros, value });
    } catch (error) {
      const failure =
        error instanceof UnserializableError
          ? error
          : unserializableError(value, 'result', 'back from the worker process', error);
      out.writeFrame({ type: FRAME_RESULT, id, ok: false, runMicros, value: encodeError(failure) });
    }
    queueFlush();
  },
  skipped(id) {
    out.writeFrame({ type: FRAME_SKIPPED, id });
    queueFlush();
  },
  memory(bytes) {
    out.writeFrame({ type: FRAME_MEMORY, bytes });
    queueFlush();
  },
};

const runtime = new WorkerRuntime(
  sink,
  (frame: RunFrame) => {
    flush(); // every earlier result reaches the parent before this job can take the process down
    if (monotonicMs() - lastRead > READ_AHEAD_AFTER_MS) readAhead();
    lastTurn = frame.id;
    if (cancelled.size > 0 && cancelled.delete(frame.id)) return false;
    running.add(frame.id);
    return true;
  },
  {
    concurrency: config.concurrency,
    memoryReportMs: config.memoryReportMs,
    measureMemory: () => process.memoryUsage.rss(),
  },
);

/** While the modules of shared-object kinds load (see shared-kinds.ts), every frame waits here, in order. */
const held: Frame[] = [];
let loadingKinds: Promise<void> | undefined;

function accept(frame: Frame): void {
  if (frame.type === FRAME_BULK) {
    // Its job was published in the jobs ring before this frame was written: read it now, in its place.
    if (shared === undefined || !shared.jobs.readOne(accept))
      throw new Error('Spindle: a BULK frame with no job in the jobs ring');
    return;
  }
  if (loadingKinds !== undefined) {
    held.push(frame);
    return;
  }
  if (frame.type === FRAME_RUN && frame.shared === true) {
    const loading = loadKindsFor(frame);
    if (loading !== undefined) {
      held.push(frame);
      loadingKinds = loading.then(releaseHeld, releaseHeld); // a load that fails is reported by unpacking
      return;
    }
    runtime.enqueueShared(frame);
    return;
  }
  onFrame(frame);
}

function releaseHeld(): void {
  loadingKinds = undefined;
  draining = true;
  try {
    for (const frame of held.splice(0)) accept(frame);
    runtime.pump();
  } finally {
    draining = false;
  }
  settle();
}

const decoder = new FrameDecoder(accept);

function onFrame(frame: Frame): void {
  switch (frame.type) {
    case FRAME_RUN:
      runtime.enqueue(frame);
      return;
    case FRAME_DEFINE:
      runtime.define(frame);
      return;
    case FRAME_CANCEL:
      if (frame.id > lastTurn) cancelled.add(frame.id);
      else if (running.has(frame.id)) {
        out.writeSerialized({ type: 'late-cancel', id: frame.id } satisfies ProcessMessage);
      }
      return;
    default:
      return;
  }
}

process.on('uncaughtException', (error) => {
  try {
    flush();
    out.writeSerialized({ type: 'crash', error: encodeError(error) } satisfies ProcessMessage);
    flush();
  } catch {
    // Nothing more can be said; the exit code still tells the parent the worker died.
  }
  process.exit(1);
});

// `process.exit()` in a task: results finished just before it still go out.
process.on('exit', flush);

// Writable, and half-open allowed, though nothing is written here: either flag off would shut down this
// side of the socket, which the parent would read as the worker closing its jobs channel.
const input = new Socket({ fd: JOBS_FD, readable: true, writable: true, allowHalfOpen: true });
function handle(chunk: Uint8Array): void {
  lastRead = monotonicMs();
  draining = true;
  try {
    decoder.push(chunk);
    runtime.pump();
  } finally {
    draining = false;
  }
  settle();
}

/**
 * After a batch, watch fd 3 for up to `spinMicros` before going back to the event loop: a sequential
 * caller's next job usually arrives within microseconds, and an epoll wake-up costs more than that. Only
 * while no async task is pending (their continuations need the event loop), and never blocking: fd 3 is
 * non-blocking, so an empty read fails with EAGAIN at once.
 */
function spinForMore(): void {
  if (spinMs === 0) return;
  let until = monotonicMs() + spinMs;
  while (!closing && !runtime.busy && input.readableLength === 0) {
    const now = monotonicMs();
    if (now >= until) return;
    const n = tryRead();
    if (n < 0) continue; // EAGAIN: nothing yet
    if (n === 0) return; // EOF: the event loop sees it too
    handle(readBuffer.slice(0, n));
    until = monotonicMs() + spinMs;
  }
}

input.on('data', (chunk: Buffer) => {
  handle(chunk);
  spinForMore();
});
// The parent closed the channel (or died): finish what was sent, then end.
const onEnd = (): void => {
  closing = true;
  settle();
};
input.on('end', onEnd);
input.on('error', onEnd);

out.writeFrame({ type: FRAME_READY });
flush();
// Jobs sent while this process started up are waiting in fd 3: take them now rather than a turn of the event
// loop later (~1–2 ms of a pool's first result, measured). The socket has read nothing yet, so order holds.
const waiting = tryRead();
if (waiting > 0) handle(readBuffer.slice(0, waiting));
else settle();
