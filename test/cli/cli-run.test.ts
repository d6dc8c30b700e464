// Whole runs of the `spindle` command, spawned as a user runs it: --json output, the files written, and
// Ctrl-C. Asserts structure only, never timings.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;
const fixture = 'test/fixtures/advisor-tasks.ts';
const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function outDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spindle-cli-'));
  dirs.push(dir);
  return dir;
}

function spindle(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('spindle profile: a run', () => {
  test('--json prints the classification, the recommendation and the measurements, and writes both files', () => {
    const out = outDir();
    // The module's only task export is used when --task is omitted.
    const result = spindle(
      'profile',
      'test/fixtures/advisor-single.ts',
      '--args',
      '[[3]]',
      '--quick',
      '--json',
      '--out',
      out,
    );
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout) as {
      classification: string;
      recommendation: { backend: string; workers: number; concurrencyPerWorker: number };
      measurements: { trials: unknown[]; task: { exportName: string } };
      partial: boolean;
    };
    assert.ok(
      [
        'cpu-bound',
        'async-io',
        'blocking-io',
        'overhead-dominated',
        'payload-dominated',
        'memory-heavy',
        'mixed',
      ].includes(json.classification),
    );
    assert.ok(['serial', 'async', 'thread', 'process'].includes(json.recommendation.backend));
    assert.equal(typeof json.recommendation.workers, 'number');
    assert.equal(typeof json.recommendation.concurrencyPerWorker, 'number');
    assert.equal(json.measurements.task.exportName, 'only');
    assert.ok(json.measurements.trials.length >= 4);
    assert.equal(json.partial, false);
    // Progress goes to stderr as plain lines when stderr is not a terminal.
    assert.match(result.stderr, /only \(test\/fixtures\/advisor-single\.ts\): \[1\/\d+\] serial: /);
    assert.match(readFileSync(join(out, 'spindle-decision.md'), 'utf8'), /## Decision/);
    assert.match(readFileSync(join(out, 'spindle-report.html'), 'utf8'), /<svg class="chart"/);
  });

  test('Ctrl-C stops the run and writes a partial report of the finished trials', async () => {
    const out = outDir();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'profile',
        fixture,
        '--task',
        'spin',
        '--args',
        '[[2000]]',
        '--out',
        out,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // Interrupt once the first trial has finished.
      if (/\[1\/\d+\] serial/.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    assert.equal(status, 130, stderr);
    assert.match(stderr, /Interrupted/);
    assert.match(stdout, /\(partial\)/);
    const decision = readFileSync(join(out, 'spindle-decision.md'), 'utf8');
    assert.match(decision, /partial — the run was interrupted/);
    assert.ok(existsSync(join(out, 'spindle-report.html')));
  });
});
