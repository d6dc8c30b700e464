import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Frame } from '../../../src/backends/common/protocol.ts';
import { FRAME_BULK, FRAME_RESULT } from '../../../src/backends/common/protocol.ts';
import { Ring } from '../../../src/backends/common/ring.ts';

const result = (id: number, value: unknown): Frame => ({
  type: FRAME_RESULT,
  id,
  ok: true,
  runMicros: 1,
  value,
});

function drainAll(ring: Ring): Frame[] {
  const frames: Frame[] = [];
  ring.drain((frame) => frames.push(frame));
  return frames;
}

describe('Ring', () => {
  test('frames come out in the order they went in, across many wrap-arounds', () => {
    const buffer = Ring.allocate(4096);
    const producer = new Ring(buffer);
    const consumer = new Ring(buffer);
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 7; i++)
        assert.equal(producer.tryWrite(result(next++, 'x'.repeat(round % 50))), true);
      for (const frame of drainAll(consumer)) {
        assert.equal(frame.type === FRAME_RESULT && frame.id, expected++);
      }
    }
    assert.equal(expected, next);
  });

  test('a full ring refuses a frame (the caller sends it another way) and accepts again once drained', () => {
    const buffer = Ring.allocate(4096);
    const producer = new Ring(buffer);
    const consumer = new Ring(buffer);
    let written = 0;
    while (producer.tryWrite(result(written, 'y'.repeat(100)))) written++;
    assert.ok(written > 10 && written < 60, `${written} frames fit`);
    assert.equal(drainAll(consumer).length, written);
    assert.equal(producer.tryWrite(result(0, 'after')), true);
  });

  test('a frame larger than the ring is refused, never half-written', () => {
    const buffer = Ring.allocate(4096);
    const producer = new Ring(buffer);
    const consumer = new Ring(buffer);
    assert.equal(producer.tryWrite(result(1, 'z'.repeat(10_000))), false);
    assert.deepEqual(drainAll(consumer), []);
  });

  test('prepareToSleep refuses to park when a frame arrived since the consumer looked', () => {
    const buffer = Ring.allocate(4096);
    const producer = new Ring(buffer);
    const consumer = new Ring(buffer);
    const seen = consumer.consumed;
    producer.tryWrite(result(1, 1));
    assert.equal(consumer.prepareToSleep(seen), false);
    drainAll(consumer);
    assert.equal(consumer.prepareToSleep(consumer.consumed), true);
    consumer.awake();
  });

  test('readOne takes one frame at a time, across a wrap-around, and reports an empty ring', () => {
    const buffer = Ring.allocate(4096);
    const producer = new Ring(buffer);
    const consumer = new Ring(buffer);
    const seen: number[] = [];
    const take = (): boolean =>
      consumer.readOne((frame) => seen.push(frame.type === FRAME_RESULT ? frame.id : -1));
    assert.equal(take(), false);
    for (let id = 0; id < 40; id++) {
      assert.equal(producer.tryWrite(result(id, 'w'.repeat(300))), true); // 13 of these fill the ring: it wraps
      assert.equal(take(), true);
      assert.equal(take(), false);
    }
    assert.deepEqual(
      seen,
      Array.from({ length: 40 }, (_, id) => id),
    );
  });

  test('produced counts the bytes published, padding included', () => {
    const producer = new Ring(Ring.allocate(4096));
    const before = producer.produced;
    producer.tryWrite(result(1, 'abc'));
    const bytes = (producer.produced - before) >>> 0;
    assert.ok(bytes > 0 && bytes % 8 === 0, `${bytes} bytes`);
  });

  test('two rings side by side in one buffer do not touch each other', () => {
    const size = Ring.byteLength(4096);
    const buffer = new SharedArrayBuffer(64 + 2 * size);
    const first = [new Ring(buffer, 64, size), new Ring(buffer, 64, size)] as const;
    const second = [new Ring(buffer, 64 + size, size), new Ring(buffer, 64 + size, size)] as const;
    while (first[0].tryWrite(result(1, 'a'.repeat(200))));
    assert.equal(second[0].tryWrite(result(2, 'b')), true);
    assert.deepEqual(drainAll(second[1]), [result(2, 'b')]);
    assert.ok(drainAll(first[1]).every((frame) => frame.type === FRAME_RESULT && frame.id === 1));
    assert.deepEqual(new Uint8Array(buffer, 0, 64), new Uint8Array(64)); // the bytes before the first ring
  });

  test('a ring over a size that is not a header plus a power of two is refused', () => {
    assert.throws(() => new Ring(new SharedArrayBuffer(64 + 5000)), RangeError);
    assert.throws(() => new Ring(new SharedArrayBuffer(64 + 8192), 0, 64 + 2048), RangeError);
  });

  test('hasRoom answers as tryWrite would, across the wrap-around too', () => {
    const buffer = Ring.allocate(4096);
    const producer = new Ring(buffer);
    const consumer = new Ring(buffer);
    // A BULK frame is one byte: it fits until the ring is full, and again once the consumer has read.
    while (producer.hasRoom(1)) assert.equal(producer.tryWrite({ type: FRAME_BULK }), true);
    assert.equal(producer.tryWrite({ type: FRAME_BULK }), false);
    assert.equal(drainAll(consumer).length, 4096 / 8);
    // Near the end with a short tail left: a frame larger than the tail fits only from the start.
    while (((producer.produced >>> 0) & 4095) < 4096 - 64) producer.tryWrite({ type: FRAME_BULK });
    drainAll(consumer);
    assert.equal(producer.hasRoom(100), true);
    assert.equal(producer.tryWrite(result(1, 'x'.repeat(80))), true);
    assert.equal(producer.hasRoom(4000), false);
  });
});
