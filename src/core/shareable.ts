/**
 * How Spindle's shared objects (locks, queues, shared arrays, ...) cross to a worker as themselves rather than
 * as a lifeless copy.
 *
 *   parent: submit(task, lock) ─▶ args hold a Shareable ─▶ packShared: lock ⇒ { '@spindle/shared': 'Lock', state }
 *           state is structured-cloneable and made of SharedArrayBuffers, so it arrives pointing at the same memory
 *   worker: unpackShared: { '@spindle/shared': 'Lock', state } ⇒ revive('Lock', state) ⇒ a Lock over that memory
 *
 * A shared object keeps all of its state in shared memory, so the revived object and the original are the same
 * object in every way that matters: an acquire on one is seen by the other. Packing runs only on the
 * structured-clone path (the compact codec refuses class instances, so a frame holding one always takes it):
 * the hot path of plain arguments never pays for the walk.
 *
 * Shareables are found at the top of the arguments and inside plain arrays, plain objects, Maps and Sets; one
 * hidden inside an instance of some other class would be cloned as a plain object, as structured clone does.
 *
 * Node Buffers take the same path to a thread: structured clone would deliver a plain Uint8Array, where a
 * worker process (v8.serialize) and the compact codec deliver a Buffer, so a task sees the same type on every
 * backend. Their wire form holds the bytes (a copy, as before); the reviver makes a Buffer over them.
 */
import { UnserializableError } from '../errors.ts';

/** Where a shared object is being sent. Thread-only objects refuse 'process'. */
export type ShareTarget = 'thread' | 'process';

/** What a shared object sends in its place: a registered kind and structured-cloneable state. */
export interface SharedWireForm {
  readonly kind: string;
  readonly state: unknown;
}

/** The method a shared object implements; it may throw (with a message saying why) to refuse a target. */
export const kShare: unique symbol = Symbol.for('spindle.share') as never;

export interface Shareable {
  [kShare](target: ShareTarget): SharedWireForm;
}

