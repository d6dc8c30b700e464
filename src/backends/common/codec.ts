/**
 * A compact binary encoding for the values tasks usually pass: primitives, strings, plain arrays, plain
 * objects, Uint8Arrays and Buffers. It writes straight into the bytes it is given (a shared ring for thread
 * workers, a growable buffer for process workers), which is why it exists: for a tiny task, structured clone
 * through `postMessage` costs more than the task. Anything else (Map, Date, other typed arrays, class
 * instances, arrays with holes or with properties besides their elements, an object met twice (a cycle, or
 * one object under two keys: structured clone keeps it one object), SharedArrayBuffer, strings with lone
 * surrogates) makes the encoder give up with {@link NotPlain}, and the caller sends the value by structured
 * clone instead, so fidelity never depends on this file.
 *
 * Layout: one tag byte, then the payload, little-endian.
 *   UNDEFINED | NULL | FALSE | TRUE | INT32 i32 | FLOAT64 f64 | BIGINT str
 *   ASCII u32 n, n bytes | UTF8 u32 n, n bytes | ARRAY u32 n, n values | OBJECT u32 n, n × (str key, value)
 *   BYTES u32 n, u8 pad, pad bytes, n bytes (a plain Uint8Array: one memcpy each way, where v8.serialize
 *         copies it several times; the padding puts the bytes at an 8-aligned offset of the buffer)
 *   BUFFER, laid out as BYTES (a Node Buffer, which arrives as a Buffer: as v8.serialize keeps it for worker
 *         processes, where postMessage would turn it into a plain Uint8Array)
 */

const UNDEFINED = 0;
const NULL = 1;
const FALSE = 2;
const TRUE = 3;
const INT32 = 4;
const FLOAT64 = 5;
const ASCII = 6;
const UTF8 = 7;
const ARRAY = 8;
const OBJECT = 9;
const BIGINT = 10;
const BYTES = 11;
const BUFFER = 12;

const MAX_DEPTH = 32;
/** Objects a value may hold before the check for one met twice moves from a list to a Set. */
const FEW_OBJECTS = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Thrown (as a constant, no allocation) when a value needs structured clone. */
export const NotPlain: unique symbol = Symbol('NotPlain');
/** Thrown when a fixed-size writer runs out of room. */
export const NoSpace: unique symbol = Symbol('NoSpace');

/** Byte cursor over a Uint8Array. Fixed writers throw NoSpace at their limit; growable ones reallocate. */
export class Writer {
  bytes: Uint8Array;
  view: DataView;
  pos = 0;
  limit: number;
  readonly #growable: boolean;
  /**
   * The objects of the value being written: the first {@link FEW_OBJECTS} in a list (most values hold a
   * handful, and scanning a few slots beats hashing), all of them in a Set past that.
   */
  readonly #few: (object | undefined)[] = new Array<undefined>(FEW_OBJECTS).fill(undefined);
  #fewCount = 0;
  #many: Set<object> | undefined;

