// The manager's server in a child process of its own: start, serve, stop, and die without hanging anyone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import {
  InvalidArgumentError,
  ManagerUnavailableError,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
} from '../../../src/index.ts';
import { connect } from '../../../src/manager/connection.ts';
import { startServerProcess } from '../../../src/manager/server-process.ts';
import { MANAGER_OBJECT } from '../../../src/manager/types.ts';
import * as tasks from '../../fixtures/manager-transport-tasks.ts';

const hostModule = new URL('../../fixtures/manager-transport-host.ts', import.meta.url);
const threads = new ThreadPoolExecutor({ maxWorkers: 1 });
const processes = new ProcessPoolExecutor({ maxWorkers: 1 });
after(async () => {
  await Promise.all([threads.shutdown({ cancelFutures: true }), processes.shutdown({ cancelFutures: true })]);
});

/** Resolves once `count` calls wait at the server's gates (asked through `call`). */
async function whenWaiting(call: () => Promise<unknown>, count: number): Promise<void> {
  while ((await call()) !== count) await new Promise((resolve) => setImmediate(resolve));
}

describe('server process', () => {
  test('serves from a process of its own, and stop() closes it and removes its socket', async () => {
    const server = await startServerProcess({ hostModule });
    assert.notEqual(server.pid, process.pid);
    const client = await connect(server.endpoint);
    assert.equal(await client.call(0, 'pid', []), server.pid);
    assert.deepEqual(await client.call(0, 'echo', [new Set([1n])]), new Set([1n]));
    const pending = assert.rejects(client.call(0, 'wait', ['stop']), ManagerUnavailableError);
    const exit = await server.stop();
    assert.deepEqual(exit, { code: 0, signal: null });
    await pending;
    assert.equal(existsSync(server.endpoint.address as string), false);
    assert.deepEqual(await server.stop(), exit, 'stopping again just reports the exit');
  });

  test("by default it serves the manager's own objects", async () => {
    const server = await startServerProcess();
    const client = await connect(server.endpoint);
    const id = await client.call(MANAGER_OBJECT, 'create', ['dict']);
    assert.equal(typeof id, 'number');
    assert.ok((id as number) > 0);
    client.close();
    await server.stop();
  });

  test('when it is killed, every pending call and every later one rejects with ManagerUnavailableError', async () => {
    const server = await startServerProcess({ hostModule });
    const { endpoint } = server;
    const client = await connect(endpoint);
    // A blocking call in a worker thread, one in a worker process, and an async one here, all waiting.
    const inThread = threads.submit(tasks.blockedCallOutcome, endpoint, 'kill');
    const inProcess = processes.submit(tasks.blockedCallOutcome, endpoint, 'kill');
    const here = assert.rejects(
      client.call(0, 'wait', ['kill']),
      (e: unknown) => e instanceof ManagerUnavailableError && e.message.includes(endpoint.address as string),
    );
    await whenWaiting(() => client.call(0, 'waiting', []), 3);
    process.kill(server.pid, 'SIGKILL');
    await here;
    await assert.rejects(client.call(0, 'echo', [1]), ManagerUnavailableError);
    for (const outcome of await Promise.all([inThread, inProcess])) {
      assert.equal(outcome.outcome, 'ManagerUnavailableError');
      assert.match(outcome.message!, /Lost the connection to the manager/);
      assert.equal(outcome.later, 'ManagerUnavailableError');
    }
    assert.deepEqual(await server.exited, { code: null, signal: 'SIGKILL' });
    // A killed server cannot remove its socket's directory: that is left to whoever killed it.
    rmSync(dirname(endpoint.address as string), { recursive: true, force: true });
  });

  test('exits by itself when its parent dies', async () => {
    const fixture = fileURLToPath(new URL('../../fixtures/manager-transport-orphan.ts', import.meta.url));
    const parent = spawn(process.execPath, [...process.execArgv, fixture], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    parent.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await new Promise((resolve) => parent.on('exit', resolve));
    const pid = Number.parseInt(out, 10);
    assert.ok(pid > 0, `the parent reported the manager's pid (got ${JSON.stringify(out)})`);
    // Nothing to wait on but the pid itself: look until it is gone.
    const alive = (): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    while (alive()) await new Promise((resolve) => setTimeout(resolve, 20));
  });

  test('bad options are refused before anything starts; a failed start says why', async () => {
    await assert.rejects(startServerProcess({ address: { port: 0 } }), InvalidArgumentError);
    await assert.rejects(startServerProcess({ startTimeout: -1 }), InvalidArgumentError);
    await assert.rejects(
      startServerProcess({ hostModule: new URL('./no-such-host.ts', import.meta.url) }),
      (e: unknown) => e instanceof ManagerUnavailableError && /failed to start/.test(e.message),
    );
    await assert.rejects(
      startServerProcess({ hostModule, address: '/nonexistent-dir/manager.sock' }),
      (e: unknown) =>
        e instanceof ManagerUnavailableError && /could not listen on \/nonexistent-dir/.test(e.message),
    );
  });
});
