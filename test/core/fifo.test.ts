// Fifo: the ring buffer behind executor queues.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Fifo } from '../../src/core/fifo.ts';

function drain<T>(fifo: Fifo<T>): T[] {
  const out: T[] = [];
  while (fifo.size > 0) out.push(fifo.shift() as T);
  return out;
}

/** A Fifo whose head has wrapped: 16 slots, head at 12, 10 items (12..15 then 0..5). */
function wrapped(): Fifo<number> {
  const fifo = new Fifo<number>();
  for (let i = 0; i < 12; i++) fifo.push(-1);
  for (let i = 0; i < 12; i++) fifo.shift();
  for (let i = 0; i < 10; i++) fifo.push(i);
  return fifo;
}

describe('Fifo', () => {
  test('an empty fifo has size 0, and shift() and peek() give undefined', () => {
    const fifo = new Fifo<number>();
    assert.equal(fifo.size, 0);
    assert.equal(fifo.shift(), undefined);
    assert.equal(fifo.peek(), undefined);
    assert.equal(fifo.size, 0);
  });

  test('shift() returns items in push order; peek() shows the head without removing it', () => {
    const fifo = new Fifo<string>();
    fifo.push('a');
    fifo.push('b');
    assert.equal(fifo.peek(), 'a');
    assert.equal(fifo.size, 2);
    assert.equal(fifo.shift(), 'a');
    assert.equal(fifo.peek(), 'b');
    assert.equal(fifo.shift(), 'b');
    assert.equal(fifo.size, 0);
  });

  test('growing while the head has wrapped around keeps the order', () => {
    const fifo = wrapped();
    for (let i = 10; i < 40; i++) fifo.push(i);
    assert.equal(fifo.size, 40);
    assert.deepEqual(
      drain(fifo),
      Array.from({ length: 40 }, (_, i) => i),
    );
  });

  test('unshift() puts an item in front, wrapping below index 0', () => {
    const fifo = new Fifo<number>();
    fifo.push(1);
    fifo.push(2);
    fifo.unshift(0);
    fifo.unshift(-1);
    assert.equal(fifo.peek(), -1);
    fifo.push(3);
    assert.deepEqual(drain(fifo), [-1, 0, 1, 2, 3]);
  });

  test('unshift() into a full fifo grows it and keeps the order', () => {
    const fifo = wrapped();
    for (let i = 10; i < 16; i++) fifo.push(i);
    assert.equal(fifo.size, 16);
    fifo.unshift(-1);
    fifo.unshift(-2);
    assert.deepEqual(
      drain(fifo),
      Array.from({ length: 18 }, (_, i) => i - 2),
    );
  });

  test('iteration goes front to back without removing anything, also when wrapped', () => {
    const fifo = wrapped();
    fifo.unshift(-1);
    assert.deepEqual([...fifo], [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(fifo.size, 11);
  });

  test('removeWhere() drops matching items, keeps the order of the rest and returns the count', () => {
    const fifo = wrapped();
    assert.equal(
      fifo.removeWhere((n) => n % 3 === 0),
      4,
    );
    assert.equal(fifo.size, 6);
    assert.deepEqual([...fifo], [1, 2, 4, 5, 7, 8]);
    fifo.push(100);
    assert.deepEqual(drain(fifo), [1, 2, 4, 5, 7, 8, 100]);
  });

  test('removeWhere() that matches nothing or everything', () => {
    const fifo = wrapped();
    assert.equal(
      fifo.removeWhere(() => false),
      0,
    );
    assert.deepEqual([...fifo], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(
      fifo.removeWhere(() => true),
      10,
    );
    assert.equal(fifo.size, 0);
    assert.equal(fifo.shift(), undefined);
  });

  test('matches an array model over 100k mixed operations', () => {
    const fifo = new Fifo<number>();
    const model: number[] = [];
    let seed = 12345;
    const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 100_000; i++) {
      const r = random();
      // Biased towards growth so the buffer wraps and grows repeatedly.
      if (r < 0.5) {
        fifo.push(i);
        model.push(i);
      } else if (r < 0.6) {
        fifo.unshift(i);
        model.unshift(i);
      } else if (r < 0.999) {
        assert.equal(fifo.shift(), model.shift());
      } else {
        const drop = (n: number): boolean => n % 7 === 0;
        assert.equal(fifo.removeWhere(drop), model.filter(drop).length);
        model.splice(0, model.length, ...model.filter((n) => !drop(n)));
      }
      assert.equal(fifo.size, model.length);
      assert.equal(fifo.peek(), model[0]);
    }
    assert.deepEqual([...fifo], model);
  });
});
