/**
 * The shared-memory store under every queue: items kept as bytes, ordered FIFO, LIFO or by priority, in three
 * SharedArrayBuffers that every thread holding the queue maps. All of it is read and written only under the
 * queue's Mutex (the first two header cells); only COUNT and CLOSED are also read without it, atomically.
 *
 *   header (128 B, fixed)    Int32 cells
 *     0 MUTEX  1 MUTEX_OWNER  2 COUNT  3 USED  4 HEAD  5 TOP  6 DEAD  7 CLOSED
 *     8 NOT_EMPTY seq  9 NOT_FULL seq  10 GETTERS  11 PUTTERS  12 UNFINISHED  13 ALL_DONE seq  14 JOINERS
 *     15 DISCIPLINE  16 MAXSIZE  17 CAPACITY  18 BYTE_BLOCKED  19 GROWTHS     byte 96: SEQ (float64)
 *
 *   index (growable)         one fixed entry per item
 *     FIFO  ring of [offset u32, length u32], oldest at HEAD          (pop at HEAD, push at HEAD + COUNT)
 *     LIFO  stack of [offset u32, length u32]                         (push and pop at COUNT - 1)
 *     PRIO  binary min-heap of [priority f64, seq f64, offset u32, length u32] ordered by (priority, seq)
 *
 *   arena (growable)         item bodies, bump-allocated
 *     [ dead (taken) bodies | live bodies ... | free ]   TOP = first free byte, DEAD = dead bytes below TOP
 *
 * A body is appended at TOP; taking an item adds its length to DEAD (a LIFO pop just lowers TOP). When a body
 * does not fit before the end, the arena grows (doubling, to at most CAPACITY bytes) and, if it still does not
 * fit, the live bodies are compacted down to offset 0. The queue emptying resets the arena, so a queue that
 * keeps up (the usual case) never compacts. Growing a SharedArrayBuffer is seen by every thread (the grow happens
 * under the mutex, whose acquire orders it before any later reader). Each thread keeps fixed-length views and
 * remaps them when GROWTHS has moved: V8 (Node 20) runs element access on length-tracking views of a growable
 * buffer ~25x slower than on fixed-length ones, which would cost more than everything else a put does.
 *
 * USED charges each item its body length plus its index entry against CAPACITY (`capacityBytes`), which bounds
 * both buffers: this is what makes an "unbounded" queue bounded in memory.
 */
import { Mutex } from '../sync/mutex.ts';
import { Reader } from '../backends/common/codec.ts';
import { decodeItem } from './item-bytes.ts';

export const COUNT = 2;
const USED = 3;
const HEAD = 4;
const TOP = 5;
const DEAD = 6;
export const CLOSED = 7;
export const NOT_EMPTY = 8;
export const NOT_FULL = 9;
export const GETTERS = 10;
export const PUTTERS = 11;
export const UNFINISHED = 12;
export const ALL_DONE = 13;
export const JOINERS = 14;
const DISCIPLINE = 15;
const MAXSIZE = 16;
const CAPACITY = 17;
export const BYTE_BLOCKED = 18;
const GROWTHS = 19;
const HEADER_BYTES = 128;
const SEQ_BYTE = 96;

export const FIFO = 0;
export const LIFO = 1;
export const PRIORITY = 2;
export type Discipline = typeof FIFO | typeof LIFO | typeof PRIORITY;

/** What `room()` says about an item of some length. */
export const ROOM = 0;
export const FULL_COUNT = 1;
export const FULL_BYTES = 2;
export type Room = typeof ROOM | typeof FULL_COUNT | typeof FULL_BYTES;

const INITIAL_ENTRIES = 64;
const SMALL_COPY = 64;
const INITIAL_ARENA_BYTES = 4096;

/** The three buffers, which is all a queue is: what crosses to another thread. */
export interface StoreState {
  readonly header: SharedArrayBuffer;
  readonly index: SharedArrayBuffer;
  readonly arena: SharedArrayBuffer;
}

export class ItemStore {
  /** The header's Int32 cells (the mutex, counters and futex words above). */
  readonly cells: Int32Array;
  readonly mutex: Mutex;
  readonly discipline: Discipline;
  readonly maxsize: number;
  readonly capacity: number;
  readonly state: StoreState;
  readonly #seq: Float64Array;
  /** Fixed-length views of the buffers as of GROWTHS = #growths. */
  #index32: Uint32Array;
  #index64: Float64Array;
  #bytes: Uint8Array;
  #growths = -1;
  readonly #stride: number;
  readonly #entryBytes: number;
  readonly #maxEntries: number;
  #reader: Reader;

