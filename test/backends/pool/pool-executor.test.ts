// PoolExecutor's scheduling, driven through a fake worker handle: what the pool asks of a worker, and when.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PoolExecutor } from '../../../src/backends/pool/pool-executor.ts';
import type { PoolOptions } from '../../../src/backends/pool/pool-options.ts';
import { fillPoolOptions } from '../../../src/backends/pool/pool-options.ts';
import type { WorkerEvents, WorkerHandle } from '../../../src/backends/pool/worker-handle.ts';
import * as tasks from '../../fixtures/pool-tasks.ts';

/** A worker that holds at most `capacity` jobs and answers only when told to. */
class FakeWorker implements WorkerHandle {
  readonly backlogBytes = 0;
  readonly exactWithdraw = false;
  readonly held: number[] = [];

  constructor(
    readonly id: number,
    readonly events: WorkerEvents,
    readonly capacity: number,
  ) {}

  get canTakeJob(): boolean {
    return this.held.length < this.capacity;
  }

  run(id: number): void {
    if (!this.canTakeJob) throw new Error(`FakeWorker: job ${id} sent beyond its capacity`);
    this.held.push(id);
  }

  /** Answers the oldest job it holds, as a task that ran for `runMicros`. */
  answerOne(runMicros = 1): void {
    const id = this.held.shift();
    assert.ok(id !== undefined, 'a job to answer');
    this.events.result(this, id, true, runMicros, 'done');
  }

  flush(): void {}
  withdraw(): boolean {
    return false;
  }
  started(): boolean {
    return true;
  }
  close(): void {
    queueMicrotask(() => this.events.exit(this, { exitCode: 0 }));
  }
  terminate(): void {
    this.close();
  }
  setRef(): void {}
}

class FakePool extends PoolExecutor {
  readonly workers: FakeWorker[] = [];

  constructor(
    options: PoolOptions,
    readonly jobsPerWorker: number,
  ) {
    super(fillPoolOptions(options, 'FakePool'), 'fake');
    this.startMinWorkers();
  }

  protected createWorker(id: number, events: WorkerEvents): WorkerHandle {
    const worker = new FakeWorker(id, events, this.jobsPerWorker);
    this.workers.push(worker);
    return worker;
  }
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let turns = 0; !condition(); turns++) {
    assert.ok(turns < 1000, `timed out waiting until ${what}`);
    await settle();
  }
}

describe('PoolExecutor scheduling', () => {
  test('a worker that cannot take another job is sent none until one of its jobs is answered', async () => {
    const pool = new FakePool({ maxWorkers: 1, minWorkers: 1 }, 3);
    const worker = pool.workers[0]!;
    worker.events.ready(worker);
    // One microsecond task first: the pool then opens its deepest window, far above this worker's 3.
    const first = pool.submit(tasks.square, 1);
    await until(() => worker.held.length === 1, 'the first job is sent'); // its export is looked up first
    worker.answerOne();
    assert.equal(await first, 'done');

    const futures = Array.from({ length: 10 }, (_, i) => pool.submit(tasks.square, i));
    await settle();
    assert.equal(worker.held.length, 3, 'jobs sent while the worker could take them');
    assert.equal(pool.stats().queued, 7);
    while (worker.held.length > 0) {
      worker.answerOne();
      await settle();
    }
    assert.deepEqual(await Promise.all(futures), Array(10).fill('done'));
    await pool.shutdown();
  });
});
