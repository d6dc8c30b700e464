// The native addon loads lazily; without it only SharedMemory, ProcessLock and ProcessSemaphore fail, with
// NativeUnavailableError saying why and how to rebuild, and the rest of Spindle works.
import assert from 'node:assert/strict';
import { fstatSync, mkdtempSync, openSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { ADDON_PATH_ENV, native } from '../../src/shm/native.ts';
import { runChild } from './child.ts';

const dir = mkdtempSync(join(tmpdir(), 'spindle-native-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A child whose addon is `addon`: it uses the library, then each native class, printing JSON of what happened. */
const script = `
  import { Lock, NativeUnavailableError, ThreadPoolExecutor } from './src/index.ts';
  import { SharedMemory } from './src/shm/shared-memory.ts';
  import { ProcessLock } from './src/shm/process-lock.ts';
  import { ProcessSemaphore } from './src/shm/process-semaphore.ts';
  import { describeBytes, square } from './test/fixtures/pool-tasks.ts';
  const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
  const lock = new Lock();
  const rest = { squared: await pool.submit(square, 7), locked: lock.acquire({ blocking: false }) };
  // A large copy, which the addon would stage: structured clone carries it instead.
  const window = new Uint8Array(new ArrayBuffer(300_032), 32, 300_000).fill(1);
  const { byteOffset, sum } = await pool.submit(describeBytes, window);
  rest.large = { byteOffset, sum };
  await pool.shutdown();
  const tries = {
    create: () => new SharedMemory({ size: 8 }),
    attach: () => SharedMemory.attach('spindle-anything'),
    lock: () => new ProcessLock(),
    semaphore: () => new ProcessSemaphore(1),
  };
  const errors = {};
  for (const [what, call] of Object.entries(tries)) {
    try { call(); errors[what] = 'no error'; }
    catch (e) { errors[what] = { native: e instanceof NativeUnavailableError, code: e.code, message: e.message, cause: e.cause?.message }; }
  }
  console.log(JSON.stringify({ rest, errors }));
`;

interface Outcome {
  readonly rest: { squared: number; locked: boolean; large: { byteOffset: number; sum: number } };
  readonly errors: Record<string, { native: boolean; code: string; message: string; cause?: string }>;
}

async function withAddon(addon: string): Promise<Outcome> {
  const child = await runChild(script, { [ADDON_PATH_ENV]: addon });
  assert.equal(child.code, 0, child.stderr);
  return JSON.parse(child.stdout) as Outcome;
}

describe('without the native addon', () => {
  test('a missing addon: the library imports and runs; the native classes throw NativeUnavailableError saying why and how to rebuild', async () => {
    const missing = join(dir, 'nowhere', 'spindle_shm.node');
    const { rest, errors } = await withAddon(missing);
    assert.deepEqual(rest, { squared: 49, locked: true, large: { byteOffset: 32, sum: 300_000 } });
    for (const what of ['create', 'attach', 'lock', 'semaphore']) {
      const error = errors[what]!;
      assert.equal(error.native, true, `${what}: ${JSON.stringify(error)}`);
      assert.equal(error.code, 'SPINDLE_ERR_NATIVE_UNAVAILABLE');
      assert.ok(error.message.includes(`${missing} does not exist`), error.message);
      assert.match(error.message, /npm rebuild spindle/);
    }
  });

  test('an addon that fails to load: the message carries the loader’s error, and the error its cause', async () => {
    const broken = join(dir, 'broken.node');
    writeFileSync(broken, 'not a shared object');
    const { rest, errors } = await withAddon(broken);
    assert.deepEqual(rest, { squared: 49, locked: true, large: { byteOffset: 32, sum: 300_000 } });
    const error = errors.create!;
    assert.equal(error.native, true);
    assert.match(error.message, /loading .*broken\.node failed: .*(invalid ELF header|too short)/);
    assert.match(error.cause ?? '', /invalid ELF header|too short/);
  });
});

describe('nameless blocks (the process pools answer ring)', () => {
  test('createAnonymous maps new memory and returns its descriptor; attachDescriptor maps the same memory and closes it', () => {
    const [fd, buffer] = native().createAnonymous(8192);
    assert.equal(buffer.byteLength, 8192);
    assert.ok(readlinkSync(`/proc/self/fd/${fd}`).startsWith('/memfd:spindle'));
    const again = native().attachDescriptor(fd);
    assert.throws(() => fstatSync(fd), { code: 'EBADF' });
    new Int32Array(buffer)[5] = 42;
    assert.equal(Atomics.load(new Int32Array(again), 5), 42);
  });

  test('attachDescriptor of an empty file fails with EINVAL, and closes the descriptor all the same', () => {
    const file = join(dir, 'empty');
    writeFileSync(file, '');
    const fd = openSync(file, 'r+');
    assert.throws(() => native().attachDescriptor(fd), { code: 'EINVAL', syscall: 'mmap' });
    assert.throws(() => fstatSync(fd), { code: 'EBADF' });
  });

  test('closeDescriptor closes the descriptor and leaves the memory mapped; a closed one fails with EBADF', () => {
    const [fd, buffer] = native().createAnonymous(8192);
    native().closeDescriptor(fd);
    assert.throws(() => fstatSync(fd), { code: 'EBADF' });
    new Int32Array(buffer)[1] = 7;
    assert.equal(new Int32Array(buffer)[1], 7);
    // Nothing here opens a descriptor in between, so the number is still free.
    assert.throws(() => native().closeDescriptor(fd), { code: 'EBADF', syscall: 'close' });
  });

  test('bad arguments are TypeErrors', () => {
    assert.throws(() => native().createAnonymous(0), TypeError);
    assert.throws(() => native().attachDescriptor(-1), TypeError);
    assert.throws(() => native().closeDescriptor(-1), TypeError);
    assert.throws(() => native().closeDescriptor(1.5), TypeError);
  });
});

/** Reads `read()` until `done` accepts it or a second has passed; returns the last reading. */
async function eventually<T>(read: () => T, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 1000;
  let value = read();
  while (!done(value) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    value = read();
  }
  return value;
}

describe('pooled copies (large byte arrays sent to worker threads)', () => {
  /** V8's gc(), from the addon: the function under test below, used here to free copies. */
  const collect = (): void => native().collectorFunction()!();

  test('copyBytes returns an ordinary ArrayBuffer holding the view’s bytes, and only those', () => {
    const source = new Uint8Array(300_000).map((_, i) => i % 251);
    const view = new Uint16Array(source.buffer, 1000, 50_000);
    const copy = native().copyBytes(view);
    assert.ok(copy instanceof ArrayBuffer);
    assert.equal(copy.byteLength, 100_000);
    assert.deepEqual(new Uint8Array(copy), source.subarray(1000, 101_000));
    source.fill(0);
    assert.equal(new Uint8Array(copy)[1], 1001 % 251, 'a copy, not a view of the source');
    assert.equal(native().copyBytes(new Uint8Array(0)).byteLength, 0);
  });

  test('a freed copy’s block is kept for reuse, and trimCopies hands back those idle long enough', async () => {
    native().trimCopies(0);
    const copy = new WeakRef(native().copyBytes(new Uint8Array(1 << 20)));
    assert.ok(copy.deref()?.byteLength === 1 << 20);
    assert.equal(native().trimCopies(0), 0, 'a block in use is not the pool’s');
    await new Promise((resolve) => setImmediate(resolve)); // a WeakRef's target lives to the end of its job
    collect();
    assert.ok(copy.deref() === undefined, 'collected');
    // V8 frees an ArrayBuffer's memory on a background thread, soon after the collection.
    const kept = await eventually(
      () => native().trimCopies(60_000),
      (bytes) => bytes >= 1 << 20,
    );
    assert.ok(kept >= 1 << 20, `kept ${kept} bytes: idle for less than a minute`);
    assert.equal(native().trimCopies(0), 0, 'handed back');
  });

  test('collectorFunction returns gc() without leaving --expose-gc set for other contexts', async () => {
    const gc = native().collectorFunction();
    assert.equal(typeof gc, 'function');
    const ref = new WeakRef({});
    await new Promise((resolve) => setImmediate(resolve));
    gc!();
    assert.equal(ref.deref(), undefined);
    assert.equal(runInNewContext('typeof gc'), 'undefined');
  });

  test('bad arguments are TypeErrors', () => {
    assert.throws(() => native().copyBytes(new ArrayBuffer(8) as never), TypeError);
    assert.throws(() => native().copyBytes(undefined as never), TypeError);
    assert.throws(() => native().trimCopies('0' as never), TypeError);
  });
});
