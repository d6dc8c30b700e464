/**
 * A single-producer, single-consumer ring of frames in a SharedArrayBuffer: how thread workers and the
 * parent exchange jobs and results without a `postMessage` per task, and how worker processes hand results
 * back (in memory both processes map) without a system call per task.
 *
 *   header (64 B): [WRITE, READ, ...]   byte counters, wrapping at 2^32
 *   data (capacity B, a power of two):  [u32 length][frame body][pad to 8] ... [SKIP marker → wrap to 0]
 *
 * The producer encodes straight into the ring and publishes with one Atomics.store of WRITE; the consumer
 * decodes (copying out) and publishes READ before acting on the frame, so space frees up as early as it can.
 * Whoever waits on the ring waits on the WRITE counter (Atomics.waitAsync) after raising SLEEPING; the
 * producer notifies only when it sees SLEEPING raised. Both sides store, then load, with sequentially
 * consistent atomics, so at least one sees the other: either the consumer sees the new WRITE and does not
 * park, or the producer sees SLEEPING and wakes it. Atomics.notify takes a process-wide lock in V8, so a busy
 * or spinning consumer is not notified once per frame. Across processes Atomics.notify reaches nobody (V8
 * keeps its waiters per process): there the producer claims the wake-up ({@link Ring.claimWake}) and rings the
 * consumer some other way.
 */
import { NoSpace, Reader, Writer } from './codec.ts';
import type { Frame } from './protocol.ts';
import { readFrame, writeFrame } from './protocol.ts';

const HEADER_BYTES = 64;
export const WRITE = 0;
const READ = 1;
/** 1 while the consumer is (about to be) parked on WRITE: only then does the producer pay for a notify. */
const SLEEPING = 2;
const SKIP = 0xffffffff;

export class Ring {
  readonly buffer: SharedArrayBuffer;
  /** Int32 header; index {@link WRITE} is the counter to wait on. */
  readonly header: Int32Array;
  readonly #capacity: number;
  readonly #mask: number;
  readonly #writer: Writer;
  readonly #reader: Reader;
  #write: number;
  #read: number;

  static allocate(capacity: number): SharedArrayBuffer {
    return new SharedArrayBuffer(Ring.byteLength(capacity));
  }

  /** Bytes of a ring with `capacity` bytes of frames (a power of two from 4096): header included. */
  static byteLength(capacity: number): number {
    if (capacity < 4096 || (capacity & (capacity - 1)) !== 0)
      throw new RangeError('ring capacity: power of two ≥ 4096');
    return HEADER_BYTES + capacity;
  }

