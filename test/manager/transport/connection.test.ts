// A server in this process and direct connections to it: the round trip, errors, cancellation, sessions.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { connect as rawConnect } from 'node:net';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AuthenticationError,
  BlockingCallError,
  CancelledError,
  InvalidArgumentError,
  ManagerUnavailableError,
  ProtocolError,
  QueueEmptyError,
  UnserializableError,
} from '../../../src/errors.ts';
import { newAuthkey } from '../../../src/manager/auth.ts';
import { channelFor } from '../../../src/manager/channels.ts';
import { Connection, connect } from '../../../src/manager/connection.ts';
import { startServer } from '../../../src/manager/server.ts';
import type { ManagerServer } from '../../../src/manager/server.ts';
import { createObjectHost } from '../../fixtures/manager-transport-host.ts';

const host = createObjectHost();
let server: ManagerServer;
let client: Connection;

before(async () => {
  server = await startServer({ host });
  client = await connect(server.endpoint);
});
after(async () => {
  client.close();
  await server.close();
});

describe('calls', () => {
  test('rich values round-trip: Map, Set, Date, bigint, typed arrays, nested and cyclic objects', async () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const value = {
      map: new Map<unknown, unknown>([
        [1, 'one'],
        ['two', new Set([2n])],
      ]),
      date: new Date(86_400_000),
      big: 2n ** 70n,
      bytes: new Uint8Array([1, 2, 255]),
      floats: new Float64Array([0.5, -0]),
      nested: [{ deep: [undefined, null, Number.NaN] }],
      regexp: /a+b/gi,
      cyclic,
    };
    const back = (await client.call(0, 'echo', [value])) as typeof value;
    assert.deepEqual(back, value);
    assert.equal((back.cyclic as { self: unknown }).self, back.cyclic);
  });

  test('errors arrive as their own class: a QueueEmptyError thrown by the host rejects with QueueEmptyError', async () => {
    await assert.rejects(
      client.call(0, 'throw', ['QueueEmptyError']),
      (e: unknown) => e instanceof QueueEmptyError && e.message === 'nothing in the fake queue',
    );
    await assert.rejects(
      client.call(0, 'reject', ['far']),
      (e: unknown) => e instanceof RangeError && e.message === 'far',
    );
    await assert.rejects(client.call(0, 'throw', ['string']), (e: unknown) => e === 'a thrown string');
    await assert.rejects(client.call(0, 'no such method', []), TypeError);
  });

  test('replies come back in the order requests complete, not the order they were sent', async () => {
    const order: string[] = [];
    const a = client.call(0, 'wait', ['order-a']).then((v) => order.push(String(v)));
    const b = client.call(0, 'wait', ['order-b']).then((v) => order.push(String(v)));
    await host.whenWaiting(2);
    assert.equal(await client.call(0, 'open', ['order-b']), 1);
    await b;
    assert.equal(await client.call(0, 'open', ['order-a']), 1);
    await a;
    assert.deepEqual(order, ['opened order-b', 'opened order-a']);
  });

  test('the timeout is passed through to the host, which answers as its method says', async () => {
    assert.equal(await client.call(0, 'wait', ['never'], { timeout: 1 }), 'timeout');
    const seen = host.invocations.filter((i) => i.method === 'wait' && i.timeout === 1);
    assert.equal(seen.length, 1);
    await client.call(0, 'echo', [1]);
    assert.equal(host.invocations.at(-1)?.timeout, undefined);
  });

  test('aborting a pending call withdraws it: the host sees its signal abort, the call rejects with the reason', async () => {
    const controller = new AbortController();
    const before = host.abortReasons.length;
    const pending = client.call(0, 'wait', ['cancel-me'], { signal: controller.signal });
    await host.whenWaiting(1);
    const reason = new Error('changed my mind');
    controller.abort(reason);
    await assert.rejects(pending, (e: unknown) => e === reason);
    assert.equal(host.abortReasons.length, before + 1);
    assert.ok(host.abortReasons.at(-1) instanceof CancelledError);
    assert.equal(await client.call(0, 'waiting', []), 0, 'the waiter left');
  });

  test('aborting a call the server has already completed leaves its result standing', async () => {
    const controller = new AbortController();
    // The server handles frames in order: the echo is answered before the cancel is read.
    const done = client.call(0, 'echo', ['kept'], { signal: controller.signal });
    controller.abort(new Error('too late'));
    assert.equal(await done, 'kept');
  });

  test('an already-aborted signal rejects at once without sending anything', async () => {
    const count = host.invocations.length;
    await assert.rejects(
      client.call(0, 'echo', [1], { signal: AbortSignal.abort('no') }),
      (e: unknown) => e === 'no',
    );
    assert.equal(host.invocations.length, count);
  });

  test('values that cannot travel fail their own call, with a path, and the session goes on', async () => {
    await assert.rejects(
      client.call(0, 'echo', [{ callback: () => 1 }]),
      (e: unknown) => e instanceof UnserializableError && e.path === 'args[0].callback',
    );
    await assert.rejects(client.call(0, 'unserializable', []), UnserializableError);
    assert.equal(await client.call(0, 'echo', ['still here']), 'still here');
  });

  test('a big value crosses whole, and one over the frame limit is refused on this side', async () => {
    const bytes = (await client.call(0, 'bytes', [8 * 1024 * 1024])) as Uint8Array;
    assert.equal(bytes.length, 8 * 1024 * 1024);
    assert.equal(bytes[bytes.length - 1], 7);
    const small = new Connection(server.endpoint, { maxFrameBytes: 4096 });
    await assert.rejects(small.call(0, 'echo', [new Uint8Array(10_000)]), ProtocolError);
    assert.equal(await small.call(0, 'echo', [1]), 1);
    small.close();
  });

  test('a reply over the server limit fails that call with ProtocolError', async () => {
    const tight = await startServer({ host, maxFrameBytes: 64 * 1024 });
    const c = await connect(tight.endpoint);
    await assert.rejects(
      c.call(0, 'bytes', [100_000]),
      (e: unknown) => e instanceof ProtocolError && /reply/.test(e.message),
    );
    assert.equal(await c.call(0, 'echo', [2]), 2);
    c.close();
    await tight.close();
  });

  test('callSync on a direct connection throws BlockingCallError on the main thread', () => {
    assert.throws(
      () => client.callSync(0, 'echo', [1]),
      (e: unknown) => e instanceof BlockingCallError && /async form/.test(e.message),
    );
  });
});

