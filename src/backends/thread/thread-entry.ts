/**
 * Entry point of a pool's worker thread: reads jobs from the shared ring, runs them through the shared
 * worker runtime, writes each result back the moment it exists.
 *
 * Idle loop: after a batch, spin for up to `spinMicros` watching the ring (the next job of a sequential
 * caller usually lands within microseconds, and a futex wake-up costs ~25 µs), then park on
 * Atomics.waitAsync so the event loop stays free for the tasks' own timers and I/O.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { NotPlain } from '../common/codec.ts';
import type { Frame } from '../common/protocol.ts';
import {
  FRAME_DEFINE,
  FRAME_MEMORY,
  FRAME_READY,
  FRAME_RESULT,
  FRAME_RUN,
  FRAME_SKIPPED,
  NO_SLOT,
} from '../common/protocol.ts';
import { encodeError } from '../common/remote-error.ts';
import { unserializableError } from '../common/unserializable.ts';
import { WorkerRuntime } from '../common/worker-runtime.ts';
import type { WorkerSink } from '../common/worker-runtime.ts';
import { Ring, WRITE } from './ring.ts';
import type { ThreadWorkerData } from './thread-worker.ts';

const port = parentPort!;
const data = workerData as ThreadWorkerData;
const incoming = new Ring(data.toWorker);
const outgoing = new Ring(data.toParent);
const slots = new Int32Array(data.slots);
const spinMs = data.spinMicros / 1000;
let closing = false;

function send(frame: Frame): void {
  let sent = false;
  try {
    sent = outgoing.tryWrite(frame);
  } catch (error) {
    if (error !== NotPlain) throw error;
  }
  if (!sent) port.postMessage(frame);
  outgoing.wake();
  if (closing) Atomics.notify(incoming.header, WRITE); // wake serve() to see whether it may exit now
}

const sink: WorkerSink = {
  result(id, ok, runMicros, value) {
    try {
      send({ type: FRAME_RESULT, id, ok, runMicros, value });
    } catch (error) {
      const failure = unserializableError(value, 'result', 'back from the worker thread', error);
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
    concurrency: data.concurrency,
    memoryReportMs: data.memoryReportMs,
    measureMemory: () => getHeapStatistics().used_heap_size,
  },
);

function accept(frame: Frame): void {
  if (frame.type === FRAME_RUN) runtime.enqueue(frame);
  else if (frame.type === FRAME_DEFINE) runtime.define(frame);
}

// Structured-clone frames (values the codec cannot carry, transfers) and control messages. The ring is
// drained first so a DEFINE written there before this RUN is known.
port.on('message', (message: Frame | 'close') => {
  if (message === 'close') {
    closing = true;
    Atomics.notify(incoming.header, WRITE);
    return;
  }
  incoming.drain(accept);
  accept(message);
  runtime.pump();
});

async function serve(): Promise<void> {
  send({ type: FRAME_READY });
  for (;;) {
    incoming.drain(accept);
    runtime.pump();
    if (closing && !runtime.busy) break;
    const seen = incoming.consumed;
    if (!runtime.busy && spinMs > 0) {
      const until = performance.now() + spinMs;
      while (Atomics.load(incoming.header, WRITE) === seen && performance.now() < until);
    }
    if (!incoming.prepareToSleep(seen)) continue;
    const wait = Atomics.waitAsync(incoming.header, WRITE, seen);
    if (wait.async) await wait.value;
    incoming.awake();
  }
  port.close();
}

void serve();
