import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { setTimeout as delay } from 'node:timers/promises';
import { runInNewContext } from 'node:vm';
import {
  CancelledError,
  ExecutorShutdownError,
  NotATaskError,
  registerErrorClass,
  task,
  TaskNotFoundError,
  ThreadPoolExecutor,
  TimeoutError,
  UnserializableError,
  WorkerCrashedError,
  WorkerStartError,
} from '../../../src/index.ts';
import { SLOT_COUNT } from '../../../src/backends/thread/thread-worker.ts';
import { STAGE_MIN_BYTES } from '../../../src/backends/thread/copy-staging.ts';
import { native } from '../../../src/shm/native.ts';
import { addonMissing } from '../../fixtures/native-addon.ts';
import * as tasks from '../../fixtures/pool-tasks.ts';

const shared = (n = 1): Int32Array => new Int32Array(new SharedArrayBuffer(4 * n));
const pools: ThreadPoolExecutor[] = [];
function pool(options: ConstructorParameters<typeof ThreadPoolExecutor>[0] = {}): ThreadPoolExecutor {
  const created = new ThreadPoolExecutor({ maxWorkers: 2, ...options });
  pools.push(created);
  return created;
}
after(async () => {
  await Promise.all(pools.map((p) => p.shutdown({ cancelFutures: true })));
});