describe('sessions', () => {
  test('each connection is one session; closing it aborts its pending calls and calls sessionClosed', async () => {
    const other = await connect(server.endpoint);
    const id = (await other.call(0, 'session', [])) as number;
    assert.notEqual(id, await client.call(0, 'session', []));
    assert.equal(await other.call(0, 'count', []), 1);
    assert.equal(await other.call(0, 'count', []), 2);
    const closedBefore = host.closedSessions.length;
    const abortsBefore = host.abortReasons.length;
    const pending = other.call(0, 'wait', ['orphan']);
    await host.whenWaiting(1);
    other.close();
    await assert.rejects(
      pending,
      (e: unknown) => e instanceof ManagerUnavailableError && /was closed/.test(e.message),
    );
    await assert.rejects(other.call(0, 'echo', [1]), ManagerUnavailableError);
    await host.whenClosed(closedBefore + 1);
    assert.equal(host.closedSessions.at(-1), id);
    assert.equal(host.abortReasons.length, abortsBefore + 1, 'the waiter was aborted with the session');
  });

  test('a wrong auth key gets AuthenticationError, and the server keeps serving', async () => {
    const wrong = { address: server.endpoint.address, authkey: newAuthkey() };
    await assert.rejects(
      connect(wrong),
      (e: unknown) => e instanceof AuthenticationError && /refused/.test(e.message),
    );
    const lazy = new Connection(wrong);
    await assert.rejects(lazy.call(0, 'echo', [1]), AuthenticationError);
    await assert.rejects(lazy.call(0, 'echo', [1]), AuthenticationError, 'later calls fail the same way');
    assert.equal(await client.call(0, 'echo', ['fine']), 'fine');
  });

  test('nothing listening: ManagerUnavailableError naming the address and why', async () => {
    const endpoint = { address: '/nonexistent/spindle.sock', authkey: newAuthkey() };
    await assert.rejects(
      connect(endpoint),
      (e: unknown) =>
        e instanceof ManagerUnavailableError &&
        e.message.includes('/nonexistent/spindle.sock') &&
        /ENOENT/.test(e.message),
    );
  });

  test('a peer that is not a manager (it never speaks) times out as ManagerUnavailableError', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const endpoint = { address: { host: '127.0.0.1', port }, authkey: newAuthkey() };
    await assert.rejects(
      connect(endpoint, { connectTimeout: 200 }),
      (e: unknown) => e instanceof ManagerUnavailableError && /no answer within 200 ms/.test(e.message),
    );
    silent.close();
  });

  test('a peer that does not authenticate in time is disconnected', async () => {
    const quick = await startServer({ host, handshakeTimeout: 100 });
    const socket = rawConnect(quick.endpoint.address as string);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk)).on('error', () => undefined);
    await new Promise((resolve) => socket.on('close', resolve));
    assert.equal(received.length > 0, true, 'it was sent a challenge first');
    await quick.close();
  });

  test('channelFor on the main thread gives one direct connection per manager', async () => {
    const channel = channelFor(server.endpoint);
    assert.ok(channel instanceof Connection);
    assert.equal(channelFor({ ...server.endpoint }), channel);
    assert.equal(await channel.call(0, 'echo', [3]), 3);
    assert.throws(() => channelFor({ address: '', authkey: 'aa' }), InvalidArgumentError);
    (channel as Connection).close();
    assert.notEqual(channelFor(server.endpoint), channel, 'a closed channel is forgotten');
    (channelFor(server.endpoint) as Connection).close();
  });
});

