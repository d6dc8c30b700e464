import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ThreadPoolExecutor } from '../../src/index.ts';
import {
  BlockingCallError,
  ChannelClosedError,
  InvalidArgumentError,
  InvalidStateError,
  QueueFullError,
  TimeoutError,
} from '../../src/errors.ts';
import { Connection, Pipe } from '../../src/channels/pipe.ts';
import * as tasks from '../fixtures/channel-tasks.ts';

let shared: ThreadPoolExecutor | undefined;
const pool = (): ThreadPoolExecutor => (shared ??= new ThreadPoolExecutor({ maxWorkers: 2 }));
after(async () => {
  await shared?.shutdown({ cancelFutures: true });
});

describe('Pipe on one thread', () => {
  test('a duplex pipe carries messages both ways, in order', async () => {
    const [a, b] = Pipe<unknown>();
    a.send(1);
    a.send({ two: [2] });
    b.send('back');
    assert.equal(await b.recvAsync(), 1);
    assert.deepEqual(await b.recvAsync(), { two: [2] });
    assert.equal(await a.recvAsync(), 'back');
    assert.equal(a.readable && a.writable && b.readable && b.writable, true);
  });

  test('poll() says whether recv would return at once, and is allowed on the main thread; poll(ms) is not', async () => {
    const [a, b] = Pipe<number>();
    assert.equal(b.poll(), false);
    a.send(1);
    assert.equal(b.poll(), true);
    assert.throws(
      () => b.poll(10),
      (e: unknown) => e instanceof BlockingCallError && /pollAsync/.test(String(e)),
    );
    assert.equal(await b.recvAsync(), 1);
    assert.equal(await b.pollAsync(20), false);
    setTimeout(() => a.send(2), 20);
    assert.equal(await b.pollAsync(5_000), true);
    await assert.rejects(
      b.pollAsync(5_000, { signal: AbortSignal.abort('stop') }),
      (e: unknown) => e === 'stop',
    );
  });

  test('recv blocks, so the main thread gets BlockingCallError; recvAsync times out with TimeoutError', async () => {
    const [a] = Pipe();
    assert.throws(
      () => a.recv(),
      (e: unknown) => e instanceof BlockingCallError && /recvAsync/.test(String(e)),
    );
    await assert.rejects(a.recvAsync({ timeout: 20 }), TimeoutError);
  });

  test('a one-way pipe: the first end only receives, the second only sends', async () => {
    const [reader, writer] = Pipe<string>({ duplex: false });
    assert.equal(reader.writable, false);
    assert.equal(writer.readable, false);
    assert.throws(
      () => reader.send('x'),
      (e: unknown) => e instanceof InvalidStateError && /only receives/.test(String(e)),
    );
    await assert.rejects(writer.recvAsync(), /only sends/);
    writer.send('one way');
    assert.equal(await reader.recvAsync(), 'one way');
  });

  test('close(): the other end drains what was sent, then gets ChannelClosedError; its send fails too', async () => {
    const [a, b] = Pipe<number>();
    a.send(1);
    a.send(2);
    a.close();
    assert.equal(a.closed, true);
    assert.throws(() => a.send(3), /this connection is closed/);
    assert.equal(b.poll(), true);
    const got: number[] = [];
    for await (const n of b) got.push(n);
    assert.deepEqual(got, [1, 2]);
    await assert.rejects(b.recvAsync(), ChannelClosedError);
    assert.equal(b.poll(), true, 'recv would not block: it would throw');
    assert.throws(
      () => b.send(4),
      (e: unknown) => e instanceof ChannelClosedError && /other end/.test(String(e)),
    );
  });

  test('a full pipe makes the main thread throw QueueFullError rather than wait; sendAsync waits for room', async () => {
    const [a, b] = Pipe<string>({ capacityBytes: 1024 });
    a.send('x'.repeat(600));
    assert.throws(() => a.send('y'.repeat(600)), QueueFullError);
    const sending = a.sendAsync('y'.repeat(600), { timeout: 5_000 });
    assert.equal((await b.recvAsync()).length, 600);
    await sending;
    assert.equal(await b.recvAsync(), 'y'.repeat(600));
  });

  test('bad options are refused', () => {
    assert.throws(
      () => Pipe({ duplex: 'no' as never }),
      (e: unknown) =>
        e instanceof InvalidArgumentError &&
        e.message === 'Expected `duplex` to be a boolean, got `"no"` (string)',
    );
    assert.throws(() => Pipe({ capacityBytes: 0 }), InvalidArgumentError);
    assert.throws(() => Pipe({ duplx: false } as never), /Unknown option `duplx` in Pipe\(options\)/);
    const [a] = Pipe<string>();
    assert.throws(
      () => a.send('x', { timout: 5 } as never),
      /in Connection\.send\(options\) \(did you mean `timeout`/,
    );
    assert.throws(() => a.send('x', 5 as never), /Expected `options` to be an object/);
  });
});

describe('Pipe between threads', () => {
  test('a worker echoes over a duplex pipe with blocking recv/send until the main thread closes its end', async () => {
    const [parent, child] = Pipe<string>();
    const echo = pool().submit(tasks.echoUpper, child);
    const replies: string[] = [];
    for (const word of ['a', 'bc', 'déf']) {
      parent.send(word);
      replies.push(await parent.recvAsync({ timeout: 10_000 }));
    }
    parent.close();
    assert.deepEqual(replies, ['A', 'BC', 'DÉF']);
    assert.equal(await echo, 3);
  });

  test('a worker sends over a one-way pipe and closes; the main thread iterates to the end', async () => {
    const [reader, writer] = Pipe<unknown>({ duplex: false });
    const items = Array.from({ length: 500 }, (_, i) => ({ i }));
    const sender = pool().submit(tasks.sendAll, writer, items);
    const got: unknown[] = [];
    for await (const item of reader) got.push(item);
    await sender;
    assert.deepEqual(got, items);
  });

  test('poll(timeout) and recv({ timeout }) in a worker wait for a message, and time out without one', async () => {
    const [parent, child] = Pipe<number>();
    assert.equal(await pool().submit(tasks.pollFor, child, 30), false);
    assert.equal(await pool().submit(tasks.timedRecv, child, 30), 'TimeoutError:SPINDLE_ERR_TIMEOUT');
    const polling = pool().submit(tasks.pollFor, child, 10_000);
    setTimeout(() => parent.send(5), 30);
    assert.equal(await polling, true);
    assert.equal(await pool().submit(tasks.timedRecv, child, 0), 5);
    assert.ok(parent instanceof Connection);
  });
});
