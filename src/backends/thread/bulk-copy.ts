/**
 * Large byte arrays to a thread worker in one copy instead of three.
 *
 * `postMessage` serialises a 1 MiB Uint8Array into a growing buffer (copies as it grows), then the receiver
 * copies it out again. Copying it once ourselves into a fresh ArrayBuffer and *transferring* that copy gives
 * the receiver the same independent bytes for one memcpy. Only views that own a whole buffer after the copy
 * are moved; anything else is left to structured clone. The caller's own buffers are never detached.
 */

/** Below this, structured clone's fixed costs dominate and the extra bookkeeping does not pay. */
const BULK_BYTES = 64 * 1024;

type View = ArrayBufferView & { slice(): ArrayBufferView };

/**
 * Returns `value` with large typed arrays and ArrayBuffers (at the top level, or one level into arrays and plain objects)
 * replaced by private copies, and pushes those copies' buffers onto `transfer`.
 */
export function withBulkCopies(value: unknown, transfer: ArrayBuffer[], depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value)) return copyView(value, transfer);
  if (value instanceof ArrayBuffer && value.byteLength >= BULK_BYTES) {
    const copy = value.slice(0);
    transfer.push(copy);
    return copy;
  }
  if (depth >= 2) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const replaced = withBulkCopies(item, transfer, depth + 1);
      if (replaced !== item) (out ??= value.slice())[i] = replaced;
    }
    return out ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  let out: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const replaced = withBulkCopies(item, transfer, depth + 1);
    if (replaced !== item) (out ??= { ...value })[key] = replaced;
  }
  return out ?? value;
}

function copyView(view: ArrayBufferView, transfer: ArrayBuffer[]): ArrayBufferView {
  if (view.byteLength < BULK_BYTES || view instanceof DataView || !(view.buffer instanceof ArrayBuffer))
    return view;
  const copy = (view as View).slice();
  const { buffer } = copy;
  if (!(buffer instanceof ArrayBuffer) || copy.byteOffset !== 0 || buffer.byteLength !== copy.byteLength)
    return view;
  transfer.push(buffer);
  return copy;
}
