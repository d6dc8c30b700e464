import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CallWatchdog } from '../../src/advisor/call-watchdog.ts';
import { CancelledError } from '../../src/index.ts';
import { running } from '../helpers/futures.ts';

describe('CallWatchdog', () => {
  test('cancels a running call that outlives the limit and says it timed out', async () => {
    const watchdog = new CallWatchdog(30);
    // The watchdog's interval does not keep the process alive (a profiler must be able to exit); this does.
    const keepAlive = setTimeout(() => undefined, 10_000);
    try {
      const slow = watchdog.track(running<number>());
      await assert.rejects(slow, CancelledError);
      assert.equal(watchdog.timedOut(slow), true);
      assert.match(watchdog.message, /did not finish within 30 ms/);
    } finally {
      clearTimeout(keepAlive);
      watchdog.stop();
    }
  });

  test('cancelAll cancels every call in flight, without marking them timed out', () => {
    const watchdog = new CallWatchdog(60_000);
    try {
      const calls = [watchdog.track(running()), watchdog.track(running())];
      watchdog.cancelAll();
      assert.ok(calls.every((f) => f.cancelled() && !watchdog.timedOut(f)));
    } finally {
      watchdog.stop();
    }
  });
});