describe('ThreadPoolExecutor: results', () => {
  test('one object passed or returned twice arrives as one object, as structured clone and pickle keep it', async () => {
    const p = pool();
    const shared = { x: 1 };
    assert.equal(await p.submit(tasks.isSame, shared, shared), true);
    assert.equal(await p.submit(tasks.isSame, { x: 1 }, { x: 1 }), false);
    assert.equal(await p.submit(tasks.isSame, Buffer.from('b'), Buffer.from('b')), false);
    const bytes = Buffer.from('one Buffer');
    assert.equal(await p.submit(tasks.isSame, bytes, bytes), true, 'a Buffer (packed for the clone) too');
    const result = (await p.submit(tasks.sharedTwice)) as { a: unknown; b: unknown };
    assert.equal(result.a, result.b);
  });

  test('submit resolves with the task result, typed from the task', async () => {
    const p = pool();
    const future = p.submit(tasks.square, 7);
    assert.equal(await future, 49);
    assert.equal(future.state, 'finished');
    assert.equal(await p.submit(tasks.add, 2, 3), 5);
  });

  test('values the compact codec does not carry still arrive whole (Map, Date, typed arrays, BigInt)', async () => {
    const p = pool();
    const value = {
      when: new Date(5),
      map: new Map([[1, 'one']]),
      bytes: new Uint8Array([1, 2]),
      big: 10n ** 20n,
    };
    assert.deepEqual(await p.submit(tasks.echo, value), value);
    const plain = {
      s: 'héllo',
      n: -0.5,
      i: -7,
      arr: [1, 'x', null, true, undefined],
      nested: { deep: [[]] },
    };
    assert.deepEqual(await p.submit(tasks.echo, plain), plain);
    // A lone surrogate has no UTF-8 form: the codec hands the frame to structured clone, which keeps it.
    const halves = { '\udc00 key': 'half an emoji: \ud83d' };
    assert.deepEqual(await p.submit(tasks.echo, halves), halves);
    // So does an array's own property besides its elements, such as a RegExp match's index and groups.
    const match = 'a match'.match(/(?<word>match)/)!;
    const back = (await p.submit(tasks.echo, match)) as RegExpMatchArray;
    assert.deepEqual([back.index, back.input, back.groups], [2, 'a match', { word: 'match' }]);
  });

  test('jobs that need structured clone start in the order they were sent, among ring-borne ones', async () => {
    const p = pool({ maxWorkers: 1 });
    await p.submit(tasks.startOrder, 0); // the worker is up and has the task defined
    const args = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? new Map([[i, i]]) : i));
    const order = await Promise.all(args.map((arg) => p.submit(tasks.startOrder, arg)));
    assert.deepEqual(
      order,
      args.map((_, i) => i + 2),
    );
  });

  test('large byte arrays (sent by postMessage, answered through the ring) mix with ring-borne tiny tasks', async () => {
    const p = pool();
    const big = Array.from({ length: 12 }, (_, i) => new Uint8Array(1 << 20).fill(i + 1));
    const bigEchoes = big.map((bytes) => p.submit(tasks.echo, bytes));
    const tiny = Array.from({ length: 200 }, (_, i) => p.submit(tasks.square, i));
    const echoed = (await Promise.all(bigEchoes)) as Uint8Array[];
    echoed.forEach((bytes, i) => {
      assert.equal(bytes.byteLength, 1 << 20);
      assert.equal(bytes[0], i + 1);
      assert.equal(bytes[(1 << 20) - 1], i + 1);
      assert.notEqual(bytes.buffer, big[i]!.buffer);
    });
    assert.deepEqual(
      await Promise.all(tiny),
      Array.from({ length: 200 }, (_, i) => i * i),
    );
    assert.ok(big.every((bytes, i) => bytes.byteLength === 1 << 20 && bytes[0] === i + 1)); // copies, not moves
  });

  test('a Buffer arrives as a Buffer both ways, as on a process pool, whichever way it travels', async () => {
    const p = pool();
    const small = Buffer.from('small'); // in the ring
    const large = Buffer.alloc(1 << 20, 3); // by postMessage
    const inMap = new Map([['k', Buffer.from('in a map')]]); // structured clone
    const transferred = Buffer.from(new Uint8Array([9, 8, 7]).buffer); // structured clone, with a transfer
    const [a, b, c, d] = await Promise.all([
      p.submit(tasks.echo, small),
      p.submit(tasks.echo, large),
      p.submit(tasks.echo, inMap),
      p.submit(tasks.echo.with({ transfer: [transferred.buffer as ArrayBuffer] }), transferred),
    ]);
    assert.ok(Buffer.isBuffer(a) && a.toString() === 'small');
    assert.ok(Buffer.isBuffer(b) && b.length === 1 << 20 && b[0] === 3);
    const inner = (c as Map<string, Buffer>).get('k');
    assert.ok(Buffer.isBuffer(inner) && inner.toString() === 'in a map');
    assert.ok(Buffer.isBuffer(d) && d.equals(Buffer.from([9, 8, 7])));
    assert.equal(transferred.length, 0, 'moved, not copied');
  });

  test('a job sent by postMessage whose result cannot be sent back fails alone', async () => {
    const p = pool({ maxWorkers: 1 });
    const error = await p.submit(tasks.returnFunctionFor, new Uint8Array(1 << 20)).catch((e: unknown) => e);
    assert.ok(error instanceof UnserializableError);
    assert.equal(error.path, 'result.fn');
    assert.equal(await p.submit(tasks.square, 3), 9);
  });

  test('map yields in input order, mapUnordered as tasks finish, starmap spreads arguments', async () => {
    const p = pool();
    const ordered: number[] = [];
    for await (const y of p.map(tasks.square, [1, 2, 3, 4, 5])) ordered.push(y);
    assert.deepEqual(ordered, [1, 4, 9, 16, 25]);
    const unordered: number[] = [];
    for await (const y of p.mapUnordered(tasks.square, [1, 2, 3])) unordered.push(y);
    assert.deepEqual(unordered.sort(), [1, 4, 9]);
    const sums: number[] = [];
    for await (const y of p.starmap(tasks.add, [[1, 2] as [number, number], [3, 4] as [number, number]])) {
      sums.push(y);
    }
    assert.deepEqual(sums, [3, 7]);
  });

  test('a task reads its own AbortSignal with currentSignal()', async () => {
    assert.equal(await pool().submit(tasks.signalState), true);
  });
});

const noAddon = addonMissing('large copies go by structured clone');

