// Manager end to end: a real server process, proxies passed to process and thread workers (the seeds'
// examples across processes), a server that dies, and a manager served on TCP.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  AuthenticationError,
  ConnectionProxy,
  InvalidArgumentError,
  InvalidStateError,
  Manager,
  ManagerUnavailableError,
  PriorityQueueProxy,
  ProcessPoolExecutor,
  QueueProxy,
  ThreadPoolExecutor,
} from '../../src/index.ts';
import * as tasks from '../fixtures/manager-tasks.ts';

const processes = new ProcessPoolExecutor({ maxWorkers: 5 });
const threads = new ThreadPoolExecutor({ maxWorkers: 2 });
after(() =>
  Promise.all([processes.shutdown({ cancelFutures: true }), threads.shutdown({ cancelFutures: true })]),
);

describe('Manager across processes (the seeds’ examples)', () => {
  test('a manager.list() filled by 5 processes holds every item', async () => {
    await using manager = await Manager.start();
    const list = await manager.list<string>();
    const pids = await Promise.all(
      [0, 1, 2, 3, 4].map((w) => processes.submit(tasks.appendItems, list, w, 20)),
    );
    assert.ok(pids.every((pid) => pid !== process.pid));
    const items = await list.toArrayAsync();
    assert.equal(items.length, 100);
    const expected = [0, 1, 2, 3, 4].flatMap((w) => Array.from({ length: 20 }, (_, i) => `w${w}-${i}`));
    assert.deepEqual([...items].sort(), expected.sort());
  });

  test('a queue feeding 5 process workers delivers each message exactly once', async () => {
    await using manager = await Manager.start();
    const queue = await manager.Queue<number | null>();
    const consumers = [0, 1, 2, 3, 4].map(() => processes.submit(tasks.drain, queue));
    for (let i = 0; i < 200; i++) await queue.putAsync(i);
    for (let i = 0; i < 5; i++) await queue.putAsync(null);
    const taken = (await Promise.all(consumers)).flat();
    assert.deepEqual(
      taken.sort((a, b) => a - b),
      Array.from({ length: 200 }, (_, i) => i),
    );
    assert.equal(await queue.qsizeAsync(), 0);
  });

  test('a PriorityQueue drained by 2 processes delivers each item once; a LifoQueue comes out newest first', async () => {
    await using manager = await Manager.start();
    const queue = await manager.PriorityQueue<number | null>();
    const priority = (i: number): number => (i * 7) % 5; // five priorities, shuffled: many ties
    for (let i = 0; i < 100; i++) await queue.putAsync(i, { priority: priority(i) });
    // Infinity sorts after every item: each consumer's stop sign comes out last.
    for (let i = 0; i < 2; i++) await queue.putAsync(null, { priority: Infinity });
    const drained = await Promise.all([0, 1].map(() => processes.submit(tasks.drain, queue)));
    assert.deepEqual(
      drained.flat().sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i),
      'each item exactly once',
    );
    // The queue was full before anyone took from it, so each consumer took its share in priority order, equal
    // priorities in the order they were put.
    for (const taken of drained)
      assert.deepEqual(
        taken,
        [...taken].sort((a, b) => priority(a) - priority(b) || a - b),
      );

    const stack = await manager.LifoQueue<number | null>();
    await stack.putAsync(null); // at the bottom: the consumer's stop sign
    for (let i = 0; i < 20; i++) await stack.putAsync(i);
    assert.deepEqual(
      await processes.submit(tasks.drain, stack),
      Array.from({ length: 20 }, (_, i) => 19 - i),
    );
  });

  test('a process worker’s blocking put and putNowait carry the priority they name', async () => {
    await using manager = await Manager.start();
    const queue = await manager.PriorityQueue<string>({ maxsize: 10 });
    await processes.submit(tasks.putPrioritized, queue, [
      ['c', 3],
      ['a', 1],
      ['b', 2],
      ['first', -Infinity],
    ]);
    const taken = [];
    for (let i = 0; i < 4; i++) taken.push(await queue.getAsync({ timeout: 0 }));
    assert.deepEqual(taken, ['first', 'a', 'b', 'c']);
  });

  test('a managed lock guards a read-modify-write counter across processes and threads', async () => {
    await using manager = await Manager.start();
    const counter = await manager.value(0);
    const lock = await manager.Lock();
    await Promise.all([
      processes.submit(tasks.bumpGuarded, counter, lock, 50),
      processes.submit(tasks.bumpGuarded, counter, lock, 50),
      threads.submit(tasks.bumpGuarded, counter, lock, 50),
    ]);
    assert.equal(await counter.getAsync(), 150);
  });
});

