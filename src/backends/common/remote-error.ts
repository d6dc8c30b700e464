/**
 * Errors carried whole across a worker boundary (thread or child process).
 *
 *   worker: throw e ─encodeError─▶ EncodedError (plain data) ─postMessage or JSON─▶ parent: decodeError
 *
 * One encoding serves structured clone (threads) and JSON (process IPC), so it holds only JSON-like values;
 * what JSON cannot say (undefined, NaN, bigint, errors) is a tagged node, and an object met again is a `ref`,
 * so an error that is its own cause comes back as the same cycle. Decoding runs no user or Spindle
 * constructor: `Reflect.construct(Error, [], C)` makes a real native error with prototype `C.prototype`
 * without calling `C`, so `instanceof`, `util.types.isNativeError` and `console.log` all see the error it is,
 * which `Object.create(C.prototype)` would not.
 */
import { inspect, types } from 'node:util';
import { describe } from '../../core/task.ts';
import * as spindleErrors from '../../errors.ts';
import { InvalidArgumentError, SpindleError } from '../../errors.ts';

/** A value JSON carries unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One value inside an encoded error. Plain data is carried as is; everything else is tagged by `type`. */
export type EncodedValue =
  | { readonly type: 'json'; readonly value: JsonValue }
  | EncodedErrorNode
  | { readonly type: 'array'; readonly id: number; readonly items: EncodedValue[] }
  | { readonly type: 'object'; readonly id: number; readonly entries: [string, EncodedValue][] }
  | { readonly type: 'map'; readonly id: number; readonly entries: [EncodedValue, EncodedValue][] }
  | { readonly type: 'set'; readonly id: number; readonly items: EncodedValue[] }
  /** `time` is `getTime()`; null for an invalid date (JSON has no NaN). */
  | { readonly type: 'date'; readonly time: number | null }
  | { readonly type: 'regexp'; readonly source: string; readonly flags: string }
  | { readonly type: 'ref'; readonly id: number }
  /** `undefined`, `NaN`, `Infinity`, `-Infinity`, `-0` or a bigint such as `12n`, as its source text. */
  | { readonly type: 'literal'; readonly text: string }
  /** A function, symbol or other class instance, as a short description; it decodes to that string. */
  | { readonly type: 'opaque'; readonly description: string };

/** An `Error` as plain data. */
export interface EncodedErrorNode {
  readonly type: 'error';
  /** What `ref` nodes point at. */
  readonly id: number;
  readonly name: string;
  readonly message: string;
  /** The worker's stack text, verbatim; absent when the error had no string stack. */
  readonly stack?: string;
  /** `error.constructor.name`. */
  readonly className: string;
  /** Constructor names up the prototype chain, nearest first: an unknown subclass decodes as its base. */
  readonly baseClasses: string[];
  /** Own enumerable fields (`code`, `errno`, `path`, user fields), in key order. */
  readonly fields: [string, EncodedValue][];
  readonly cause?: EncodedValue;
  /** `AggregateError#errors`. */
  readonly errors?: EncodedValue[];
}

/** What {@link encodeError} makes: an encoded `Error`, or a thrown non-error value marked as such. */
export type EncodedError = EncodedErrorNode | { readonly type: 'thrown'; readonly value: EncodedValue };

/** Nesting past this (causes of causes, fields of fields) is cut to a description: payloads stay bounded. */
const MAX_DEPTH = 16;
/** The registry symbol errors.ts brands with: `instanceof` on Spindle errors checks it, not the prototype. */
const kSpindleBrand = Symbol.for('spindle.error');

type ErrorClass = new (...args: never[]) => Error;
const builtinClasses = new Map<string, ErrorClass>(
  [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError].map(
    (c) => [c.name, c],
  ),
);
const spindleClassesByCode = new Map<string, ErrorClass>(
  Object.values(spindleErrors).flatMap((value) =>
    typeof value === 'function' && 'CODE' in value ? [[value.CODE, value as unknown as ErrorClass]] : [],
  ),
);
const registeredClasses = new Map<string, ErrorClass>();