describe('ThreadPoolExecutor: large byte arrays (copied through pooled native memory)', () => {
  const large = STAGE_MIN_BYTES * 2;
  const filled = (n: number, value: number): Uint8Array => new Uint8Array(n).fill(value);
  const sumOf = (bytes: Uint8Array): number => bytes.reduce((sum, b) => (sum + b) % 1_000_003, 0);

  test('each kind arrives whole and as the same kind', async () => {
    const p = pool();
    const bytes = filled(large, 3);
    bytes[large - 1] = 250;
    const raw = bytes.buffer as ArrayBuffer;
    const cases: [ArrayBufferView | ArrayBuffer, string, boolean][] = [
      [bytes, 'Uint8Array', false],
      [Buffer.from(bytes), 'Buffer', true],
      [new Float64Array(raw.slice(0)), 'Float64Array', false],
      [new DataView(raw.slice(0)), 'DataView', false],
      [raw.slice(0), 'ArrayBuffer', false],
    ];
    for (const [value, kind, isBuffer] of cases) {
      const got = await p.submit(tasks.describeBytes, value);
      assert.deepEqual(
        got,
        { kind, isBuffer, byteOffset: 0, byteLength: large, bufferLength: large, sum: sumOf(bytes) },
        kind,
      );
    }
  });

  test(
    'a view arrives over a buffer of its own, not the whole buffer behind it',
    { skip: noAddon },
    async () => {
      const p = pool();
      const window = new Uint8Array(new ArrayBuffer(large + 64), 32, large).fill(7);
      assert.deepEqual(await p.submit(tasks.describeBytes, window), {
        kind: 'Uint8Array',
        isBuffer: false,
        byteOffset: 0,
        byteLength: large,
        bufferLength: large,
        sum: sumOf(window),
      });
    },
  );

  test('the worker has a copy of its own: the caller writing to its array afterwards changes nothing there', async () => {
    const p = pool({ maxWorkers: 1 });
    const bytes = filled(large, 1);
    await p.submit(tasks.keepBytes, bytes);
    bytes.fill(9);
    bytes[0] = 1;
    assert.deepEqual(await p.submit(tasks.keptBytesIntact), [true]);
  });

  test(
    'arrays a task keeps stay intact while more copies come and go and the worker collects garbage',
    { skip: noAddon },
    async () => {
      const p = pool({ maxWorkers: 1 });
      const count = 24; // 24 × 512 KiB: three of the worker's collections, block reuse in between
      for (let i = 0; i < count; i++) await p.submit(tasks.keepBytes, filled(STAGE_MIN_BYTES * 4, i + 1));
      for (let i = 0; i < 16; i++) await p.submit(tasks.describeBytes, filled(STAGE_MIN_BYTES * 4, 200));
      assert.deepEqual(await p.submit(tasks.keptBytesIntact), new Array<boolean>(count).fill(true));
    },
  );

  // A task that allocates enough while it holds its argument for V8 to collect meanwhile gets that
  // argument promoted to the old generation, and its block back only with a full collection: this one does not.
  test(
    'blocks come back to the pool as soon as the worker is done with them',
    { skip: noAddon },
    async () => {
      const p = pool({ maxWorkers: 1 });
      await p.submit(tasks.square, 1); // the worker is up
      native().trimCopies(0); // empty the pool of other tests' blocks
      const futures = Array.from({ length: 16 }, () => p.submit(tasks.lengthOf, filled(1 << 20, 5)));
      assert.deepEqual(await Promise.all(futures), new Array<number>(16).fill(1 << 20));
      // The worker collects on a later turn of its loop, and V8 then frees the arrays' memory on a background
      // thread: look for up to two seconds.
      const until = Date.now() + 2000;
      while (native().trimCopies(60_000) < 4 << 20 && Date.now() < until) await delay(10);
      assert.ok(native().trimCopies(60_000) >= 4 << 20, 'at least 4 MiB of blocks freed and kept for reuse');
    },
  );

  test('transferred buffers go to a busy worker at once: only copies count against its backlog', async () => {
    const p = pool({ maxWorkers: 1 });
    await p.submit(tasks.square, 1);
    const blocker = p.submit(tasks.busy, 300);
    const buffers = Array.from({ length: 8 }, () => filled(1 << 20, 1).buffer as ArrayBuffer);
    const futures = buffers.map((buffer) => p.submit(tasks.byteSum.with({ transfer: [buffer] }), buffer));
    await delay(50);
    assert.deepEqual(
      buffers.map((buffer) => buffer.byteLength),
      new Array<number>(8).fill(0),
      'all 8 MiB sent while the worker is busy (the backlog holds back copies past 4 MiB)',
    );
    await blocker;
    assert.deepEqual(await Promise.all(futures), new Array<number>(8).fill(1 << 20));
  });

  test('identity holds: one array passed twice, and two arguments over one buffer, arrive that way', async () => {
    const p = pool();
    const bytes = filled(large, 2);
    assert.equal(await p.submit(tasks.isSame, bytes, bytes), true);
    assert.equal(await p.submit(tasks.shareBuffer, bytes.buffer as ArrayBuffer, bytes), true);
    assert.equal(await p.submit(tasks.shareBuffer, bytes, bytes.subarray(8)), true);
    const holder = { bytes };
    assert.equal(await p.submit(tasks.isSame, bytes, holder.bytes), true);
    const inside = (await p.submit(tasks.echo, [bytes, { again: bytes }])) as [
      Uint8Array,
      { again: Uint8Array },
    ];
    assert.equal(inside[0], inside[1].again);
  });

  test('views over shared memory stay shared; a result of the same size comes back whole', async () => {
    const p = pool();
    const counter = shared(large / 4);
    await p.submit(tasks.touch, counter);
    assert.equal(counter[0], 1);
    const back = (await p.submit(tasks.echo, filled(large, 4))) as Uint8Array;
    assert.equal(back.byteLength, large);
    assert.equal(sumOf(back), (4 * large) % 1_000_003);
  });
});

