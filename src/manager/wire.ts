/**
 * The manager's wire format: length-prefixed frames over a stream socket (Unix or TCP).
 *
 *   [u32 length, big-endian][u8 type][payload: length - 1 bytes]
 *
 *   handshake (auth.ts; raw bytes, never deserialized: a peer that has not proved the key is never handed to
 *   v8.deserialize)
 *     CHALLENGE  'SPDL' u8 version, 32-byte nonce
 *     PROOF      32-byte HMAC-SHA256
 *     WELCOME    (empty)
 *     REFUSED    utf-8 reason
 *   session
 *     REQUEST    client → server   u32 id, v8 [object, method, args] or [object, method, args, timeout]
 *     CANCEL     client → server   u32 id
 *     POLL       client → server   (empty) this client waits for its replies awake: poll after replying (PollWindow)
 *     REPLY      server → client   u32 id, u8 status, v8 value (OK) | v8 EncodedError (ERROR) | nothing (CANCELLED)
 *     GOODBYE    server → client   utf-8 reason: the server is closing this connection (a protocol error)
 *
 * The request id sits outside the serialized body so that a body that fails to deserialize can still be
 * answered: the client learns which call failed instead of losing its whole connection. Bodies are written by
 * a `v8.DefaultSerializer` straight after the header bytes, so a frame is one buffer with no copy, and its
 * buffer is its own (never Node's shared pool): the bridge transfers it to another thread.
 */
import { nodeV8 } from '../core/lazy-builtins.ts';
import { ProtocolError } from '../errors.ts';

export const FRAME_CHALLENGE = 0x01;
export const FRAME_PROOF = 0x02;
export const FRAME_WELCOME = 0x03;
export const FRAME_REFUSED = 0x04;
export const FRAME_REQUEST = 0x10;
export const FRAME_CANCEL = 0x11;
export const FRAME_REPLY = 0x12;
export const FRAME_GOODBYE = 0x13;
export const FRAME_POLL = 0x14;

export const REPLY_OK = 0;
export const REPLY_ERROR = 1;
/** The server withdrew the request after a cancel: the operation had no effect. */
export const REPLY_CANCELLED = 2;
export type ReplyStatus = typeof REPLY_OK | typeof REPLY_ERROR | typeof REPLY_CANCELLED;

/** `u32 length`. */
const LENGTH_BYTES = 4;
/** `u32 length` + `u8 type`. */
export const HEADER_BYTES = 5;
/** Request and cancel payloads start with the request id; a reply adds its status. */
const REQUEST_PREFIX = HEADER_BYTES + 4;
const REPLY_PREFIX = HEADER_BYTES + 5;

/** The largest frame either side accepts unless told otherwise. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;
/** Before the handshake is over no frame may exceed this: an unauthenticated peer cannot make us buffer more. */
export const HANDSHAKE_MAX_FRAME_BYTES = 1024;

/** One frame as read: its type byte and the bytes after it. */
export interface Frame {
  readonly type: number;
  readonly payload: Buffer;
}

/**
 * Cuts a byte stream into frames, pulled one at a time with {@link next}: frames split across chunks, many
 * frames per chunk. A frame's chunks are joined once, when all of it is there, so a 60 MB value arriving in
 * 64 KB chunks is copied once rather than once per chunk.
 */
export class FrameDecoder {
  /** Frames longer than this (type byte included) are refused with ProtocolError. */
  maxFrameBytes: number;
  readonly #chunks: Buffer[] = [];
  #buffered = 0;
  /** Length of the frame being read, once its prefix has been; -1 while waiting for a prefix. */
  #length = -1;