  constructor(bytes: Uint8Array, growable: boolean) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.limit = bytes.byteLength;
    this.#growable = growable;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.limit) return;
    if (!this.#growable) throw NoSpace;
    let size = this.bytes.byteLength * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.pos));
    this.bytes = next;
    this.view = new DataView(next.buffer);
    this.limit = size;
  }

  /** Notes an object about to be written; throws NotPlain if the value being written holds it already. */
  enter(value: object): void {
    const many = this.#many;
    if (many !== undefined) {
      if (many.has(value)) throw NotPlain;
      many.add(value);
      return;
    }
    const few = this.#few;
    const n = this.#fewCount;
    for (let i = 0; i < n; i++) if (few[i] === value) throw NotPlain;
    if (n < FEW_OBJECTS) {
      few[n] = value;
      this.#fewCount = n + 1;
      return;
    }
    this.#many = new Set(few as object[]).add(value);
  }

  /** Forgets the objects of the value just written (also so as not to keep them alive). */
  forget(): void {
    const n = this.#fewCount;
    if (n === 0) return;
    const few = this.#few;
    for (let i = 0; i < n; i++) few[i] = undefined;
    this.#fewCount = 0;
    this.#many = undefined;
  }

  u8(value: number): void {
    this.ensure(1);
    this.bytes[this.pos++] = value;
  }

  u32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, value, true);
    this.pos += 4;
  }

  f64(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  string(value: string): void {
    const n = value.length;
    // Short ASCII strings (ids, keys, small words) are the common case: copy char codes, no encoder call.
    if (n <= 64) {
      this.ensure(5 + n);
      const start = this.pos + 5;
      const bytes = this.bytes;
      let i = 0;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        bytes[start + i] = c;
      }
      if (i === n) {
        bytes[this.pos] = ASCII;
        this.view.setUint32(this.pos + 1, n, true);
        this.pos = start + n;
        return;
      }
    }
    // UTF-8 has no form for a lone surrogate (TextEncoder writes U+FFFD); structured clone keeps it as it is.
    if (!value.isWellFormed()) throw NotPlain;
    const max = n * 3;
    this.ensure(5 + max);
    const { written } = encoder.encodeInto(value, this.bytes.subarray(this.pos + 5, this.pos + 5 + max));
    this.bytes[this.pos] = UTF8;
    this.view.setUint32(this.pos + 1, written, true);
    this.pos += 5 + written;
  }
}

/** Byte cursor for decoding. */
export class Reader {
  bytes: Uint8Array;
  view: DataView;
  pos: number;

  constructor(bytes: Uint8Array, pos = 0) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = pos;
  }

  u8(): number {
    return this.bytes[this.pos++]!;
  }

  u32(): number {
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(): number {
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
}

/** Encodes a value; throws NotPlain for values that need structured clone, NoSpace if a fixed writer is full. */
export function encodeValue(w: Writer, value: unknown): void {
  if (typeof value !== 'object' || value === null) {
    writeValue(w, value, 0);
    return;
  }
  try {
    writeValue(w, value, 0);
  } finally {
    w.forget();
  }
}

/** Encodes a job's arguments: an array Spindle made from a rest parameter, so nothing but its elements. */
export function encodeArgs(w: Writer, args: readonly unknown[]): void {
  try {
    writeElements(w, args, 0);
  } finally {
    w.forget();
  }
}

function writeValue(w: Writer, value: unknown, depth: number): void {
  switch (typeof value) {
    case 'number':
      if ((value | 0) === value && !Object.is(value, -0)) {
        w.ensure(5);
        w.bytes[w.pos] = INT32;
        w.view.setInt32(w.pos + 1, value, true);
        w.pos += 5;
      } else {
        w.u8(FLOAT64);
        w.f64(value);
      }
      return;
    case 'string':
      w.string(value);
      return;
    case 'boolean':
      w.u8(value ? TRUE : FALSE);
      return;
    case 'undefined':
      w.u8(UNDEFINED);
      return;
    case 'bigint':
      w.u8(BIGINT);
      w.string(value.toString());
      return;
    case 'object':
      if (value === null) {
        w.u8(NULL);
        return;
      }
      if (depth >= MAX_DEPTH) throw NotPlain;
      w.enter(value);
      // A view of shared memory must arrive as a view of the same memory: structured clone does that.
      if (
        value instanceof Uint8Array &&
        (value.constructor === Uint8Array || value.constructor === Buffer) &&
        !(value.buffer instanceof SharedArrayBuffer)
      ) {
        // The bytes start 8-aligned in the buffer: a copy into or out of shared memory goes word by word
        // only when both ends are aligned, and byte by byte otherwise (~5× slower, measured with 1 MiB).
        const n = value.byteLength;
        w.ensure(6 + 7 + n);
        const pad = -(w.bytes.byteOffset + w.pos + 6) & 7;
        w.bytes[w.pos] = value.constructor === Uint8Array ? BYTES : BUFFER;
        w.view.setUint32(w.pos + 1, n, true);
        w.bytes[w.pos + 5] = pad;
        w.bytes.set(value, w.pos + 6 + pad);
        w.pos += 6 + pad + n;
        return;
      }
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) throw NotPlain;
        // Properties besides the elements (a RegExp match's index, input and groups): structured clone keeps
        // them. Counting keys costs ~15 ns an element, which encodeArgs spares the arguments array.
        if (Object.keys(value).length !== value.length) throw NotPlain;
        writeElements(w, value, depth);
        return;
      }
      {
        const proto = Object.getPrototypeOf(value) as unknown;
        if (proto !== Object.prototype && proto !== null) throw NotPlain;
        const keys = Object.keys(value);
        w.u8(OBJECT);
        w.u32(keys.length);
        for (const key of keys) {
          w.string(key);
          writeValue(w, (value as Record<string, unknown>)[key], depth + 1);
        }
      }
      return;
    default:
      throw NotPlain; // functions and symbols: structured clone reports them with a proper error
  }
}

