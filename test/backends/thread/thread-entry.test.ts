// The worker thread's entry, driven by hand: the parent's side of the protocol without a pool around it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { Frame } from '../../../src/backends/common/protocol.ts';
import { FRAME_DEFINE, FRAME_READY, FRAME_RESULT, FRAME_RUN } from '../../../src/backends/common/protocol.ts';
import { Ring, WRITE } from '../../../src/backends/common/ring.ts';
import { livenessBuffer } from '../../../src/backends/thread/thread-liveness.ts';
import type { ThreadWorkerChannels, ThreadWorkerData } from '../../../src/backends/thread/thread-worker.ts';
import { SLOT_COUNT } from '../../../src/backends/thread/thread-worker.ts';
import { tsxApiUrl } from '../../../src/backends/thread/typescript-loader.ts';

const entryUrl = new URL('../../../src/backends/thread/thread-entry.ts', import.meta.url).href;
const tasksUrl = new URL('../../fixtures/pool-tasks.ts', import.meta.url).href;

/** Frames from the worker's answers ring, waiting on it until `count` have come. */
async function readFrames(ring: Ring, count: number): Promise<Frame[]> {
  const frames: Frame[] = [];
  const deadline = Date.now() + 10_000;
  while (frames.length < count) {
    const seen = Atomics.load(ring.header, WRITE);
    ring.drain((frame) => frames.push(frame));
    if (frames.length >= count) break;
    assert.ok(Date.now() < deadline, `only ${frames.length} of ${count} frames came back`);
    const wait = Atomics.waitAsync(ring.header, WRITE, seen, 100);
    if (wait.async) await wait.value;
  }
  return frames;
}

test('a worker whose channels come after its entry has run waits for them, then serves', async () => {
  const api = tsxApiUrl();
  assert.ok(api !== undefined, 'the tests run under tsx');
  const workerData: ThreadWorkerData = {
    concurrency: 1,
    memoryReportMs: 0,
    spinMicros: 0,
    liveness: livenessBuffer(),
    spindleLibraryCache: undefined,
  };
  // The entry runs to its end before the parent posts anything: it finds no channels and must wait.
  const bootstrap =
    `const { parentPort } = require('node:worker_threads');` +
    `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entryUrl)}); })` +
    `.then(() => parentPort.postMessage('entry has run'));`;
  const worker = new Worker(bootstrap, { eval: true, workerData });
  try {
    const said = await new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.equal(said, 'entry has run');

    const channels: ThreadWorkerChannels = {
      toWorker: Ring.allocate(1 << 16),
      toParent: Ring.allocate(1 << 16),
      jobsPort: new MessageChannel().port2,
      slots: new SharedArrayBuffer(SLOT_COUNT * 4),
    };
    worker.postMessage(channels, [channels.jobsPort]);
    const toWorker = new Ring(channels.toWorker);
    const toParent = new Ring(channels.toParent);
    assert.ok(toWorker.tryWrite({ type: FRAME_DEFINE, key: 1, moduleUrl: tasksUrl, exportName: 'square' }));
    assert.ok(toWorker.tryWrite({ type: FRAME_RUN, id: 7, key: 1, slot: 0, args: [9] }));
    toWorker.wake();

    const frames = await readFrames(toParent, 2);
    assert.equal(frames[0]?.type, FRAME_READY);
    const result = frames[1];
    assert.ok(result?.type === FRAME_RESULT);
    assert.deepEqual([result.id, result.ok, result.value], [7, true, 81]);
  } finally {
    await worker.terminate();
  }
});