/**
 * Registers a user error class, so errors of that class thrown in a worker decode as instances of it.
 *
 * Register in the process or thread that *decodes*: the parent that owns the pool, not the task module. The
 * decoded error is made without calling `ctor` (its arguments are unknown): its prototype is `ctor.prototype`
 * and its own fields are copied from the remote error, so constructor side effects do not run. Registering
 * a second class under the same name replaces the first.
 *
 * @param name The class name to match, when it differs from `ctor.name` (minified code, say).
 * @example
 * ```ts
 * // main.ts, the parent
 * import { registerErrorClass } from 'spindle';
 * import { QuotaError } from './errors.ts';
 * registerErrorClass(QuotaError);
 * // a task that throws `new QuotaError(...)` now rejects with an error that is `instanceof QuotaError`
 * ```
 */
export function registerErrorClass(ctor: new (...args: never[]) => Error, name?: string): void {
  if (typeof ctor !== 'function' || !((ctor as { prototype?: unknown }).prototype instanceof Error)) {
    throw new InvalidArgumentError(`Expected \`ctor\` to be an Error subclass, got ${describe(ctor)}`);
  }
  const key = name ?? ctor.name;
  if (typeof key !== 'string' || key === '') {
    throw new InvalidArgumentError(`Expected \`name\` to be a non-empty string, got ${describe(key)}`);
  }
  registeredClasses.set(key, ctor);
}

/**
 * Turns anything a task threw into plain data that survives JSON and structured clone.
 *
 * An error keeps `name`, `message`, `stack`, its class name, own enumerable fields, `cause` and `errors`,
 * each nested error encoded the same way. Any other thrown value comes back as itself. Dates, RegExps, Maps
 * and Sets are kept (`error.details = new Map()`, `error.at = new Date()`); values that cannot be data
 * (functions, symbols, instances of other classes) become a short description string.
 */
export function encodeError(error: unknown): EncodedError {
  const encoded = encodeValue(error, 0, { seen: new Map(), nextId: 0 });
  return encoded.type === 'error' ? encoded : { type: 'thrown', value: encoded };
}

/**
 * Rebuilds what {@link encodeError} made. An error gets the most specific class known here: one given to
 * {@link registerErrorClass}, a Spindle error by its `code`, a built-in, else `Error` keeping the remote
 * `name`. The stack is the worker's, verbatim.
 */
export function decodeError(encoded: EncodedError): unknown {
  return decodeValue(encoded.type === 'thrown' ? encoded.value : encoded, new Map());
}

/** `seen`: objects met so far, as a `ref` to them or the `json` node they collapsed to. */
type EncodeState = { readonly seen: Map<object, EncodedValue>; nextId: number };

function encodeValue(value: unknown, depth: number, state: EncodeState): EncodedValue {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) {
    return { type: 'json', value };
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) && !Object.is(value, -0)
      ? { type: 'json', value }
      : { type: 'literal', text: Object.is(value, -0) ? '-0' : String(value) };
  }
  if (typeof value === 'undefined') return { type: 'literal', text: 'undefined' };
  if (typeof value === 'bigint') return { type: 'literal', text: `${value}n` };
  if (typeof value !== 'object') return { type: 'opaque', description: describeOpaque(value) };

  const known = state.seen.get(value);
  if (known !== undefined) return known;
  const isError = types.isNativeError(value) || value instanceof Error;
  if (depth > MAX_DEPTH) {
    const text = isError ? `[${String(read(value, 'name'))}: ${String(read(value, 'message'))}]` : '';
    return { type: 'opaque', description: `${text || describeOpaque(value)} (nested too deep)` };
  }
  const id = state.nextId++;
  state.seen.set(value, { type: 'ref', id });
  if (isError) return encodeErrorNode(value as Error, id, depth, state);

  const prototype: unknown = Object.getPrototypeOf(value);
  let node: EncodedValue = { type: 'opaque', description: describeOpaque(value) };
  if (Array.isArray(value) && prototype === Array.prototype) {
    const items = Array.from(value as unknown[], (item) => encodeValue(item, depth + 1, state));
    node = items.every(isJson)
      ? { type: 'json', value: items.map((i) => i.value) }
      : { type: 'array', id, items };
  } else if (prototype === Object.prototype || prototype === null) {
    const entries = encodeFields(value, false, depth, state);
    node = entries.every(([, v]) => isJson(v))
      ? { type: 'json', value: Object.fromEntries(entries.map(([k, v]) => [k, (v as JsonNode).value])) }
      : { type: 'object', id, entries };
  } else if (prototype === Map.prototype) {
    const entries = [...(value as Map<unknown, unknown>)].map(([key, item]): [EncodedValue, EncodedValue] => [
      encodeValue(key, depth + 1, state),
      encodeValue(item, depth + 1, state),
    ]);
    node = { type: 'map', id, entries };
  } else if (prototype === Set.prototype) {
    node = {
      type: 'set',
      id,
      items: [...(value as Set<unknown>)].map((item) => encodeValue(item, depth + 1, state)),
    };
  } else if (prototype === Date.prototype) {
    const time = (value as Date).getTime();
    node = { type: 'date', time: Number.isNaN(time) ? null : time };
  } else if (prototype === RegExp.prototype) {
    node = { type: 'regexp', source: (value as RegExp).source, flags: (value as RegExp).flags };
  }
  // A collapsed container is pure data, so a second sighting reuses it rather than a ref to an unused id.
  if (!CONTAINERS.has(node.type)) state.seen.set(value, node);
  return node;
}