describe('ThreadPoolExecutor: parallelism', () => {
  test('CPU-bound tasks run at once on different threads (each waits for the other to start)', async () => {
    const p = pool({ maxWorkers: 2 });
    const flags = shared();
    const ids = await Promise.all([
      p.submit(tasks.rendezvous, flags, 2),
      p.submit(tasks.rendezvous, flags, 2),
    ]);
    assert.notEqual(ids[0], ids[1]);
  });

  test('concurrencyPerWorker runs several async tasks at once inside one worker (the hybrid pattern)', async () => {
    const p = pool({ maxWorkers: 1, concurrencyPerWorker: 4 });
    const spans = await Promise.all([1, 2, 3, 4].map(() => p.submit(tasks.sleep, 150)));
    const lastStart = Math.max(...spans.map((s) => s.start));
    const firstEnd = Math.min(...spans.map((s) => s.end));
    assert.ok(lastStart < firstEnd, 'all four sleeps overlapped in time');
  });
});

describe('ThreadPoolExecutor: errors cross the boundary whole', () => {
  test('class, message, code and own fields survive; the stack holds the worker frames', async () => {
    const error = await pool()
      .submit(tasks.fail, 'range')
      .then(
        () => assert.fail('should reject'),
        (e: unknown) => e,
      );
    assert.ok(error instanceof RangeError);
    assert.equal((error as RangeError).message, 'out of range');
    assert.equal((error as { code?: string }).code, 'E_RANGE');
    assert.deepEqual((error as { extra?: unknown }).extra, { n: 1 });
    assert.match((error as Error).stack ?? '', /pool-tasks\.ts/);
  });

  test('cause chains and AggregateError.errors survive', async () => {
    const p = pool();
    const caused = (await p.submit(tasks.fail, 'cause').catch((e: unknown) => e)) as Error;
    assert.ok(caused.cause instanceof TypeError);
    assert.equal((caused.cause as Error).message, 'inner');
    const aggregate = (await p.submit(tasks.fail, 'aggregate').catch((e: unknown) => e)) as AggregateError;
    assert.ok(aggregate instanceof AggregateError);
    assert.ok(aggregate.errors[1] instanceof SyntaxError);
  });

  test('a registered user error class stays instanceof, with its fields', async () => {
    registerErrorClass(tasks.QuotaError);
    const error = await pool()
      .submit(tasks.fail, 'quota')
      .catch((e: unknown) => e);
    assert.ok(error instanceof tasks.QuotaError);
    assert.equal((error as tasks.QuotaError).limit, 10);
  });

  test('a thrown non-Error value arrives as itself', async () => {
    assert.equal(
      await pool()
        .submit(tasks.fail, 'string')
        .catch((e: unknown) => e),
      'just a string',
    );
  });
});

