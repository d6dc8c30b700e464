/**
 * How one channel item becomes bytes in shared memory and back.
 *
 *   plain small values (numbers, strings, plain arrays/objects, Uint8Array) ─▶ compact codec, no allocation
 *   any other structured-cloneable value (Map, Date, typed arrays, ...)      ─▶ V8_TAG + v8.serialize bytes
 *   shared memory (SharedArrayBuffer, a view of one, a Spindle shared object) ─▶ refused, with its path
 *
 * Items are encoded into a per-thread scratch writer before the queue's lock is taken, so the critical section
 * is a memcpy whatever the item, and an item that cannot be sent fails before the queue is touched. Shared
 * memory is refused because bytes in a queue cannot carry a reference to memory: v8.serialize would silently
 * copy a view of a SharedArrayBuffer, and the receiver would write to a copy nobody else sees.
 */
import { nodeV8 } from '../core/lazy-builtins.ts';
import { isShareable } from '../core/shareable.ts';
import { UnserializableError } from '../errors.ts';
import { describeUncloneable } from '../backends/common/remote-error.ts';
import type { Reader } from '../backends/common/codec.ts';
import { NotPlain, Writer, decodeValue, encodeValue } from '../backends/common/codec.ts';

/** First byte of an item stored by v8.serialize; the codec's own tags are all below it. */
const V8_TAG = 0xff;
/** A scratch writer that grew past this for a big item is dropped afterwards, so one item does not pin memory. */
const SCRATCH_KEEP_BYTES = 1 << 20;
const SCRATCH_INITIAL_BYTES = 256;
const MAX_VISITS = 100_000;

let scratch = new Writer(new Uint8Array(SCRATCH_INITIAL_BYTES), true);
let scratchInUse = false;

/**
 * Encodes `item` into a reused scratch writer: its bytes are `w.bytes[0, w.pos)`. Hand the writer back with
 * {@link releaseItem} once the bytes are stored (or copied), so the next item reuses it.
 * @param owner the channel's name for error messages, e.g. `'Queue'`
 * @throws UnserializableError if the item cannot be cloned or holds shared memory
 */
export function encodeItem(item: unknown, owner: string): Writer {
  // A getter run by the encoder, or an async put still waiting, may hold the scratch: use a writer of its own.
  const w = scratchInUse ? new Writer(new Uint8Array(SCRATCH_INITIAL_BYTES), true) : scratch;
  if (w === scratch) scratchInUse = true;
  try {
    w.pos = 0;
    try {
      encodeValue(w, item);
    } catch (error) {
      if (error !== NotPlain) throw error;
      const bytes = serializeItem(item, owner);
      w.pos = 0;
      w.ensure(1 + bytes.byteLength);
      w.bytes[0] = V8_TAG;
      w.bytes.set(bytes, 1);
      w.pos = 1 + bytes.byteLength;
    }
    return w;
  } catch (error) {
    releaseItem(w);
    throw error;
  }
}

/** Gives back a writer from {@link encodeItem}. */
export function releaseItem(w: Writer): void {
  if (w !== scratch) return;
  scratchInUse = false;
  if (w.bytes.byteLength > SCRATCH_KEEP_BYTES)
    scratch = new Writer(new Uint8Array(SCRATCH_INITIAL_BYTES), true);
}

/** Decodes the item stored at `bytes[offset, offset + length)` into a value of this thread's own. */
export function decodeItem(reader: Reader, offset: number, length: number): unknown {
  const bytes = reader.bytes;
  if (bytes[offset] === V8_TAG) return nodeV8().deserialize(bytes.subarray(offset + 1, offset + length));
  reader.pos = offset;
  return decodeValue(reader);
}

function serializeItem(item: unknown, owner: string): Uint8Array {
  const shared = findSharedMemory(item, 'item');
  if (shared !== undefined)
    throw new UnserializableError(
      `Cannot put ${shared.path} into a ${owner}: it is ${shared.what}, and a ${owner} stores copies of its ` +
        'items, so the receiver would get memory nobody else sees. Pass shared memory and shared objects as ' +
        'task arguments instead.',
      shared.path,
    );
  try {
    return nodeV8().serialize(item);
  } catch (error) {
    const found = describeUncloneable(item, 'item');
    const path = found?.path ?? 'item';
    const why = found?.reason ?? (error as Error).message;
    throw new UnserializableError(`Cannot put ${path} into a ${owner}: ${why}`, path, { cause: error });
  }
}

interface SharedFound {
  readonly path: string;
  readonly what: string;
}

/** The first SharedArrayBuffer, view of one, or Spindle shared object inside a value, if any. */
function findSharedMemory(value: unknown, root: string): SharedFound | undefined {
  const pending: [unknown, string][] = [[value, root]];
  const seen = new Set<object>();
  for (let n = 0, next = pending.pop(); next !== undefined && n < MAX_VISITS; n++, next = pending.pop()) {
    const [v, path] = next;
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof SharedArrayBuffer) return { path, what: 'a SharedArrayBuffer' };
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof SharedArrayBuffer) return { path, what: 'a view of a SharedArrayBuffer' };
      continue;
    }
    if (isShareable(v)) return { path, what: `a shared ${v.constructor.name}` };
    if (v instanceof Map) {
      let i = 0;
      for (const [key, member] of v)
        pending.push([key, `${path}.<Map key #${i}>`], [member, `${path}.get(#${i++})`]);
    } else if (v instanceof Set) {
      let i = 0;
      for (const member of v) pending.push([member, `${path}.<Set member #${i++}>`]);
    } else {
      for (const key of Object.keys(v)) {
        const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
        pending.push([
          (v as Record<string, unknown>)[key],
          Array.isArray(v) ? `${path}[${key}]` : path + segment,
        ]);
      }
    }
  }
  return undefined;
}