  static create(discipline: Discipline, maxsize: number, capacity: number, name: string): ItemStore {
    const entryBytes = entryBytesOf(discipline);
    const maxEntries = maxEntriesOf(maxsize, capacity, entryBytes);
    const header = new SharedArrayBuffer(HEADER_BYTES);
    const cells = new Int32Array(header);
    cells[DISCIPLINE] = discipline;
    cells[MAXSIZE] = maxsize;
    cells[CAPACITY] = capacity;
    const state: StoreState = {
      header,
      index: new SharedArrayBuffer(Math.min(INITIAL_ENTRIES, maxEntries) * entryBytes, {
        maxByteLength: maxEntries * entryBytes,
      }),
      arena: new SharedArrayBuffer(Math.min(INITIAL_ARENA_BYTES, capacity), { maxByteLength: capacity }),
    };
    return new ItemStore(state, name);
  }

  /** Maps a store another thread created (its header says how it was configured). */
  constructor(state: StoreState, name: string) {
    this.state = state;
    this.cells = new Int32Array(state.header, 0, SEQ_BYTE / 4);
    this.#seq = new Float64Array(state.header, SEQ_BYTE, 1);
    this.mutex = new Mutex(this.cells, 0, name);
    this.discipline = this.cells[DISCIPLINE] as Discipline;
    this.maxsize = this.cells[MAXSIZE]!;
    this.capacity = this.cells[CAPACITY]!;
    this.#entryBytes = entryBytesOf(this.discipline);
    this.#stride = this.#entryBytes / 4;
    this.#maxEntries = maxEntriesOf(this.maxsize, this.capacity, this.#entryBytes);
    this.#index32 = new Uint32Array(0);
    this.#index64 = new Float64Array(0);
    this.#bytes = new Uint8Array(0);
    this.#reader = new Reader(this.#bytes);
  }

  /** Under the lock, before touching the buffers: maps the buffers afresh if some thread grew them since this one looked. */
  sync(): void {
    const growths = this.cells[GROWTHS]!;
    if (growths === this.#growths) return;
    this.#growths = growths;
    const { index, arena } = this.state;
    this.#index32 = new Uint32Array(index, 0, index.byteLength / 4);
    this.#index64 = new Float64Array(index, 0, index.byteLength / 8);
    this.#bytes = new Uint8Array(arena, 0, arena.byteLength);
    this.#reader = new Reader(this.#bytes);
  }

  /** Under the lock: grows a buffer and has every thread remap it. */
  #grow(buffer: SharedArrayBuffer, bytes: number): void {
    buffer.grow(bytes);
    this.cells[GROWTHS] = this.cells[GROWTHS]! + 1;
    this.sync();
  }

  /** Items held (readable without the lock). */
  get count(): number {
    return Atomics.load(this.cells, COUNT);
  }

  /** The largest encoded item an empty store can take. */
  get maxItemBytes(): number {
    return this.capacity - this.#entryBytes;
  }

  /** True if an item of `length` bytes could fit in an empty store. */
  fitsEver(length: number): boolean {
    return length <= this.maxItemBytes;
  }

