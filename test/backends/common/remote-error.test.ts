import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { types } from 'node:util';
import {
  decodeError,
  describeUncloneable,
  encodeError,
  registerErrorClass,
  type EncodedError,
} from '../../../src/backends/common/remote-error.ts';
import {
  CancelledError,
  InvalidArgumentError,
  SpindleError,
  TimeoutError,
  UnserializableError,
  WorkerCrashedError,
} from '../../../src/errors.ts';

/** What a parent sees: encoded in the worker, sent through JSON (process IPC), decoded. */
function roundTrip(value: unknown): unknown {
  return decodeError(JSON.parse(JSON.stringify(encodeError(value))) as EncodedError);
}

function roundTripError(value: unknown): Error {
  const decoded = roundTrip(value);
  assert.ok(decoded instanceof Error, 'decoded value is an Error');
  return decoded;
}

function assertNativeSlot(error: object, key: string, value: unknown): void {
  const descriptor = Object.getOwnPropertyDescriptor(error, key);
  assert.deepEqual(descriptor, { value, writable: true, enumerable: false, configurable: true }, key);
}

describe('encodeError / decodeError', () => {
  const builtins = [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError];
  for (const Class of builtins) {
    test(`a ${Class.name} comes back as a native ${Class.name} with its message and remote stack`, () => {
      const original = new Class('boom');
      const decoded = roundTripError(original);
      assert.ok(decoded instanceof Class);
      assert.ok(types.isNativeError(decoded));
      assert.equal(decoded.name, Class.name);
      assert.equal(decoded.message, 'boom');
      assert.equal(decoded.stack, original.stack);
      assert.equal(Object.getPrototypeOf(decoded), Class.prototype);
      assertNativeSlot(decoded, 'message', 'boom');
      assertNativeSlot(decoded, 'stack', original.stack);
    });
  }

  test('an AggregateError comes back with its errors, each rebuilt', () => {
    const original = new AggregateError([new TypeError('a'), 'plain', new RangeError('b')], 'many');
    const decoded = roundTripError(original) as AggregateError;
    assert.ok(decoded instanceof AggregateError);
    assert.equal(decoded.message, 'many');
    assert.equal(decoded.errors.length, 3);
    assert.ok(decoded.errors[0] instanceof TypeError);
    assert.equal(decoded.errors[0].message, 'a');
    assert.equal(decoded.errors[1], 'plain');
    assert.ok(decoded.errors[2] instanceof RangeError);
    assert.equal(Object.getOwnPropertyDescriptor(decoded, 'errors')?.enumerable, false);
  });

  test('code, errno, path and user fields survive as own, writable, enumerable fields', () => {
    const original = Object.assign(new Error('ENOENT: no such file'), {
      code: 'ENOENT',
      errno: -2,
      path: '/nope',
      details: { attempts: [1, 2], ok: false, none: null },
      missing: undefined,
      ratio: NaN,
      big: 12n,
    });
    const decoded = roundTripError(original) as typeof original;
    assert.equal(decoded.code, 'ENOENT');
    assert.equal(decoded.errno, -2);
    assert.equal(decoded.path, '/nope');
    assert.deepEqual(decoded.details, { attempts: [1, 2], ok: false, none: null });
    assert.ok(Object.hasOwn(decoded, 'missing'));
    assert.equal(decoded.missing, undefined);
    assert.ok(Number.isNaN(decoded.ratio));
    assert.equal(decoded.big, 12n);
    assert.deepEqual(Object.getOwnPropertyDescriptor(decoded, 'code'), {
      value: 'ENOENT',
      writable: true,
      enumerable: true,
      configurable: true,
    });
  });

  test("Node's own errors keep their code and class", () => {
    let thrown: unknown;
    try {
      Buffer.alloc(-1);
    } catch (error) {
      thrown = error;
    }
    const decoded = roundTripError(thrown) as Error & { code?: string };
    assert.ok(decoded instanceof RangeError);
    assert.equal(decoded.code, (thrown as { code: string }).code);
  });

  test('fields that cannot be data become a short description, and nested errors are rebuilt', () => {
    class Session {
      id = 7;
    }
    const original = Object.assign(new Error('x'), {
      callback: function onDone() {},
      tag: Symbol('t'),
      session: new Session(),
      inner: new TypeError('nested'),
    });
    const decoded = roundTripError(original) as Error & Record<string, unknown>;
    assert.equal(typeof decoded.callback, 'string');
    assert.match(decoded.callback as string, /onDone/);
    assert.equal(decoded.tag, 'Symbol(t)');
    assert.match(decoded.session as string, /Session/);
    assert.ok(decoded.inner instanceof TypeError);
    assert.equal(decoded.inner.message, 'nested');
  });

  test('Date, RegExp, Map and Set fields come back as themselves, through JSON, cycles included', () => {
    const original = Object.assign(new RangeError('quota'), {
      at: new Date(1_700_000_000_000),
      never: new Date(Number.NaN),
      pattern: /^a+$/giu,
      details: new Map<unknown, unknown>([
        ['limit', 10n],
        [{ key: 'object' }, new Set([1, 'two'])],
      ]),
    });
    original.details.set('self', original.details);
    const decoded = roundTripError(original) as RangeError & typeof original;
    assert.ok(decoded instanceof RangeError);
    assert.ok(decoded.at instanceof Date && decoded.at.getTime() === 1_700_000_000_000);
    assert.ok(decoded.never instanceof Date && Number.isNaN(decoded.never.getTime()));
    assert.ok(decoded.pattern instanceof RegExp);
    assert.deepEqual([decoded.pattern.source, decoded.pattern.flags], ['^a+$', 'giu']);
    assert.ok(decoded.details instanceof Map);
    assert.equal(decoded.details.get('limit'), 10n);
    const [, [key, members]] = [...decoded.details] as [unknown, [unknown, Set<unknown>]];
    assert.deepEqual(key, { key: 'object' });
    assert.deepEqual([...members], [1, 'two']);
    assert.equal(decoded.details.get('self'), decoded.details, 'the cycle is kept');
  });

  test('a cause chain three deep comes back whole, cause non-enumerable', () => {
    const root = new RangeError('root', { cause: 'bottom' });
    const middle = new TypeError('middle', { cause: root });
    const top = new Error('top', { cause: middle });
    const decoded = roundTripError(top);
    assertNativeSlot(decoded, 'cause', decoded.cause);
    const decodedMiddle = decoded.cause as Error;
    assert.ok(decodedMiddle instanceof TypeError);
    assert.equal(decodedMiddle.message, 'middle');
    const decodedRoot = decodedMiddle.cause as Error;
    assert.ok(decodedRoot instanceof RangeError);
    assert.equal(decodedRoot.stack, root.stack);
    assert.equal(decodedRoot.cause, 'bottom');
  });

  test('an error whose cause is itself comes back as the same cycle', () => {
    const original = new Error('loop');
    original.cause = original;
    const encoded = encodeError(original);
    assert.doesNotThrow(() => JSON.stringify(encoded));
    const decoded = roundTripError(original);
    assert.equal(decoded.cause, decoded);
  });

  test('a cycle through two errors and a field object is kept', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    const bag: Record<string, unknown> = { b };
    bag.self = bag;
    Object.assign(a, { bag });
    const decoded = roundTripError(a) as Error & { bag: { b: Error; self: unknown } };
    assert.equal(decoded.bag.self, decoded.bag);
    assert.equal(decoded.bag.b.cause, decoded);
  });

  test('a cause chain deeper than the cap is cut to a description instead of growing without bound', () => {
    let error = new Error('level 0');
    for (let i = 1; i <= 40; i++) error = new Error(`level ${i}`, { cause: error });
    const decoded = roundTripError(error);
    let depth = 0;
    let current: unknown = decoded;
    while (current instanceof Error) {
      current = current.cause;
      depth++;
    }
    assert.ok(depth > 10 && depth < 40, `kept ${depth} levels`);
    assert.equal(typeof current, 'string');
    assert.match(current as string, /nested too deep/);
  });

  test('a registered user class comes back as an instance of it with its fields, constructor not run', () => {
    let constructed = 0;
    class QuotaError extends Error {
      readonly limit: number;
      constructor(limit: number) {
        super(`over quota of ${limit}`);
        this.name = 'QuotaError';
        this.limit = limit;
        constructed++;
      }
    }
    registerErrorClass(QuotaError);
    const original = new QuotaError(5);
    const decoded = roundTripError(original);
    assert.equal(constructed, 1);
    assert.ok(decoded instanceof QuotaError);
    assert.equal(decoded.limit, 5);
    assert.equal(decoded.name, 'QuotaError');
    assert.equal(decoded.message, 'over quota of 5');
    assert.equal(decoded.stack, original.stack);
  });

  test('a registered class also matches by the error name given at registration (minified classes)', () => {
    class Minified extends Error {}
    registerErrorClass(Minified, 'RenamedByBundler');
    const decoded = roundTripError(Object.assign(new Error('m'), { name: 'RenamedByBundler' }));
    assert.ok(decoded instanceof Minified);
    assert.equal(decoded.name, 'RenamedByBundler');
  });

  test('an unregistered class comes back as an Error that keeps the original name', () => {
    class NeverRegisteredError extends Error {
      override name = 'NeverRegisteredError';
    }
    const decoded = roundTripError(new NeverRegisteredError('lost class'));
    assert.equal(Object.getPrototypeOf(decoded), Error.prototype);
    assert.equal(decoded.name, 'NeverRegisteredError');
    assert.equal(decoded.message, 'lost class');
  });

  test('an unregistered subclass of a built-in comes back as that built-in, name kept', () => {
    class HttpError extends TypeError {}
    const decoded = roundTripError(new HttpError('bad'));
    assert.ok(decoded instanceof TypeError);
    assert.equal(decoded.name, 'TypeError');
    const named = roundTripError(Object.assign(new HttpError('bad'), { name: 'HttpError' }));
    assert.ok(named instanceof TypeError);
    assert.equal(named.name, 'HttpError');
  });

  test('Spindle errors come back as their class, found by code', () => {
    const timeout = roundTripError(new TimeoutError('too slow'));
    assert.ok(timeout instanceof TimeoutError);
    assert.ok(timeout instanceof SpindleError);
    assert.ok(!(timeout instanceof CancelledError));
    assert.equal(timeout.name, 'TimeoutError');
    assert.equal((timeout as TimeoutError).code, 'SPINDLE_ERR_TIMEOUT');

    const crash = roundTripError(new WorkerCrashedError('died', { exitCode: 3, signal: null }));
    assert.ok(crash instanceof WorkerCrashedError);
    assert.equal(crash.exitCode, 3);
    assert.equal(crash.signal, null);

    const unserializable = roundTripError(new UnserializableError('no', 'args[0]'));
    assert.ok(unserializable instanceof UnserializableError);
    assert.equal(unserializable.path, 'args[0]');
  });

  test('an error carrying a Spindle code is rebuilt as that Spindle class', () => {
    const decoded = roundTripError(Object.assign(new Error('late'), { code: 'SPINDLE_ERR_TIMEOUT' }));
    assert.ok(decoded instanceof TimeoutError);
    assert.equal(decoded.message, 'late');
  });

  test('an AbortError DOMException comes back as a DOMException with its name and code', () => {
    const controller = new AbortController();
    controller.abort();
    const decoded = roundTrip(controller.signal.reason);
    assert.ok(decoded instanceof DOMException);
    assert.equal(decoded.name, 'AbortError');
    assert.equal(decoded.code, 20);
  });

  describe('thrown non-errors come back as themselves', () => {
    const values: [string, unknown][] = [
      ['a string', 'just a string'],
      ['a number', 42],
      ['NaN', NaN],
      ['negative zero', -0],
      ['a plain object', { reason: 'nope', retry: [1, 2, { at: null }] }],
      ['undefined', undefined],
      ['null', null],
      ['true', true],
    ];
    for (const [label, value] of values) {
      test(label, () => {
        const encoded = encodeError(value);
        assert.equal(encoded.type, 'thrown');
        assert.deepEqual(roundTrip(value), value);
        assert.ok(Object.is(roundTrip(value), value) || typeof value === 'object');
      });
    }

    test('a plain object with a nested error keeps the error', () => {
      const decoded = roundTrip({ error: new TypeError('inside') }) as { error: unknown };
      assert.ok(decoded.error instanceof TypeError);
    });
  });

  test('the encoded form survives JSON and structured clone and decodes the same both ways', () => {
    const cause = new RangeError('cause', { cause: { nested: [1, 'two'] } });
    const original = Object.assign(new AggregateError([new TypeError('t'), 7], 'agg', { cause }), {
      code: 'E_AGG',
      extra: { deep: { deeper: ['x'] } },
    });
    original.cause = cause;
    const encoded = encodeError(original);
    const viaJson = JSON.parse(JSON.stringify(encoded)) as EncodedError;
    const viaClone = structuredClone(encoded);
    assert.deepEqual(viaJson, encoded);
    assert.deepEqual(viaClone, encoded);
    const a = decodeError(viaJson) as AggregateError & { code: string };
    const b = decodeError(viaClone) as AggregateError & { code: string };
    assert.deepEqual(a, b);
    for (const decoded of [a, b]) {
      assert.ok(decoded instanceof AggregateError);
      assert.equal(decoded.code, 'E_AGG');
      assert.equal(decoded.stack, original.stack);
      assert.ok(decoded.cause instanceof RangeError);
      assert.deepEqual((decoded.cause as Error).cause, { nested: [1, 'two'] });
      assert.ok(decoded.errors[0] instanceof TypeError);
    }
  });
});

