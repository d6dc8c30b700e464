/**
 * Renders the run as markdown: a header with the machine, a summary of Spindle's ratios, one table per scenario.
 *
 * Ratios compare each row with the fastest *peer* (every library but Spindle) in the same mode and run, and
 * are oriented so that above 1× is better: value / best for throughput, best / value for times.
 */
import type { Metric, Row, Scenario } from './plan.ts';
import type { Mode, Params } from './types.ts';

/** One row of one scenario, after its samples were combined. */
export type Cell =
  | {
      readonly kind: 'ok';
      readonly values: Readonly<Record<string, number>>;
      readonly notes: readonly string[];
    }
  | { readonly kind: 'missing'; readonly text: string; readonly notes: readonly string[] };

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly cells: ReadonlyMap<string, Cell>;
  /** A line shown under the description (the serial baseline of scenario 3). */
  readonly extra?: string;
}

export interface Machine {
  readonly date: string;
  readonly node: string;
  readonly os: string;
  readonly cpus: string;
  readonly memory: string;
  /** 1/5/15-minute load averages: other work on the machine shows up here. */
  readonly load: string;
  readonly versions: Readonly<Record<string, string>>;
}

export const rowKey = (row: Row): string => `${row.library}/${row.mode}`;

const MODE_LABEL: Record<Mode, string> = { thread: 'threads', process: 'processes', async: 'async' };
const LIBRARY_LABEL: Record<string, string> = {
  spindle: '**Spindle**',
  piscina: 'piscina',
  tinypool: 'tinypool',
  workerpool: 'workerpool',
  poolifier: 'poolifier',
  'p-limit': 'p-limit',
  atomics: 'bare Atomics lock',
  messageport: 'MessagePort, stream',
  'messageport-rounds': 'MessagePort, round trips',
  python: 'Python multiprocessing.Manager',
  copy: 'copied as an argument',
};

interface Best {
  readonly value: number;
  readonly library: string;
}

function bestPeer(result: ScenarioResult, mode: Mode, metric: Metric): Best | undefined {
  let best: Best | undefined;
  for (const row of result.scenario.rows) {
    if (row.mode !== mode || row.library === 'spindle') continue;
    const cell = result.cells.get(rowKey(row));
    const value = cell?.kind === 'ok' ? cell.values[metric.key] : undefined;
    if (value === undefined || !Number.isFinite(value)) continue;
    const better =
      best === undefined || (metric.better === 'higher' ? value > best.value : value < best.value);
    if (better) best = { value, library: row.library };
  }
  return best;
}

function ratio(value: number, best: Best, metric: Metric): number {
  return metric.better === 'higher' ? value / best.value : best.value / value;
}

function formatNumber(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const formatRatio = (r: number): string => `${r.toFixed(2)}×`;
const escape = (text: string): string => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function scenarioTable(result: ScenarioResult): string {
  const { scenario } = result;
  const header = ['Library', 'Mode'];
  for (const metric of scenario.metrics) {
    header.push(metric.label);
    if (metric.ratio) header.push(`${metric.label} vs fastest peer`);
  }
  header.push('Notes');
  const rows = scenario.rows.map((row) => {
    const cell = result.cells.get(rowKey(row));
    const cells = [LIBRARY_LABEL[row.library] ?? row.library, MODE_LABEL[row.mode]];
    for (const metric of scenario.metrics) {
      const value = cell?.kind === 'ok' ? cell.values[metric.key] : undefined;
      if (value === undefined) {
        cells.push(cell?.kind === 'missing' ? escape(cell.text) : '—');
        if (metric.ratio) cells.push('—');
        continue;
      }
      cells.push(formatNumber(value, metric.digits));
      if (metric.ratio) {
        const best = bestPeer(result, row.mode, metric);
        cells.push(best === undefined ? '—' : formatRatio(ratio(value, best, metric)));
      }
    }
    cells.push(escape((cell?.notes ?? []).join('; ')));
    return cells;
  });
  return table(header, rows);
}

/** Spindle's ratio for every scenario, metric and mode: the figures the project quotes. */
function summary(results: readonly ScenarioResult[]): string {
  const modes: Mode[] = ['thread', 'process', 'async'];
  const rows: string[][] = [];
  for (const result of results) {
    for (const metric of result.scenario.metrics.filter((m) => m.ratio)) {
      const label = result.scenario.metrics.filter((m) => m.ratio).length > 1 ? ` (${metric.label})` : '';
      const cells = [`${result.scenario.title}${label}`];
      for (const mode of modes) {
        const row = result.scenario.rows.find((r) => r.library === 'spindle' && r.mode === mode);
        if (row === undefined) {
          cells.push('');
          continue;
        }
        const cell = result.cells.get(rowKey(row));
        const value = cell?.kind === 'ok' ? cell.values[metric.key] : undefined;
        const best = bestPeer(result, mode, metric);
        if (value === undefined) cells.push(cell?.kind === 'missing' ? escape(cell.text) : '—');
        else if (best === undefined) cells.push('no peer result');
        else cells.push(`${formatRatio(ratio(value, best, metric))} vs ${best.library}`);
      }
      rows.push(cells);
    }
  }
  return table(['Scenario', 'Spindle threads', 'Spindle processes', 'Spindle async'], rows);
}

export function renderReport(
  machine: Machine,
  params: Params,
  results: readonly ScenarioResult[],
  quick: boolean,
): string {
  const versions = Object.entries(machine.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  const parts = [
    '# Spindle benchmark results',
    '',
    ...(quick
      ? ['> **Quick run (`--quick`)**: reduced counts, for checking the harness only. Do not quote.', '']
      : []),
    `- Date: ${machine.date}`,
    `- Machine: ${machine.cpus}, ${machine.memory}, ${machine.os}`,
    `- Node: ${machine.node}`,
    `- Load average (1 / 5 / 15 min): ${machine.load}`,
    `- Libraries: ${versions}`,
    '',
    'Every (library, scenario) ran in its own fresh `node` process, one at a time, three times (start-up: ' +
      'nine; payloads, whose timed part is short: seven), in rounds (one process of every row of a scenario, ' +
      'then the next round), and each figure is the median of those processes; ' +
      'workers run plain JavaScript ' +
      `under plain \`node\`. Pools have ${params.workers} workers. Process mode means child_process for Spindle, ` +
      'tinypool (`runtime: "child_process"`) and workerpool (`workerType: "process"`), and cluster workers for ' +
      'poolifier (`FixedClusterPool`); piscina has threads only. Peers run with their defaults except where a ' +
      'note says otherwise. **vs fastest peer** divides by the fastest peer in the same mode in this run, ' +
      'oriented so that above 1× is better (for times: fastest peer time / this time). Cases run without ' +
      '`NODE_EXTRA_CA_CERTS` in their environment: where it is set, every Node process reads that file as it ' +
      'starts (~30 ms measured on this machine), and tinypool starts its child processes with an empty ' +
      'environment, so it alone would skip that cost in the process start-up figures.',
    '',
    '## Spindle vs the fastest peer',
    '',
    summary(results),
  ];
  for (const result of results) {
    parts.push('', `## ${result.scenario.title}`, '', result.scenario.describe(params));
    if (result.extra !== undefined) parts.push('', result.extra);
    parts.push('', scenarioTable(result));
  }
  parts.push(
    '',
    'Produced by `npm run bench` (bench/run.ts). Cells read "n/a" where a library has no such mode or ' +
      'feature, or where Spindle has not been built with it yet.',
    '',
  );
  return parts.join('\n');
}
