// The process transport's framing: compact frames, the v8 fallback, and a decoder fed the way a socket cuts
// a stream (frames split anywhere, many frames per chunk).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deserialize } from 'node:v8';
import type { Frame } from '../../../src/backends/common/protocol.ts';
import {
  FRAME_CANCEL,
  FRAME_DEFINE,
  FRAME_RESULT,
  FRAME_RUN,
} from '../../../src/backends/common/protocol.ts';
import {
  FrameDecoder,
  FrameEncoder,
  HEADER_BYTES,
  KIND_COMPACT,
  KIND_V8,
} from '../../../src/backends/process/frame-stream.ts';

function run(id: number, args: unknown[]): Frame {
  return { type: FRAME_RUN, id, key: 1, slot: 0xffff, args };
}

function decodeAll<M = never>(chunks: Uint8Array[]): (Frame | M)[] {
  const out: (Frame | M)[] = [];
  const decoder = new FrameDecoder<M>((message) => out.push(message));
  for (const chunk of chunks) decoder.push(chunk);
  assert.equal(decoder.pending, 0, 'no bytes left over');
  return out;
}

/** Cuts `bytes` into chunks of `size` bytes. */
function cut(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.byteLength; i += size) chunks.push(bytes.slice(i, i + size));
  return chunks;
}

const frames: Frame[] = [
  { type: FRAME_DEFINE, key: 1, moduleUrl: 'file:///tasks.ts', exportName: 'square' },
  run(1, [7, 'héllo', { nested: [null, true, -0.5, undefined] }, 12n]),
  run(2, [new Map([[1, new Date(5)]]), new Uint8Array([1, 2, 3])]),
  { type: FRAME_CANCEL, id: 2 },
  { type: FRAME_RESULT, id: 1, ok: true, runMicros: 3.5, value: 49 },
];

describe('FrameEncoder', () => {
  test('plain frames use the compact codec; a frame holding a Map, Date or typed array falls back to v8', () => {
    const encoder = new FrameEncoder();
    encoder.writeFrame(run(1, [1, 'two', { three: [3] }]));
    const plain = encoder.take();
    assert.equal(plain[4], KIND_COMPACT);
    assert.equal(new DataView(plain.buffer).getUint32(0, true), plain.byteLength - HEADER_BYTES);

    const rich = run(2, [new Map([['k', new Date(0)]])]);
    encoder.writeFrame(rich);
    const fallback = encoder.take();
    assert.equal(fallback[4], KIND_V8);
    assert.deepEqual(deserialize(fallback.subarray(HEADER_BYTES)), rich);
  });

  test('a value neither can carry throws and leaves earlier frames intact', () => {
    const encoder = new FrameEncoder();
    encoder.writeFrame(run(1, [1]));
    const before = encoder.size;
    assert.throws(() => encoder.writeFrame(run(2, [{ cb: () => 1 }])), /could not be cloned/);
    assert.equal(encoder.size, before);
    assert.deepEqual(decodeAll([encoder.take()]), [run(1, [1])]);
  });

  test('take() hands over the bytes and starts empty; later writes do not change what was taken', () => {
    const encoder = new FrameEncoder();
    encoder.writeFrame(run(1, ['a']));
    const first = encoder.take();
    const copy = first.slice();
    assert.equal(encoder.size, 0);
    encoder.writeFrame(run(2, ['b']));
    assert.deepEqual(first, copy);
  });

  test('recycle() lets a later large batch reuse bytes whose write finished; without it nothing is reused', () => {
    const big = (fill: number): Frame => run(fill, [new Uint8Array(256 * 1024).fill(fill)]);
    const encoder = new FrameEncoder();
    encoder.writeFrame(big(1));
    const first = encoder.take();
    const snapshot = first.slice();
    encoder.writeFrame(big(2));
    const second = encoder.take();
    assert.notEqual(second.buffer, first.buffer);
    assert.deepEqual(first, snapshot, 'bytes not given back are never written again');
    encoder.recycle(first);
    encoder.writeFrame(big(3));
    const third = encoder.take();
    assert.equal(third.buffer, first.buffer, 'the recycled buffer was reused');
    assert.deepEqual(decodeAll([second, third]), [big(2), big(3)]);
  });

  test('transport messages travel as v8 frames beside protocol frames', () => {
    const encoder = new FrameEncoder();
    encoder.writeFrame(run(1, [1]));
    encoder.writeSerialized({ type: 'crash', error: { type: 'thrown', value: { type: 'json', value: 1 } } });
    const out = decodeAll<{ type: string }>([encoder.take()]);
    assert.equal(out.length, 2);
    assert.deepEqual(out[1], { type: 'crash', error: { type: 'thrown', value: { type: 'json', value: 1 } } });
  });
});