describe('listening', () => {
  test('the default Unix socket lives in a private directory that close() removes', async () => {
    const s = await startServer({ host });
    const path = s.endpoint.address as string;
    assert.ok(existsSync(path));
    await s.close();
    assert.equal(existsSync(path), false);
    assert.equal(existsSync(dirname(path)), false);
  });

  test('TCP requires an auth key of at least 16 bytes and says why', async () => {
    await assert.rejects(
      startServer({ host, address: { port: 0 } }),
      (e: unknown) =>
        e instanceof InvalidArgumentError && /at least 16 bytes/.test(e.message) && /anyone/.test(e.message),
    );
    await assert.rejects(
      startServer({ host, address: { port: 0 }, authkey: 'ab'.repeat(15) }),
      InvalidArgumentError,
    );
  });

  test('TCP binds the loopback address unless told otherwise, and serves on the port it reports', async () => {
    const authkey = newAuthkey();
    const s = await startServer({ host, address: { port: 0 }, authkey });
    const address = s.endpoint.address as { host: string; port: number };
    assert.equal(address.host, '127.0.0.1');
    assert.ok(address.port > 0);
    assert.equal(s.endpoint.authkey, authkey);
    const c = await connect(s.endpoint);
    assert.equal(await c.call(0, 'echo', [{ over: 'tcp' }]).then((v) => JSON.stringify(v)), '{"over":"tcp"}');
    c.close();
    await s.close();
  });

  test('bad options are refused with InvalidArgumentError', async () => {
    await assert.rejects(startServer({ host: {} as never }), InvalidArgumentError);
    await assert.rejects(startServer({ host, maxFrameBytes: 10 }), /maxFrameBytes/);
    await assert.rejects(startServer({ host, authkey: 'not hex' }), /authkey/);
    await assert.rejects(startServer({ host, address: { port: 70000 }, authkey: newAuthkey() }), /port/);
  });

  test('close() ends every session (each host clean-up runs) and pending calls reject', async () => {
    const s = await startServer({ host });
    const c = await connect(s.endpoint);
    const pending = assert.rejects(c.call(0, 'wait', ['shutdown']), ManagerUnavailableError);
    await host.whenWaiting(1);
    const closed = host.closedSessions.length;
    assert.equal(s.sessionCount, 1);
    await s.close();
    await pending;
    assert.equal(host.closedSessions.length, closed + 1);
  });
});
