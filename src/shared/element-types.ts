/** The element types of shared arrays and values, and the typed-array class behind each. */
import { InvalidArgumentError } from '../errors.ts';
import { shown } from '../channels/channel-options.ts';

/** The typed array each element type name stands for. */
export interface TypedArrayOf {
  int8: Int8Array;
  uint8: Uint8Array;
  uint8clamped: Uint8ClampedArray;
  int16: Int16Array;
  uint16: Uint16Array;
  int32: Int32Array;
  uint32: Uint32Array;
  float32: Float32Array;
  float64: Float64Array;
  bigint64: BigInt64Array;
  biguint64: BigUint64Array;
}

/** An element type name: `'int32'`, `'float64'`, `'bigint64'`, ... */
export type ElementType = keyof TypedArrayOf;

/** What one element reads as: `bigint` for the 64-bit integer types, `number` for the rest. */
export type ElementOf<K extends ElementType> = K extends 'bigint64' | 'biguint64' ? bigint : number;

interface TypedArrayClass {
  readonly BYTES_PER_ELEMENT: number;
  new (buffer: SharedArrayBuffer, byteOffset?: number, length?: number): TypedArrayOf[ElementType];
}

export const CONSTRUCTORS: { readonly [K in ElementType]: TypedArrayClass } = {
  int8: Int8Array,
  uint8: Uint8Array,
  uint8clamped: Uint8ClampedArray,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
  bigint64: BigInt64Array,
  biguint64: BigUint64Array,
};

/** Throws InvalidArgumentError unless `type` is one of `allowed`. */
export function checkType<K extends ElementType>(type: unknown, allowed: readonly K[]): K {
  if (typeof type === 'string' && (allowed as readonly string[]).includes(type)) return type as K;
  throw new InvalidArgumentError(
    `Expected \`type\` to be one of ${allowed.map((t) => `'${t}'`).join(', ')}, got ${shown(type)}`,
  );
}

/** True for the types whose elements are bigints. */
export function isBigIntType(type: ElementType): type is 'bigint64' | 'biguint64' {
  return type === 'bigint64' || type === 'biguint64';
}

/** Throws InvalidArgumentError unless `value` is an element of `type` (a bigint or a number). */
export function checkElement(name: string, type: ElementType, value: unknown): void {
  const big = isBigIntType(type);
  if (big ? typeof value === 'bigint' : typeof value === 'number') return;
  throw new InvalidArgumentError(
    `Expected \`${name}\` to be a ${big ? 'bigint' : 'number'} (for a '${type}' element), got ${shown(value)}`,
  );
}
