/**
 * Entry point of a pool's worker thread: reads jobs from the shared ring, runs them through the shared
 * worker runtime, writes each result back the moment it exists.
 *
 * Idle loop: after a batch, spin for up to `spinMicros` watching the ring (the next job of a sequential
 * caller usually lands within microseconds, and a futex wake-up costs ~25 µs), then park on
 * Atomics.waitAsync so the event loop stays free for the tasks' own timers and I/O.
 */
import { monotonicMs } from '../../core/clock.ts';
import { nodeV8, nodeWorkerThreads } from '../../core/lazy-builtins.ts';
import { UnserializableError } from '../../errors.ts';
import { NotPlain } from '../common/codec.ts';
import type { Frame } from '../common/protocol.ts';
import {
  FRAME_BULK,
  FRAME_DEFINE,
  FRAME_MEMORY,
  FRAME_READY,
  FRAME_RESULT,
  FRAME_RUN,
  FRAME_SKIPPED,
  NO_SLOT,
  packSharedFrame,
} from '../common/protocol.ts';
import { loadKindsFor } from '../common/shared-kinds.ts';
import { adoptLiveness } from './thread-liveness.ts';
import { ArenaFence } from './arena-fence.ts';
import { StagedRecycler } from './staged-recycler.ts';
import { encodeError } from '../common/remote-error.ts';
import { unserializableError } from '../common/unserializable.ts';
import { WorkerRuntime } from '../common/worker-runtime.ts';
import type { WorkerSink } from '../common/worker-runtime.ts';
import { Ring, WRITE } from '../common/ring.ts';
import type { ThreadWorkerChannels, ThreadWorkerData } from './thread-worker.ts';

const { parentPort, receiveMessageOnPort, workerData } = nodeWorkerThreads();

const port = parentPort!;
const setup = workerData as ThreadWorkerData;
const spinMs = setup.spinMicros / 1000;
adoptLiveness(setup.liveness);

// The parent posts the channels as it starts this thread, ~15 ms of boot before this line: only a parent kept
// off the CPU all that time leaves them to be waited for.
const first = receiveMessageOnPort(port);
if (first !== undefined) start(first.message as ThreadWorkerChannels);
else port.once('message', start);

function start(channels: ThreadWorkerChannels): void {
  const incoming = new Ring(channels.toWorker);
  const outgoing = new Ring(channels.toParent);
  const slots = new Int32Array(channels.slots);
  let closing = false;

  /**
   * Every answer the ring can carry goes there, also for jobs that came by `postMessage` (large, unplain or
   * transferred arguments). Measured against sending those answers back by `postMessage`: 1,000 transferred
   * 1 MiB buffers, median of 16 alternating runs 11.2k vs 10.7k MiB/s; 1 MiB copies the same.
   */
  function send(frame: Frame): void {
    let sent = false;
    try {
      sent = outgoing.tryWrite(frame);
    } catch (error) {
      if (error !== NotPlain) throw error;
    }
    if (!sent) port.postMessage(packSharedFrame(frame, 'thread'));
    else outgoing.wake();
    if (closing) Atomics.notify(incoming.header, WRITE); // wake serve() to see whether it may exit now
  }

  const sink: WorkerSink = {
    result(id, ok, runMicros, value) {
      try {
        send({ type: FRAME_RESULT, id, ok, runMicros, value });
      } catch (error) {
        const failure =
          error instanceof UnserializableError
            ? error
            : unserializableError(value, 'result', 'back from the worker thread', error);
        send({ type: FRAME_RESULT, id, ok: false, runMicros, value: encodeError(failure) });
      }
    },
    skipped(id) {
      send({ type: FRAME_SKIPPED, id });
    },
    memory(bytes) {
      send({ type: FRAME_MEMORY, bytes });
    },
  };

  const runtime = new WorkerRuntime(
    sink,
    (frame) => frame.slot === NO_SLOT || Atomics.compareExchange(slots, frame.slot, 0, 1) === 0,
    {
      concurrency: setup.concurrency,
      memoryReportMs: setup.memoryReportMs,
      measureMemory: () => nodeV8().getHeapStatistics().used_heap_size,
    },
  );

  const recycler = new StagedRecycler();

  /** Frames held back, in arrival order, while the modules of shared objects one of them carries load. */
  const held: Frame[] = [];
  let loadingKinds: Promise<void> | undefined;

  function accept(frame: Frame): void {
    if (frame.type === FRAME_BULK) {
      // Its job was posted on the jobs port just before this frame was written: take it now, in its place.
      const received = receiveMessageOnPort(channels.jobsPort);
      if (received === undefined) throw new Error('Spindle: a BULK frame with no job on the jobs port');
      accept(received.message as Frame);
      return;
    }
    if (loadingKinds !== undefined) {
      held.push(frame);
      return;
    }
    if (frame.type === FRAME_RUN && frame.shared !== true) {
      runtime.enqueue(frame); // the hot path: every frame from the ring, no shared objects to revive
      return;
    }
    const loading = loadKindsFor(frame);
    if (loading !== undefined) {
      held.push(frame);
      loadingKinds = loading.then(releaseHeld, releaseHeld); // a load that fails is reported by unpacking
      return;
    }
    if (frame.type === FRAME_RUN) runtime.enqueueShared(frame);
    else if (frame.type === FRAME_DEFINE) runtime.define(frame);
  }

  function releaseHeld(): void {
    loadingKinds = undefined;
    for (const frame of held.splice(0)) accept(frame);
    runtime.pump();
    Atomics.notify(incoming.header, WRITE); // serve() may be parked waiting to see whether it can exit
  }

  const fence = new ArenaFence();
  // Structured-clone frames (values the codec cannot carry, transfers) and control messages. The ring is
  // drained first so a DEFINE written there before this RUN is known.
  port.on('message', (message: Frame | 'close') => {
    if (message === 'close') {
      closing = true;
      Atomics.notify(incoming.header, WRITE);
      return;
    }
    incoming.drain(accept);
    fence.hold(message);
    // Staged copies come this way only (never through the ring or beside a BULK frame): see thread-worker.ts.
    if (message.type === FRAME_RUN && message.staged !== undefined) recycler.received(message.staged);
    accept(message);
    runtime.pump();
  });

  async function serve(): Promise<void> {
    send({ type: FRAME_READY });
    for (;;) {
      incoming.drain(accept);
      runtime.pump();
      if (closing && !runtime.busy && loadingKinds === undefined) break;
      const seen = incoming.consumed;
      if (!runtime.busy && loadingKinds === undefined && spinMs > 0) {
        const until = monotonicMs() + spinMs;
        while (Atomics.load(incoming.header, WRITE) === seen && monotonicMs() < until);
      }
      if (!incoming.prepareToSleep(seen)) continue;
      const wait = Atomics.waitAsync(incoming.header, WRITE, seen);
      if (wait.async) await wait.value;
      incoming.awake();
    }
    port.close();
  }

  void serve();
}
