import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ArenaFence } from '../../../src/backends/thread/arena-fence.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A message only the fence (if anything) still refers to, and a way to tell whether it is alive. */
function message(): WeakRef<object> {
  const held = { args: [new Uint8Array(1024)] };
  return new WeakRef(held);
}

function hold(fence: ArenaFence): WeakRef<object> {
  const ref = message();
  fence.hold(ref.deref()!);
  return ref;
}

/** WeakRefs stay alive until the end of the job that made them: collect in a later turn. */
async function collect(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

test('the held message outlives every other reference to it', async () => {
  const fence = new ArenaFence(60_000);
  const ref = hold(fence);
  await collect();
  assert.ok(ref.deref() !== undefined);
  assert.equal(fence.holding, true);
});

test('holding the next message lets the one before it go', async () => {
  const fence = new ArenaFence(60_000);
  const first = hold(fence);
  const second = hold(fence);
  await collect();
  assert.equal(first.deref(), undefined);
  assert.ok(second.deref() !== undefined);
});

test('a message is let go once no other has come for the release delay, and the fence works again after', async () => {
  const fence = new ArenaFence(20);
  const first = hold(fence);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(fence.holding, false);
  await collect();
  assert.equal(first.deref(), undefined);
  // The timer has fired: holding again re-arms it.
  const second = hold(fence);
  assert.equal(fence.holding, true);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(fence.holding, false);
  await collect();
  assert.equal(second.deref(), undefined);
});

test('the release timer does not keep the process alive', () => {
  const fence = new ArenaFence(60_000);
  hold(fence);
  // An unref'd timer is the only handle here: were it ref'd, node --test would wait a minute for this file.
  assert.equal(process.getActiveResourcesInfo().includes('Timeout'), false);
});
