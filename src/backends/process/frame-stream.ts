/**
 * Frames over a byte stream (the sockets between a pool and its child processes), one message after another:
 *
 *   [u32 length, LE][u8 kind][body: `length` bytes]
 *     kind 0 (COMPACT): a protocol frame (protocol.ts) in the compact codec: what nearly every job and
 *                       result is, and why 100k tiny tasks cost little more than their syscalls
 *     kind 1 (V8):      `v8.serialize(message)`: a frame holding a value the codec cannot carry (Map, Date,
 *                       typed arrays, class instances, cycles), or a transport message of the process backend
 *
 * The encoder appends to one growable buffer that the caller writes out whole (a batch of jobs is one
 * `socket.write`). The decoder takes chunks as the stream cuts them: frames split across chunks, many frames
 * per chunk. A partial frame's chunks are kept in a list and joined once, when the whole frame is there, so
 * a 100 MB argument arriving in 64 KB chunks is copied once rather than once per chunk.
 *
 * Both ends reuse their large buffers (the encoder's once the socket has written them, the decoder's join
 * buffer once nothing decoded from it views it): measured with 1 MiB arguments, fresh memory for each one
 * cost as much in page faults as the copies themselves.
 */
import { nodeV8 } from '../../core/lazy-builtins.ts';
import { NotPlain, Reader, Writer } from '../common/codec.ts';
import type { Frame } from '../common/protocol.ts';
import { packSharedFrame, readFrame, writeFrame } from '../common/protocol.ts';

export const KIND_COMPACT = 0;
export const KIND_V8 = 1;
/** `u32 length` + `u8 kind`. */
export const HEADER_BYTES = 5;

const INITIAL_BYTES = 16 * 1024;
/** A buffer grown past this for one big message is dropped after use rather than kept for the next batch. */
const RETAIN_BYTES = 1024 * 1024;
/** Batches up to this size are copied out by `take()`; larger ones are handed over without a copy. */
const COPY_OUT_BYTES = 64 * 1024;
/**
 * Large buffers kept for reuse once their write has finished, and the largest kept. Writing a 1 MiB argument
 * into memory already mapped costs a memcpy; into a fresh allocation it costs as much again in page faults.
 */
const SPARE_BUFFERS = 4;
const SPARE_MAX_BYTES = 16 * 1024 * 1024;

/** Appends frames to a growable buffer. */
export class FrameEncoder {
  #writer = new Writer(new Uint8Array(INITIAL_BYTES), true);
  readonly #spares: Uint8Array[] = [];

  /** Bytes written and not yet taken. */
  get size(): number {
    return this.#writer.pos;
  }

  /**
   * Appends a protocol frame: compact if the codec can carry every value in it, else as `v8.serialize`.
   * Throws what `v8.serialize` throws (a function or symbol somewhere in the frame), with nothing appended.
   */
  writeFrame(frame: Frame): void {
    const w = this.#writer;
    const start = w.pos;
    w.ensure(HEADER_BYTES);
    w.pos = start + HEADER_BYTES;
    try {
      writeFrame(w, frame);
    } catch (error) {
      w.pos = start; // drop the partial compact encoding
      if (error !== NotPlain) throw error;
      this.writeSerialized(packSharedFrame(frame, 'process'));
      return;
    }
    w.view.setUint32(start, w.pos - start - HEADER_BYTES, true);
    w.bytes[start + 4] = KIND_COMPACT;
  }

  /** Appends any structured-cloneable message as `v8.serialize`; throws, with nothing appended, if it is not. */
  writeSerialized(message: unknown): void {
    const body = nodeV8().serialize(message);
    const w = this.#writer;
    w.ensure(HEADER_BYTES + body.byteLength);
    w.view.setUint32(w.pos, body.byteLength, true);
    w.bytes[w.pos + 4] = KIND_V8;
    w.bytes.set(body, w.pos + HEADER_BYTES);
    w.pos += HEADER_BYTES + body.byteLength;
  }

  /** The bytes written so far, without a copy, for a synchronous write. Valid until the next call. */
  peek(): Uint8Array {
    return this.#writer.bytes.subarray(0, this.#writer.pos);
  }

  /** Hands over the bytes written so far (the caller may keep them: an async write) and starts empty. */
  take(): Uint8Array {
    const w = this.#writer;
    if (w.pos <= COPY_OUT_BYTES) {
      const out = w.bytes.slice(0, w.pos);
      this.clear();
      return out;
    }
    const out = w.bytes.subarray(0, w.pos);
    this.#writer = new Writer(this.#spares.pop() ?? new Uint8Array(INITIAL_BYTES), true);
    return out;
  }

  /** Whether `recycle()` would keep these bytes (small batches are copies: nothing to give back). */
  recyclable(taken: Uint8Array): boolean {
    const size = taken.buffer.byteLength;
    return size > COPY_OUT_BYTES && size <= SPARE_MAX_BYTES;
  }