describe('registerErrorClass', () => {
  test('rejects values that are not Error subclasses with the standard message', () => {
    const bad: [unknown, RegExp][] = [
      [5, /^Expected `ctor` to be an Error subclass, got `5` \(number\)$/],
      ['Error', /got `"Error"` \(string\)/],
      [class NotAnError {}, /got function NotAnError/],
      [() => {}, /got function/],
      [null, /got `null`/],
    ];
    for (const [value, message] of bad) {
      assert.throws(
        () => registerErrorClass(value as new () => Error),
        (error: unknown) => error instanceof InvalidArgumentError && message.test(error.message),
      );
    }
  });

  test('rejects an empty registration name', () => {
    class Fine extends Error {}
    assert.throws(() => registerErrorClass(Fine, ''), InvalidArgumentError);
  });
});

describe('describeUncloneable', () => {
  test('names a nested function by its path', () => {
    const found = describeUncloneable([1, { user: { name: 'ada', callback() {} } }], 'args');
    assert.deepEqual(found, { path: 'args[1].user.callback', reason: 'a function (callback)' });
  });

  test('names a symbol under a key that is not an identifier', () => {
    const found = describeUncloneable({ 'some key': [Symbol('id')] }, 'result');
    assert.equal(found?.path, 'result["some key"][0]');
    assert.match(found?.reason ?? '', /symbol/);
  });

  test('names a Map value by its key, and a bad Map key by position', () => {
    const value = new Map<unknown, unknown>([
      ['fine', 1],
      ['x', { run: () => 1 }],
    ]);
    assert.equal(describeUncloneable([value], 'args')?.path, 'args[0].get("x").run');
    const badKey = new Map<unknown, unknown>([
      [1, 1],
      [Symbol('k'), 2],
    ]);
    assert.equal(describeUncloneable(badKey, 'args[0]')?.path, 'args[0].<Map key #1>');
  });

  test('names a Set member by position', () => {
    const found = describeUncloneable({ tags: new Set(['a', Promise.resolve()]) }, 'args[2]');
    assert.deepEqual(found, { path: 'args[2].tags.<Set member #1>', reason: 'a Promise' });
  });

  test('names weak collections and errors whose cause cannot be cloned', () => {
    assert.equal(describeUncloneable({ cache: new WeakMap() }, 'a')?.reason, 'a WeakMap');
    assert.equal(describeUncloneable(new Error('x', { cause: Symbol('s') }), 'e')?.path, 'e.cause');
  });

  test('finds a class instance that only a real clone refuses', () => {
    function* generate() {}
    const found = describeUncloneable({ items: [1, generate()] }, 'args');
    assert.equal(found?.path, 'args.items[1]');
    assert.match(found?.reason ?? '', /cannot be cloned/);
  });

  test('returns undefined for a cyclic object with nothing bad in it', () => {
    const node: Record<string, unknown> = { name: 'root', when: new Date(), bytes: new Uint8Array(2) };
    node.self = node;
    node.children = [node, new Map([['back', node]]), new Set([node])];
    assert.equal(describeUncloneable(node, 'args'), undefined);
    assert.doesNotThrow(() => structuredClone(node));
  });

  test('stops within its budget on a huge array instead of overflowing the stack', () => {
    const huge = [...new Array<number>(300_000).fill(0), () => 1];
    assert.doesNotThrow(() => describeUncloneable(huge, 'args[0]'));
    assert.equal(
      describeUncloneable([...new Array<number>(1000).fill(0), Symbol('s')], 'a')?.path,
      'a[1000]',
    );
  });

  test('agrees with structuredClone on the top-level value itself', () => {
    assert.deepEqual(
      describeUncloneable(() => 1, 'args[0]'),
      { path: 'args[0]', reason: 'a function (anonymous)' },
    );
    assert.equal(describeUncloneable('fine', 'args[0]'), undefined);
  });
});
