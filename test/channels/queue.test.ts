import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Thread, ThreadPoolExecutor } from '../../src/index.ts';
import {
  BlockingCallError,
  ChannelClosedError,
  InvalidArgumentError,
  QueueEmptyError,
  QueueFullError,
  UnserializableError,
} from '../../src/errors.ts';
import { Queue } from '../../src/channels/queue.ts';
import { PriorityQueue } from '../../src/channels/priority-queue.ts';
import { LifoQueue } from '../../src/channels/lifo-queue.ts';
import { Value } from '../../src/shared/value.ts';
import * as tasks from '../fixtures/channel-tasks.ts';

// One pool for the file: each new pool pays for starting (and compiling the fixtures in) its workers.
let shared: ThreadPoolExecutor | undefined;
const pool = (): ThreadPoolExecutor => (shared ??= new ThreadPoolExecutor({ maxWorkers: 2 }));
after(async () => {
  await shared?.shutdown({ cancelFutures: true });
});

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

describe('Queue: semantics on one thread', () => {
  test('items come out first in, first out, with qsize/empty/full tracking them', () => {
    const queue = new Queue<number>({ maxsize: 3 });
    assert.equal(queue.empty(), true);
    for (const n of [1, 2, 3]) queue.putNowait(n);
    assert.equal(queue.qsize(), 3);
    assert.equal(queue.full(), true);
    assert.equal(queue.maxsize, 3);
    assert.deepEqual([queue.getNowait(), queue.getNowait(), queue.getNowait()], [1, 2, 3]);
    assert.equal(queue.empty(), true);
    assert.equal(queue.full(), false);
  });

  test('values keep their shape: plain values through the codec, others through v8.serialize', () => {
    const queue = new Queue<unknown>();
    const values: unknown[] = [
      0,
      -0.5,
      2 ** 40,
      'héllo 👋',
      '',
      true,
      null,
      undefined,
      12n ** 30n,
      [1, 'x', [null]],
      { a: 1, nested: { b: [true] } },
      new Uint8Array([1, 2, 3]),
      new Map([[1, { two: 2 }]]),
      new Set(['s']),
      new Date(5),
      new Float64Array([1.5]),
      /re/g,
      'x'.repeat(10_000),
      Buffer.from('a Buffer'),
      'half an emoji: \ud83d', // a lone surrogate: UTF-8 cannot carry it, v8.serialize does
    ];
    for (const value of values) queue.putNowait(value);
    for (const value of values) assert.deepEqual(queue.getNowait(), value);
  });

  test('the non-blocking forms throw QueueFullError / QueueEmptyError', () => {
    const queue = new Queue<number>({ maxsize: 1 });
    assert.throws(() => queue.getNowait(), QueueEmptyError);
    queue.putNowait(1);
    assert.throws(
      () => queue.putNowait(2),
      (e: unknown) => e instanceof QueueFullError && /maxsize 1/.test(String(e)),
    );
    assert.throws(() => queue.put(2, { block: false }), QueueFullError);
    assert.equal(queue.get({ block: false }), 1);
  });

  test('blocking forms on the main thread throw BlockingCallError naming the async form, even when they would not wait', () => {
    const queue = new Queue<number>();
    assert.throws(
      () => queue.put(1),
      (e: unknown) => e instanceof BlockingCallError && /putAsync/.test(String(e)),
    );
    queue.putNowait(1);
    assert.throws(
      () => queue.get(),
      (e: unknown) => e instanceof BlockingCallError && /getAsync/.test(String(e)),
    );
    assert.throws(() => queue.get({ timeout: 0 }), BlockingCallError);
    assert.equal(queue.qsize(), 1, 'the refused calls changed nothing');
  });

  test('getAsync waits for an item and putAsync for room; both time out with the queue errors', async () => {
    const queue = new Queue<number>({ maxsize: 1 });
    const pending = queue.getAsync({ timeout: 5_000 });
    setTimeout(() => queue.putNowait(7), 20);
    assert.equal(await pending, 7);
    await assert.rejects(queue.getAsync({ timeout: 30 }), QueueEmptyError);
    queue.putNowait(1);
    await assert.rejects(queue.putAsync(2, { timeout: 30 }), QueueFullError);
    const waiting = queue.putAsync(2, { timeout: 5_000 });
    setTimeout(() => queue.getNowait(), 20);
    await waiting;
    assert.equal(queue.getNowait(), 2);
  });

  test('an aborted signal ends a waiting getAsync / putAsync with its reason, and the queue stays usable', async () => {
    const queue = new Queue<number>({ maxsize: 1 });
    const controller = new AbortController();
    const pending = queue.getAsync({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 20);
    await assert.rejects(pending, /stop/);
    await assert.rejects(queue.getAsync({ signal: AbortSignal.abort('gone') }), (e: unknown) => e === 'gone');
    queue.putNowait(1);
    await assert.rejects(queue.putAsync(2, { signal: AbortSignal.timeout(20) }), { name: 'TimeoutError' });
    assert.equal(await queue.getAsync(), 1);
  });

  test('close(): put throws, get drains what is left then throws, waiting getters wake, async iteration ends', async () => {
    const queue = new Queue<number>();
    const waiting = queue.getAsync();
    queue.close();
    await assert.rejects(waiting, ChannelClosedError);
    assert.equal(queue.closed, true);
    const other = new Queue<number>();
    for (const n of [1, 2, 3]) other.putNowait(n);
    other.close();
    other.close(); // idempotent
    assert.throws(() => other.putNowait(4), ChannelClosedError);
    await assert.rejects(other.putAsync(4), ChannelClosedError);
    assert.equal(other.getNowait(), 1);
    const rest: number[] = [];
    for await (const n of other) rest.push(n);
    assert.deepEqual(rest, [2, 3]);
    assert.throws(() => other.getNowait(), ChannelClosedError);
  });

  test('close() wakes a putter waiting for room, which then throws ChannelClosedError', async () => {
    const queue = new Queue<number>({ maxsize: 1 });
    queue.putNowait(1);
    const waiting = queue.putAsync(2);
    setTimeout(() => queue.close(), 20);
    await assert.rejects(waiting, ChannelClosedError);
  });

  test('bad options and bad items get typed errors that name the problem', () => {
    assert.throws(
      () => new Queue({ maxsize: -1 }),
      (e: unknown) =>
        e instanceof InvalidArgumentError &&
        e.message === 'Expected `maxsize` to be an integer from 0 to 2147483647, got `-1` (number)',
    );
    assert.throws(() => new Queue({ maxsize: 1.5 }), InvalidArgumentError);
    assert.throws(
      () => new Queue({ capacityBytes: 10 }),
      /Expected `capacityBytes` to be an integer from 1024/,
    );
    assert.throws(
      () => new Queue('big' as never),
      /Expected `options` to be an object, got `"big"` \(string\)/,
    );
    const queue = new Queue<unknown>({ capacityBytes: 1024 });
    assert.throws(
      () => queue.putNowait({ cb: () => 1 }),
      (e: unknown) => e instanceof UnserializableError && e.path === 'item.cb',
    );
    assert.throws(
      () => queue.putNowait([new Int32Array(new SharedArrayBuffer(4))]),
      (e: unknown) =>
        e instanceof UnserializableError && e.path === 'item[0]' && /task arguments/.test(e.message),
    );
    assert.throws(
      () => queue.putNowait({ inner: new Queue() }),
      (e: unknown) => e instanceof UnserializableError && /shared Queue/.test(e.message),
    );
    assert.throws(
      () => queue.putNowait('x'.repeat(2_000)),
      /Expected `item` to encode to at most 1016 bytes/,
    );
    assert.throws(() => queue.get({ timeout: -1 } as never), BlockingCallError);
    assert.equal(queue.qsize(), 0, 'nothing half-stored');
  });

  test('a misspelt or foreign option is refused, not ignored (a lost timeout would wait for ever)', async () => {
    const unknown =
      (call: string, key: string, guess: string) =>
      (e: unknown): boolean =>
        e instanceof InvalidArgumentError &&
        e.message.startsWith(`Unknown option \`${key}\` in ${call} (did you mean \`${guess}\`?)`);
    assert.throws(
      () => new Queue({ maxSize: 4 } as never),
      unknown('new Queue(options)', 'maxSize', 'maxsize'),
    );
    const queue = new Queue<number>();
    assert.throws(
      () => queue.put(1, { timout: 5 } as never),
      unknown('Queue.put(options)', 'timout', 'timeout'),
    );
    assert.throws(() => queue.get({ blok: false } as never), unknown('Queue.get(options)', 'blok', 'block'));
    await assert.rejects(
      queue.getAsync({ timeOut: 5 } as never),
      unknown('Queue.getAsync(options)', 'timeOut', 'timeout'),
    );
    await assert.rejects(queue.putAsync(1, { signl: undefined } as never), /did you mean `signal`/);
    assert.throws(() => queue.put(1, { priority: 1 } as never), /Unknown option `priority` in Queue\.put/);
    assert.throws(() => queue.get({ block: 'no' } as never), /Expected `block` to be a boolean/);
    const priorities = new PriorityQueue<string>();
    priorities.putNowait('a', { priority: 2 });
    assert.throws(() => priorities.putNowait('b', { prio: 1 } as never), /PriorityQueue\.putNowait/);
    assert.equal(queue.qsize() + priorities.qsize(), 1, 'nothing stored by a refused call');
  });

  test('timeouts are validated', async () => {
    const queue = new Queue<number>();
    await assert.rejects(
      queue.getAsync({ timeout: -5 }),
      /Expected `timeout` to be a number of milliseconds/,
    );
    await assert.rejects(queue.getAsync({ signal: 'no' as never }), /Expected `signal` to be an AbortSignal/);
  });

  test('a queue past its byte capacity refuses puts like a full bounded one, and takes them again once drained', () => {
    const queue = new Queue<string>({ capacityBytes: 4096 });
    let n = 0;
    assert.throws(() => {
      for (;;) {
        queue.putNowait('y'.repeat(500));
        n++;
      }
    }, /capacityBytes \(4096\)/);
    assert.ok(n >= 6 && n <= 8, `${n} items of ~500 bytes fit in 4096`);
    assert.equal(queue.full(), false, 'full() speaks of maxsize only');
    queue.getNowait();
    queue.putNowait('y'.repeat(500));
  });

  test('the byte region grows, compacts and wraps without losing order, for FIFO and LIFO', () => {
    const fifo = new Queue<string>();
    const lifo = new LifoQueue<string>();
    const expected: string[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 40; i++) {
        const item = `${next++}:${'z'.repeat((next * 37) % 3000)}`;
        fifo.putNowait(item);
        lifo.putNowait(item);
        expected.push(item);
      }
      for (let i = 0; i < 30; i++) assert.equal(fifo.getNowait(), expected.shift());
    }
    while (!fifo.empty()) assert.equal(fifo.getNowait(), expected.shift());
    const last = lifo.getNowait();
    assert.equal(last.split(':')[0], String(next - 1));
  });
});

