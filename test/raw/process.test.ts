import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Process, WorkerCrashedError } from '../../src/index.ts';
import * as tasks from '../fixtures/process-tasks.ts';

describe('Process', () => {
  test('start, join and result run the task in another process', async () => {
    const p = new Process(tasks.pid);
    assert.match(p.name, /^Process-\d+$/);
    p.start();
    assert.equal(p.isAlive(), true);
    assert.equal(await p.join(), true);
    assert.equal(p.isAlive(), false);
    const childPid = await p.result();
    assert.notEqual(childPid, process.pid);
  });

  test('five processes run side by side, each with its own pid', async () => {
    const processes = Array.from({ length: 5 }, () => new Process(tasks.pid));
    for (const p of processes) p.start();
    for (const p of processes) await p.join();
    const pids = await Promise.all(processes.map((p) => p.result()));
    assert.equal(new Set(pids).size, 5);
  });

  test('a process killed by a signal reports it through result()', async () => {
    const p = new Process(tasks.killSelf);
    p.start();
    assert.equal(await p.join(), true);
    const error = await p.result().catch((e: unknown) => e);
    assert.ok(error instanceof WorkerCrashedError);
    assert.equal(error.signal, 'SIGKILL');
  });
});
