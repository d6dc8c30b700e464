// Randomized stress: producers and consumers on worker threads and on the main thread, random timeouts and
// non-blocking calls, a small bounded queue so both sides keep hitting full and empty. Every item must be
// delivered exactly once, and the run must end (no lost wake-up leaves anyone asleep past the drain).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ThreadPoolExecutor } from '../../src/index.ts';
import { ChannelClosedError } from '../../src/errors.ts';
import { Queue } from '../../src/channels/queue.ts';
import { PriorityQueue } from '../../src/channels/priority-queue.ts';
import * as tasks from '../fixtures/channel-tasks.ts';

const WORKERS = 4;
const RUN_MS = 2_000;
const pool = new ThreadPoolExecutor({ maxWorkers: WORKERS });
after(() => pool.shutdown({ cancelFutures: true }));

const seed = Number(process.env.STRESS_SEED ?? Date.now() % 1_000_000);

for (const make of [
  () => new Queue<number>({ maxsize: 4 }),
  () => new PriorityQueue<number>({ maxsize: 4 }),
]) {
  test(`${make().constructor.name}: every item is delivered exactly once under random load (seed ${seed})`, async () => {
    const queue = make();
    // Warm the workers first so the timed run is spent on the queue, not on starting threads.
    await Promise.all(Array.from({ length: WORKERS }, () => pool.submit(tasks.consume, new Queue(), 0)));
    const until = Date.now() + RUN_MS;
    const parties = [
      pool.submit(tasks.stressParty, queue, 'producer', 1_000_000, until, seed + 1),
      pool.submit(tasks.stressParty, queue, 'producer', 2_000_000, until, seed + 2),
      pool.submit(tasks.stressParty, queue, 'consumer', 0, until, seed + 3),
      pool.submit(tasks.stressParty, queue, 'consumer', 0, until, seed + 4),
    ];
    // The main thread is a producer and a consumer too, with random timeouts and aborts of its own.
    let mainPut = 0;
    const mainTaken: number[] = [];
    let random = seed + 5;
    const roll = (): number => (random = (random * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const mainProducer = (async () => {
      while (Date.now() < until) {
        try {
          if (roll() < 0.3) queue.putNowait(3_000_000 + mainPut);
          else await queue.putAsync(3_000_000 + mainPut, { timeout: Math.floor(roll() * 5) });
          mainPut++;
        } catch (error) {
          if ((error as { code?: string }).code !== 'SPINDLE_ERR_QUEUE_FULL') throw error;
        }
      }
    })();
    const mainConsumer = (async () => {
      while (Date.now() < until) {
        try {
          const signal = roll() < 0.2 ? AbortSignal.timeout(1) : undefined;
          mainTaken.push(await queue.getAsync({ timeout: Math.floor(roll() * 5), signal }));
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code !== 'SPINDLE_ERR_QUEUE_EMPTY' && (error as Error).name !== 'TimeoutError') throw error;
        }
      }
    })();
    const [p1, p2, c1, c2] = (await Promise.all(parties)) as [number, number, number[], number[]];
    await Promise.all([mainProducer, mainConsumer]);
    // Drain what is left.
    queue.close();
    const rest: number[] = [];
    for (;;) {
      try {
        rest.push(queue.getNowait());
      } catch (error) {
        if (error instanceof ChannelClosedError) break;
        throw error;
      }
    }
    const expected = [
      ...Array.from({ length: p1 }, (_, i) => 1_000_000 + i),
      ...Array.from({ length: p2 }, (_, i) => 2_000_000 + i),
      ...Array.from({ length: mainPut }, (_, i) => 3_000_000 + i),
    ];
    const delivered = [...c1, ...c2, ...mainTaken, ...rest].sort((a, b) => a - b);
    assert.ok(expected.length > 1_000, `only ${expected.length} items moved in ${RUN_MS} ms`);
    assert.equal(delivered.length, expected.length, 'no item lost or duplicated');
    assert.deepEqual(
      delivered,
      expected.sort((a, b) => a - b),
    );
    // Each producer's items reach any one FIFO consumer in the order they were put.
    if (queue.constructor === Queue)
      for (const consumer of [c1, c2, mainTaken]) {
        const fromP1 = consumer.filter((n) => n < 2_000_000);
        assert.deepEqual(
          fromP1,
          [...fromP1].sort((a, b) => a - b),
        );
      }
  });
}
