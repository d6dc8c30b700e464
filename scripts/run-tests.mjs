// Runs every test/**/*.test.ts file with Node's own test runner, TypeScript loaded through tsx.
// Node 20's `--test` does not expand globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filter = process.argv.slice(2);

function collect(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : collect(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

const files = collect(join(root, 'test'))
  .filter((file) => filter.length === 0 || filter.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Tests that judge a workload by measuring it (the advisor's built-in workloads) run after the rest, one file
// at a time: beside another test file's busy workers, a CPU-bound call measures as half waiting.
const MEASURING = ['test/advisor/builtin-workloads.test.ts'];

function run(list, concurrency) {
  if (list.length === 0) return 0;
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=120000', ...list],
    { cwd: root, stdio: 'inherit' },
  );
  return result.status ?? 1;
}

// Shared-memory blocks (SharedMemory, ProcessLock) the suite leaves behind in /dev/shm are a failure of the
// suite: every test must unlink what it made, and the library must unlink on normal exit.
const SHM = '/dev/shm';
const shmBlocks = () =>
  existsSync(SHM) ? readdirSync(SHM).filter((name) => name.startsWith('spindle-')) : [];
const shmBefore = new Set(shmBlocks());

const shared = run(
  files.filter((file) => !MEASURING.includes(file)),
  2,
);
const alone = run(
  files.filter((file) => MEASURING.includes(file)),
  1,
);
const leftBehind = shmBlocks().filter((name) => !shmBefore.has(name));
if (leftBehind.length > 0)
  console.error(
    `\nnot ok: the suite left ${leftBehind.length} shared-memory block(s) in ${SHM}: ${leftBehind.join(', ')}`,
  );
process.exit(shared !== 0 ? shared : alone !== 0 ? alone : leftBehind.length > 0 ? 1 : 0);
