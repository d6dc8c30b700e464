import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { STAGE_MIN_BYTES, stageCopies } from '../../../src/backends/thread/copy-staging.ts';
import { native } from '../../../src/shm/native.ts';
import { addonMissing } from '../../fixtures/native-addon.ts';

const noAddon = addonMissing('nothing is staged');

const large = STAGE_MIN_BYTES;
const bytes = (n = large, value = 1): Uint8Array => new Uint8Array(n).fill(value);

// First: the trim timer is armed once per idle period, so this must see the module before any copy has.
describe('stageCopies: the pool hands back blocks left idle', { skip: noAddon }, () => {
  test('a timer trims the pool two seconds after a copy, and again while it still holds blocks', () => {
    const binding = native();
    const original = binding.trimCopies;
    const calls: number[] = [];
    let kept = 1;
    binding.trimCopies = (minIdleMs: number): number => {
      calls.push(minIdleMs);
      return kept;
    };
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      stageCopies([bytes()]);
      stageCopies([bytes()]); // one timer, however many copies
      mock.timers.tick(1999);
      assert.deepEqual(calls, []);
      mock.timers.tick(1);
      assert.deepEqual(calls, [2000]);
      kept = 0;
      mock.timers.tick(2000);
      assert.deepEqual(calls, [2000, 2000], 'blocks were still kept: it looked again');
      mock.timers.tick(10_000);
      assert.deepEqual(calls, [2000, 2000], 'the pool was empty: no timer left behind');
    } finally {
      mock.timers.reset();
      binding.trimCopies = original;
    }
  });
});

describe('stageCopies: what is staged', { skip: noAddon }, () => {
  test('each large byte array becomes an array of the same kind over a buffer of its own, moved with the job', () => {
    const source = bytes(large + 16, 5);
    const args = [
      7,
      'text',
      source.subarray(16),
      Buffer.from(bytes(large, 6)),
      new Float32Array(large / 4).fill(1.5),
      new DataView(bytes(large, 8).buffer),
      bytes(large, 9).buffer,
      bytes(16, 3),
      undefined,
    ];
    const staged = stageCopies(args)!;
    assert.ok(staged !== undefined);
    const out = staged.args;
    assert.deepEqual(out.slice(0, 2), [7, 'text']);
    assert.equal(out[8], undefined);
    assert.equal(out[7], args[7], 'a small array is left to the clone');
    const view = out[2] as Uint8Array;
    assert.equal(Object.getPrototypeOf(view), Uint8Array.prototype);
    assert.deepEqual([view.byteOffset, view.byteLength, view.buffer.byteLength], [0, large, large]);
    assert.ok(view.every((b) => b === 5));
    assert.ok(Buffer.isBuffer(out[3]) && (out[3] as Buffer).every((b) => b === 6));
    assert.ok(out[4] instanceof Float32Array && (out[4] as Float32Array).every((x) => x === 1.5));
    assert.ok(out[5] instanceof DataView && (out[5] as DataView).getUint8(large - 1) === 8);
    assert.ok(out[6] instanceof ArrayBuffer && new Uint8Array(out[6] as ArrayBuffer)[0] === 9);
    const buffers = [view.buffer, (out[3] as Buffer).buffer, (out[4] as Float32Array).buffer];
    buffers.push((out[5] as DataView).buffer, out[6] as ArrayBuffer);
    assert.deepEqual(staged.transfer, buffers);
    assert.equal(staged.bytes, 5 * large);
    source.fill(0);
    assert.equal(view[0], 5, 'copied, not shared');
  });

  test('one array passed twice is staged once, and arrives as one array', () => {
    const array = bytes();
    const staged = stageCopies([array, array])!;
    assert.equal(staged.args[0], staged.args[1]);
    assert.equal(staged.transfer.length, 1);
    assert.equal(staged.bytes, large);
  });

  test('nothing is staged when no argument is large', () => {
    assert.equal(stageCopies([]), undefined);
    assert.equal(stageCopies([1, 'a', bytes(large - 1)]), undefined);
  });

  test('nothing is staged when staging could break what structured clone keeps', () => {
    const array = bytes();
    const cases: [string, unknown[]][] = [
      ['an object could hold the array again', [array, { array }]],
      ['an array could hold it again', [array, [1]]],
      ['two arguments over one buffer', [array, array.subarray(1)]],
      ['a buffer and a view of it', [array.buffer, array]],
      ['shared memory is shared, not copied', [new Uint8Array(new SharedArrayBuffer(large))]],
      ['a resizable buffer stays resizable', [new ArrayBuffer(large, { maxByteLength: 2 * large })]],
      ['a subclass keeps its class through the clone only', [new (class Sub extends Uint8Array {})(large)]],
      ['a function fails the clone as it should', [array, () => 1]],
    ];
    for (const [why, args] of cases) assert.equal(stageCopies(args), undefined, why);
  });
});
