import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ThreadPoolExecutor } from '../../src/index.ts';
import {
  BlockingCallError,
  InvalidArgumentError,
  InvalidStateError,
  QueueFullError,
  TimeoutError,
} from '../../src/errors.ts';
import { LifoQueue } from '../../src/channels/lifo-queue.ts';
import { PriorityQueue } from '../../src/channels/priority-queue.ts';
import { SimpleQueue } from '../../src/channels/simple-queue.ts';
import { JoinableQueue } from '../../src/channels/joinable-queue.ts';
import * as tasks from '../fixtures/channel-tasks.ts';

let shared: ThreadPoolExecutor | undefined;
const pool = (): ThreadPoolExecutor => (shared ??= new ThreadPoolExecutor({ maxWorkers: 3 }));
after(async () => {
  await shared?.shutdown({ cancelFutures: true });
});

describe('LifoQueue', () => {
  test('the newest item comes out first; maxsize bounds it like a Queue', () => {
    const stack = new LifoQueue<number>({ maxsize: 3 });
    for (const n of [1, 2, 3]) stack.putNowait(n);
    assert.throws(() => stack.putNowait(4), QueueFullError);
    assert.deepEqual([stack.getNowait(), stack.getNowait()], [3, 2]);
    stack.putNowait(5);
    assert.deepEqual([stack.getNowait(), stack.getNowait()], [5, 1]);
  });

  test('a worker gets what the main thread pushed, newest first', async () => {
    const stack = new LifoQueue<number>();
    for (const n of [1, 2, 3]) stack.putNowait(n);
    assert.deepEqual(await pool().submit(tasks.consume, stack, 3), [3, 2, 1]);
  });
});

describe('PriorityQueue', () => {
  test('lower priority first, FIFO among equal priorities, 0 by default', () => {
    const queue = new PriorityQueue<string>();
    queue.putNowait('b0');
    queue.putNowait('c5', { priority: 5 });
    queue.putNowait('a-1', { priority: -1 });
    queue.putNowait('d0');
    queue.putNowait('e5', { priority: 5 });
    queue.putNowait('f-inf', { priority: -Infinity });
    const order: string[] = [];
    while (!queue.empty()) order.push(queue.getNowait());
    assert.deepEqual(order, ['f-inf', 'a-1', 'b0', 'd0', 'c5', 'e5']);
  });

  test('many random priorities come out sorted and stable (the heap survives growth and compaction)', () => {
    const queue = new PriorityQueue<{ p: number; i: number; pad: string }>();
    const items = Array.from({ length: 3_000 }, (_, i) => ({
      p: Math.floor(Math.random() * 20),
      i,
      pad: 'x'.repeat(i % 300),
    }));
    let taken = 0;
    const out: { p: number; i: number }[] = [];
    for (const item of items) {
      queue.putNowait(item, { priority: item.p });
      if (item.i % 3 === 0) {
        out.push(queue.getNowait());
        taken++;
      }
    }
    const rest: { p: number; i: number }[] = [];
    while (!queue.empty()) rest.push(queue.getNowait());
    assert.equal(taken + rest.length, items.length);
    for (let k = 1; k < rest.length; k++) {
      const [a, b] = [rest[k - 1]!, rest[k]!];
      assert.ok(a.p < b.p || (a.p === b.p && a.i < b.i), `out of order at ${k}`);
    }
  });

  test('priorities set in a worker order the items the main thread gets', async () => {
    const queue = new PriorityQueue<string>();
    await pool().submit(tasks.putPrioritized, queue, [
      ['low', 9],
      ['high', 1],
      ['mid', 5],
    ]);
    assert.deepEqual(
      [await queue.getAsync(), await queue.getAsync(), await queue.getAsync()],
      ['high', 'mid', 'low'],
    );
    await queue.putAsync('async', { priority: 2 });
    assert.equal(queue.getNowait(), 'async');
  });

  test('a NaN or non-number priority is refused', () => {
    const queue = new PriorityQueue<string>();
    assert.throws(() => queue.putNowait('x', { priority: NaN }), InvalidArgumentError);
    assert.throws(
      () => queue.putNowait('x', { priority: '1' as never }),
      /Expected `priority` to be a number \(not NaN\), got `"1"` \(string\)/,
    );
    assert.equal(queue.qsize(), 0);
  });
});

describe('SimpleQueue', () => {
  test('is unbounded FIFO and takes only capacityBytes', async () => {
    // A SimpleQueue has no size limit to set: `maxsize` is refused, not ignored.
    assert.throws(
      () => new SimpleQueue({ capacityBytes: 2048, maxsize: 1 } as never),
      /Unknown option `maxsize` in new SimpleQueue\(options\)/,
    );
    const queue = new SimpleQueue<number>({ capacityBytes: 2048 });
    assert.equal(queue.maxsize, 0);
    for (let i = 0; i < 100; i++) queue.putNowait(i);
    assert.equal(queue.full(), false);
    assert.equal(
      await pool()
        .submit(tasks.consume, queue, 100)
        .then((xs) => xs.length),
      100,
    );
    assert.throws(() => new SimpleQueue({ capacityBytes: 1 }), InvalidArgumentError);
    assert.throws(() => new SimpleQueue(5 as never), InvalidArgumentError);
  });
});

describe('JoinableQueue', () => {
  test('joinAsync waits for every taskDone, from workers, and counts unfinished tasks', async () => {
    const queue = new JoinableQueue<number>();
    const done = new Int32Array(new SharedArrayBuffer(4));
    const workers = [pool().submit(tasks.work, queue, 5, done), pool().submit(tasks.work, queue, 5, done)];
    for (let i = 0; i < 20; i++) await queue.putAsync(i);
    await queue.joinAsync({ timeout: 10_000 });
    assert.equal(Atomics.load(done, 0), 20, 'join returned only after all 20 were reported done');
    assert.equal(queue.unfinishedTasks, 0);
    queue.close();
    await Promise.all(workers);
  });

  test('join in a worker blocks until the main thread reports every item done, and times out otherwise', async () => {
    const queue = new JoinableQueue<number>();
    assert.equal(await pool().submit(tasks.joinQueue, queue), 'joined', 'nothing put: returns at once');
    queue.putNowait(1);
    queue.putNowait(2);
    assert.equal(await pool().submit(tasks.joinQueue, queue, 50), 'TimeoutError:SPINDLE_ERR_TIMEOUT');
    const joining = pool().submit(tasks.joinQueue, queue);
    queue.getNowait();
    queue.taskDone();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(joining.done(), false, 'one item is still unfinished');
    queue.getNowait();
    queue.taskDone();
    assert.equal(await joining, 'joined');
  });

  test('misuse: taskDone too often, join on the main thread, a timed-out or aborted joinAsync', async () => {
    const queue = new JoinableQueue<number>();
    assert.throws(() => queue.taskDone(), InvalidStateError);
    assert.throws(
      () => queue.join(),
      (e: unknown) => e instanceof BlockingCallError && /joinAsync/.test(String(e)),
    );
    queue.putNowait(1);
    await assert.rejects(queue.joinAsync({ timeout: 30 }), TimeoutError);
    await assert.rejects(queue.joinAsync({ signal: AbortSignal.timeout(30) }), { name: 'TimeoutError' });
    queue.getNowait();
    queue.taskDone();
    await queue.joinAsync();
    assert.throws(() => queue.taskDone(), /more times than there were items/);
  });
});
