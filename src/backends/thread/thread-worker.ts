/**
 * The parent's handle on one worker thread.
 *
 *   parent                                             worker thread
 *   run() ──encode──▶ toWorker ring ──Atomics.notify──▶ drain → run tasks inline
 *          (not plain, too large, transfer: the jobs port, │ BULK in the ring: receiveMessageOnPort)
 *   drain ◀──────────── toParent ring ◀──encode─────────┘ one result at a time
 *   (waitAsync on WRITE; 'message' for structured-clone frames: answers the ring cannot carry)
 *
 * `slots` is a shared Int32Array of start flags, one per job in flight: the worker CASes 0→1 when it starts a
 * job, the parent CASes 0→2 to withdraw one. Whoever wins decides, so cancelling a job that has not started
 * never kills the worker, and after a crash the parent knows exactly which jobs had started.
 *
 * A job that needs structured clone is posted on a port of its own, and a BULK frame in the ring keeps its
 * place: the worker takes it with `receiveMessageOnPort` when it reaches the frame, so jobs arrive in the
 * order they were sent, and those queued together run as one batch: 1,000 transferred 1 MiB buffers (the
 * benchmark's transfer case) ~14.5k MiB/s against ~10.5k through 'message' events (medians of six runs each).
 * A job that copies a large byte array is the exception: it goes on the worker's own port, which the worker
 * reads through 'message' events, one job per event, so it starts as soon as its copy is in and its answer
 * goes back while the next is copied; batched behind the BULK frames, the copies kept parent and worker in
 * lockstep (see COPY_BY_EVENT_BYTES). Such a job may start before or after jobs sent around it. Where its
 * arguments are plain byte arrays, they are not cloned at all but copied once into pooled native memory and
 * moved (copy-staging.ts; the worker's staged-recycler.ts returns the memory).
 */
import type { MessagePort, ResourceLimits, Worker } from 'node:worker_threads';
import type { TransferItem } from '../../core/call-options.ts';
import { UnserializableError, type WorkerExit } from '../../errors.ts';
import { NotPlain } from '../common/codec.ts';
import type { Frame, RunFrame } from '../common/protocol.ts';
import {
  BULK_FRAME,
  BULK_FRAME_BYTES,
  FRAME_DEFINE,
  FRAME_MEMORY,
  FRAME_READY,
  FRAME_RESULT,
  FRAME_RUN,
  FRAME_SKIPPED,
  packSharedFrame,
  unpackSharedFrame,
} from '../common/protocol.ts';
import { unserializableError } from '../common/unserializable.ts';
import type { TaskAddress, WorkerEvents, WorkerHandle } from '../pool/worker-handle.ts';
import { encodeError } from '../common/remote-error.ts';
import { loadKindsFor } from '../common/shared-kinds.ts';
import { Ring, WRITE } from '../common/ring.ts';
import { livenessBuffer, markThreadExited, markThreadStarted } from './thread-liveness.ts';
import { tsxApiUrl, tsxBootstrap } from './typescript-loader.ts';
import { libraryCodeCache } from '../../core/library-cache.ts';
import { nodeWorkerThreads } from '../../core/lazy-builtins.ts';
import { AnswerPoller } from '../pool/answer-poller.ts';
import { Backlog } from '../pool/backlog.ts';
import { stageCopies } from './copy-staging.ts';

/**
 * Start flags per worker: enough for a full window of jobs in flight (WINDOW_MAX in pool-executor.ts) and as
 * many withdrawn ones whose slots the worker has not released yet; the pool stops sending when none is free.
 */
export const SLOT_COUNT = 2048;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const NO_ARGS: readonly unknown[] = [];
const RING_BYTES = 1 << 18;
/**
 * From this many bytes of byte arrays copied (not transferred), a job goes on the worker's own port instead.
 * Measured with 200 copied 1 MiB arrays: ~2,300 MiB/s behind BULK frames, ~2,850 through events.
 */
const COPY_BY_EVENT_BYTES = 64 * 1024;

/** What a thread worker is told at start (workerData). */
export interface ThreadWorkerData {
  readonly concurrency: number;
  readonly memoryReportMs: number;
  readonly spinMicros: number;
  /** The table of exited threads (thread-liveness.ts), shared by every thread of the process. */
  readonly liveness: SharedArrayBuffer;
  /** Compiled code of the library for the worker to start from (core/library-cache.ts), for its loader. */
  readonly spindleLibraryCache: Uint8Array | undefined;
}