describe('Queue: between threads', () => {
  test('a worker producing with blocking put reaches the main thread in order, through a bounded queue', async () => {
    const queue = new Queue<number>({ maxsize: 8 });
    const producer = pool().submit(tasks.produce, queue, 0, 2_000);
    const got: number[] = [];
    for (let i = 0; i < 2_000; i++) got.push(await queue.getAsync({ timeout: 10_000 }));
    assert.equal(await producer, 2_000);
    assert.deepEqual(got, range(0, 2_000));
  });

  test('no lost wake-ups: 300 strict request/response rounds with a sleeping worker finish promptly', async () => {
    // Each round the worker sleeps in get() until the main thread puts. A lost wake-up would leave it asleep
    // until its futex slice ends (100 ms): 300 of those would take 30 s, far past this bound.
    const [inbox, outbox] = [new Queue<number>(), new Queue<number>()];
    const worker = pool().submit(tasks.doubler, inbox, outbox, 300);
    const start = performance.now();
    for (let i = 0; i < 300; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1)); // let the worker fall asleep
      inbox.putNowait(i);
      assert.equal(await outbox.getAsync({ timeout: 10_000 }), 2 * i);
    }
    assert.equal(await worker, 300);
    // A liveness bound, not a speed target: 300 lost wake-ups would take 30 s; a loaded machine takes ~1–3 s.
    assert.ok(performance.now() - start < 20_000, `${Math.round(performance.now() - start)} ms`);
  });

  test('back-pressure: a worker blocks on a full queue until the main thread takes an item', async () => {
    const queue = new Queue<number>({ maxsize: 2 });
    queue.putNowait(1);
    queue.putNowait(2);
    const future = pool().submit(tasks.timedPut, queue, 3, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(future.done(), false, 'the put is waiting for room');
    assert.equal(queue.getNowait(), 1);
    assert.equal(await future, 'put');
    assert.deepEqual([queue.getNowait(), queue.getNowait()], [2, 3]);
    assert.equal(await pool().submit(tasks.timedPut, queue, 4, 0), 'put');
    assert.equal(await pool().submit(tasks.timedPut, queue, 5, 0), 'put');
    assert.equal(await pool().submit(tasks.timedPut, queue, 6, 30), 'QueueFullError:SPINDLE_ERR_QUEUE_FULL');
  });

  test('a worker get times out with QueueEmptyError after about its timeout, and a timely item ends it', async () => {
    const queue = new Queue<string>();
    const timedOut = await pool().submit(tasks.timedGet, queue, 50);
    assert.equal(timedOut.error, 'QueueEmptyError:SPINDLE_ERR_QUEUE_EMPTY');
    assert.ok(timedOut.ms >= 45 && timedOut.ms < 5_000, `${timedOut.ms} ms`);
    const waiting = pool().submit(tasks.timedGet, queue, 10_000);
    setTimeout(() => queue.putNowait('late'), 50);
    assert.equal((await waiting).value, 'late');
  });

  test('close() wakes a worker blocked in get, which then throws ChannelClosedError', async () => {
    const queue = new Queue<number>();
    const waiting = pool().submit(tasks.getUntilClosed, queue);
    setTimeout(() => queue.close(), 50);
    assert.equal(await waiting, 'ChannelClosedError:SPINDLE_ERR_CHANNEL_CLOSED');
  });

  test('workers producing and the main thread iterating: for await ends when the queue is closed and drained', async () => {
    const queue = new Queue<unknown>({ maxsize: 4 });
    const items = [1, 'two', { three: 3 }, [4], new Map([[5, 5]])];
    const producer = pool().submit(tasks.putAll, queue, items, true);
    const got: unknown[] = [];
    for await (const item of queue) got.push(item);
    assert.deepEqual(got, items);
    assert.equal(await producer, items.length);
  });

  test('the byte region grows under load with large items between threads, and every item arrives whole', async () => {
    const queue = new Queue<string>();
    const items = Array.from({ length: 60 }, (_, i) =>
      `${i}`.padEnd(50_000 + i * 1_000, String.fromCharCode(97 + (i % 26))),
    );
    const producer = pool().submit(tasks.putAll, queue, items, true);
    await producer; // all 60 (~4.7 MB) held at once: the 4 KiB region had to grow
    assert.equal(queue.qsize(), 60);
    const got: string[] = [];
    for await (const item of queue) got.push(item);
    assert.deepEqual(got, items);
  });

  test('a queue crosses nested in arguments, into Thread, and back from a worker as a result', async () => {
    const queue = new Queue<number>();
    const lifo = new LifoQueue<number>();
    assert.deepEqual(await pool().submit(tasks.classNames, { queue, list: [lifo, new Value('int32')] }), [
      'Queue',
      'LifoQueue',
      'Value',
    ]);
    const thread = new Thread(tasks.produce, queue, 10, 3);
    thread.start();
    assert.equal(await thread.result(), 3);
    assert.deepEqual([queue.getNowait(), queue.getNowait(), queue.getNowait()], [10, 11, 12]);
    const made = await pool().submit(tasks.makeQueue, 'from a worker');
    assert.ok(made instanceof Queue);
    assert.equal(made.getNowait(), 'from a worker');
  });

  test('a queue refuses to go to a process worker, saying why', async () => {
    const { ProcessPoolExecutor } = await import('../../src/index.ts');
    const processes = new ProcessPoolExecutor({ maxWorkers: 1 });
    try {
      await assert.rejects(
        processes.submit(tasks.consume, new Queue(), 0),
        (e: unknown) =>
          e instanceof UnserializableError && e.path === 'args[0]' && /ThreadPoolExecutor/.test(e.message),
      );
    } finally {
      await processes.shutdown();
    }
  });
});