  /**
   * Gives back bytes that `take()` handed over, once nothing reads them any more (their write finished):
   * a later large batch is encoded into them instead of into fresh memory.
   */
  recycle(taken: Uint8Array): void {
    if (!this.recyclable(taken)) return;
    const whole = new Uint8Array(taken.buffer);
    const w = this.#writer;
    if (w.pos === 0 && w.bytes.byteLength < whole.byteLength) this.#writer = new Writer(whole, true);
    else if (this.#spares.length < SPARE_BUFFERS) this.#spares.push(whole);
  }

  /** Forgets the bytes written so far. */
  clear(): void {
    if (this.#writer.bytes.byteLength > RETAIN_BYTES) {
      this.#writer = new Writer(new Uint8Array(INITIAL_BYTES), true);
    } else {
      this.#writer.pos = 0;
    }
  }
}

/**
 * Splits a byte stream back into messages. `M` is what kind-1 messages may be besides protocol frames; the
 * peer is trusted to send only those (it is our own code on the other end of a private socket).
 */
export class FrameDecoder<M = never> {
  readonly #onMessage: (message: Frame | M) => void;
  /** Chunks holding the start of an incomplete frame. */
  #parts: Uint8Array[] = [];
  /** The buffer the last large frame was joined in, reused for the next (decoding copies values out). */
  #joinBuffer: Uint8Array | undefined;
  #partBytes = 0;
  /** Bytes `#parts` must reach before decoding can progress: the header, then the whole frame. */
  #need = HEADER_BYTES;

  constructor(onMessage: (message: Frame | M) => void) {
    this.#onMessage = onMessage;
  }

  /** Bytes held of a frame not yet complete. */
  get pending(): number {
    return this.#partBytes;
  }

  /** Decodes every message completed by `chunk`. Throws on a corrupt stream. */
  push(chunk: Uint8Array): void {
    if (this.#partBytes === 0) {
      this.#parse(chunk);
      return;
    }
    this.#parts.push(chunk);
    this.#partBytes += chunk.byteLength;
    if (this.#partBytes < this.#need) return;
    if (this.#need === HEADER_BYTES) {
      this.#need = HEADER_BYTES + this.#peekLength();
      if (this.#partBytes < this.#need) return;
    }
    const spare = this.#joinBuffer;
    this.#joinBuffer = undefined;
    const joined =
      spare !== undefined && spare.byteLength >= this.#partBytes
        ? spare.subarray(0, this.#partBytes)
        : new Uint8Array(this.#partBytes);
    let offset = 0;
    for (const part of this.#parts) {
      joined.set(part, offset);
      offset += part.byteLength;
    }
    this.#parts = [];
    this.#partBytes = 0;
    this.#need = HEADER_BYTES;
    // Reusable only if no partial frame is left pointing into it.
    if (this.#parse(joined) && joined.buffer.byteLength <= SPARE_MAX_BYTES)
      this.#joinBuffer = new Uint8Array(joined.buffer);
  }

  /**
   * Decodes the whole frames in `bytes`; keeps a trailing partial one. True if nothing refers to `bytes`
   * afterwards: no partial frame kept, and no `v8.deserialize`d value (its typed arrays view its input).
   */
  #parse(bytes: Uint8Array): boolean {
    const reader = new Reader(bytes);
    const view = reader.view;
    const end = bytes.byteLength;
    let pos = 0;
    let aliased = false;
    while (end - pos >= HEADER_BYTES) {
      const bodyStart = pos + HEADER_BYTES;
      const bodyEnd = bodyStart + view.getUint32(pos, true);
      if (bodyEnd > end) break;
      const kind = bytes[pos + 4];
      pos = bodyEnd;
      if (kind === KIND_COMPACT) {
        reader.pos = bodyStart;
        const frame = readFrame(reader);
        if (reader.pos !== bodyEnd)
          throw corrupt(`a frame of ${bodyEnd - bodyStart} bytes decoded short or long`);
        this.#onMessage(frame);
      } else if (kind === KIND_V8) {
        // Shared objects inside stay in wire form: the receiver revives them once their kinds are loaded.
        aliased = true;
        this.#onMessage(nodeV8().deserialize(bytes.subarray(bodyStart, bodyEnd)) as Frame | M);
      } else {
        throw corrupt(`unknown frame kind ${String(kind)}`);
      }
    }
    if (pos === end) return !aliased;
    const rest = bytes.subarray(pos);
    this.#parts = [rest];
    this.#partBytes = rest.byteLength;
    this.#need = rest.byteLength >= HEADER_BYTES ? HEADER_BYTES + view.getUint32(pos, true) : HEADER_BYTES;
    return false;
  }

  /** The length field of the incomplete frame, read across however many chunks hold its first bytes. */
  #peekLength(): number {
    const header = new Uint8Array(4);
    let filled = 0;
    for (const part of this.#parts) {
      const n = Math.min(part.byteLength, 4 - filled);
      header.set(part.subarray(0, n), filled);
      filled += n;
      if (filled === 4) break;
    }
    return new DataView(header.buffer).getUint32(0, true);
  }
}

function corrupt(why: string): Error {
  return new Error(`Spindle process transport: corrupt stream (${why})`);
}
