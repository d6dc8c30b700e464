// Builds Spindle's native addon (build/Release/spindle_shm.node: POSIX shared memory and process-shared
// futexes, for SharedMemory, ProcessLock and ProcessSemaphore) with node-gyp.
//
// npm runs it at install (the `install` script); run it by hand with `node scripts/build-native.mjs` or
// `npm rebuild spindle`. It never fails the install: without the addon only those classes are missing (they
// throw NativeUnavailableError saying why), so a failed build ends in a one-line warning and exit code 0.
// The compiler's output goes to build/native-build.log, and to the terminal too when run by hand.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = join(root, 'build', 'native-build.log');
const byHand = process.env.npm_lifecycle_event === undefined;

function warn(reason) {
  console.warn(
    `spindle: the native addon did not build (${reason}); SharedMemory, ProcessLock and ProcessSemaphore ` +
      'will be unavailable, everything else works. Rebuild it with `npm rebuild spindle`.',
  );
  process.exit(0);
}

/** node-gyp's entry script: npm's own (what npm points install scripts at), else any we can find. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath)
    candidates.push(
      join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    );
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not a dependency: fine, npm bundles one
  }
  const prefix = join(dirname(process.execPath), '..');
  candidates.push(
    join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  );
  return candidates.find((path) => existsSync(path));
}

if (process.platform !== 'linux') warn(`it needs Linux futexes, and this is ${process.platform}`);

const nodeGyp = findNodeGyp();
if (nodeGyp === undefined) warn('node-gyp was not found');

const args = [nodeGyp, 'rebuild'];
// Node's own headers, when they sit beside the binary (official tarballs, distribution packages), spare
// node-gyp a download, which also makes an offline install work. A nodedir the user configured wins.
const headers = join(dirname(process.execPath), '..', 'include', 'node', 'node.h');
if (!process.env.npm_config_nodedir && existsSync(headers))
  args.push(`--nodedir=${join(dirname(process.execPath), '..')}`);

const result = spawnSync(process.execPath, args, {
  cwd: root,
  encoding: 'utf8',
  stdio: byHand ? 'inherit' : 'pipe',
  maxBuffer: 64 * 1024 * 1024,
});
if (!byHand) {
  try {
    mkdirSync(dirname(log), { recursive: true });
    writeFileSync(log, `${result.stdout ?? ''}${result.stderr ?? ''}`);
  } catch {
    // the log is a courtesy; the warning below says what matters
  }
}
if (result.error !== undefined) warn(result.error.message);
if (result.status !== 0)
  warn(`node-gyp exited with ${result.status ?? result.signal}` + (byHand ? '' : `; see ${log}`));
if (!existsSync(join(root, 'build', 'Release', 'spindle_shm.node')))
  warn('node-gyp made no spindle_shm.node');
