/**
 * Runs one case in a fresh `node` process and collects its result, with a hard timeout.
 *
 * The case runs in its own process group (`detached`), so a timeout kills the workers it forked as well. After
 * it exits, the group is checked for processes it left behind (live workers of a pool that was not shut down)
 * and those are killed too; both are reported, since a pool that does not let its process exit is a bug.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { CaseResult, CaseSpec } from './types.ts';
import { RESULT_PREFIX } from './types.ts';

export interface Outcome {
  /** The case's own report, or null when it never printed one (crash or timeout). */
  readonly result: CaseResult | null;
  readonly wallMs: number;
  /** Problems with the process itself, for the notes column. */
  readonly problems: readonly string[];
  /** The tail of stderr, for diagnosing errors. */
  readonly stderr: string;
}

const EXIT_GRACE_MS = 10_000;
/** Process groups of cases still running, so an interrupted run can take them down with it. */
const running = new Set<number>();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function runCase(file: string, spec: CaseSpec, timeoutMs: number): Promise<Outcome> {
  const env = { ...process.env };
  // Workers must run under plain node: no loader or flags inherited through the environment.
  delete env.NODE_OPTIONS;
  // Every Node process reads this file as it starts (~30 ms here), except tinypool's child processes, which
  // it starts with an empty environment: without it, every library's processes start alike.
  delete env.NODE_EXTRA_CA_CERTS;
  const started = performance.now();
  const child = spawn(process.execPath, [file, JSON.stringify(spec)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  const pgid = child.pid;
  if (pgid !== undefined) running.add(pgid);
  const problems: string[] = [];
  let result: CaseResult | null = null;
  let stdout = '';
  let stderr = '';
  let graceTimer: NodeJS.Timeout | undefined;
  const onResultLine = (): void => {
    for (let at = stdout.indexOf('\n'); at !== -1; at = stdout.indexOf('\n')) {
      const line = stdout.slice(0, at);
      stdout = stdout.slice(at + 1);
      if (line.startsWith(RESULT_PREFIX)) {
        result = JSON.parse(line.slice(RESULT_PREFIX.length)) as CaseResult;
        graceTimer ??= setTimeout(() => {
          problems.push(`did not exit within ${EXIT_GRACE_MS / 1000} s of its result`);
          killGroup(pgid);
        }, EXIT_GRACE_MS);
      }
    }
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    onResultLine();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const hardTimer = setTimeout(() => {
    problems.push(`killed after ${timeoutMs / 1000} s timeout`);
    killGroup(pgid);
  }, timeoutMs);

  const code = await new Promise<number | null>((resolve) => {
    child.on('exit', (exitCode) => resolve(exitCode));
    child.on('error', (error) => {
      stderr += String(error);
      resolve(null);
    });
  });
  const wallMs = performance.now() - started;
  if (pgid !== undefined) running.delete(pgid);
  clearTimeout(hardTimer);
  clearTimeout(graceTimer);
  if (pgid !== undefined && (await leftBehind(pgid)) > 0) {
    problems.push('left worker processes running after exit');
    killGroup(pgid);
  }
  // Output written just before exit may still be in the pipe.
  await Promise.race([new Promise((resolve) => child.stdout.once('close', resolve)), sleep(1000)]);
  onResultLine();
  if (code === 13) problems.push("its shutdown promise never settled (Node's exit code 13)");
  else if (code === 2 && result !== null) problems.push('its shutdown failed (see stderr)');
  else if (code !== 0 && code !== null && problems.length === 0) problems.push(`exited with code ${code}`);
  return { result, wallMs, problems, stderr };
}

/** Kills every case still running, with its workers (for SIGINT/SIGTERM on the orchestrator). */
export function killRunning(): void {
  for (const pgid of running) killGroup(pgid);
}

function killGroup(pgid: number | undefined): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Live (non-zombie) processes still in the group, polled for up to 2 s to let workers finish exiting. */
async function leftBehind(pgid: number): Promise<number> {
  for (let waited = 0; ; waited += 100) {
    const count = liveInGroup(pgid);
    if (count === 0 || waited >= 2000) return count;
    await sleep(100);
  }
}

function liveInGroup(pgid: number): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return 0; // No /proc (not Linux): the check is skipped.
  }
  let count = 0;
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') count++;
    } catch {
      // The process ended while we looked.
    }
  }
  return count;
}
