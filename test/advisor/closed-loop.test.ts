import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CallOutcome } from '../../src/advisor/closed-loop.ts';
import { closedLoop } from '../../src/advisor/closed-loop.ts';

const options = { window: 3, budgetMs: 1e9, hardMs: 1e9, minTasks: 0, maxTasks: 20, signal: undefined };

describe('closedLoop', () => {
  test('keeps at most `window` calls in flight and stops at maxTasks', async () => {
    let inFlight = 0;
    let peak = 0;
    const result = await closedLoop(async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return { ok: true };
    }, options);
    assert.equal(peak, 3);
    assert.equal(result.succeeded, 20);
    assert.equal(result.latencies.count, 20);
    assert.equal(result.aborted, false);
  });

  test('counts failures and keeps the first error', async () => {
    const result = await closedLoop(
      async (i): Promise<CallOutcome> => (i % 2 === 0 ? { ok: true } : { ok: false, error: `e${i}` }),
      options,
    );
    assert.deepEqual([result.succeeded, result.failed, result.firstError], [10, 10, 'e1']);
  });

  test('starts no call after the budget once minTasks have started', async () => {
    const result = await closedLoop(async () => ({ ok: true }), { ...options, budgetMs: 0, minTasks: 5 });
    assert.equal(result.succeeded, 5);
  });

  test('an aborted signal stops starting calls and waits for those in flight', async () => {
    const controller = new AbortController();
    const result = await closedLoop(
      async (i) => {
        if (i === 4) controller.abort();
        await new Promise((resolve) => setImmediate(resolve));
        return { ok: true };
      },
      { ...options, signal: controller.signal },
    );
    assert.equal(result.aborted, true);
    assert.ok(result.succeeded >= 5 && result.succeeded < 20);
  });
});