describe('ThreadPoolExecutor: crash isolation', () => {
  test('process.exit() in a task rejects it with WorkerCrashedError; every other task completes', async () => {
    const p = pool();
    const others = Array.from({ length: 20 }, (_, i) => p.submit(tasks.square, i));
    const crash = p.submit(tasks.exitWith, 3);
    const more = Array.from({ length: 20 }, (_, i) => p.submit(tasks.square, i + 20));
    const error = await crash.catch((e: unknown) => e);
    assert.ok(error instanceof WorkerCrashedError);
    assert.equal(error.exitCode, 3);
    assert.match(error.message, /exited with code 3/);
    assert.deepEqual(
      await Promise.all([...others, ...more]),
      Array.from({ length: 40 }, (_, i) => i * i),
    );
    assert.equal(await p.submit(tasks.square, 9), 81, 'the pool keeps serving');
    assert.ok(p.stats().workerRestarts >= 1);
    assert.equal(p.stats().running, 0, 'jobs put back in the queue are not counted twice');
  });

  test('an error thrown from a timer crashes only its worker; the cause is that error', async () => {
    const error = await pool()
      .submit(tasks.throwFromTimer)
      .catch((e: unknown) => e);
    assert.ok(error instanceof WorkerCrashedError);
    assert.match(String((error.cause as Error)?.message), /thrown from a timer/);
  });

  test('running out of memory (resourceLimits) rejects with WorkerCrashedError', async () => {
    const p = pool({ maxWorkers: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } });
    const error = await p.submit(tasks.allocateForever).catch((e: unknown) => e);
    assert.ok(error instanceof WorkerCrashedError);
    assert.equal(await p.submit(tasks.square, 3), 9);
  });
});

describe('ThreadPoolExecutor: cancellation and timeouts', () => {
  test('cancel() stops a running task and replaces its worker', async () => {
    const p = pool({ maxWorkers: 1 });
    await p.submit(tasks.square, 1);
    const running = p.submit(tasks.busy, 60_000);
    while (!running.running()) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(running.cancel(), true);
    await assert.rejects(running, CancelledError);
    assert.equal(await p.submit(tasks.square, 4), 16);
    assert.equal(p.stats().workerRestarts, 1);
  });

  test('cancel() of a job queued behind a running one withdraws it: it never runs, no worker restarts', async () => {
    const p = pool({ maxWorkers: 1 });
    const counter = shared();
    await p.submit(tasks.square, 1);
    const first = p.submit(tasks.busy, 200);
    const queued = p.submit(tasks.touch, counter);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(queued.cancel(), true);
    await first;
    await assert.rejects(queued, CancelledError);
    await p.submit(tasks.square, 1);
    assert.equal(Atomics.load(counter, 0), 0);
    assert.equal(p.stats().workerRestarts, 0);
  });

  test('cancel() of a queued job that carries a large byte array (sent by postMessage) withdraws it too', async () => {
    const p = pool({ maxWorkers: 1 });
    const counter = shared();
    await p.submit(tasks.square, 1);
    const first = p.submit(tasks.busy, 200);
    const queued = p.submit(tasks.touchWith, counter, new Uint8Array(1 << 20));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(queued.cancel(), true);
    await first;
    await assert.rejects(queued, CancelledError);
    assert.equal(await p.submit(tasks.touchWith, counter, new Uint8Array(1 << 20)), 1 << 20);
    assert.equal(Atomics.load(counter, 0), 1);
    assert.equal(p.stats().workerRestarts, 0);
  });

  test('an aborted signal cancels the task; an already-aborted signal means it never starts', async () => {
    const p = pool();
    const controller = new AbortController();
    const future = p.submit(tasks.busy.with({ signal: controller.signal }), 60_000);
    await new Promise((r) => setTimeout(r, 50));
    controller.abort(new Error('user gave up'));
    const error = await future.catch((e: unknown) => e);
    assert.ok(error instanceof CancelledError);
    assert.equal(((error as Error).cause as Error).message, 'user gave up');
    const counter = shared();
    const never = p.submit(tasks.touch.with({ signal: AbortSignal.abort() }), counter);
    assert.equal(never.cancelled(), true);
    await p.submit(tasks.square, 2);
    assert.equal(Atomics.load(counter, 0), 0);
  });

  test('a task past its timeout rejects with TimeoutError and is counted', async () => {
    const p = pool();
    await p.submit(tasks.square, 1);
    await assert.rejects(p.submit(tasks.busy.with({ timeout: 50 }), 60_000), TimeoutError);
    assert.equal(p.stats().timedOut, 1);
    assert.equal(await p.submit(tasks.square, 5), 25);
  });
});