function encodeErrorNode(error: Error, id: number, depth: number, state: EncodeState): EncodedErrorNode {
  const [className = 'Error', ...baseClasses] = classChain(error);
  const name = read(error, 'name');
  const stack = read(error, 'stack');
  const errors = read(error, 'errors');
  const isAggregate =
    Array.isArray(errors) && Object.getOwnPropertyDescriptor(error, 'errors')?.enumerable === false;
  // decodeErrorNode walks fields, cause, errors in this order too, so every ref points at a node it has made.
  const fields = encodeFields(error, true, depth, state);
  const cause = Object.hasOwn(error, 'cause')
    ? encodeValue(read(error, 'cause'), depth + 1, state)
    : undefined;
  return {
    type: 'error',
    id,
    name: typeof name === 'string' ? name : className,
    message: String(read(error, 'message') ?? ''),
    ...(typeof stack === 'string' && { stack }),
    className,
    baseClasses,
    fields,
    ...(cause !== undefined && { cause }),
    ...(isAggregate && { errors: Array.from(errors, (e: unknown) => encodeValue(e, depth + 1, state)) }),
  };
}

function encodeFields(object: object, isError: boolean, depth: number, state: EncodeState) {
  return (
    Object.keys(object)
      // An error's message, stack and cause have their own slots, even when someone made them enumerable.
      .filter((key) => !isError || (key !== 'message' && key !== 'stack' && key !== 'cause'))
      .map((key): [string, EncodedValue] => [key, encodeValue(read(object, key), depth + 1, state)])
  );
}

type JsonNode = Extract<EncodedValue, { type: 'json' }>;
const isJson = (node: EncodedValue): node is JsonNode => node.type === 'json';
/** Nodes that may hold themselves (through a `ref`), so a second sighting must stay a `ref`. */
const CONTAINERS: ReadonlySet<EncodedValue['type']> = new Set(['array', 'object', 'map', 'set']);

/** Reads a property whose getter may throw: that would replace the error being reported with a worse one. */
function read(object: object, key: string): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch (error) {
    return `[getter threw: ${error instanceof Error ? error.message : String(error)}]`;
  }
}

function classChain(object: object): string[] {
  const names: string[] = [];
  let p: object | null = Object.getPrototypeOf(object);
  for (; p !== null && names.length < MAX_DEPTH; p = Object.getPrototypeOf(p)) {
    const ctor = Object.hasOwn(p, 'constructor') ? read(p, 'constructor') : undefined;
    // Node's own errors and Spindle's brandedClass add unnamed or repeated layers; they say nothing new.
    if (typeof ctor === 'function' && ctor.name !== '' && ctor.name !== names.at(-1)) names.push(ctor.name);
    if (p === Error.prototype) break;
  }
  return names;
}

function describeOpaque(value: unknown): string {
  try {
    const text = inspect(value, { depth: 0, breakLength: Infinity, maxArrayLength: 5, maxStringLength: 60 });
    return text.length > 200 ? `${text.slice(0, 199)}…` : text;
  } catch {
    return `[${typeof value}]`;
  }
}