  constructor(maxFrameBytes: number) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes held and not yet returned as frames. */
  get buffered(): number {
    return this.#buffered;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  /** The next whole frame, or undefined until more bytes arrive. Throws ProtocolError on a bad length. */
  next(): Frame | undefined {
    if (this.#length < 0) {
      if (this.#buffered < LENGTH_BYTES) return undefined;
      const length = this.#take(LENGTH_BYTES).readUInt32BE(0);
      if (length === 0) throw new ProtocolError('Received a frame of length 0 (every frame has a type byte)');
      if (length > this.maxFrameBytes) {
        throw new ProtocolError(
          `Received a frame of ${length} bytes, over the limit of ${this.maxFrameBytes} bytes`,
        );
      }
      this.#length = length;
    }
    if (this.#buffered < this.#length) return undefined;
    const bytes = this.#take(this.#length);
    this.#length = -1;
    return { type: bytes[0]!, payload: bytes.subarray(1) };
  }

  /** Hands over the bytes not yet cut into frames (between frames only), leaving the decoder empty. */
  takeRemaining(): Buffer[] {
    if (this.#length >= 0) throw new ProtocolError('takeRemaining() in the middle of a frame');
    const rest = this.#chunks.splice(0);
    this.#buffered = 0;
    return rest;
  }

  #take(n: number): Buffer {
    this.#buffered -= n;
    const first = this.#chunks[0]!;
    if (first.length > n) {
      this.#chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    if (first.length === n) {
      this.#chunks.shift();
      return first;
    }
    // Spans chunks: join exactly the bytes wanted, leave the rest of the last chunk for the next frame.
    const out = Buffer.allocUnsafeSlow(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0]!;
      const wanted = n - filled;
      if (chunk.length <= wanted) {
        out.set(chunk, filled);
        filled += chunk.length;
        this.#chunks.shift();
      } else {
        out.set(chunk.subarray(0, wanted), filled);
        this.#chunks[0] = chunk.subarray(wanted);
        filled = n;
      }
    }
    return out;
  }
}

/** A frame with a raw payload (handshake, cancel, goodbye). */
export function encodeRaw(type: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const frame = Buffer.allocUnsafeSlow(HEADER_BYTES + payload.length);
  frame.writeUInt32BE(1 + payload.length, 0);
  frame[LENGTH_BYTES] = type;
  frame.set(payload, HEADER_BYTES);
  return frame;
}

export function encodeCancel(id: number): Buffer {
  const payload = Buffer.allocUnsafe(4);
  payload.writeUInt32BE(id, 0);
  return encodeRaw(FRAME_CANCEL, payload);
}

/** A reason for a REFUSED or GOODBYE frame, cut to a length a handshake frame may carry. */
export function encodeReason(type: typeof FRAME_REFUSED | typeof FRAME_GOODBYE, reason: string): Buffer {
  return encodeRaw(type, Buffer.from(reason.slice(0, 400), 'utf8'));
}

/**
 * A request frame. Throws what `v8.serialize` throws for a value it cannot carry (a function, a symbol), and
 * ProtocolError when the frame would exceed `maxFrameBytes`.
 */
export function encodeRequest(
  id: number,
  object: number,
  method: string,
  args: readonly unknown[],
  timeout: number | undefined,
  maxFrameBytes: number,
): Buffer {
  const body = timeout === undefined ? [object, method, args] : [object, method, args, timeout];
  return serializeFrame(FRAME_REQUEST, id, -1, body, maxFrameBytes, 'request');
}

/** A reply frame. Throws like {@link encodeRequest}. */
export function encodeReply(id: number, status: ReplyStatus, value: unknown, maxFrameBytes: number): Buffer {
  if (status === REPLY_CANCELLED) {
    const frame = Buffer.allocUnsafeSlow(REPLY_PREFIX);
    writePrefix(frame, FRAME_REPLY, id, status);
    return frame;
  }
  return serializeFrame(FRAME_REPLY, id, status, value, maxFrameBytes, 'reply');
}

function serializeFrame(
  type: number,
  id: number,
  status: number,
  value: unknown,
  maxFrameBytes: number,
  what: string,
): Buffer {
  const prefix = status < 0 ? REQUEST_PREFIX : REPLY_PREFIX;
  const serializer = new (nodeV8().DefaultSerializer)();
  serializer.writeRawBytes(new Uint8Array(prefix));
  serializer.writeHeader();
  serializer.writeValue(value);
  const frame = serializer.releaseBuffer();
  if (frame.length - LENGTH_BYTES > maxFrameBytes) {
    throw new ProtocolError(
      `The ${what} is ${frame.length - LENGTH_BYTES} bytes serialized, over the frame limit of ` +
        `${maxFrameBytes} bytes (maxFrameBytes)`,
    );
  }
  writePrefix(frame, type, id, status);
  return frame;
}

function writePrefix(frame: Buffer, type: number, id: number, status: number): void {
  frame.writeUInt32BE(frame.length - LENGTH_BYTES, 0);
  frame[LENGTH_BYTES] = type;
  frame.writeUInt32BE(id, HEADER_BYTES);
  if (status >= 0) frame[REQUEST_PREFIX] = status;
}

/** The id at the start of a request, cancel or reply payload; undefined if the payload is too short to hold one. */
export function readId(payload: Buffer): number | undefined {
  return payload.length < 4 ? undefined : payload.readUInt32BE(0);
}

/** A request's body, checked for shape. */
export interface RequestBody {
  readonly object: number;
  readonly method: string;
  readonly args: readonly unknown[];
  readonly timeout: number | undefined;
}

/** Deserializes and checks a request payload (id already read). Throws ProtocolError saying what is wrong. */
export function readRequestBody(payload: Buffer): RequestBody {
  const body = deserializeBody(payload.subarray(4), 'request');
  if (!Array.isArray(body) || (body.length !== 3 && body.length !== 4)) {
    throw new ProtocolError('Malformed request: the body is not [object, method, args, timeout?]');
  }
  const [object, method, args, timeout] = body as unknown[];
  if (typeof object !== 'number' || !Number.isSafeInteger(object) || object < 0) {
    throw new ProtocolError('Malformed request: the object id is not a non-negative integer');
  }
  if (typeof method !== 'string') throw new ProtocolError('Malformed request: the method is not a string');
  if (!Array.isArray(args)) throw new ProtocolError('Malformed request: the arguments are not an array');
  if (body.length === 4 && (typeof timeout !== 'number' || !(timeout >= 0))) {
    throw new ProtocolError('Malformed request: the timeout is not a non-negative number');
  }
  return { object, method, args, timeout: timeout as number | undefined };
}

/** A reply's status and the bytes of its body (deserialized by the caller, in the thread that wants it). */
export interface ReplyHead {
  readonly id: number;
  readonly status: ReplyStatus;
  readonly body: Buffer;
}

export function readReplyHead(payload: Buffer): ReplyHead {
  if (payload.length < 5) throw new ProtocolError('Malformed reply: too short to hold an id and a status');
  const status = payload[4]!;
  if (status !== REPLY_OK && status !== REPLY_ERROR && status !== REPLY_CANCELLED) {
    throw new ProtocolError(`Malformed reply: unknown status ${status}`);
  }
  return { id: payload.readUInt32BE(0), status, body: payload.subarray(5) };
}

export function deserializeBody(body: Buffer, what: string): unknown {
  try {
    return nodeV8().deserialize(body);
  } catch (error) {
    throw new ProtocolError(
      `Malformed ${what}: its body does not deserialize (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
}

// The key core/shareable.ts marks a packed shared object with. Scanning the serialized bytes for it is a
// memchr-speed test; walking every reply value with unpackShared would touch each element of a big list.
const SHARED_MARK = '@spindle/shared';
const MARK_LATIN1 = Buffer.from(SHARED_MARK, 'latin1');
const MARK_UTF16 = Buffer.from(SHARED_MARK, 'utf16le');

/**
 * Whether a serialized body may hold a packed shared object (a proxy, say). False means it certainly holds
 * none; V8 writes a string either one byte or two bytes per character, so both spellings are looked for.
 */
export function mayHoldShared(body: Buffer): boolean {
  return body.includes(MARK_LATIN1) || body.includes(MARK_UTF16);
}

/** A frame's reason text (REFUSED, GOODBYE), made safe to put in an error message. */
export function readReason(payload: Buffer): string {
  // eslint-disable-next-line no-control-regex
  return payload.toString('utf8', 0, Math.min(payload.length, 400)).replace(/[\u0000-\u001f]/g, ' ');
}