describe('ThreadPoolExecutor: bad input gets a clear typed error', () => {
  test('a plain function is refused with directions to task()', () => {
    const p = pool();
    assert.throws(
      () => p.submit((n: number) => n, 1),
      (e: unknown) => e instanceof NotATaskError && /task\(import\.meta\.url, fn\)/.test(e.message),
    );
  });

  test('an argument that cannot be sent names where it sits', async () => {
    const error = await pool()
      .submit(tasks.echo, { cb: () => 1 })
      .catch((e: unknown) => e);
    assert.ok(error instanceof UnserializableError);
    assert.equal(error.path, 'args[0].cb');
  });

  test('an argument whose getter throws fails with UnserializableError, every time, leaking no job slot', async () => {
    const p = pool({ maxWorkers: 1 });
    await p.submit(tasks.square, 1); // the worker is up: jobs go to its ring
    const bad = {
      get broken(): number {
        throw new Error('getter failed');
      },
    };
    for (let i = 0; i < SLOT_COUNT + 10; i++) {
      const error = await p.submit(tasks.echo, bad).catch((e: unknown) => e);
      assert.ok(error instanceof UnserializableError, String(error));
      assert.equal((error.cause as Error).message, 'getter failed');
    }
    assert.equal(await p.submit(tasks.square, 4), 16);
  });

  test('a result that cannot be sent back names where it sits', async () => {
    const error = await pool()
      .submit(tasks.returnFunction)
      .catch((e: unknown) => e);
    assert.ok(error instanceof UnserializableError);
    assert.equal(error.path, 'result.fn');
  });

  test('a missing module, a missing export and an unexported task each get TaskNotFoundError', async () => {
    const p = pool();
    const missingModule = task('file:///nonexistent/tasks.mjs', () => 1, { name: 'x' });
    await assert.rejects(p.submit(missingModule), TaskNotFoundError);
    const missingExport = task(new URL('../../fixtures/pool-tasks.ts', import.meta.url).href, () => 1, {
      name: 'nope',
    });
    await assert.rejects(p.submit(missingExport), /no export named `nope`/);
    await assert.rejects(p.submit(tasks.hiddenHolder.hidden), TaskNotFoundError);
  });

  test('a module that throws at import fails its tasks with WorkerStartError; the worker keeps serving', async () => {
    const p = pool({ maxWorkers: 1 });
    const broken = task(new URL('../../fixtures/throws-at-import.ts', import.meta.url).href, () => 'x', {
      name: 'never',
    });
    const error = await p.submit(broken).catch((e: unknown) => e);
    assert.ok(error instanceof WorkerStartError);
    assert.match(String((error.cause as Error)?.message), /throws while it is imported/);
    await assert.rejects(p.submit(broken), WorkerStartError);
    assert.equal(await p.submit(tasks.square, 6), 36);
    assert.equal(p.stats().workerRestarts, 0);
  });

  test('invalid options are refused at construction', () => {
    assert.throws(() => new ThreadPoolExecutor({ maxWorkers: 0 }), /`maxWorkers` to be an integer from 1/);
    assert.throws(() => new ThreadPoolExecutor({ maxWorkers: 1, minWorkers: 2 }), /at most `maxWorkers`/);
    assert.throws(() => new ThreadPoolExecutor({ idleTimeoutMs: -1 }), /`idleTimeoutMs`/);
    assert.throws(() => new ThreadPoolExecutor({ concurrencyPerWorker: 1.5 }), /`concurrencyPerWorker`/);
    assert.throws(
      () => new ThreadPoolExecutor({ maxWorker: 2 } as never),
      /Unknown option `maxWorker` in new ThreadPoolExecutor\(options\) \(did you mean `maxWorkers`\?\)/,
    );
    assert.throws(
      () => new ThreadPoolExecutor({ resourceLimit: {} } as never),
      /did you mean `resourceLimits`/,
    );
  });
});

