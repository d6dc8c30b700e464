// shared-kinds.ts: workers load the module of a shared object's kind when the first one arrives.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Lock, Queue, ThreadPoolExecutor } from '../../../src/index.ts';
import type { ShareTarget, SharedWireForm } from '../../../src/core/shareable.ts';
import { kShare, registeredKinds } from '../../../src/core/shareable.ts';
import { knownKinds } from '../../../src/backends/common/shared-kinds.ts';
import * as tasks from '../../fixtures/pool-tasks.ts';

describe('kinds of shared objects', () => {
  const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
  after(() => pool.shutdown());

  test('the table of kind modules names exactly the kinds the classes register', () => {
    assert.deepEqual(
      [...knownKinds].sort(),
      [...registeredKinds()].filter((k) => k.startsWith('spindle.')).sort(),
    );
  });

  test('a fresh worker revives kinds it has not loaded yet, in the order the jobs were sent', async () => {
    const lock = new Lock();
    const queue = new Queue<number>();
    const [first, echoed, third] = await Promise.all([
      pool.submit(tasks.echo, 1),
      pool.submit(tasks.echo, { lock, queue }),
      pool.submit(tasks.echo, 3),
    ]);
    const second = echoed as { lock: Lock; queue: Queue<number> };
    assert.equal(first, 1);
    assert.ok(second.lock instanceof Lock && second.queue instanceof Queue);
    assert.equal(third, 3);
    assert.ok(lock.acquire({ blocking: false }), 'the echoed lock is the same lock');
    assert.equal(second.lock.locked(), true);
    lock.release();
  });

  test('a kind no module defines fails that one job with a message naming it; the worker carries on', async () => {
    class Stranger {
      [kShare](_target: ShareTarget): SharedWireForm {
        return { kind: 'test.Stranger', state: null };
      }
    }
    const stranger = new Stranger();
    await assert.rejects(pool.submit(tasks.echo, stranger), /test\.Stranger/);
    assert.equal(await pool.submit(tasks.echo, 'still serving'), 'still serving');
  });
});
