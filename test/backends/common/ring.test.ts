import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Frame } from '../../../src/backends/common/protocol.ts';
import { FRAME_RESULT } from '../../../src/backends/common/protocol.ts';
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
});