describe('Manager failures', () => {
  test('a server that dies: pending and later calls reject with ManagerUnavailableError, in workers too', async () => {
    const manager = await Manager.start();
    const queue = await manager.Queue<number>();
    const started = await manager.list<string>();
    const worker = processes.submit(tasks.getForever, queue, started);
    const pending = queue.getAsync();
    while ((await started.lengthAsync()) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    process.kill(manager.pid!, 'SIGKILL');
    await assert.rejects(pending, ManagerUnavailableError);
    assert.equal(await worker, 'ManagerUnavailableError');
    await assert.rejects(queue.putAsync(1), ManagerUnavailableError);
    await manager.shutdown();
  });

  test('after shutdown the factories refuse with InvalidStateError', async () => {
    const manager = await Manager.start();
    await manager.shutdown();
    await manager.shutdown(); // idempotent
    await assert.rejects(manager.list(), InvalidStateError);
  });

  test('a Condition over another manager’s lock is refused', async () => {
    await using one = await Manager.start();
    await using two = await Manager.start();
    const lock = await one.Lock();
    await assert.rejects(two.Condition(lock), InvalidArgumentError);
  });
});

describe('Manager on TCP', () => {
  const authkey = 'a1'.repeat(16);

  test('serves on loopback with a key; a client with the key connects, one without is refused', async () => {
    await using server = await Manager.start({ address: { port: 0 }, authkey });
    const address = server.address;
    assert.ok(
      typeof address === 'object' && address.host === '127.0.0.1' && address.port > 0,
      String(address),
    );
    const shared = await server.dict<string, number>();
    await shared.setAsync('answer', 42);

    await using client = await Manager.connect(address, { authkey });
    assert.equal(client.authkey, authkey);
    const list = await client.list([1, 2]);
    assert.deepEqual(await list.toArrayAsync(), [1, 2]);
    await assert.rejects(Manager.connect(address, { authkey: 'b2'.repeat(16) }), AuthenticationError);
    assert.equal(await shared.getAsync('answer'), 42, 'the server kept serving');
  });

  test('named objects: one program registers, another connects and looks them up', async () => {
    await using server = await Manager.start({ address: { port: 0 }, authkey });
    const jobs = await server.Queue<string>();
    await server.register('jobs', jobs);
    await server.register('jobs', jobs); // the same object again: allowed
    await assert.rejects(server.register('jobs', await server.Queue()), InvalidStateError);
    await assert.rejects(server.register('', jobs), InvalidArgumentError);

    const client = await Manager.connect(server.address, { authkey });
    const found = await client.lookup<QueueProxy<string>>('jobs');
    assert.ok(found instanceof QueueProxy);
    await found.putAsync('from the client');
    assert.equal(await jobs.getAsync(), 'from the client');
    assert.equal(await client.lookup('nothing'), undefined);
    await server.register('urgent', await server.PriorityQueue());
    assert.ok((await client.lookup('urgent')) instanceof PriorityQueueProxy, 'built for its real type');
    const pipeEnd = (await client.Pipe())[0];
    await client.register('end', pipeEnd);
    assert.ok((await server.lookup('end')) instanceof ConnectionProxy);

    // The two Manager objects share this thread's connection: closing the client's must not cut the server's.
    await client.shutdown();
    await jobs.putAsync('still served');
    assert.equal(await jobs.getAsync(), 'still served');
  });

  test('TCP without a key is refused before anything starts', async () => {
    await assert.rejects(Manager.start({ address: { port: 0 } }), InvalidArgumentError);
    await assert.rejects(Manager.start({ address: { port: 0 }, authkey: 'abcd' }), InvalidArgumentError);
    await assert.rejects(
      Manager.start({ authKey: 'a long enough key' } as never),
      /Unknown option `authKey` in Manager\.start\(options\) \(did you mean `authkey`\?\)/,
    );
  });
});
