/**
 * `spindle profile`: finds the task (or the built-in workloads), profiles it with progress on stderr,
 * prints the comparison and the recommendation (or JSON), and writes the decision record and the report.
 * An interrupted run (the signal aborted) still writes what finished, marked partial.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, CancelledError } from '../errors.ts';
import { comparisonTable, textTable } from '../advisor/comparison-table.ts';
import type { NamedProfile } from '../advisor/decision-record.ts';
import { renderDecisionRecord } from '../advisor/decision-record.ts';
import { formatRate, formatRatio } from '../advisor/format.ts';
import { renderHtmlReport } from '../advisor/html-report.ts';
import type { ProfileResult } from '../advisor/profile.ts';
import { profile } from '../advisor/profile.ts';
import type { ArgLists } from '../advisor/target.ts';
import { loadTarget } from '../advisor/target.ts';
import { BUILTIN_WORKLOADS } from '../advisor/workloads/catalog.ts';
import type { AnyTask } from '../core/task.ts';
import type { Command } from './args.ts';
import type { ProgressStream } from './progress.ts';
import { ProgressReporter } from './progress.ts';

/** Where the command writes: stdout for results, stderr for progress and messages. */
export interface CliIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: ProgressStream;
}

export const DECISION_FILE = 'spindle-decision.md';
export const REPORT_FILE = 'spindle-report.html';

/** Exit status of an interrupted run, as shells report for SIGINT. */
export const EXIT_INTERRUPTED = 130;

interface Job {
  readonly name: string;
  readonly command: string;
  readonly task: AnyTask;
  readonly argLists: ArgLists;
}

type ProfileCommand = Extract<Command, { kind: 'profile' }>;

/** Runs the command; resolves with the exit status. Throws SpindleErrors for bad input. */
export async function runProfileCommand(
  command: ProfileCommand,
  io: CliIo,
  signal: AbortSignal,
): Promise<number> {
  const outDir = resolve(command.out);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw new InvalidArgumentError(
      `Cannot create the output directory ${outDir}: ${(error as Error).message}`,
    );
  }
  const jobs = command.builtin ? builtinJobs(command) : [await moduleJob(command)];
  const reporter = new ProgressReporter(io.stderr);
  reporter.start();
  const done: NamedProfile[] = [];
  let interrupted = false;
  try {
    for (const job of jobs) {
      if (signal.aborted) break;
      reporter.begin(job.name);
      let result: ProfileResult;
      try {
        result = await profile(job.task, {
          argLists: job.argLists,
          // The built-in run profiles six workloads: quick budgets keep it near a minute.
          quick: command.quick || command.builtin,
          trialMs: command.builtin && command.quick ? 300 : undefined,
          timeoutMs: command.timeoutMs,
          signal,
          onProgress: (event) => reporter.update(event),
        });
      } catch (error) {
        if (error instanceof CancelledError && signal.aborted) break;
        throw error;
      }
      done.push({ name: job.name, command: job.command, result });
      if (!command.json) {
        reporter.clear();
        io.stdout.write(`${describeResult(job.name, result)}\n`);
      }
    }
  } finally {
    reporter.stop();
  }
  interrupted = signal.aborted;
  if (done.length === 0) {
    io.stderr.write('Interrupted before any trial finished: nothing was written.\n');
    return EXIT_INTERRUPTED;
  }
  const generatedAt = new Date();
  const decisionPath = join(outDir, DECISION_FILE);
  const reportPath = join(outDir, REPORT_FILE);
  writeFileSync(decisionPath, renderDecisionRecord(done, generatedAt));
  writeFileSync(reportPath, renderHtmlReport(done, generatedAt));
  if (command.json) {
    const entries = done.map((p) => jsonOf(p));
    const payload = command.builtin
      ? { workloads: entries, partial: interrupted, files: { decision: decisionPath, report: reportPath } }
      : { ...entries[0], partial: interrupted, files: { decision: decisionPath, report: reportPath } };
    io.stdout.write(`${JSON.stringify(payload, null, 2)}\n`);
  } else {
    if (done.length > 1) io.stdout.write(`\n${summaryTable(done)}\n\n`);
    io.stdout.write(`Wrote ${decisionPath}\nWrote ${reportPath}\n`);
  }
  if (interrupted) {
    io.stderr.write(
      `Interrupted: the reports hold the ${done.length === jobs.length ? 'trials' : 'workloads and trials'} that finished (partial).\n`,
    );
    return EXIT_INTERRUPTED;
  }
  return 0;
}

function builtinJobs(command: ProfileCommand): Job[] {
  return BUILTIN_WORKLOADS.map((w) => ({
    name: w.name,
    command: `spindle profile --builtin${command.quick ? ' --quick' : ''}`,
    task: w.task,
    argLists: w.argLists(),
  }));
}

async function moduleJob(command: ProfileCommand): Promise<Job> {
  const module = command.module!;
  const target = await loadTarget({ module, task: command.task, args: command.args, inputs: command.inputs });
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const parts = ['spindle profile', module, `--task ${target.exportName}`];
  if (command.args !== undefined) parts.push(`--args ${quote(command.args)}`);
  if (command.inputs !== undefined) parts.push(`--inputs ${command.inputs}`);
  if (command.quick) parts.push('--quick');
  return {
    name: `${target.exportName} (${module})`,
    command: parts.join(' '),
    task: target.task,
    argLists: target.argLists,
  };
}

/** The terminal summary of one profile: table, classification, recommendation. */
export function describeResult(name: string, result: ProfileResult): string {
  const { classification: c, recommendation: r, measurements: m } = result;
  const lines = [
    '',
    `${name}${m.partial ? ' (partial)' : ''}`,
    textTable(comparisonTable(m, r.label)),
    '',
    `Classification: ${c.kind}${c.dominant === undefined ? '' : ` (${c.dominant} dominates)`}. ${c.summary}`,
    `Recommendation: ${r.label}: ${r.code}`,
    `  expected ${formatRate(r.throughput)}, ${formatRatio(r.speedup)} serial${r.chunkSize === undefined ? '' : `; about ${r.chunkSize} items per task`}`,
    `  ${r.reason}`,
    ...r.advice.map((a) => `  - ${a}`),
  ];
  return lines.join('\n');
}

function summaryTable(done: readonly NamedProfile[]): string {
  const rows = done.map(({ name, result: { classification: c, recommendation: r } }) => [
    name,
    c.kind,
    r.label,
    formatRate(r.throughput),
    formatRatio(r.speedup),
  ]);
  const header = ['workload', 'classified as', 'recommended', 'tasks/s', 'speedup'];
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, j) => (j >= 3 ? c.padStart(widths[j]!) : c.padEnd(widths[j]!)))
      .join('  ')
      .trimEnd();
  return ['Summary', line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The `--json` shape of one profile. */
function jsonOf({ name, result }: NamedProfile): Record<string, unknown> {
  const { classification: c, recommendation: r, measurements } = result;
  return {
    name,
    classification: c.kind,
    dominant: c.dominant ?? null,
    summary: c.summary,
    evidence: c.evidence,
    recommendation: r,
    measurements,
  };
}