  /**
   * A ring over `byteLength` bytes of `buffer` from `offset` (the whole buffer by default): one block of shared
   * memory can hold several rings.
   */
  constructor(buffer: SharedArrayBuffer, offset = 0, byteLength = buffer.byteLength - offset) {
    this.buffer = buffer;
    this.header = new Int32Array(buffer, offset, HEADER_BYTES / 4);
    this.#capacity = byteLength - HEADER_BYTES;
    if (this.#capacity < 4096 || (this.#capacity & (this.#capacity - 1)) !== 0)
      throw new RangeError(`ring: ${byteLength} bytes is not a header plus a power of two ≥ 4096`);
    this.#mask = this.#capacity - 1;
    const data = new Uint8Array(buffer, offset + HEADER_BYTES, this.#capacity);
    this.#writer = new Writer(data, false);
    this.#reader = new Reader(data);
    this.#write = Atomics.load(this.header, WRITE);
    this.#read = Atomics.load(this.header, READ);
  }

  /** True if frames are waiting to be read. */
  get readable(): boolean {
    return Atomics.load(this.header, WRITE) !== this.#read;
  }

  /** The WRITE counter as last consumed: wait for it to change. */
  get consumed(): number {
    return this.#read;
  }

  /**
   * Encodes and publishes a frame. Returns false if it does not fit now (the caller sends it another way);
   * lets the codec's NotPlain through.
   */
  tryWrite(frame: Frame): boolean {
    const w = this.#writer;
    let write = this.#write;
    let free = this.#capacity - ((write - Atomics.load(this.header, READ)) >>> 0);
    let pos = write & this.#mask;
    const contiguous = this.#capacity - pos;
    let wrapped = false;
    for (;;) {
      w.pos = pos + 4;
      w.limit = pos + Math.min(this.#capacity - pos, free);
      try {
        writeFrame(w, frame);
        break;
      } catch (error) {
        if (error !== NoSpace) throw error;
        // Did not fit before the end: mark the tail as skipped and try once more from the start.
        if (wrapped || pos === 0 || contiguous >= free) return false;
        wrapped = true;
        w.view.setUint32(pos, SKIP, true);
        write = (write + contiguous) | 0;
        free -= contiguous;
        pos = 0;
      }
    }
    const length = w.pos - pos - 4;
    w.view.setUint32(pos, length, true);
    this.#write = (write + ((4 + length + 7) & ~7)) | 0;
    Atomics.store(this.header, WRITE, this.#write);
    return true;
  }

  /** Consumer: raise SLEEPING before parking on WRITE == `seen`. False if a frame came meanwhile (do not park). */
  prepareToSleep(seen: number): boolean {
    Atomics.store(this.header, SLEEPING, 1);
    if (Atomics.load(this.header, WRITE) === seen) return true;
    Atomics.store(this.header, SLEEPING, 0);
    return false;
  }

  /** Consumer: awake again. */
  awake(): void {
    Atomics.store(this.header, SLEEPING, 0);
  }

  /** Producer: wakes the consumer if it is parked (or about to be). */
  wake(): void {
    if (Atomics.load(this.header, SLEEPING) !== 0) Atomics.notify(this.header, WRITE);
  }

  /**
   * Producer, when the consumer is in another process: true if it is parked (or about to be) and this call is
   * the one that must wake it. Lowering SLEEPING here means one wake-up per park, however many frames follow.
   */
  claimWake(): boolean {
    return (
      Atomics.load(this.header, SLEEPING) !== 0 && Atomics.compareExchange(this.header, SLEEPING, 1, 0) === 1
    );
  }

  /** Producer: bytes published so far, a counter wrapping at 2^32 (two readings apart: what was written between). */
  get produced(): number {
    return this.#write;
  }

  /** Producer: whether a frame of `bytes` encoded bytes would fit now, wherever the write position stands. */
  hasRoom(bytes: number): boolean {
    const need = (4 + bytes + 7) & ~7;
    const free = this.#capacity - ((this.#write - Atomics.load(this.header, READ)) >>> 0);
    const contiguous = this.#capacity - (this.#write & this.#mask);
    return contiguous >= need ? free >= need : free - contiguous >= need;
  }

  /** Reads the next frame, if one has been published: true if `onFrame` was called. */
  readOne(onFrame: (frame: Frame) => void): boolean {
    const r = this.#reader;
    let read = this.#read;
    const write = Atomics.load(this.header, WRITE);
    if (read === write) return false;
    let pos = read & this.#mask;
    if (r.view.getUint32(pos, true) === SKIP) {
      read = (read + (this.#capacity - pos)) | 0;
      pos = 0;
    }
    const length = r.view.getUint32(pos, true);
    r.pos = pos + 4;
    const frame = readFrame(r);
    this.#read = (read + ((4 + length + 7) & ~7)) | 0;
    Atomics.store(this.header, READ, this.#read);
    onFrame(frame);
    return true;
  }

  /** Reads every frame published so far, calling `onFrame` for each. */
  drain(onFrame: (frame: Frame) => void): void {
    const r = this.#reader;
    let read = this.#read;
    let write = Atomics.load(this.header, WRITE);
    while (read !== write) {
      const pos = read & this.#mask;
      const length = r.view.getUint32(pos, true);
      if (length === SKIP) {
        read = (read + (this.#capacity - pos)) | 0;
        continue;
      }
      r.pos = pos + 4;
      const frame = readFrame(r);
      read = (read + ((4 + length + 7) & ~7)) | 0;
      this.#read = read;
      Atomics.store(this.header, READ, read);
      onFrame(frame);
      if (read === write) write = Atomics.load(this.header, WRITE);
    }
    this.#read = read;
    Atomics.store(this.header, READ, read);
  }
}