function decodeValue(node: EncodedValue, refs: Map<number, unknown>): unknown {
  switch (node.type) {
    case 'json':
      return node.value;
    case 'literal':
      if (node.text === 'undefined' || node.text === '-0') return node.text === '-0' ? -0 : undefined;
      return node.text.endsWith('n') ? BigInt(node.text.slice(0, -1)) : Number(node.text);
    case 'opaque':
      return node.description;
    case 'ref':
      return refs.get(node.id);
    case 'array': {
      const array: unknown[] = [];
      refs.set(node.id, array);
      for (const item of node.items) array.push(decodeValue(item, refs));
      return array;
    }
    case 'object': {
      const object = {};
      refs.set(node.id, object);
      for (const [key, value] of node.entries) defineField(object, key, decodeValue(value, refs), true);
      return object;
    }
    case 'map': {
      const map = new Map<unknown, unknown>();
      refs.set(node.id, map);
      for (const [key, value] of node.entries) map.set(decodeValue(key, refs), decodeValue(value, refs));
      return map;
    }
    case 'set': {
      const set = new Set<unknown>();
      refs.set(node.id, set);
      for (const item of node.items) set.add(decodeValue(item, refs));
      return set;
    }
    case 'date':
      return new Date(node.time ?? Number.NaN);
    case 'regexp':
      return new RegExp(node.source, node.flags);
    case 'error':
      return decodeErrorNode(node, refs);
  }
}

function decodeErrorNode(node: EncodedErrorNode, refs: Map<number, unknown>): Error {
  const codeNode = node.fields.find(([key]) => key === 'code')?.[1];
  const code = codeNode?.type === 'json' && typeof codeNode.value === 'string' ? codeNode.value : undefined;
  const error = createError(node, code);
  refs.set(node.id, error);
  defineField(error, 'message', node.message, false);
  if (node.stack === undefined) delete error.stack;
  else defineField(error, 'stack', node.stack, false);
  for (const [key, value] of node.fields) defineField(error, key, decodeValue(value, refs), true);
  if (read(error, 'name') !== node.name) defineField(error, 'name', node.name, false);
  if (node.cause !== undefined) defineField(error, 'cause', decodeValue(node.cause, refs), false);
  if (node.errors !== undefined) {
    const nested = node.errors.map((e) => decodeValue(e, refs));
    defineField(error, 'errors', nested, false);
  }
  if (code !== undefined && Object.prototype.isPrototypeOf.call(SpindleError.prototype, error)) {
    // What the SpindleError constructor (not run here) would have set, and what its `instanceof` checks.
    Object.defineProperty(error, kSpindleBrand, { value: code });
  }
  return error;
}

function createError(node: EncodedErrorNode, code: string | undefined): Error {
  const chain = [node.className, ...node.baseClasses];
  const ctor =
    [...chain, node.name].map((n) => registeredClasses.get(n)).find(Boolean) ??
    (code === undefined ? undefined : spindleClassesByCode.get(code));
  if (ctor === undefined && node.className === 'DOMException') {
    // Its constructor's arguments are known, and `code` (20 for AbortError) derives from `name`.
    return new DOMException(node.message, node.name);
  }
  return Reflect.construct(Error, [], ctor ?? chain.map((n) => builtinClasses.get(n)).find(Boolean) ?? Error);
}

/** Own, writable, configurable; enumerable like a field a constructor assigns, or not, like a native slot. */
function defineField(target: object, key: string, value: unknown, enumerable: boolean): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable, configurable: true });
}

/** Where {@link describeUncloneable} found a value structured clone refuses, and what it is. */
export interface UncloneableValue {
  /**
   * Starts at `rootPath`; reads like code where it can: `args[1].user.callback`, `args[0]["some key"]`,
   * `args[0].get("k")`, and `args[0].<Map key #1>`, `args[0].<Set member #2>` where it cannot.
   */
  readonly path: string;
  /** A noun phrase for `` `${path}` is ${reason} ``: `a function (callback)`, `a WeakMap`. */
  readonly reason: string;
}

/** Values looked at, at most, so a huge argument cannot stall the error path. */
const MAX_VISITS = 100_000;

