// The blocking bridge: manager calls from threads that may block, through a helper thread per calling thread.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  AuthenticationError,
  BlockingCallError,
  ManagerUnavailableError,
  QueueEmptyError,
  Thread,
  ThreadPoolExecutor,
} from '../../../src/index.ts';
import { newAuthkey } from '../../../src/manager/auth.ts';
import { Bridge } from '../../../src/manager/bridge.ts';
import { channelFor, closeChannels, openChannel } from '../../../src/manager/channels.ts';
import { startServer } from '../../../src/manager/server.ts';
import type { ManagerServer } from '../../../src/manager/server.ts';
import { createObjectHost } from '../../fixtures/manager-transport-host.ts';
import * as tasks from '../../fixtures/manager-transport-tasks.ts';

const host = createObjectHost();
let server: ManagerServer;
const pool = new ThreadPoolExecutor({ maxWorkers: 2 });

before(async () => {
  server = await startServer({ host });
});
after(async () => {
  await pool.shutdown({ cancelFutures: true });
  await server.close();
});

describe('blocking calls from a worker thread', () => {
  test('return rich values', async () => {
    const value = { when: new Date(5), ids: new Map([['a', 1n]]), bytes: new Int16Array([-1, 2]) };
    assert.deepEqual(await pool.submit(tasks.callSync, server.endpoint, 'echo', [value]), value);
  });

  test("throw the host's error as its own class", async () => {
    await assert.rejects(
      pool.submit(tasks.callSync, server.endpoint, 'throw', ['QueueEmptyError']),
      QueueEmptyError,
    );
  });

  test('pass the timeout through', async () => {
    assert.equal(await pool.submit(tasks.callSync, server.endpoint, 'wait', ['bridge-never'], 1), 'timeout');
  });

  test("wait for a reply that takes a while, while other threads' calls come and go", async () => {
    const blocked = pool.submit(tasks.callSync, server.endpoint, 'wait', ['bridge-gate']);
    await host.whenWaiting(1);
    assert.equal(await pool.submit(tasks.callSync, server.endpoint, 'echo', ['meanwhile']), 'meanwhile');
    assert.equal(await pool.submit(tasks.callSync, server.endpoint, 'open', ['bridge-gate']), 1);
    assert.equal(await blocked, 'opened bridge-gate');
  });

  test('blocking and async calls of one thread share its one session', async () => {
    const [blocking, asynchronous] = (await pool.submit(tasks.sessions, server.endpoint)) as number[];
    assert.equal(blocking, asynchronous);
  });

  test('a wrong key throws AuthenticationError; no manager throws ManagerUnavailableError, at once', async () => {
    const wrong = { address: server.endpoint.address, authkey: newAuthkey() };
    const auth = await pool.submit(tasks.callSyncError, wrong, 'echo', [1]);
    assert.equal(auth?.name, 'AuthenticationError');
    const missing = { address: `${server.endpoint.address as string}.missing`, authkey: newAuthkey() };
    const gone = await pool.submit(tasks.callSyncError, missing, 'echo', [1]);
    assert.equal(gone?.name, 'ManagerUnavailableError');
    assert.match(gone!.message, /\.missing: ENOENT/);
  });
});

describe('sessions of threads', () => {
  test("sessionClosed is called when a client thread exits, and the thread's waiters are aborted", async () => {
    const closed = host.closedSessions.length;
    const thread = new Thread(tasks.callSync, server.endpoint, 'session', []).start();
    await thread.join();
    const session = (await thread.result()) as number;
    await host.whenClosed(closed + 1);
    assert.ok(host.closedSessions.includes(session));
  });

  test('a program whose threads used the manager still exits on its own', async () => {
    const fixture = fileURLToPath(new URL('../../fixtures/manager-transport-exit.ts', import.meta.url));
    const child = spawn(process.execPath, [...process.execArgv, fixture, JSON.stringify(server.endpoint)], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 0);
  });
});

describe('the bridge on the main thread', () => {
  test('async calls work; blocking ones throw BlockingCallError naming the async form', async () => {
    const bridge = new Bridge(server.endpoint);
    assert.equal(await bridge.call(0, 'echo', ['via helper']), 'via helper');
    assert.throws(
      () => bridge.callSync(0, 'echo', [1]),
      (e: unknown) => e instanceof BlockingCallError && /async form/.test(e.message),
    );
    const pending = bridge.call(0, 'wait', ['bridge-close']);
    await host.whenWaiting(1);
    bridge.close();
    await assert.rejects(pending, ManagerUnavailableError);
    await assert.rejects(bridge.call(0, 'echo', [1]), ManagerUnavailableError);
  });

  test('abort withdraws a pending async call through the helper', async () => {
    const bridge = new Bridge(server.endpoint);
    const controller = new AbortController();
    const pending = bridge.call(0, 'wait', ['bridge-abort'], { signal: controller.signal });
    await host.whenWaiting(1);
    controller.abort('stop');
    await assert.rejects(pending, (e: unknown) => e === 'stop');
    assert.equal(await bridge.call(0, 'waiting', []), 0);
    bridge.close();
  });

  test('a wrong key rejects async calls with AuthenticationError', async () => {
    const bridge = new Bridge({ address: server.endpoint.address, authkey: newAuthkey() });
    await assert.rejects(bridge.call(0, 'echo', [1]), AuthenticationError);
  });
});

describe('openChannel', () => {
  test('resolves once connected, and reports a wrong key or a missing manager up front', async () => {
    const channel = await openChannel(server.endpoint);
    assert.equal(channel, channelFor(server.endpoint));
    assert.equal(await channel.call(0, 'echo', ['opened']), 'opened');
    await assert.rejects(
      openChannel({ address: server.endpoint.address, authkey: newAuthkey() }),
      AuthenticationError,
    );
    await assert.rejects(
      openChannel({ address: `${server.endpoint.address as string}.gone`, authkey: newAuthkey() }),
      ManagerUnavailableError,
    );
    closeChannels(server.endpoint);
    await assert.rejects(channel.call(0, 'echo', [1]), ManagerUnavailableError);
  });

  test('a Bridge reports ready() the same way', async () => {
    const bridge = new Bridge(server.endpoint);
    await bridge.ready();
    await bridge.ready();
    assert.equal(await bridge.call(0, 'echo', ['ready']), 'ready');
    bridge.close();
    await assert.rejects(bridge.ready(), ManagerUnavailableError);
    await assert.rejects(
      new Bridge({ address: server.endpoint.address, authkey: newAuthkey() }).ready(),
      AuthenticationError,
    );
  });
});