describe('ThreadPoolExecutor: memory and workers', () => {
  test('transfer moves an ArrayBuffer without copying: it is detached in the caller', async () => {
    const buffer = new Uint8Array([1, 2, 3, 250]).buffer;
    const sum = await pool().submit(tasks.byteSum.with({ transfer: [buffer] }), buffer);
    assert.equal(sum, 256);
    assert.equal(buffer.byteLength, 0);
  });

  test('many transfers at once all arrive; transferring a detached buffer is refused', async () => {
    const p = pool({ minWorkers: 2 });
    const buffers = Array.from({ length: 40 }, () => new Uint8Array(1024).fill(1).buffer);
    const sums = await Promise.all(buffers.map((b) => p.submit(tasks.byteSum.with({ transfer: [b] }), b)));
    assert.deepEqual(
      sums,
      Array.from({ length: 40 }, () => 1024),
    );
    const error = await p
      .submit(tasks.byteSum.with({ transfer: [buffers[0]!] }), buffers[0]!)
      .catch((e: unknown) => e);
    assert.ok(error instanceof UnserializableError);
    assert.equal(error.path, 'transfer[0]');
  });

  test('large byte arrays are copied, not moved: the caller keeps its buffer, the worker gets the bytes', async () => {
    const p = pool();
    const bytes = new Uint8Array(1024 * 1024).fill(1);
    assert.equal(await p.submit(tasks.byteSum, bytes.buffer), 1024 * 1024);
    assert.equal(bytes.byteLength, 1024 * 1024, 'not detached');
    const back = (await p.submit(tasks.echo, { data: bytes })) as { data: Uint8Array };
    assert.deepEqual(back.data, bytes);
    assert.notEqual(back.data.buffer, bytes.buffer);
  });

  test('a worker keeps the last large copy it was sent alive until the next (so its malloc arena is not trimmed)', async () => {
    const p = pool({ maxWorkers: 1 });
    assert.equal(await p.submit(tasks.keepWeakly, new Uint8Array(1024 * 1024)), 1024 * 1024);
    assert.equal(await p.submit(tasks.keptBufferAlive), true, 'held after its task ended');
    // The next large copy takes its place.
    assert.equal(await p.submit(tasks.byteSum, new Uint8Array(1024 * 1024).buffer), 0);
    assert.equal(await p.submit(tasks.keptBufferAlive), false, 'let go for the next one');
  });

  test('maxTasksPerWorker recycles workers', async () => {
    const p = pool({ maxWorkers: 1, maxTasksPerWorker: 3 });
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push(await p.submit(tasks.whoAmI));
    assert.equal(new Set(ids).size, 3);
    assert.equal(p.stats().workerRestarts, 2);
  });

  test('maxWorkerMemoryMb replaces a worker whose heap grew past the limit', async () => {
    const p = pool({ maxWorkers: 1, maxWorkerMemoryMb: 1 });
    const first = await p.submit(tasks.whoAmI);
    await new Promise((r) => setTimeout(r, 150)); // memory is reported at most every 100 ms
    await p.submit(tasks.square, 2);
    await new Promise((r) => setTimeout(r, 50));
    const later = await p.submit(tasks.whoAmI);
    assert.notEqual(later, first);
    assert.ok(p.stats().workerRestarts >= 1);
  });

  test("a worker's process.stdin is empty and ended, as in a plain Worker", async () => {
    assert.equal(await pool().submit(tasks.stdinBytes.with({ timeout: 5000 })), 0);
  });

  test('minWorkers: one worker starts with the pool, the others once it is up and idle', async () => {
    const p = pool({ maxWorkers: 3, minWorkers: 3 });
    assert.equal(p.stats().workers.total, 1, 'one worker boots alone, so the first result is not delayed');
    assert.equal(await p.submit(tasks.square, 3), 9);
    for (let i = 0; p.stats().workers.total < 3; i++) {
      assert.ok(i < 500, `the rest of minWorkers started (${p.stats().workers.total} of 3)`);
      await new Promise((r) => setTimeout(r, 10));
    }
  });

  test('minWorkers: a pool shut down before its first worker is idle starts no more', async () => {
    const p = pool({ maxWorkers: 3, minWorkers: 3 });
    assert.equal(await p.submit(tasks.square, 4), 16);
    await p.shutdown(); // the rest were due in the next turn of the event loop
    await new Promise((r) => setImmediate(r));
    assert.equal(p.stats().workers.total, 0);
  });

  test('minWorkers: jobs that need more workers start them at once, not after the first is up', async () => {
    const p = pool({ maxWorkers: 2, minWorkers: 2 });
    const flags = shared();
    // Two calls that can only finish together: they need both workers while the first is still booting.
    const both = Promise.all([p.submit(tasks.rendezvous, flags, 2), p.submit(tasks.rendezvous, flags, 2)]);
    await Promise.resolve(); // the dispatch runs in a microtask
    assert.equal(p.stats().workers.total, 2);
    await both;
  });

  test('with the deepest windows, jobs queued behind a long task are taken over and each returns its own result', async () => {
    const p = pool({ maxWorkers: 2, minWorkers: 2 });
    // Microsecond tasks first: the pool then queues up to its deepest window of jobs on each worker.
    await Promise.all(Array.from({ length: 2_000 }, (_, i) => p.submit(tasks.square, i)));
    const long = p.submit(tasks.busy, 1_000);
    // The other worker takes back the jobs queued behind the long task (their start flags stay held until
    // the stuck worker reads that they were withdrawn) and runs them.
    const results = await Promise.all(Array.from({ length: 60_000 }, (_, i) => p.submit(tasks.square, i)));
    assert.ok(
      results.every((r, i) => r === i * i),
      'every job ran once, with its own argument',
    );
    await long;
  });

  test('idle workers above minWorkers exit after idleTimeoutMs', async () => {
    const p = pool({ maxWorkers: 2, minWorkers: 1, idleTimeoutMs: 50 });
    const flags = shared();
    // Two calls that can only finish together force a second worker.
    await Promise.all([p.submit(tasks.rendezvous, flags, 2), p.submit(tasks.rendezvous, flags, 2)]);
    for (let i = 0; p.stats().workers.total > 1; i++) {
      assert.ok(i < 500, 'the idle worker above minWorkers exited');
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(p.stats().workers.total, 1, 'minWorkers stay');
  });

  test('a million tiny tasks through map leave the heap flat', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const p = pool();
    const count = 1_000_000;
    function* numbers(): Generator<number> {
      for (let i = 0; i < count; i++) yield i;
    }
    let seen = 0;
    let baseline = 0;
    for await (const y of p.map(tasks.square, numbers())) {
      if (seen === 100_000) {
        gc();
        baseline = process.memoryUsage().heapUsed;
      }
      assert.equal(y, seen * seen);
      seen++;
    }
    gc();
    const growth = process.memoryUsage().heapUsed - baseline;
    assert.equal(seen, count);
    assert.ok(growth < 20 * 1024 * 1024, `heap grew by ${(growth / 1048576).toFixed(1)} MiB over 900k tasks`);
    assert.equal(p.stats().running, 0);
  });
});

