// The proxies over the real transport: a server in this process serving a host, workers (threads, then
// processes) receiving proxies as task arguments and using their blocking forms, the main thread the async ones.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ProcessPoolExecutor, ThreadPoolExecutor } from '../../../src/index.ts';
import { channelFor } from '../../../src/manager/channels.ts';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { ConditionProxy } from '../../../src/manager/proxies/condition.ts';
import { DictProxy } from '../../../src/manager/proxies/dict.ts';
import { ListProxy } from '../../../src/manager/proxies/list.ts';
import { LockProxy } from '../../../src/manager/proxies/lock.ts';
import { QueueProxy } from '../../../src/manager/proxies/queue.ts';
import { ValueProxy } from '../../../src/manager/proxies/value.ts';
import type { ManagerServer } from '../../../src/manager/server.ts';
import { startServer } from '../../../src/manager/server.ts';
import type { ManagerChannel } from '../../../src/manager/types.ts';
import { MANAGER_OBJECT } from '../../../src/manager/types.ts';
import * as tasks from '../../fixtures/manager-objects-tasks.ts';

let server: ManagerServer;
let channel: ManagerChannel;

async function create<P>(
  make: new (channel: ManagerChannel, id: number) => P,
  type: string,
  ...args: unknown[]
): Promise<P> {
  return new make(channel, (await channel.call(MANAGER_OBJECT, 'create', [type, ...args])) as number);
}

describe('manager proxies over the transport', () => {
  before(async () => {
    server = await startServer({ host: createObjectHost() });
    channel = channelFor(server.endpoint);
  });
  after(() => server.close());

  for (const [name, Pool] of [
    ['threads', ThreadPoolExecutor],
    ['processes', ProcessPoolExecutor],
  ] as const)
    test(`four ${name} fill one list and count under one lock, losing nothing`, async () => {
      await using pool = new Pool({ maxWorkers: 2 });
      const list = await create(ListProxy<string>, 'list');
      const counter = await create(ValueProxy<number>, 'value', 0);
      const guarded = await create(DictProxy<string, number>, 'dict');
      const lock = await create(LockProxy, 'Lock');
      const tags = ['a', 'b', 'c', 'd'];
      const done = await Promise.all(
        tags.map((tag) => pool.submit(tasks.fill, list, counter, guarded, lock, tag, 25)),
      );
      assert.deepEqual(done, tags);
      assert.equal(await list.lengthAsync(), 100);
      const items = await list.toArrayAsync();
      for (const tag of tags)
        assert.deepEqual(
          items.filter((item) => item.startsWith(`${tag}:`)),
          Array.from({ length: 25 }, (_, i) => `${tag}:${i}`),
          'each worker’s items in its order',
        );
      assert.equal(await counter.getAsync(), 100);
      assert.equal(await guarded.getAsync('total'), 100);
      assert.equal(await lock.lockedAsync(), false);
    });

  test('consumers in worker processes drain a managed queue until it is closed', async () => {
    await using pool = new ProcessPoolExecutor({ maxWorkers: 2 });
    const jobs = await create(QueueProxy<number>, 'Queue', 4);
    const results = await create(QueueProxy<number>, 'Queue');
    const consumers = [pool.submit(tasks.consume, jobs, results), pool.submit(tasks.consume, jobs, results)];
    for (let n = 1; n <= 20; n++) await jobs.putAsync(n);
    await jobs.closeAsync();
    const handled = await Promise.all(consumers);
    assert.equal(handled[0]! + handled[1]!, 20);
    const squares: number[] = [];
    for (let i = 0; i < 20; i++) squares.push(await results.getAsync());
    assert.deepEqual(
      squares.sort((x, y) => x - y),
      Array.from({ length: 20 }, (_, i) => (i + 1) ** 2),
    );
  });

  test('a worker thread waits on a managed Condition until the main thread publishes', async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
    const cond = await create(ConditionProxy, 'Condition');
    const ready = await create(DictProxy<string, string>, 'dict');
    const waiting = pool.submit(tasks.awaitReady, cond, ready);
    {
      await using _ = await cond.holdAsync();
      await ready.setAsync('go', 'published');
      await cond.notifyAllAsync();
    }
    assert.equal(await waiting, 'published');
  });
});
