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