describe('ThreadPoolExecutor: shutdown', () => {
  test('submit after shutdown throws ExecutorShutdownError; shutdown waits for running tasks', async () => {
    const p = new ThreadPoolExecutor({ maxWorkers: 1 });
    const running = p.submit(tasks.busy, 100);
    await p.shutdown();
    assert.equal(running.done(), true);
    assert.throws(() => p.submit(tasks.square, 1), ExecutorShutdownError);
    assert.equal(p.stats().workers.total, 0);
  });

  test('cancelFutures cancels queued tasks', async () => {
    const p = new ThreadPoolExecutor({ maxWorkers: 1 });
    const first = p.submit(tasks.busy, 100);
    const queued = Array.from({ length: 5 }, () => p.submit(tasks.busy, 100));
    await new Promise((r) => setTimeout(r, 20));
    await p.shutdown({ cancelFutures: true });
    await first;
    const cancelled = queued.filter((f) => f.cancelled()).length;
    assert.ok(cancelled >= 4, `${cancelled} of 5 queued tasks cancelled`);
  });

  test('a worker that will not exit is killed after shutdownTimeoutMs', async () => {
    const p = new ThreadPoolExecutor({ maxWorkers: 1, shutdownTimeoutMs: 100 });
    await p.submit(tasks.keepAlive);
    await p.shutdown();
    assert.equal(p.stats().workers.total, 0);
  });

  test('await using shuts the pool down at scope exit', async () => {
    let escaped: ThreadPoolExecutor;
    {
      await using p = new ThreadPoolExecutor({ maxWorkers: 1 });
      escaped = p;
      assert.equal(await p.submit(tasks.square, 2), 4);
    }
    assert.equal(escaped.isShutdown, true);
    assert.equal(escaped.stats().workers.total, 0);
  });
});
