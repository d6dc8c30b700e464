/**
 * The parent's handle on one worker process.
 *
 *   parent                                                 child (process-entry.ts)
 *   run() ──encode──▶ buffer ──flush: one write──▶ fd 3 ──▶ decode → run tasks inline
 *         large: ──▶ jobs ring (fd 5: shared memory), BULK on fd 3 in its place ──┘
 *   withdraw() ──CANCEL────────────────────────────▶ fd 3     (skipped at its turn: SKIPPED)
 *   close() ──end of fd 3 ─────────────────────────▶ EOF      (exits once idle)
 *   results ◀──drain◀── answer ring (fd 5: shared memory) ◀── each result before the next job starts
 *           ◀──decode◀── fd 4 ◀── writeSync: results the ring cannot carry, WAKE, SKIPPED, READY, ...
 *   exit ◀── child 'exit' + fd 4 closed (every result read) ─┘
 *
 * Two sockets, not one: when the child dies, a write of new jobs fails with EPIPE and Node destroys that
 * socket at once; results the child wrote just before dying must still be read to the end, so they travel on
 * a socket the parent never writes to.
 *
 * The answer ring: a result must be out of the child before its next job starts (that job may kill the
 * process), and a write to fd 4 per result cost each child a system call per tiny task, a quarter of its
 * time (measured). Written into memory both processes map, a result survives the child's death just the same,
 * for no system call. The parent drains the ring while it polls after sending jobs; when it stops polling it
 * raises the ring's SLEEPING flag, and the child that then publishes a result sends one WAKE frame on fd 4.
 * Without the native addon (which makes the shared memory) every result takes fd 4, as before.
 *
 * The same block holds a jobs ring for jobs with large byte arrays (shared-block.ts): copied into memory the
 * child maps rather than through the socket's kernel buffers.
 *
 * Withdrawal is not exact: the parent's view of which jobs have started lags the child by one trip. A job
 * among the first `concurrency` not yet answered may be running; a later one is cancelled with a CANCEL
 * frame, and the child skips it if it has not reached it yet. If it has (the race), the child says so and
 * this handle stops the worker, as the pool would for a running job: a cancelled task never runs on.
 */
import { UnserializableError } from '../../errors.ts';
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TransferItem } from '../../core/call-options.ts';
import type { WorkerExit } from '../../errors.ts';
import type { Frame, ResultFrame, RunFrame } from '../common/protocol.ts';
import {
  BULK_FRAME,
  FRAME_BULK,
  FRAME_CANCEL,
  FRAME_DEFINE,
  FRAME_MEMORY,
  FRAME_READY,
  FRAME_RESULT,
  FRAME_RUN,
  FRAME_SKIPPED,
  FRAME_WAKE,
  NO_SLOT,
  unpackSharedFrame,
} from '../common/protocol.ts';
import type { EncodedError } from '../common/remote-error.ts';
import { decodeError, encodeError } from '../common/remote-error.ts';
import { unserializableError } from '../common/unserializable.ts';
import type { TaskAddress, WorkerEvents, WorkerHandle } from '../pool/worker-handle.ts';
import { nodeChildProcess } from '../../core/lazy-builtins.ts';
import { AnswerPoller } from '../pool/answer-poller.ts';
import { Backlog } from '../pool/backlog.ts';
import { FrameDecoder, FrameEncoder } from './frame-stream.ts';
import { native } from '../../shm/native.ts';
import type { Ring } from '../common/ring.ts';
import { NotPlain } from '../common/codec.ts';
import { isLargeBytes, SHARED_BLOCK_BYTES, SharedBlock } from './shared-block.ts';

/** The child's file descriptors: jobs come in on one, results go out on the other. */
export const JOBS_FD = 3;
export const RESULTS_FD = 4;
/** The shared block (answer ring and jobs ring), when there is one. */
export const SHARED_FD = 5;

/** What a worker process is told at start (its last argv entry, as JSON). */
export interface ProcessWorkerConfig {
  readonly concurrency: number;
  readonly memoryReportMs: number;
  readonly spinMicros: number;
  readonly title: string;
  /** Whether fd 5 carries the shared block (shared-block.ts). */
  readonly sharedBlock: boolean;
}

/** The child is dying of an uncaught exception: the error, sent just before it exits. */
export interface CrashMessage {
  readonly type: 'crash';
  readonly error: EncodedError;
}

/** A CANCEL arrived for a job the child had already started. */
export interface LateCancelMessage {
  readonly type: 'late-cancel';
  readonly id: number;
}

/** Transport messages of the process backend, sent as kind-1 frames beside the protocol's frames. */
export type ProcessMessage = CrashMessage | LateCancelMessage;

