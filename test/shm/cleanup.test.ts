// A process unlinks the blocks it created when it exits normally, unless they were made with keep: true.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { SharedMemory } from '../../src/shm/shared-memory.ts';
import { runChild } from './child.ts';
import { inDevShm, tempName } from './helpers.ts';

const leftovers: string[] = [];
after(() => {
  for (const name of leftovers.splice(0)) if (inDevShm(name)) SharedMemory.attach(name).unlink();
});

/** A child that creates block `name` (with `keep`), prints whether /dev/shm shows it, then ends with `end`. */
function creator(name: string, end: string, keep = false): string {
  return `
    import { existsSync } from 'node:fs';
    import { SharedMemory } from './src/shm/shared-memory.ts';
    const shm = new SharedMemory({ name: ${JSON.stringify(name)}, size: 4096, keep: ${keep} });
    shm.bytes[0] = 1;
    console.log(existsSync('/dev/shm/' + shm.name));
    ${end}
  `;
}

describe('SharedMemory cleanup at exit', () => {
  const endings: [string, string][] = [
    ['the end of its event loop', ''],
    ['process.exit()', 'setTimeout(() => process.exit(0), 1);'],
    ['an uncaught exception', "setTimeout(() => { throw new Error('crash'); }, 1);"],
  ];
  for (const [what, end] of endings)
    test(`a child that creates a block leaves no /dev/shm entry after ${what}`, async () => {
      const name = tempName();
      leftovers.push(name);
      const child = await runChild(creator(name, end));
      assert.equal(child.stdout.trim(), 'true', `it existed while the child ran (${child.stderr})`);
      assert.equal(inDevShm(name), false);
    });

  test('with keep: true the block outlives its creator (and this test unlinks it)', async () => {
    const name = tempName();
    leftovers.push(name);
    const child = await runChild(creator(name, '', true));
    assert.equal(child.code, 0, child.stderr);
    assert.equal(inDevShm(name), true);
    const shm = SharedMemory.attach(name);
    assert.equal(shm.bytes[0], 1, 'with what the child wrote');
    shm.unlink();
    assert.equal(inDevShm(name), false);
  });

  test('a child killed by SIGKILL cannot clean up: its block stays (documented; this test unlinks it)', async () => {
    const name = tempName();
    leftovers.push(name);
    const child = await runChild(creator(name, "process.kill(process.pid, 'SIGKILL');"));
    assert.equal(child.signal, 'SIGKILL');
    assert.equal(inDevShm(name), true);
  });

  test('a block a worker thread created belongs to the process: it outlives the thread, not the process', async () => {
    const name = tempName();
    leftovers.push(name);
    const child = await runChild(`
      import { existsSync } from 'node:fs';
      import { ThreadPoolExecutor } from './src/index.ts';
      import { ProcessLock } from './src/shm/process-lock.ts';
      import { create } from './test/fixtures/shm-tasks.ts';
      const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
      await pool.submit(create, ${JSON.stringify(name)}, 64);
      await pool.shutdown();
      const lock = new ProcessLock();
      console.log(existsSync('/dev/shm/${name}'), existsSync('/dev/shm/' + lock.memory.name), lock.memory.name);
    `);
    const [afterThread, lockBlock, lockName] = child.stdout.trim().split(' ');
    assert.equal(afterThread, 'true', `the block outlived the thread that made it (${child.stderr})`);
    assert.equal(lockBlock, 'true');
    assert.equal(inDevShm(name), false, 'gone with the process');
    assert.equal(inDevShm(lockName!), false, "a ProcessLock's own block too");
  });
});
