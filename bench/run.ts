/**
 * `npm run bench`: measures Spindle beside its peers, one fresh process per (library, scenario), prints the
 * tables and writes bench/RESULTS.md.
 *
 *   run.js ── calibrate spin() ── probe Spindle's exports
 *      └─ for each scenario, sample, row: spawn `node case.js <spec>` ──► one result line ──► table cell
 *
 * Flags: `--quick` (a tenth of the work, to check the harness), `--only lib,lib`, `--scenario id,id`; those
 * runs print only and leave RESULTS.md alone. The compiled benchmark (bench/.out/) removes itself at the end
 * so the tree's lint and format checks stay clean; `--keep` leaves it, to run a case by hand with
 * `node bench/.out/case.js '<spec JSON>'`.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { calibrateSpin } from './calibrate.ts';
import type { Outcome } from './child.ts';
import { killRunning, runCase } from './child.ts';
import type { Scenario } from './plan.ts';
import { FULL_PARAMS, QUICK_PARAMS, SCENARIOS } from './plan.ts';
import type { Cell, Machine, ScenarioResult } from './report.ts';
import { renderReport, rowKey } from './report.ts';
import { median } from './stats.ts';
import { loadSpindle } from './spindle-api.ts';
import type { CaseSpec, Mode, Params } from './types.ts';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    only: { type: 'string' },
    scenario: { type: 'string' },
  },
});
const only = flags.only?.split(',');
const scenarioFilter = flags.scenario?.split(',');
const partial = flags.quick || only !== undefined || scenarioFilter !== undefined;

const caseFile = fileURLToPath(new URL('./case.js', import.meta.url));
const repoRoot = new URL('../../', import.meta.url);
const resultsFile = new URL('../RESULTS.md', import.meta.url);

function removeCompiledBench(): void {
  if (!flags.keep) rmSync(new URL('./', import.meta.url), { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killRunning();
    removeCompiledBench();
    process.exit(130);
  });
}

const loadAverage = (): string =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ');

function machine(): Machine {
  const cpus = os.cpus();
  const version = (path: string): string =>
    (JSON.parse(readFileSync(new URL(path, repoRoot), 'utf8')) as { version: string }).version;
  const peers = ['piscina', 'tinypool', 'workerpool', 'poolifier', 'p-limit'];
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    node: process.version,
    os: `${os.platform()} ${os.arch()} ${os.release()}`,
    cpus: `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    load: `at the start ${loadAverage()}`,
    versions: {
      spindle: version('package.json'),
      ...Object.fromEntries(peers.map((name) => [name, version(`node_modules/${name}/package.json`)])),
    },
  };
}

/** Per mode, why Spindle's current build cannot run it (null when it can); those cells skip the spawn. */
async function spindleGaps(): Promise<Map<Mode, string | null>> {
  const gaps = new Map<Mode, string | null>();
  try {
    const spindle = await loadSpindle();
    const missing = (...names: (keyof typeof spindle)[]): string | null => {
      const absent = names.filter((name) => typeof spindle[name] !== 'function');
      return absent.length === 0 ? null : `n/a (not built: no ${absent.map((n) => `\`${n}\``).join(', ')})`;
    };
    gaps.set('thread', missing('task', 'ThreadPoolExecutor'));
    gaps.set('process', missing('task', 'ProcessPoolExecutor'));
    gaps.set('async', missing('AsyncExecutor'));
  } catch (error) {
    const reason = `n/a (not built: ${(error as Error).message})`;
    for (const mode of ['thread', 'process', 'async'] as const) gaps.set(mode, reason);
  }
  return gaps;
}

/** Folds the samples of one row into a cell: the median of each value, with every problem as a note. */
function combine(outcomes: readonly Outcome[]): Cell {
  const notes = new Set<string>();
  const ok: Readonly<Record<string, number>>[] = [];
  const failures: string[] = [];
  for (const { result, problems } of outcomes) {
    for (const problem of problems) notes.add(problem);
    if (result?.status === 'ok') {
      ok.push(result.values);
      if (result.note !== undefined) notes.add(result.note);
    } else if (result?.status === 'na') failures.push(`n/a (${result.reason})`);
    else if (result?.status === 'error') failures.push(`error: ${result.message}`);
    else failures.push(problems.join('; ') || 'no result');
  }
  if (ok.length === 0) return { kind: 'missing', text: failures[0] ?? 'no result', notes: [...notes] };
  if (failures.length > 0) notes.add(`${failures.length} of ${outcomes.length} runs failed: ${failures[0]}`);
  const values: Record<string, number> = {};
  for (const key of Object.keys(ok[0]!)) values[key] = median(ok.map((v) => v[key] ?? Number.NaN));
  return { kind: 'ok', values, notes: [...notes] };
}

function describeCell(cell: Cell, scenario: Scenario): string {
  if (cell.kind === 'missing') return cell.text;
  return scenario.metrics
    .map((m) => `${(cell.values[m.key] ?? Number.NaN).toFixed(m.digits)} ${m.label}`)
    .join(', ');
}

function printStderr(outcomes: readonly Outcome[]): void {
  for (const { result, stderr } of outcomes) {
    if (result?.status === 'ok' || result?.status === 'na' || stderr.trim() === '') continue;
    const tail = stderr.trim().split('\n').slice(-8);
    console.log(tail.map((line) => `      ${line}`).join('\n'));
  }
}

/**
 * One run of scenario 3's baseline: the same CPU tasks one after another on a main thread, in a fresh
 * process. The baseline is the median of as many runs as each row gets, taken in the same rounds as the rows:
 * every speedup divides by it, and a single timing put one library's speedup above the ceiling of 2.00 (2.05)
 * in a full run.
 */
async function serialRun(scenario: Scenario, params: Params): Promise<number | undefined> {
  const spec: CaseSpec = { library: 'serial', mode: 'thread', scenario: 'serial', params };
  const { result } = await runCase(caseFile, spec, scenario.timeoutMs);
  return result?.status === 'ok' ? result.values.serialMs : undefined;
}

interface SerialBaseline {
  /** The median of `runs`. */
  readonly ms: number;
  readonly runs: readonly number[];
}

function describeBaseline(baseline: SerialBaseline | undefined): string {
  if (baseline === undefined) return 'failed';
  return `${baseline.ms.toFixed(0)} ms (median of ${baseline.runs.map((ms) => ms.toFixed(0)).join(', ')})`;
}

function label(row: { readonly library: string; readonly mode: string }): string {
  return `  ${row.library} ${row.mode}`.padEnd(32);
}

async function runScenario(
  scenario: Scenario,
  params: Params,
  gaps: Map<Mode, string | null>,
): Promise<ScenarioResult> {
  console.log(`\n${scenario.title}`);
  const rows = scenario.rows.filter((row) => only === undefined || only.includes(row.library));
  const cells = new Map<string, Cell>();
  const runnable = rows.filter((row) => {
    const gap = row.library === 'spindle' ? gaps.get(row.mode) : null;
    if (!gap) return true;
    cells.set(rowKey(row), { kind: 'missing', text: gap, notes: [] });
    console.log(`${label(row)}${gap}`);
    return false;
  });
  // Sample i of every row, then sample i + 1: a drift of the machine over the scenario (another process, the
  // memory a previous case left to reclaim, the clock) then falls on every row alike, not on whichever ran
  // first. In row-by-row order, start-up measured Spindle 0.92x piscina; alternating the two, 1.08x.
  const outcomes = new Map<string, Outcome[]>(runnable.map((row) => [rowKey(row), []]));
  const serialRuns: number[] = [];
  for (let i = 0; i < scenario.samples; i++) {
    if (scenario.id === 'cpu') {
      const ms = await serialRun(scenario, params);
      if (ms !== undefined) serialRuns.push(ms);
    }
    for (const row of runnable) {
      const done = outcomes.get(rowKey(row))!;
      // A case that hangs once will likely hang again: do not spend the time budget on it.
      if (done.some((outcome) => outcome.result === null)) continue;
      done.push(await runCase(caseFile, { ...row, scenario: scenario.id, params }, scenario.timeoutMs));
    }
  }
  let serial: SerialBaseline | undefined;
  if (scenario.id === 'cpu') {
    serial = serialRuns.length > 0 ? { ms: median(serialRuns), runs: serialRuns } : undefined;
    console.log(`${'  serial baseline'.padEnd(32)}${describeBaseline(serial)}`);
  }
  for (const row of runnable) {
    const rowOutcomes = outcomes.get(rowKey(row))!;
    const cell = combine(rowOutcomes);
    if (cell.kind === 'ok' && serial !== undefined && cell.values.poolMs !== undefined) {
      cells.set(rowKey(row), {
        ...cell,
        values: { ...cell.values, speedup: serial.ms / cell.values.poolMs },
      });
    } else {
      cells.set(rowKey(row), cell);
    }
    const seconds = rowOutcomes.reduce((sum, o) => sum + o.wallMs, 0) / 1000;
    console.log(`${label(row)}${describeCell(cells.get(rowKey(row))!, scenario)}  (${seconds.toFixed(1)} s)`);
    printStderr(rowOutcomes);
  }
  const extra =
    scenario.id === 'cpu'
      ? { extra: `Serial baseline (main thread, fresh processes): ${describeBaseline(serial)}.` }
      : {};
  return { scenario: { ...scenario, rows }, cells, ...extra };
}

async function main(): Promise<void> {
  const started = performance.now();
  const info = machine();
  const [load] = os.loadavg();
  if (load !== undefined && load > 0.5) {
    console.log(
      `Load average is ${load.toFixed(2)}: other work on this machine will make the figures noisy.`,
    );
  }
  console.log(
    `Spindle benchmark · ${info.node} · ${info.cpus} · ${info.date}${flags.quick ? ' · QUICK' : ''}`,
  );
  const spinIterations = calibrateSpin(250);
  const params: Params = { ...(flags.quick ? QUICK_PARAMS : FULL_PARAMS), spinIterations };
  console.log(`spin(): ${spinIterations.toLocaleString('en-US')} iterations ≈ 250 ms`);
  const gaps = await spindleGaps();

  const results: ScenarioResult[] = [];
  for (const scenario of SCENARIOS) {
    if (scenarioFilter === undefined || scenarioFilter.includes(scenario.id)) {
      results.push(await runScenario(scenario, params, gaps));
    }
  }

  const markdown = renderReport(
    { ...info, load: `${info.load}; at the end ${loadAverage()}` },
    params,
    results,
    flags.quick,
  );
  console.log(`\n${markdown}`);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  if (partial) {
    console.log(`Partial run (${seconds} s): bench/RESULTS.md left as it was.`);
  } else {
    writeFileSync(resultsFile, markdown);
    console.log(`Wrote ${fileURLToPath(resultsFile)} in ${seconds} s.`);
  }
}

try {
  await main();
} finally {
  removeCompiledBench();
}
