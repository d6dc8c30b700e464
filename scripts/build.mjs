// Builds dist/: type declarations with tsc, JavaScript with esbuild.
//
// The JavaScript is bundled (with shared chunks) rather than emitted file by file: every worker thread and
// process imports the library, and loading ~35 small modules cost a worker ~10 ms more than a few bundles.
// Entries and chunks all sit in dist/ itself, so `new URL('./thread-entry.js', import.meta.url)` resolves
// the same from whichever chunk the pool code lands in.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
rmSync(`${root}dist`, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json', '--emitDeclarationOnly'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
await build({
  absWorkingDir: root,
  entryPoints: {
    index: 'src/index.ts',
    'thread-entry': 'src/backends/thread/thread-entry.ts',
    'process-entry': 'src/backends/process/process-entry.ts',
    // A manager's server process, and the helper thread that lets workers make blocking calls to a manager.
    'manager-server': 'src/manager/server-entry.ts',
    'manager-bridge': 'src/manager/bridge-entry.ts',
    // The `spindle` binary. The advisor's probe and built-in workloads are tasks, which workers import by
    // module URL: as entries of their own they land in chunks with no side effects, never inside cli.js
    // (whose import would run the CLI in every worker).
    cli: 'src/cli/main.ts',
    advisor: 'src/advisor/index.ts',
    'advisor-probe': 'src/advisor/probe-task.ts',
    'advisor-workloads': 'src/advisor/workloads/catalog.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
});
