import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  NoSpace,
  NotPlain,
  Reader,
  Writer,
  decodeValue,
  encodeValue,
} from '../../../src/backends/common/codec.ts';

function roundTrip(value: unknown): unknown {
  const w = new Writer(new Uint8Array(16), true);
  encodeValue(w, value);
  return decodeValue(new Reader(w.bytes.subarray(0, w.pos)));
}

/** A small seeded generator (mulberry32): the same values every run, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A random value of the kinds the codec carries, with well-formed strings only. */
function randomPlain(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 9 : 12));
  const int = (max: number): number => Math.floor(next() * max);
  const text = (): string => {
    const alphabets = ['abc xyz', 'é日本ü', '🙂🌍👋', '\u0000\u007f\u0080\uffff'];
    const chars = [...alphabets[int(alphabets.length)]!];
    return Array.from({ length: int(next() < 0.1 ? 300 : 20) }, () => chars[int(chars.length)]).join('');
  };
  switch (pick) {
    case 0:
      return int(2 ** 32) - 2 ** 31;
    case 1:
      return [0, -0, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 31) - 1, 2 ** 31][int(8)];
    case 2:
      return (next() - 0.5) * 10 ** int(30);
    case 3:
      return BigInt(int(2 ** 31)) ** BigInt(int(4)) * (next() < 0.5 ? -1n : 1n);
    case 4:
      return [true, false, null, undefined][int(4)];
    case 5:
    case 6:
      return text();
    case 7:
      return Uint8Array.from({ length: int(next() < 0.1 ? 5000 : 16) }, () => int(256));
    case 8:
      return 'x'.repeat(int(200)); // long ASCII goes by the encoder, short by char codes
    case 9:
      return Array.from({ length: int(6) }, () => randomPlain(next, depth + 1));
    default: {
      const record: Record<string, unknown> = {};
      for (let i = int(6); i > 0; i--) record[text()] = randomPlain(next, depth + 1);
      return record;
    }
  }
}

