/**
 * The wire between a pool and its workers: typed frames, one encoder/decoder pair, shared by the thread
 * transport (frames in a shared-memory ring) and the process transport (frames on a socket).
 *
 *   parent ──DEFINE key→(module, export)──▶ worker      (once per task per worker)
 *   parent ──RUN id, key, slot, args──────▶ worker
 *   parent ──CANCEL id────────────────────▶ worker      (process workers; threads withdraw via shared slots)
 *   parent ──BULK─────────────────────────▶ worker      (the next RUN waits beside the channel: see BulkFrame)
 *   parent ◀─READY────────────────────────── worker
 *   parent ◀─RESULT id, ok, µs, value─────── worker
 *   parent ◀─SKIPPED id───────────────────── worker     (a withdrawn job was dropped; its slot is free)
 *   parent ◀─MEMORY bytes─────────────────── worker
 *   parent ◀─WAKE─────────────────────────── worker     (process workers: answers wait in shared memory)
 *
 * Tasks are interned as numeric keys so a RUN frame for a tiny task is ~20 bytes. Values go through the
 * compact codec; a value it cannot carry is flagged so the caller sends that frame by structured clone.
 */
import type { ShareTarget } from '../../core/shareable.ts';
import { packShared, unpackShared } from '../../core/shareable.ts';
import type { Reader, Writer } from './codec.ts';
import { decodeValue, encodeArgs, encodeValue, readString } from './codec.ts';

export const FRAME_DEFINE = 1;
export const FRAME_RUN = 2;
export const FRAME_CANCEL = 3;
export const FRAME_READY = 4;
export const FRAME_RESULT = 5;
export const FRAME_SKIPPED = 6;
export const FRAME_MEMORY = 7;
export const FRAME_BULK = 8;
export const FRAME_WAKE = 9;

/** Slot value meaning "no slot": process workers have no shared start flags. */
export const NO_SLOT = 0xffff;

export interface DefineFrame {
  readonly type: typeof FRAME_DEFINE;
  readonly key: number;
  readonly moduleUrl: string;
  readonly exportName: string;
}
export interface RunFrame {
  readonly type: typeof FRAME_RUN;
  readonly id: number;
  readonly key: number;
  readonly slot: number;
  readonly args: readonly unknown[];
  /** Set on the structured-clone path when `args` hold shared objects in wire form (see shareable.ts). */
  readonly shared?: true;
  /** Set on the structured-clone path to a thread: bytes of arguments staged in native memory (copy-staging.ts). */
  readonly staged?: number;
}
/**
 * In the jobs channel: the next job travels beside it, put there just before this frame was written (a process
 * worker's jobs ring for large byte arrays; a thread worker's jobs port for what needs structured clone). The
 * frame keeps the job's place, so a worker reads every job in the order it was sent.
 */
export interface BulkFrame {
  readonly type: typeof FRAME_BULK;
}
/** The one BULK frame every sender writes. */
export const BULK_FRAME: BulkFrame = { type: FRAME_BULK };
/** Encoded bytes of {@link BULK_FRAME} (the type byte alone). */
export const BULK_FRAME_BYTES = 1;
export interface CancelFrame {
  readonly type: typeof FRAME_CANCEL;
  readonly id: number;
}
export interface ReadyFrame {
  readonly type: typeof FRAME_READY;
}
export interface ResultFrame {
  readonly type: typeof FRAME_RESULT;
  readonly id: number;
  /** false: `value` is an EncodedError */
  readonly ok: boolean;
  readonly runMicros: number;
  readonly value: unknown;
  /** As on RunFrame: `value` holds shared objects in wire form. */
  readonly shared?: true;
}
export interface SkippedFrame {
  readonly type: typeof FRAME_SKIPPED;
  readonly id: number;
}
export interface MemoryFrame {
  readonly type: typeof FRAME_MEMORY;
  readonly bytes: number;
}
/**
 * A process worker put answers in its shared answer ring while the parent was not looking there. A frame of
 * its own, not a structured-clone message: the first one would load node:v8 in the worker, ~1.5 ms of its
 * event loop, for one byte of news.
 */
export interface WakeFrame {
  readonly type: typeof FRAME_WAKE;
}

export type ToWorkerFrame = DefineFrame | RunFrame | CancelFrame | BulkFrame;
export type ToParentFrame = ReadyFrame | ResultFrame | SkippedFrame | MemoryFrame | WakeFrame;
export type Frame = ToWorkerFrame | ToParentFrame;

/** Writes a frame's body. Throws NotPlain (codec) if a value needs structured clone, NoSpace if full. */
export function writeFrame(w: Writer, frame: Frame): void {
  w.u8(frame.type);
  switch (frame.type) {
    case FRAME_DEFINE:
      w.u32(frame.key);
      w.string(frame.moduleUrl);
      w.string(frame.exportName);
      return;
    case FRAME_RUN:
      w.u32(frame.id);
      w.u32(frame.key);
      w.u32(frame.slot);
      encodeArgs(w, frame.args);
      return;
    case FRAME_RESULT:
      w.u32(frame.id);
      w.u8(frame.ok ? 1 : 0);
      w.f64(frame.runMicros);
      encodeValue(w, frame.value);
      return;
    case FRAME_CANCEL:
    case FRAME_SKIPPED:
      w.u32(frame.id);
      return;
    case FRAME_MEMORY:
      w.f64(frame.bytes);
      return;
    case FRAME_READY:
    case FRAME_BULK:
    case FRAME_WAKE:
      return;
  }
}

export function readFrame(r: Reader): Frame {
  const type = r.u8();
  switch (type) {
    case FRAME_RUN:
      return { type, id: r.u32(), key: r.u32(), slot: r.u32(), args: decodeValue(r) as unknown[] };
    case FRAME_RESULT:
      return { type, id: r.u32(), ok: r.u8() === 1, runMicros: r.f64(), value: decodeValue(r) };
    case FRAME_DEFINE:
      return { type, key: r.u32(), moduleUrl: readString(r), exportName: readString(r) };
    case FRAME_CANCEL:
    case FRAME_SKIPPED:
      return { type, id: r.u32() };
    case FRAME_MEMORY:
      return { type, bytes: r.f64() };
    case FRAME_READY:
    case FRAME_BULK:
    case FRAME_WAKE:
      return { type };
    default:
      throw new Error(`Spindle protocol: unknown frame type ${type} (corrupt stream)`);
  }
}

/**
 * For a frame about to take the structured-clone path: a copy with shared objects (locks, queues, ...) in
 * their wire form and `shared` set, or the frame itself if it holds none. Throws UnserializableError if one
 * cannot go to `target`.
 */
export function packSharedFrame<F extends Frame>(frame: F, target: ShareTarget): F {
  if (frame.type === FRAME_RUN) {
    const { value, found } = packShared(frame.args, target, 'args');
    return found ? { ...frame, args: value as readonly unknown[], shared: true } : frame;
  }
  if (frame.type === FRAME_RESULT && frame.ok) {
    const { value, found } = packShared(frame.value, target, 'result');
    return found ? { ...frame, value, shared: true } : frame;
  }
  return frame;
}

/** On receipt of a structured-clone frame: revives the shared objects {@link packSharedFrame} packed. */
export function unpackSharedFrame<F extends Frame>(frame: F): F {
  if (frame.type === FRAME_RUN && frame.shared === true) unpackShared(frame.args);
  else if (frame.type === FRAME_RESULT && frame.shared === true)
    return { ...frame, value: unpackShared(frame.value) };
  return frame;
}
