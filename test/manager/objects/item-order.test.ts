// The managed queues' item orders: FIFO, LIFO, and the priority heap that keeps equal priorities FIFO.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FifoOrder } from '../../../src/manager/objects/fifo-order.ts';
import type { ItemOrder } from '../../../src/manager/objects/item-order.ts';
import { LifoOrder } from '../../../src/manager/objects/lifo-order.ts';
import { PriorityOrder } from '../../../src/manager/objects/priority-order.ts';

function drain(order: ItemOrder): unknown[] {
  const out: unknown[] = [];
  while (order.size > 0) out.push(order.take());
  return out;
}

/** A small deterministic generator, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('item orders', () => {
  test('FifoOrder hands items out oldest first, whatever their priority', () => {
    const order: ItemOrder = new FifoOrder();
    for (const [item, priority] of [
      ['a', 3],
      ['b', 1],
      ['c', 2],
    ] as const)
      order.push(item, priority);
    assert.equal(order.size, 3);
    assert.deepEqual(drain(order), ['a', 'b', 'c']);
  });

  test('LifoOrder hands items out newest first, whatever their priority', () => {
    const order: ItemOrder = new LifoOrder();
    for (const [item, priority] of [
      ['a', 3],
      ['b', 1],
      ['c', 2],
    ] as const)
      order.push(item, priority);
    assert.deepEqual(drain(order), ['c', 'b', 'a']);
  });

  test('PriorityOrder hands out the lowest priority first, equal priorities in the order they were pushed', () => {
    const order = new PriorityOrder();
    const pushes: [string, number][] = [
      ['b1', 1],
      ['z', Infinity],
      ['a1', -1],
      ['b2', 1],
      ['n', -Infinity],
      ['b3', 1],
      ['a2', -1],
      ['c', 0.5],
    ];
    for (const [item, priority] of pushes) order.push(item, priority);
    assert.deepEqual(drain(order), ['n', 'a1', 'a2', 'c', 'b1', 'b2', 'b3', 'z']);
  });

  test('PriorityOrder matches a stable sort through interleaved pushes and takes', () => {
    const next = random(42);
    const order = new PriorityOrder();
    // The reference: what is held, kept in push order; the next out is the first of the lowest priority.
    const held: { item: number; priority: number }[] = [];
    for (let i = 0; i < 2_000; i++) {
      if (held.length > 0 && next() < 0.4) {
        const lowest = Math.min(...held.map((entry) => entry.priority));
        const expected = held.splice(
          held.findIndex((entry) => entry.priority === lowest),
          1,
        )[0]!;
        assert.equal(order.take(), expected.item, `take #${i}`);
      } else {
        const priority = Math.floor(next() * 8); // few priorities: many ties
        held.push({ item: i, priority });
        order.push(i, priority);
      }
      assert.equal(order.size, held.length);
    }
  });
});