  /** Under the lock: whether an item of `length` bytes fits now, and if not, which limit stops it. */
  room(length: number): Room {
    this.sync();
    const c = this.cells;
    if (this.maxsize > 0 && c[COUNT]! >= this.maxsize) return FULL_COUNT;
    if (c[USED]! + length + this.#entryBytes > this.capacity) return FULL_BYTES;
    return ROOM;
  }

  /** Under the lock, after `room()` said ROOM: stores `src[0, length)` as the newest item. */
  push(src: Uint8Array, length: number, priority: number): void {
    this.sync();
    const c = this.cells;
    const count = c[COUNT]!;
    if (count === this.#index32.length / this.#stride) this.#growIndex(count);
    const offset = this.#reserve(length);
    const bytes = this.#bytes;
    // A byte loop beats subarray() + set() (an allocation and a generic copy) for the small items that dominate.
    if (length <= SMALL_COPY) for (let i = 0; i < length; i++) bytes[offset + i] = src[i]!;
    else bytes.set(src.subarray(0, length), offset);
    const entries = this.#index32.length / this.#stride;
    const slot = this.discipline === FIFO ? (c[HEAD]! + count) % entries : count;
    const base = slot * this.#stride;
    this.#index32[base + this.#stride - 2] = offset;
    this.#index32[base + this.#stride - 1] = length;
    if (this.discipline === PRIORITY) {
      this.#index64[slot * 3] = priority;
      const seq = this.#seq[0]!;
      this.#index64[slot * 3 + 1] = seq;
      this.#seq[0] = seq + 1;
      this.#siftUp(slot);
    }
    c[USED] = c[USED]! + length + this.#entryBytes;
    c[UNFINISHED] = c[UNFINISHED]! + 1;
    Atomics.store(c, COUNT, count + 1);
  }

  /** Under the lock, with COUNT > 0: removes the next item (by the discipline) and returns it decoded. */
  pop(): unknown {
    this.sync();
    const c = this.cells;
    const count = c[COUNT]!;
    const stride = this.#stride;
    const slot = this.discipline === FIFO ? c[HEAD]! : this.discipline === LIFO ? count - 1 : 0;
    const offset = this.#index32[slot * stride + stride - 2]!;
    const length = this.#index32[slot * stride + stride - 1]!;
    try {
      return decodeItem(this.#reader, offset, length);
    } finally {
      // Removed even if decoding threw: a bad item must not block the queue forever.
      if (this.discipline === FIFO) c[HEAD] = (slot + 1) % (this.#index32.length / stride);
      else if (this.discipline === PRIORITY && count > 1) {
        this.#copyEntry(count - 1, 0);
        this.#siftDown(0, count - 1);
      }
      c[USED] = c[USED]! - length - this.#entryBytes;
      if (count === 1) {
        c[HEAD] = 0;
        c[TOP] = 0;
        c[DEAD] = 0;
      } else if (offset + length === c[TOP]) c[TOP] = offset;
      else c[DEAD] = c[DEAD]! + length;
      Atomics.store(c, COUNT, count - 1);
    }
  }

  /** Arena bytes for a new body: bump, else grow, else compact (room() guarantees it fits after both). */
  #reserve(length: number): number {
    const c = this.cells;
    const top = c[TOP]!;
    const size = this.#bytes.byteLength;
    if (top + length <= size) {
      c[TOP] = top + length;
      return top;
    }
    // Grow to twice what the live bodies need, so compaction stays rare (amortised O(1) per item).
    const needed = top - c[DEAD]! + length;
    let next = size;
    while (next < 2 * needed && next < this.capacity) next = Math.min(next * 2, this.capacity);
    if (next > size) this.#grow(this.state.arena, next);
    if (top + length > next) this.#compact();
    const at = c[TOP]!;
    c[TOP] = at + length;
    return at;
  }

  /** Moves the live bodies down to offset 0, in arena order, fixing their index entries. */
  #compact(): void {
    const c = this.cells;
    const count = c[COUNT]!;
    const stride = this.#stride;
    const entries = this.#index32.length / stride;
    const index = this.#index32;
    const slots: number[] = [];
    for (let i = 0; i < count; i++) slots.push(this.discipline === FIFO ? (c[HEAD]! + i) % entries : i);
    slots.sort((a, b) => index[a * stride + stride - 2]! - index[b * stride + stride - 2]!);
    let top = 0;
    for (const slot of slots) {
      const at = slot * stride + stride - 2;
      const offset = index[at]!;
      const length = index[at + 1]!;
      if (offset !== top) this.#bytes.copyWithin(top, offset, offset + length);
      index[at] = top;
      top += length;
    }
    c[TOP] = top;
    c[DEAD] = 0;
  }

  /** Doubles the index (to at most the entries `room()` can ever allow); a FIFO ring keeps its order. */
  #growIndex(count: number): void {
    const stride = this.#stride;
    const old = this.#index32.length / stride;
    const next = Math.min(old * 2, this.#maxEntries);
    this.#grow(this.state.index, next * this.#entryBytes);
    if (this.discipline !== FIFO) return;
    // The ring is full (count === old): move the run from HEAD to the old end up to the new end.
    const head = this.cells[HEAD]!;
    if (head === 0 || count === 0) return;
    const moved = old - head;
    this.#index32.copyWithin((next - moved) * stride, head * stride, old * stride);
    this.cells[HEAD] = next - moved;
  }

  #less(a: number, b: number): boolean {
    const p = this.#index64;
    const pa = p[a * 3]!;
    const pb = p[b * 3]!;
    return pa < pb || (pa === pb && p[a * 3 + 1]! < p[b * 3 + 1]!);
  }

  #siftUp(slot: number): void {
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if (!this.#less(slot, parent)) return;
      this.#swap(slot, parent);
      slot = parent;
    }
  }

  #siftDown(slot: number, count: number): void {
    for (;;) {
      const left = 2 * slot + 1;
      if (left >= count) return;
      const right = left + 1;
      const child = right < count && this.#less(right, left) ? right : left;
      if (!this.#less(child, slot)) return;
      this.#swap(slot, child);
      slot = child;
    }
  }

  /** Entries are swapped as raw 32-bit words, so the float fields keep their exact bits. */
  #swap(a: number, b: number): void {
    const index = this.#index32;
    const stride = this.#stride;
    for (let i = 0; i < stride; i++) {
      const t = index[a * stride + i]!;
      index[a * stride + i] = index[b * stride + i]!;
      index[b * stride + i] = t;
    }
  }

  #copyEntry(from: number, to: number): void {
    const stride = this.#stride;
    this.#index32.copyWithin(to * stride, from * stride, (from + 1) * stride);
  }
}

function entryBytesOf(discipline: Discipline): number {
  return discipline === PRIORITY ? 24 : 8;
}

/** Every item costs at least its entry plus one byte against the capacity, which bounds the entries. */
function maxEntriesOf(maxsize: number, capacity: number, entryBytes: number): number {
  const byBytes = Math.floor(capacity / (entryBytes + 1));
  return Math.max(1, maxsize > 0 ? Math.min(maxsize, byBytes) : byBytes);
}