function writeElements(w: Writer, array: readonly unknown[], depth: number): void {
  const n = array.length;
  w.u8(ARRAY);
  w.u32(n);
  for (let i = 0; i < n; i++) {
    if (!(i in array)) throw NotPlain; // holes: let structured clone keep them
    writeValue(w, array[i], depth + 1);
  }
}

export function decodeValue(r: Reader): unknown {
  const tag = r.u8();
  switch (tag) {
    case INT32: {
      const v = r.view.getInt32(r.pos, true);
      r.pos += 4;
      return v;
    }
    case FLOAT64:
      return r.f64();
    case ASCII:
    case UTF8:
      return readStringBody(r, tag);
    case UNDEFINED:
      return undefined;
    case NULL:
      return null;
    case FALSE:
      return false;
    case TRUE:
      return true;
    case BIGINT:
      return BigInt(readString(r));
    case BYTES:
    case BUFFER: {
      const n = r.u32();
      const start = r.pos + 1 + r.bytes[r.pos]!;
      r.pos = start + n;
      // Its own (non-shared) copy, over an ArrayBuffer of its own (not Buffer's pool: the task may transfer
      // it). Not slice(): V8's slice copies element by element, several times slower. Allocated without
      // zeroing, since the copy overwrites every byte: 1 MiB copies out of shared memory ~6.4–8.1k → ~7.3–9.9k
      // MiB/s once warm, ~3.1k → ~7.3k on fresh memory.
      const buffer = Buffer.allocUnsafeSlow(n);
      const out = tag === BYTES ? new Uint8Array(buffer.buffer, buffer.byteOffset, n) : buffer;
      out.set(r.bytes.subarray(start, start + n));
      return out;
    }
    case ARRAY: {
      const n = r.u32();
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = decodeValue(r);
      return out;
    }
    case OBJECT: {
      const n = r.u32();
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const key = readString(r);
        const v = decodeValue(r);
        // defineProperty, not assignment: a "__proto__" key must stay an own property, as in structured clone.
        if (key === '__proto__')
          Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
        else out[key] = v;
      }
      return out;
    }
    default:
      throw new Error(`Spindle codec: unknown tag ${tag} at byte ${r.pos - 1} (corrupt frame)`);
  }
}

export function readString(r: Reader): string {
  return readStringBody(r, r.u8());
}

function readStringBody(r: Reader, tag: number): string {
  const n = r.u32();
  const start = r.pos;
  r.pos += n;
  if (tag === ASCII && n <= 32) {
    const bytes = r.bytes;
    let s = '';
    for (let i = start; i < start + n; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  }
  return decoder.decode(r.bytes.subarray(start, start + n));
}