export interface ProcessWorkerOptions {
  readonly concurrency: number;
  readonly memoryReportMs: number;
  readonly spinMicros: number;
  readonly execArgv: readonly string[] | undefined;
  readonly env: Record<string, string | undefined> | undefined;
  readonly name: string;
}

/** After the child exits, how long the results socket may stay silent before it is taken as finished. */
const DRAIN_GRACE_MS = 1000;

const entryPath = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? './process-entry.ts' : './process-entry.cjs', import.meta.url),
);

export class ProcessWorker implements WorkerHandle {
  readonly id: number;
  readonly exactWithdraw = false;
  readonly canTakeJob = true;
  readonly #events: WorkerEvents;
  readonly #concurrency: number;
  readonly #child: ChildProcess | undefined;
  readonly #jobs: Socket | undefined;
  readonly #results: Socket | undefined;
  readonly #out = new FrameEncoder();
  readonly #backlog = new Backlog();
  #answers: Ring | undefined;
  /** The shared block, while its jobs ring may be used. */
  #block: SharedBlock | undefined;
  // While answers are due, look in the ring on each of the next few event-loop turns (socket frames arrive as
  // events); then ask the child for a WAKE instead.
  readonly #poller = new AnswerPoller(
    () => this.#drainAnswers(),
    () => this.#inFlight.size > 0,
    () => this.#rest(),
  );
  readonly #decoder = new FrameDecoder<ProcessMessage>((message) => this.#onMessage(message));
  readonly #defined = new Set<number>();
  /** Jobs sent and not answered, in dispatch order; withdrawn ones are moved to `#withdrawn`. */
  readonly #inFlight = new Set<number>();
  readonly #withdrawn = new Set<number>();
  #exit: { exitCode: number | null; signal: string | null } | undefined;
  #resultsClosed = false;
  #drainTimer: NodeJS.Timeout | undefined;
  #heard = false;
  #error: unknown = undefined;
  #reported = false;
  /** The child's READY has been read. */
  #ready = false;

  constructor(id: number, options: ProcessWorkerOptions, events: WorkerEvents) {
    this.id = id;
    this.#events = events;
    this.#concurrency = options.concurrency;
    const shared = openSharedBlock();
    this.#block = shared?.block;
    this.#answers = shared?.block.answers;
    const config: ProcessWorkerConfig = {
      concurrency: options.concurrency,
      memoryReportMs: options.memoryReportMs,
      spinMicros: options.spinMicros,
      title: options.name,
      sharedBlock: shared !== undefined,
    };
    const execArgv = options.execArgv ?? process.execArgv;
    let child: ChildProcess;
    try {
      child = nodeChildProcess().spawn(process.execPath, [...execArgv, entryPath, JSON.stringify(config)], {
        stdio: ['ignore', 'inherit', 'inherit', 'pipe', 'pipe', ...(shared === undefined ? [] : [shared.fd])],
        env: options.env ?? process.env,
      });
    } catch (error) {
      if (shared !== undefined) native().closeDescriptor(shared.fd);
      this.#error = error;
      this.#resultsClosed = true;
      // The pool registers this handle after the constructor returns; only then may it hear of the exit.
      process.nextTick(() => this.#onExit(null, null));
      return;
    }
    // The child has its own copy of the descriptor now; the mapping keeps the memory on this side.
    if (shared !== undefined) native().closeDescriptor(shared.fd);
    this.#child = child;
    child.on('error', (error) => {
      // No process was started (ENOENT, EAGAIN, EMFILE…): no 'exit' and no stream will end on its own.
      // Other errors (a failed kill) say nothing about how the child ends.
      if (child.pid !== undefined) return;
      this.#error ??= error;
      this.#resultsClosed = true;
      this.#onExit(null, null);
    });
    child.on('exit', (exitCode, signal) => this.#onExit(exitCode, signal));
    const jobs = child.stdio[JOBS_FD] as Socket | null;
    const results = child.stdio[RESULTS_FD] as Socket | null;
    if (jobs === null || results === null) return; // spawn failed: 'error' follows
    this.#jobs = jobs;
    this.#results = results;
    // Socket errors (EPIPE, ECONNRESET once the child is gone) are how its exit looks from here, not its
    // cause: the exit reports that. Node destroys the socket either way, and 'close' follows.
    jobs.on('error', () => undefined);
    results.on('error', () => undefined);
    results.on('data', (chunk: Buffer) => this.#onData(chunk));
    results.on('close', () => {
      this.#resultsClosed = true;
      this.#maybeReportExit();
    });
  }

  get backlogBytes(): number {
    return this.#backlog.bytes;
  }

  run(
    id: number,
    task: TaskAddress,
    args: readonly unknown[],
    _transfer: readonly TransferItem[] | undefined,
  ): void {
    // Transfer lists do not apply: bytes cross to another process by copy whatever the caller asks.
    if (!this.#defined.has(task.key)) {
      this.#defined.add(task.key);
      this.#out.writeFrame({ type: FRAME_DEFINE, ...task });
    }
    const frame: RunFrame = { type: FRAME_RUN, id, key: task.key, slot: NO_SLOT, args };
    if (!this.#sendBulk(frame)) {
      const before = this.#out.size;
      try {
        this.#out.writeFrame(frame);
      } catch (error) {
        if (error instanceof UnserializableError) throw error; // already names the value and the reason
        throw unserializableError(args, 'args', 'to a worker process', error);
      }
      this.#backlog.add(id, this.#out.size - before);
    }
    this.#inFlight.add(id);
  }

  /**
   * A job with a large byte array, once the child has mapped the shared block: into the jobs ring, with a
   * BULK frame in its place on fd 3, sent at once so the child starts copying it out while the next is
   * copied in. False if it does not qualify or does not fit (or needs v8.serialize): fd 3 takes it.
   */
  #sendBulk(frame: RunFrame): boolean {
    const block = this.#block;
    if (block === undefined || !hasLargeBytes(frame.args) || !block.attached) return false;
    const ring = block.jobs;
    const before = ring.produced;
    try {
      if (!ring.tryWrite(frame)) return false;
    } catch (error) {
      // Not the codec giving up: reading the arguments threw (a getter, a proxy). v8.serialize would too.
      if (error !== NotPlain) throw unserializableError(frame.args, 'args', 'to a worker process', error);
      return false;
    }
    this.#out.writeFrame(BULK_FRAME);
    this.#backlog.add(frame.id, (ring.produced - before) >>> 0);
    this.flush();
    return true;
  }

  flush(): void {
    if (this.#out.size === 0) return;
    const jobs = this.#jobs;
    const bytes = this.#out.take();
    if (jobs !== undefined && jobs.writable) {
      if (this.#out.recyclable(bytes)) jobs.write(bytes, () => this.#out.recycle(bytes));
      else jobs.write(bytes);
    }
    if (!this.#poller.polling) this.#answers?.awake(); // polling from now: no WAKE needed
    this.#poller.sent();
  }

  withdraw(id: number): boolean {
    if (!this.#inFlight.has(id) || this.#position(id) < this.#concurrency) return false;
    this.#inFlight.delete(id);
    this.#withdrawn.add(id);
    this.#out.writeFrame({ type: FRAME_CANCEL, id });
    this.flush();
    return true;
  }

  started(id: number): boolean {
    return this.#inFlight.has(id) && this.#position(id) < this.#concurrency;
  }

  close(): void {
    this.flush();
    this.#jobs?.end();
    // Whoever asked is waiting for the exit, so it must be seen even if the pool had unref'd this worker.
    this.setRef(true);
  }

  terminate(): void {
    if (this.#exit !== undefined) return;
    this.#child?.kill('SIGKILL');
    this.setRef(true);
  }

  setRef(ref: boolean): void {
    const child = this.#child;
    if (child === undefined) return;
    if (ref) {
      child.ref();
      this.#jobs?.ref();
      this.#results?.ref();
    } else {
      child.unref();
      this.#jobs?.unref();
      this.#results?.unref();
    }
  }

  /** Place of an in-flight job in dispatch order; withdrawn jobs do not count (the child skips them). */
  #position(id: number): number {
    let i = 0;
    for (const other of this.#inFlight) {
      if (other === id) return i;
      if (++i >= this.#concurrency) return i;
    }
    return i;
  }

  #onData(chunk: Buffer): void {
    this.#heard = true;
    try {
      this.#decoder.push(chunk);
    } catch (error) {
      // Our own child wrote garbage: nothing it says can be trusted any more.
      this.#error ??= error;
      this.#results?.destroy();
      this.terminate();
      return;
    }
    // A WAKE (or anything else) from the child: answers may wait in the ring too.
    this.#drainAnswers();
    if (!this.#poller.polling) this.#rest();
  }

  /**
   * Answers in the ring, once the child's READY (on fd 4) has been heard: the pool learns that a worker is
   * ready before it hears any of its results, as when everything came by one socket.
   */
  #drainAnswers(): void {
    if (this.#ready) this.#readAnswers();
  }

  #readAnswers(): void {
    try {
      this.#answers?.drain(this.#onAnswer);
    } catch (error) {
      // As with garbage on fd 4: the child's memory is not to be trusted any more.
      this.#error ??= error;
      this.#answers = undefined;
      this.#block = undefined;
      this.terminate();
    }
  }

  /** A frame from the answer ring; BULK: the result it stands for waits in the results ring. */
  #onAnswer = (frame: Frame): void => {
    if (frame.type !== FRAME_BULK) this.#onMessage(frame);
    else if (this.#block?.results.readOne(this.#onAnswer) !== true)
      throw new Error('Spindle: a BULK frame with no result in the results ring'); // the worker is stopped
  };

  /**
   * Not polling: raise SLEEPING, so the child sends a WAKE with its next answer. Answers that arrived before
   * the flag went up are drained first (they would never ring).
   */
  #rest(): void {
    if (!this.#ready) return; // READY's arrival drains, and comes back here
    // Re-read #answers each round: a ring that fails to decode is dropped (#readAnswers), and must not be
    // waited on again.
    for (let ring = this.#answers; ring !== undefined && !this.#poller.polling; ring = this.#answers) {
      if (ring.prepareToSleep(ring.consumed)) return;
      this.#readAnswers();
    }
  }

  #onMessage(message: Frame | ProcessMessage): void {
    switch (message.type) {
      case FRAME_RESULT: {
        this.#backlog.remove(message.id);
        if (!this.#inFlight.delete(message.id)) this.#withdrawn.delete(message.id);
        const { ok, value } = reviveResult(message);
        this.#events.result(this, message.id, ok, message.runMicros, value);
        return;
      }
      case FRAME_SKIPPED:
        this.#withdrawn.delete(message.id);
        this.#backlog.remove(message.id);
        this.#inFlight.delete(message.id);
        this.#events.skipped(this, message.id);
        return;
      case FRAME_READY:
        this.#ready = true;
        this.#events.ready(this);
        return;
      case FRAME_MEMORY:
        this.#events.memory(this, message.bytes);
        return;
      case 'crash':
        this.#error = decodeError(message.error);
        return;
      case FRAME_WAKE:
        return; // its arrival already drains the ring (#onData)
      case 'late-cancel':
        // Still running although its caller has moved on: stop it, as the pool stops any running job it cancels.
        if (this.#withdrawn.has(message.id)) this.terminate();
        return;
      default:
        return;
    }
  }

  #onExit(exitCode: number | null, signal: string | null): void {
    if (this.#exit !== undefined) return;
    this.#exit = { exitCode, signal };
    if (!this.#resultsClosed) this.#armDrainTimer();
    this.#maybeReportExit();
  }

  /**
   * The results socket normally closes right after the child exits. Should another process still hold the
   * child's end of it, give up once it has been silent for a while (after one more poll of the event loop,
   * so bytes that arrived meanwhile are read first).
   */
  #armDrainTimer(): void {
    this.#heard = false;
    this.#drainTimer = setTimeout(() => {
      setImmediate(() => {
        if (this.#resultsClosed) return;
        if (this.#heard) this.#armDrainTimer();
        else this.#results?.destroy();
      });
    }, DRAIN_GRACE_MS);
    this.#drainTimer.unref();
  }

  #maybeReportExit(): void {
    const exit = this.#exit;
    if (exit === undefined || !this.#resultsClosed || this.#reported) return;
    this.#reported = true;
    this.#readAnswers(); // what the child published before it died is all there
    if (this.#drainTimer !== undefined) clearTimeout(this.#drainTimer);
    this.#jobs?.destroy();
    const report: WorkerExit = this.#error === undefined ? { ...exit } : { ...exit, error: this.#error };
    this.#events.exit(this, report);
  }
}

/** The shared block and the descriptor to hand the child; none without the native addon. */
function openSharedBlock(): { fd: number; block: SharedBlock } | undefined {
  try {
    const [fd, buffer] = native().createAnonymous(SHARED_BLOCK_BYTES);
    const block = new SharedBlock(buffer);
    block.answers.prepareToSleep(block.answers.consumed); // nobody polls yet: the first answer must ring
    return { fd, block };
  } catch {
    // No addon (NativeUnavailableError), or no descriptor or memory to spare (EMFILE, ENOMEM): fd 4 alone.
    return undefined;
  }
}

/** Whether a top-level argument is a byte array large enough for the jobs ring. */
function hasLargeBytes(args: readonly unknown[]): boolean {
  for (let i = 0; i < args.length; i++) if (isLargeBytes(args[i])) return true;
  return false;
}

/**
 * A result's shared objects (a SharedMemory block a task made, a manager proxy, ...) revived. The parent has
 * every kind loaded (it imported the library), so this is synchronous; a value that still cannot be revived
 * fails that one job with the reason.
 */
function reviveResult(frame: ResultFrame): { ok: boolean; value: unknown } {
  if (frame.shared !== true) return frame;
  try {
    return unpackSharedFrame(frame);
  } catch (error) {
    return { ok: false, value: encodeError(error) };
  }
}