/**
 * The worker's first message: the shared memory and port it talks through. Made after the thread is started,
 * not given as workerData: the parent makes them (~0.7 ms) while the thread boots, not before.
 */
export interface ThreadWorkerChannels {
  readonly toWorker: SharedArrayBuffer;
  readonly toParent: SharedArrayBuffer;
  /** Jobs that need structured clone, each announced by a BULK frame in `toWorker`. */
  readonly jobsPort: MessagePort;
  readonly slots: SharedArrayBuffer;
}

export interface ThreadWorkerOptions {
  readonly concurrency: number;
  readonly memoryReportMs: number;
  readonly spinMicros: number;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly execArgv: readonly string[] | undefined;
  readonly env: Record<string, string | undefined> | undefined;
  readonly name: string;
}

const entryUrl = new URL(
  import.meta.url.endsWith('.ts') ? './thread-entry.ts' : './thread-entry.cjs',
  import.meta.url,
);

export class ThreadWorker implements WorkerHandle {
  readonly id: number;
  readonly exactWithdraw = true;
  readonly #worker: Worker;
  readonly #events: WorkerEvents;
  readonly #toWorker: Ring;
  readonly #toParent: Ring;
  readonly #jobsPort: MessagePort;
  readonly #slots: Int32Array;
  /** Slots released by finished jobs; none from `#unusedSlotsFrom` up has been used yet. */
  readonly #freeSlots: number[] = [];
  #unusedSlotsFrom = 0;
  readonly #slotOf = new Map<number, number>();
  readonly #defined = new Set<number>();
  readonly #backlog = new Backlog();
  readonly #runFrame: Mutable<RunFrame> = {
    type: FRAME_RUN,
    id: 0,
    key: 0,
    slot: 0,
    args: NO_ARGS,
  };
  #pendingNotify = false;
  readonly #poller = new AnswerPoller(
    () => this.#toParent.drain(this.#onFrame),
    () => this.#slotOf.size > 0 && !this.#exited,
    () => this.#rest(),
  );
  /** The one Atomics.waitAsync on the answers ring, while it is pending. */
  #parked: Promise<unknown> | undefined;
  #exited = false;
  #error: unknown = undefined;
  readonly #threadId: number;

  constructor(id: number, options: ThreadWorkerOptions, events: WorkerEvents) {
    this.id = id;
    this.#events = events;
    const threads = nodeWorkerThreads(); // on first use: a process worker starting no thread never loads it
    const workerData: ThreadWorkerData = {
      concurrency: options.concurrency,
      memoryReportMs: options.memoryReportMs,
      spinMicros: options.spinMicros,
      liveness: livenessBuffer(),
      spindleLibraryCache: libraryCodeCache(),
    };
    const tsx = tsxApiUrl();
    const entry = tsx === undefined ? entryUrl : tsxBootstrap(tsx, entryUrl.href);
    this.#worker = new threads.Worker(entry, {
      // With no stdin stream, Node ends the worker's process.stdin as it boots, which builds all three of its
      // stdio streams then (~0.6 ms of the first result, medians of 10 runs); ended from here, the worker sees
      // the same empty stdin, built after its first job.
      stdin: true,
      eval: tsx !== undefined,
      workerData,
      name: options.name,
      ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
      ...(options.execArgv === undefined ? {} : { execArgv: [...options.execArgv] }),
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    // The thread boots from here on; its first message, posted before anything else can be, is its channels.
    const toWorker = Ring.allocate(RING_BYTES);
    const toParent = Ring.allocate(RING_BYTES);
    const slots = new SharedArrayBuffer(SLOT_COUNT * 4);
    this.#toWorker = new Ring(toWorker);
    this.#toParent = new Ring(toParent);
    this.#slots = new Int32Array(slots);
    const { port1, port2 } = new threads.MessageChannel();
    this.#jobsPort = port1;
    const channels: ThreadWorkerChannels = { toWorker, toParent, jobsPort: port2, slots };
    this.#worker.postMessage(channels, [port2]);
    this.#worker.stdin!.end();
    this.#worker.on('message', this.#onMessage);
    this.#worker.on('error', (error) => {
      this.#error = error;
    });
    // Read now: a Worker's threadId reads -1 once it has stopped, before 'exit' fires.
    this.#threadId = this.#worker.threadId;
    markThreadStarted(this.#threadId);
    this.#worker.on('exit', (exitCode) => this.#onExit(exitCode));
    this.#rest();
  }

  run(
    id: number,
    task: TaskAddress,
    args: readonly unknown[],
    transfer: readonly TransferItem[] | undefined,
  ): void {
    if (!this.#defined.has(task.key)) {
      this.#defined.add(task.key);
      const define = { type: FRAME_DEFINE, ...task } as const;
      if (this.#toWorker.tryWrite(define)) this.#pendingNotify = true;
      else this.#worker.postMessage(define);
    }
    if (transfer !== undefined) assertTransferable(transfer);
    const slot =
      this.#freeSlots.pop() ?? (this.#unusedSlotsFrom < SLOT_COUNT ? this.#unusedSlotsFrom++ : undefined);
    if (slot === undefined)
      throw new Error('Spindle: no free job slot (more jobs in flight than SLOT_COUNT)');
    Atomics.store(this.#slots, slot, 0);
    // One frame object, refilled per job: encoding (or postMessage's clone) reads it synchronously.
    const frame = this.#runFrame;
    frame.id = id;
    frame.key = task.key;
    frame.slot = slot;
    frame.args = args;
    let sent = false;
    if ((transfer === undefined || transfer.length === 0) && !outgrowsRing(args)) {
      try {
        sent = this.#toWorker.tryWrite(frame);
      } catch (error) {
        if (error !== NotPlain) {
          // Not the codec giving up: reading the arguments threw (a getter, a proxy). Structured clone would too.
          this.#freeSlots.push(slot);
          frame.args = NO_ARGS;
          throw unserializableError(args, 'args', 'to a worker thread', error);
        }
      }
    }
    if (!sent) {
      // Large byte arrays among plain arguments: copied once into pooled memory and moved (copy-staging.ts).
      const staged = transfer === undefined || transfer.length === 0 ? stageCopies(args) : undefined;
      // What the worker's backlog counts: bytes copied for it. Transferred buffers cost nothing to queue.
      const copied = staged?.bytes ?? copiedBytes(args, transfer);
      if (staged !== undefined) {
        frame.args = staged.args;
        frame.staged = staged.bytes;
        transfer = staged.transfer;
      }
      try {
        // On the jobs port, its place marked in the ring; should the ring have no room even for that, on the
        // worker's own port, which it reads through 'message' events. So does a job with large copies.
        const beside = copied < COPY_BY_EVENT_BYTES && this.#toWorker.hasRoom(BULK_FRAME_BYTES);
        const port = beside ? this.#jobsPort : this.#worker;
        port.postMessage(packSharedFrame(frame, 'thread'), transfer as TransferItem[] | undefined);
        if (beside) {
          this.#toWorker.tryWrite(BULK_FRAME); // cannot fail: checked above, and only this thread writes there
          this.#pendingNotify = true;
          // Wake the worker now, not after the whole batch has been posted: it starts on this job meanwhile.
          this.#toWorker.wake();
        }
        this.#backlog.add(id, copied);
      } catch (error) {
        this.#freeSlots.push(slot);
        frame.args = NO_ARGS;
        frame.staged = undefined;
        if (error instanceof UnserializableError) throw error;
        throw unserializableError(args, 'args', 'to a worker thread', error);
      }
    }
    if (frame.staged !== undefined) frame.staged = undefined;
    frame.args = NO_ARGS; // do not keep the caller's arguments alive until the next job
    this.#slotOf.set(id, slot);
    if (sent) this.#pendingNotify = true;
  }

  flush(): void {
    if (!this.#pendingNotify) return;
    this.#pendingNotify = false;
    this.#toWorker.wake();
    if (!this.#poller.polling) this.#toParent.awake(); // polling from now: the worker need not notify
    // A tiny task's answer is usually back within microseconds, long before a waitAsync wake-up (~25 µs)
    // would deliver it: look for it on the next few event-loop turns instead, without blocking the loop.
    this.#poller.sent();
  }

  get canTakeJob(): boolean {
    return this.#freeSlots.length > 0 || this.#unusedSlotsFrom < SLOT_COUNT;
  }

  withdraw(id: number): boolean {
    const slot = this.#slotOf.get(id);
    return slot !== undefined && Atomics.compareExchange(this.#slots, slot, 0, 2) === 0;
  }

  started(id: number): boolean {
    const slot = this.#slotOf.get(id);
    return slot !== undefined && Atomics.load(this.#slots, slot) === 1;
  }

  close(): void {
    this.#worker.postMessage('close');
  }

  terminate(): void {
    void this.#worker.terminate();
  }

  setRef(ref: boolean): void {
    if (ref) this.#worker.ref();
    else this.#worker.unref();
  }

  /** A structured-clone frame: revive the shared objects in it (loading their modules if need be) first. */
  #onMessage = (frame: Frame): void => {
    const loading = loadKindsFor(frame);
    if (loading === undefined) this.#onFrame(this.#unpack(frame));
    else void loading.finally(() => this.#onFrame(this.#unpack(frame)));
  };

  #unpack(frame: Frame): Frame {
    try {
      return unpackSharedFrame(frame);
    } catch (error) {
      if (frame.type !== FRAME_RESULT) throw error;
      return { ...frame, ok: false, value: encodeError(error) }; // that one result fails, the pool goes on
    }
  }

  #onFrame = (frame: Frame): void => {
    switch (frame.type) {
      case FRAME_RESULT: {
        this.#release(frame.id);
        this.#events.result(this, frame.id, frame.ok, frame.runMicros, frame.value);
        return;
      }
      case FRAME_SKIPPED:
        this.#release(frame.id);
        this.#events.skipped(this, frame.id);
        return;
      case FRAME_READY:
        this.#events.ready(this);
        return;
      case FRAME_MEMORY:
        this.#events.memory(this, frame.bytes);
        return;
    }
  };

  get backlogBytes(): number {
    return this.#backlog.bytes;
  }

  #release(id: number): void {
    this.#backlog.remove(id);
    const slot = this.#slotOf.get(id);
    if (slot === undefined) return;
    this.#slotOf.delete(id);
    this.#freeSlots.push(slot);
  }

  /**
   * Not polling: raise SLEEPING and wait on the answers ring, so the worker notifies with its next answer.
   * While the poller runs SLEEPING stays down and answers cost the worker no Atomics.notify.
   */
  #rest(): void {
    const ring = this.#toParent;
    while (!this.#exited && !this.#poller.polling) {
      ring.drain(this.#onFrame);
      const seen = ring.consumed;
      if (!ring.prepareToSleep(seen)) continue;
      if (this.#parked !== undefined) return; // the wait already pending sees the same counter move
      const wait = Atomics.waitAsync(ring.header, WRITE, seen);
      if (!wait.async) continue;
      this.#parked = wait.value.then(() => {
        this.#parked = undefined;
        ring.awake();
        this.#rest();
      });
      return;
    }
  }

  #onExit(exitCode: number): void {
    this.#exited = true;
    this.#jobsPort.close();
    markThreadExited(this.#threadId);
    // Results written just before the worker died are still in shared memory: deliver them first.
    this.#toParent.drain(this.#onFrame);
    Atomics.notify(this.#toParent.header, WRITE); // ends a pending wait of #rest
    const exit: WorkerExit = this.#error === undefined ? { exitCode } : { exitCode, error: this.#error };
    this.#events.exit(this, exit);
  }
}

/** A byte array argument that cannot fit in the ring: skip the attempt to encode it there. */
function outgrowsRing(args: readonly unknown[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (ArrayBuffer.isView(arg) && arg.byteLength > RING_BYTES / 2) return true;
  }
  return false;
}

/** Bytes of byte arrays among the arguments (top level) that structured clone will copy: not transferred. */
function copiedBytes(args: readonly unknown[], transfer: readonly TransferItem[] | undefined): number {
  let bytes = 0;
  for (const arg of args) {
    if (ArrayBuffer.isView(arg)) {
      if (transfer === undefined || !transfer.includes(arg.buffer as ArrayBuffer)) bytes += arg.byteLength;
    } else if (arg instanceof ArrayBuffer && (transfer === undefined || !transfer.includes(arg))) {
      bytes += arg.byteLength;
    }
  }
  return bytes;
}

/** postMessage silently drops a message whose transfer list holds a detached buffer: refuse it instead. */
function assertTransferable(transfer: readonly TransferItem[]): void {
  transfer.forEach((item, i) => {
    if (!(item instanceof ArrayBuffer)) return;
    try {
      new Uint8Array(item, 0, 0);
    } catch {
      throw new UnserializableError(
        `Cannot transfer transfer[${i}]: the ArrayBuffer is detached (it was already transferred)`,
        `transfer[${i}]`,
      );
    }
  });
}
