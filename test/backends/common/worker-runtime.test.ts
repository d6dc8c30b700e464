import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FRAME_DEFINE, FRAME_RUN, NO_SLOT } from '../../../src/backends/common/protocol.ts';
import type { RunFrame } from '../../../src/backends/common/protocol.ts';
import { WorkerRuntime } from '../../../src/backends/common/worker-runtime.ts';

const tasksUrl = new URL('../../fixtures/pool-tasks.ts', import.meta.url).href;

/** A runtime whose outcomes land in `results` (id → value) and `skipped`; `withdrawn` ids may not start. */
function runtime(withdrawn: ReadonlySet<number> = new Set()) {
  const results = new Map<number, unknown>();
  const skipped: number[] = [];
  let settle: () => void = () => undefined;
  const runtime = new WorkerRuntime(
    {
      result(id, ok, _runMicros, value) {
        results.set(id, ok ? value : { failed: value });
        settle();
      },
      skipped(id) {
        skipped.push(id);
      },
      memory() {},
    },
    (frame) => !withdrawn.has(frame.id),
    { concurrency: 1, memoryReportMs: 0, measureMemory: () => 0 },
  );
  const results$ = (count: number): Promise<Map<number, unknown>> =>
    new Promise((resolve) => {
      settle = () => {
        if (results.size >= count) resolve(results);
      };
      settle();
    });
  return { runtime, results, skipped, results$ };
}

const run = (id: number, key: number, n: number): RunFrame => ({
  type: FRAME_RUN,
  id,
  key,
  slot: NO_SLOT,
  args: [n],
});

describe('WorkerRuntime', () => {
  test('a job that arrives before its task is defined waits for the DEFINE, then runs in its order', async () => {
    const { runtime: r, results, results$ } = runtime();
    r.enqueue(run(1, 7, 3));
    r.enqueue(run(2, 7, 4));
    r.pump();
    assert.equal(results.size, 0, 'nothing ran, nothing failed');
    assert.equal(r.busy, true, 'the waiting jobs keep the worker busy');
    r.define({ type: FRAME_DEFINE, key: 7, moduleUrl: tasksUrl, exportName: 'square' });
    r.pump();
    assert.deepEqual(
      [...(await results$(2))],
      [
        [1, 9],
        [2, 16],
      ],
    );
    assert.equal(r.busy, false);
  });

  test('a waiting job withdrawn before its DEFINE comes is skipped, not run', async () => {
    const withdrawn = new Set([1]);
    const { runtime: r, skipped, results$ } = runtime(withdrawn);
    r.enqueue(run(1, 8, 5));
    r.enqueue(run(2, 8, 6));
    r.pump();
    r.define({ type: FRAME_DEFINE, key: 8, moduleUrl: tasksUrl, exportName: 'square' });
    r.pump();
    assert.deepEqual([...(await results$(1))], [[2, 36]]);
    assert.deepEqual(skipped, [1]);
  });
});