const MARK = '@spindle/shared';
const MAX_DEPTH = 64;
const revivers = new Map<string, (state: never) => object>();
/** Not a shared object, and defined here, not in a kind module: every thread that loads Spindle revives it. */
const BUFFER_KIND = 'node:Buffer';
revivers.set(BUFFER_KIND, (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
);

/**
 * Registers how to rebuild a kind of shared object from its state on the receiving side. Called once per kind, at
 * the top of the module that defines the class, so any thread that loads Spindle can revive it.
 */
export function registerShareable<S>(kind: string, revive: (state: S) => object): void {
  revivers.set(kind, revive as (state: never) => object);
}

/** The kinds this thread can revive now (for checking the table of kind modules against the classes). */
export function registeredKinds(): readonly string[] {
  return [...revivers.keys()];
}

/**
 * The kinds inside a packed value that this thread cannot revive yet: their modules must be loaded first
 * (see backends/common/shared-kinds.ts).
 */
export function unknownKinds(value: unknown): Set<string> {
  const missing = new Set<string>();
  const visit = (v: unknown, depth: number): void => {
    if (typeof v !== 'object' || v === null || depth > MAX_DEPTH) return;
    if (Array.isArray(v)) {
      for (const item of v) visit(item, depth + 1);
      return;
    }
    if (v instanceof Map || v instanceof Set) {
      for (const item of v.values()) visit(item, depth + 1);
      return;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return;
    const record = v as Record<string, unknown>;
    const kind = record[MARK];
    if (typeof kind === 'string') {
      if (!revivers.has(kind)) missing.add(kind);
      return;
    }
    for (const key of Object.keys(record)) visit(record[key], depth + 1);
  };
  visit(value, 0);
  return missing;
}

export function isShareable(value: unknown): value is Shareable {
  return typeof value === 'object' && value !== null && kShare in value;
}

/** The packed value and whether any shareable was found (so the receiver knows to unpack). */
export interface Packed {
  readonly value: unknown;
  readonly found: boolean;
}

/**
 * Replaces every shareable inside `value` with its wire form, copying only the containers on the way to one.
 * Throws UnserializableError, naming the path, if a shareable refuses the target.
 */
export function packShared(value: unknown, target: ShareTarget, path: string): Packed {
  /** What each object met so far became: met again, it becomes the same again, so the clone keeps it one. */
  const packed = new Map<object, unknown>();
  let found = false;
  const visit = (v: unknown, at: string, depth: number): unknown => {
    if (typeof v !== 'object' || v === null || depth > MAX_DEPTH) return v;
    const known = packed.get(v); // never undefined for an object met: it maps to what that object became
    if (known !== undefined) return known;
    packed.set(v, v); // in place until its own walk ends: a cycle back to it keeps the original
    const result = pack(v, at, depth);
    packed.set(v, result);
    return result;
  };
  const pack = (v: object, at: string, depth: number): unknown => {
    if (isShareable(v)) {
      found = true;
      let wire: SharedWireForm;
      try {
        wire = v[kShare](target);
      } catch (error) {
        throw new UnserializableError(`Cannot send ${at}: ${(error as Error).message}`, at, { cause: error });
      }
      return { [MARK]: wire.kind, state: wire.state };
    }
    if (target === 'thread' && Buffer.isBuffer(v)) {
      found = true;
      return { [MARK]: BUFFER_KIND, state: new Uint8Array(v.buffer, v.byteOffset, v.byteLength) };
    }
    if (Array.isArray(v)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        const next = visit(item, `${at}[${i}]`, depth + 1);
        if (next !== item) (copy ??= v.slice())[i] = next;
      }
      return copy ?? v;
    }
    if (v instanceof Map) {
      let changed = false;
      const entries = [...v].map(([key, item]: [unknown, unknown]) => {
        const next = visit(item, `${at}.get(${String(key)})`, depth + 1);
        if (next !== item) changed = true;
        return [key, next] as const;
      });
      return changed ? new Map(entries) : v;
    }
    if (v instanceof Set) {
      let changed = false;
      const items = [...v].map((item: unknown, i) => {
        const next = visit(item, `${at}[set item ${i}]`, depth + 1);
        if (next !== item) changed = true;
        return next;
      });
      return changed ? new Set(items) : v;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return v;
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(v)) {
      const item = (v as Record<string, unknown>)[key];
      const next = visit(item, `${at}.${key}`, depth + 1);
      if (next !== item) (copy ??= { ...(v as Record<string, unknown>) })[key] = next;
    }
    return copy ?? v;
  };
  return { value: visit(value, path, 0), found };
}

/** Rebuilds, in place, every wire form inside a value that {@link packShared} marked as holding some. */
export function unpackShared(value: unknown): unknown {
  /** Each wire form revived, by identity: one that arrived twice (the clone kept it one) revives once. */
  const revived = new Map<object, object>();
  const visit = (v: unknown, depth: number): unknown => {
    if (typeof v !== 'object' || v === null || depth > MAX_DEPTH) return v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = visit(v[i], depth + 1);
      return v;
    }
    if (v instanceof Map) {
      for (const [key, item] of v) v.set(key, visit(item, depth + 1));
      return v;
    }
    if (v instanceof Set) {
      const items = [...v];
      v.clear();
      for (const item of items) v.add(visit(item, depth + 1));
      return v;
    }
    // Only plain objects are (or hold) wire forms. Walking anything else would write its properties back:
    // for a typed array over shared memory, a racy read-and-rewrite of every element other threads are using.
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return v;
    const record = v as Record<string, unknown>;
    const kind = record[MARK];
    if (typeof kind === 'string') {
      const known = revived.get(record);
      if (known !== undefined) return known;
      const revive = revivers.get(kind);
      if (revive === undefined)
        throw new Error(`Spindle: no shared object kind "${kind}" is registered in this thread`);
      const object = revive(record.state as never);
      revived.set(record, object);
      return object;
    }
    for (const key of Object.keys(record)) record[key] = visit(record[key], depth + 1);
    return v;
  };
  return visit(value, 0);
}
