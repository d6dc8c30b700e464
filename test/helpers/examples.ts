// Shared by the tests that run the repository's examples (test/docs, test/examples): each example is run as
// a user would run it, and ends with a `// prints:` block saying what it prints.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname;

export const read = (file: string): string => readFileSync(join(root, file), 'utf8');

/** The lines an example promises: the `// ` lines after its `// prints:` line (which must end the file), unprefixed. */
export function promisedLines(file: string): string[] {
  const lines = read(file).trimEnd().split('\n');
  const start = lines.lastIndexOf('// prints:');
  assert.ok(start >= 0, `${file} ends without a \`// prints:\` block`);
  const promised = lines.slice(start + 1);
  assert.ok(promised.length > 0, `${file}: the \`// prints:\` block is empty`);
  for (const line of promised)
    assert.match(line, /^\/\/ /, `${file}: every line after \`// prints:\` is a comment`);
  return promised.map((line) => line.slice(3));
}

export interface ExampleRun {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node --import tsx <file>` from the repository root, killed after `timeoutMs`. */
export function runExample(file: string, timeoutMs: number): Promise<ExampleRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      timeout: timeoutMs,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Asserts the run ended by itself with exit code 0, saying why not (with its stderr) otherwise. */
export function assertExitedCleanly(file: string, run: ExampleRun, timeoutMs: number): void {
  assert.equal(
    run.signal,
    null,
    `${file} was killed (${run.signal}), probably after ${timeoutMs} ms:\n${run.stderr}`,
  );
  assert.equal(run.code, 0, `${file} exited with ${run.code}:\n${run.stderr}`);
}
