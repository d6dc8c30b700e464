/**
 * Large byte arrays copied to a worker thread, the fast way: the parent copies each into a block of native
 * memory kept for reuse (native/copy-pool.cc) and moves that block to the worker, instead of handing the
 * array to structured clone.
 *
 * Structured clone copies twice, once into a serialisation buffer that the parent allocates and once out of
 * it into memory that the worker allocates, and glibc hands much of that memory back to the system between
 * tasks, so both threads fault its pages in again (~3 µs a page here: more than copying it). Staged, the
 * bytes are copied once, by the parent, into pages already mapped; the worker copies nothing, and once its
 * garbage collector has freed the array (staged-recycler.ts sees that it does so soon) the block goes back to
 * the pool. The benchmark's 200 copied 1 MiB arrays through two workers (bench/RESULTS.md, case 4a), before
 * and after: 2,198 → 5,426 MiB/s in the first batch, 3,181 → 9,011 in the second.
 *
 * Only calls whose arguments are all byte arrays, ArrayBuffers or primitives are staged: an object among
 * them could hold the same array again, and two arguments over one buffer share it after structured clone;
 * staging either would break that identity. A staged view arrives over a buffer of its own length (byteOffset
 * 0), as the ring's codec delivers smaller ones. Views over shared or resizable memory are never staged.
 */
import type { NativeBinding } from '../../shm/native.ts';
import { native } from '../../shm/native.ts';

/** From this many bytes an argument is staged: the ring carries smaller ones (see outgrowsRing). */
export const STAGE_MIN_BYTES = 128 * 1024;

/** How long a block may sit unused in the pool before it is returned to the system. */
const IDLE_MS = 2000;

type Binary = ArrayBufferView | ArrayBuffer;
type TypedArrayConstructor = new (buffer: ArrayBuffer) => ArrayBufferView;

/** The typed array classes, by prototype: a subclass (other than Buffer) is left to structured clone. */
const CONSTRUCTORS: ReadonlyMap<object, TypedArrayConstructor> = new Map(
  [
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array,
  ].map((constructor): [object, TypedArrayConstructor] => [constructor.prototype as object, constructor]),
);

/** The addon's copy function; null once it has failed to load (structured clone then, as without staging). */
let copyBytes: NativeBinding['copyBytes'] | null | undefined;
let trimTimer: ReturnType<typeof setTimeout> | undefined;

/** Staged copies of the arguments and the buffers to move with them, or undefined to send them as they are. */
export function stageCopies(
  args: readonly unknown[],
): { readonly args: unknown[]; readonly transfer: ArrayBuffer[]; readonly bytes: number } | undefined {
  if (!worthStaging(args)) return undefined;
  copyBytes ??= loadCopyBytes();
  if (copyBytes === null) return undefined;
  const staged = new Map<Binary, Binary>();
  const transfer: ArrayBuffer[] = [];
  let bytes = 0;
  const out = new Array<unknown>(args.length);
  try {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (typeof arg !== 'object' || arg === null || (arg as Binary).byteLength < STAGE_MIN_BYTES) {
        out[i] = arg;
        continue;
      }
      const binary = arg as Binary;
      let copy = staged.get(binary);
      if (copy === undefined) {
        const buffer = copyBytes(ArrayBuffer.isView(binary) ? binary : new Uint8Array(binary));
        transfer.push(buffer);
        bytes += buffer.byteLength;
        copy = sameKind(binary, buffer);
        staged.set(binary, copy);
      }
      out[i] = copy;
    }
  } catch {
    return undefined; // out of memory for a block: structured clone will say so, or manage
  }
  armTrim();
  return { args: out, transfer, bytes };
}

/** Whether the arguments hold a large byte array and nothing that rules staging out. */
function worthStaging(args: readonly unknown[]): boolean {
  let large = false;
  let buffers: Map<ArrayBufferLike, Binary> | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg === 'function') return false;
    if (typeof arg !== 'object' || arg === null) continue;
    if (!isPlainBinary(arg)) return false;
    if (arg.byteLength >= STAGE_MIN_BYTES) large = true;
    const buffer = ArrayBuffer.isView(arg) ? arg.buffer : arg;
    buffers ??= new Map();
    const seen = buffers.get(buffer);
    if (seen !== undefined && seen !== arg) return false; // two arguments over one buffer
    buffers.set(buffer, arg);
  }
  return large;
}

/** A byte array or ArrayBuffer over fixed-size memory of its own: one whose copy is an ordinary clone. */
function isPlainBinary(value: object): value is Binary {
  if (value instanceof ArrayBuffer) return !value.resizable;
  if (!ArrayBuffer.isView(value)) return false;
  const buffer = value.buffer;
  if (!(buffer instanceof ArrayBuffer) || buffer.resizable) return false;
  const prototype = Object.getPrototypeOf(value) as object;
  return prototype === DataView.prototype || prototype === Buffer.prototype || CONSTRUCTORS.has(prototype);
}

/** `buffer` seen as the same kind of array as `original`. */
function sameKind(original: Binary, buffer: ArrayBuffer): Binary {
  if (!ArrayBuffer.isView(original)) return buffer;
  const prototype = Object.getPrototypeOf(original) as object;
  if (prototype === Buffer.prototype) return Buffer.from(buffer);
  if (prototype === DataView.prototype) return new DataView(buffer);
  return new (CONSTRUCTORS.get(prototype) as TypedArrayConstructor)(buffer);
}

function loadCopyBytes(): NativeBinding['copyBytes'] | null {
  try {
    return native().copyBytes;
  } catch {
    return null; // no addon: every copy goes by structured clone
  }
}

/** While the pool holds blocks, hand those left unused for IDLE_MS back to the system. */
function armTrim(): void {
  if (trimTimer !== undefined) return;
  trimTimer = setTimeout(() => {
    trimTimer = undefined;
    if (native().trimCopies(IDLE_MS) > 0) armTrim();
  }, IDLE_MS);
  trimTimer.unref();
}