describe('codec', () => {
  test('primitives round-trip exactly, including -0, NaN, large and small numbers and BigInt', () => {
    for (const value of [
      0,
      -0,
      1,
      -1,
      2 ** 31,
      -(2 ** 31),
      0.1,
      NaN,
      Infinity,
      true,
      false,
      null,
      undefined,
      10n ** 30n,
    ]) {
      assert.ok(Object.is(roundTrip(value), value), String(value));
    }
  });

  test('strings round-trip: short ASCII, long ASCII, and UTF-8 with astral characters', () => {
    for (const value of ['', 'abc', 'x'.repeat(1000), 'héllo wörld', '日本語', '🙂 emoji', 'é'.repeat(100)]) {
      assert.equal(roundTrip(value), value);
    }
  });

  test('plain arrays and objects round-trip, nested, and a "__proto__" key stays an own property', () => {
    const value = { a: [1, 'two', [3, { four: 4 }]], b: { c: null, d: undefined }, e: [] };
    assert.deepEqual(roundTrip(value), value);
    const tricky = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    const back = roundTrip(tricky) as Record<string, unknown>;
    assert.ok(Object.prototype.hasOwnProperty.call(back, '__proto__'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('a Uint8Array arrives as its own copy, even when read out of shared memory', () => {
    const shared = new Uint8Array(new SharedArrayBuffer(64));
    const w = new Writer(shared, false);
    encodeValue(w, { bytes: new Uint8Array([1, 2, 255]) });
    const back = decodeValue(new Reader(shared)) as { bytes: Uint8Array };
    assert.deepEqual([...back.bytes], [1, 2, 255]);
    assert.ok(back.bytes.buffer instanceof ArrayBuffer, 'not a view of the shared ring');
  });

  test('a Buffer arrives as a Buffer of its own (not a view of a pool), a Uint8Array as a plain Uint8Array', () => {
    const pooled = Buffer.from('pooled'); // a small Buffer is a view of Node's shared 8 KiB pool
    const back = roundTrip({ pooled, plain: new Uint8Array([7]) }) as { pooled: Buffer; plain: Uint8Array };
    assert.ok(Buffer.isBuffer(back.pooled));
    assert.equal(back.pooled.toString(), 'pooled');
    assert.equal(back.pooled.buffer.byteLength, 6, 'its own ArrayBuffer: a task may transfer it');
    assert.equal(back.plain.constructor, Uint8Array);
  });

  test('the bytes of a Uint8Array land 8-aligned in the buffer, wherever the value starts, and decode back', () => {
    // Copies into and out of shared memory go a word at a time only between aligned addresses.
    const backing = new SharedArrayBuffer(256);
    const bytes = Uint8Array.from({ length: 37 }, (_, i) => i * 7);
    for (const byteOffset of [0, 3, 8]) {
      for (let start = 0; start < 16; start++) {
        const target = new Uint8Array(backing, byteOffset);
        target.fill(0xee);
        const w = new Writer(target, false);
        w.pos = start;
        encodeValue(w, bytes);
        const payload = start + 6 + target[start + 5]!; // tag, u32 length, u8 padding, then the padding
        assert.deepEqual(target.subarray(payload, payload + bytes.length), bytes);
        assert.equal((byteOffset + payload) % 8, 0, `offset ${byteOffset}, start ${start}`);
        const back = decodeValue(new Reader(target, start));
        assert.deepEqual(back, bytes);
      }
    }
  });

  test('values that need structured clone make the encoder give up with NotPlain', () => {
    class Point {
      x = 1;
    }
    const holes = [1, , 3]; // eslint-disable-line no-sparse-arrays
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    for (const value of [
      new Map(),
      new Date(0),
      new Point(),
      holes,
      () => 1,
      Symbol('s'),
      new Int32Array(2),
      'a lone surrogate: \ud800 (UTF-8 has no form for it)',
      'a match'.match(/(?<word>match)/), // index, input and groups besides the elements
      Object.assign([1, 2], { note: 'kept by structured clone' }),
      { ['key \udfff']: 1 },
      new Uint8Array(new SharedArrayBuffer(4)), // a view of shared memory must stay one: structured clone keeps it
      deep,
    ]) {
      assert.throws(
        () => roundTrip(value),
        (e: unknown) => e === NotPlain,
        String(value),
      );
    }
  });

  test('an object met twice (a shared one, or a cycle) makes the encoder give up: structured clone keeps it one object', () => {
    const shared = { x: 1 };
    const bytes = new Uint8Array(4);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const many = Array.from({ length: 100 }, (_, i) => ({ i })); // past the list, into the Set
    for (const [name, value] of [
      ['the same object under two keys', { a: shared, b: shared }],
      ['the same object twice in an array', [shared, shared]],
      ['the same byte array twice', [bytes, bytes]],
      ['a cycle', cycle],
      ['the same object, the 100th after 99 others', [...many, many[0]]],
    ] as const) {
      assert.throws(
        () => roundTrip(value),
        (e: unknown) => e === NotPlain,
        name,
      );
    }
    // Equal but distinct objects are not shared, and a writer forgets a value's objects once it is written.
    assert.deepEqual(roundTrip([{ x: 1 }, { x: 1 }, many]), [{ x: 1 }, { x: 1 }, many]);
    const w = new Writer(new Uint8Array(16), true);
    encodeValue(w, shared);
    encodeValue(w, shared);
    assert.throws(
      () => encodeValue(w, [shared, shared]),
      (e: unknown) => e === NotPlain,
    );
    encodeValue(w, { again: shared }); // the failed value above was forgotten too
  });

  test('2,000 random plain values arrive exactly as structured clone delivers them', () => {
    const next = seeded(20261124);
    for (let i = 0; i < 2000; i++) {
      const value = randomPlain(next, 0);
      assert.deepStrictEqual(roundTrip(value), structuredClone(value), `value ${i}`);
    }
  });

  test('a fixed-size writer throws NoSpace instead of writing past its end', () => {
    const w = new Writer(new Uint8Array(8), false);
    assert.throws(
      () => encodeValue(w, 'this string is longer than eight bytes'),
      (e: unknown) => e === NoSpace,
    );
  });

  test('a corrupt tag is reported, not misread', () => {
    assert.throws(() => decodeValue(new Reader(new Uint8Array([99]))), /unknown tag 99/);
  });
});