describe('FrameDecoder', () => {
  const encoder = new FrameEncoder();
  for (const frame of frames) encoder.writeFrame(frame);
  const stream = encoder.take();

  test('many frames in one chunk all decode, in order', () => {
    assert.deepEqual(decodeAll([stream]), frames);
  });

  test('frames split at every possible byte still decode exactly once', () => {
    assert.deepEqual(decodeAll(cut(stream, 1)), frames);
    for (let at = 1; at < stream.byteLength; at++) {
      assert.deepEqual(decodeAll([stream.subarray(0, at), stream.subarray(at)]), frames, `split at ${at}`);
    }
  });

  test('a frame larger than a socket read arrives whole from many chunks', () => {
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    const plain = 'x'.repeat(2 * 1024 * 1024);
    const e = new FrameEncoder();
    e.writeFrame(run(1, [big]));
    e.writeFrame(run(2, [plain]));
    e.writeFrame(run(3, [1]));
    const out = decodeAll(cut(e.take(), 64 * 1024));
    assert.deepEqual(out, [run(1, [big]), run(2, [plain]), run(3, [1])]);
  });

  test('a frame split over many chunks is joined once, not re-copied as each chunk arrives', () => {
    const e = new FrameEncoder();
    e.writeFrame(run(1, ['y'.repeat(4 * 1024 * 1024)]));
    const bytes = e.take();
    const chunks = cut(bytes, 4 * 1024);
    const { set } = Uint8Array.prototype;
    let copied = 0;
    Uint8Array.prototype.set = function (this: Uint8Array, source: ArrayLike<number>, offset?: number) {
      copied += source.length;
      return set.call(this, source, offset);
    } as typeof set;
    try {
      assert.equal(decodeAll(chunks).length, 1);
    } finally {
      Uint8Array.prototype.set = set;
    }
    assert.ok(copied <= bytes.byteLength + 64, `${copied} bytes copied for a ${bytes.byteLength}-byte frame`);
  });

  /** Each frame encoded and cut on its own: every frame ends exactly at a chunk's end, as writes often do. */
  function cutEach(messages: Frame[], size: number): Uint8Array[] {
    return messages.flatMap((frame) => {
      const e = new FrameEncoder();
      e.writeFrame(frame);
      return cut(e.take(), size);
    });
  }

  test('values decoded from a joined frame survive the next large frame (the join buffer is reused)', () => {
    const chunks = cutEach(
      [run(1, [new Uint8Array(300 * 1024).fill(7)]), run(2, [new Uint8Array(300 * 1024).fill(9)])],
      64 * 1024,
    );
    const out = decodeAll(chunks) as { args: Uint8Array[] }[];
    assert.equal(out.length, 2);
    assert.ok(out[0]!.args[0]!.every((b) => b === 7));
    assert.ok(out[1]!.args[0]!.every((b) => b === 9));
  });

  test('a v8 frame (whose typed arrays view the bytes they came from) is never overwritten by the next', () => {
    const inMap = (fill: number): Frame =>
      run(fill, [new Map([[fill, new Uint8Array(300 * 1024).fill(fill)]])]);
    const out = decodeAll(
      cutEach([inMap(1), inMap(2), run(3, [new Uint8Array(300 * 1024).fill(3)])], 64 * 1024),
    );
    assert.equal(out.length, 3);
    const bytesOf = (i: number): Uint8Array =>
      (out[i] as unknown as { args: Map<number, Uint8Array>[] }).args[0]!.get(i + 1)!;
    assert.ok(bytesOf(0).every((b) => b === 1));
    assert.ok(bytesOf(1).every((b) => b === 2));
  });

  test('a corrupt stream throws instead of yielding garbage', () => {
    const bad = new Uint8Array([1, 0, 0, 0, 9, 0]);
    assert.throws(() => decodeAll([bad]), /corrupt stream/);
  });
});