/**
 * Finds the first value inside `value` that structured clone (`postMessage`) would refuse, to name the
 * culprit after a clone has already failed. Functions, symbols, Promise, WeakMap, WeakSet, WeakRef,
 * FinalizationRegistry and Proxy are recognised directly; other class instances (sockets, generators, host
 * objects) are confirmed by cloning each alone, innermost first. Cycles are fine; at most 100 000 values are
 * looked at, so a culprit past that is not found.
 *
 * @returns `undefined` when nothing refusable was found.
 * @example
 * ```ts
 * describeUncloneable([1, { user: { callback() {} } }], 'args');
 * // → { path: 'args[1].user.callback', reason: 'a function (callback)' }
 * ```
 */
export function describeUncloneable(value: unknown, rootPath: string): UncloneableValue | undefined {
  const pending: [unknown, string][] = [[value, rootPath]];
  const seen = new Set<object>();
  const instances: [object, string][] = [];
  for (let n = 0, next = pending.pop(); next !== undefined && n < MAX_VISITS; n++, next = pending.pop()) {
    const [current, path] = next;
    const reason = refusedReason(current);
    if (reason !== undefined) return { path, reason };
    if (typeof current !== 'object' || current === null || seen.has(current) || isClonedWhole(current)) {
      continue;
    }
    seen.add(current);
    const children: [unknown, string][] = [];
    let i = 0;
    if (types.isMap(current)) {
      for (const [k, v] of current) children.push([k, `${path}.<Map key #${i}>`], [v, path + mapGet(k, i++)]);
    } else if (types.isSet(current)) {
      for (const member of current) children.push([member, `${path}.<Set member #${i++}>`]);
    } else if (types.isNativeError(current) || current instanceof Error) {
      // A clone keeps only an error's name, message, stack and cause; other fields are dropped, not refused.
      if (Object.hasOwn(current, 'cause')) children.push([read(current, 'cause'), `${path}.cause`]);
    } else {
      for (const key of Object.keys(current)) children.push([read(current, key), path + pathKey(key)]);
      const prototype: unknown = Object.getPrototypeOf(current);
      if (prototype !== Object.prototype && prototype !== Array.prototype && prototype !== null) {
        instances.push([current, path]);
      }
    }
    // One push per child: spreading a million-element array's children would overflow the call stack.
    for (const child of children.reverse()) pending.push(child);
  }
  // Descendants are visited after their ancestors, so walking backwards tries the innermost candidate first.
  for (const [candidate, path] of instances.reverse()) {
    try {
      structuredClone(candidate);
    } catch (error) {
      const detail = error instanceof Error ? ` (${error.message})` : '';
      const kind = classChain(candidate)[0] ?? Object.prototype.toString.call(candidate).slice(8, -1);
      return { path, reason: `a ${kind} object that cannot be cloned${detail}` };
    }
  }
  return undefined;
}

function refusedReason(value: unknown): string | undefined {
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`;
  if (typeof value === 'symbol') return `a symbol (${value.toString()})`;
  if (typeof value !== 'object' || value === null) return undefined;
  if (types.isProxy(value)) return 'a Proxy';
  if (types.isPromise(value)) return 'a Promise';
  if (types.isWeakMap(value)) return 'a WeakMap';
  if (types.isWeakSet(value)) return 'a WeakSet';
  if (value instanceof WeakRef) return 'a WeakRef';
  return value instanceof FinalizationRegistry ? 'a FinalizationRegistry' : undefined;
}

/** Values the clone copies by their internal data, never reading their properties. */
function isClonedWhole(v: object): boolean {
  const { isDate, isRegExp, isBoxedPrimitive, isAnyArrayBuffer, isArrayBufferView } = types;
  return isDate(v) || isRegExp(v) || isBoxedPrimitive(v) || isAnyArrayBuffer(v) || isArrayBufferView(v);
}

function pathKey(key: string): string {
  if (/^(?:0|[1-9]\d*)$/.test(key)) return `[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function mapGet(key: unknown, index: number): string {
  if (typeof key === 'string') return `.get(${JSON.stringify(key)})`;
  if (typeof key === 'bigint') return `.get(${key}n)`;
  if (typeof key === 'number' || typeof key === 'boolean' || key == null) return `.get(${String(key)})`;
  return `.<Map value #${index}>`;
}
