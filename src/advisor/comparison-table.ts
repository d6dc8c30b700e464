/**
 * The comparison table of a profile (one row per strategy), as cells, so the terminal, the decision record
 * and the HTML report show the same figures in the same order.
 */
import { serialThroughput } from './classify.ts';
import { formatBytes, formatMs, formatPercent, formatRate, formatRatio } from './format.ts';
import type { ProfileMeasurements } from './measurements.ts';

export interface ComparisonTable {
  readonly header: readonly string[];
  /** Numeric columns, to right-align. */
  readonly numeric: readonly boolean[];
  readonly rows: readonly (readonly string[])[];
  /** Index of the recommended row, if it is in the table. */
  readonly chosen: number | undefined;
}

const HEADER = [
  'strategy',
  'tasks/s',
  'speedup',
  'p50',
  'p95',
  'p99',
  'cores used',
  'worker loop',
  'start-up',
  'RSS peak',
  'worker heap',
  'errors',
] as const;

/** One row per trial; `chosenLabel` marks the recommended strategy. */
export function comparisonTable(m: ProfileMeasurements, chosenLabel?: string): ComparisonTable {
  const serial = serialThroughput(m);
  const rows = m.trials.map((t) => {
    const failed = t.status !== 'ok';
    return [
      t.label,
      failed ? t.status : formatRate(t.throughput),
      failed || serial <= 0 ? '—' : formatRatio(t.throughput / serial),
      failed ? '—' : formatMs(t.latencyMs.p50),
      failed ? '—' : formatMs(t.latencyMs.p95),
      failed ? '—' : formatMs(t.latencyMs.p99),
      failed ? '—' : t.cpu.coresUsed.toFixed(2),
      t.workerUtilisation === undefined ? '—' : formatPercent(t.workerUtilisation),
      t.startupMs === undefined ? '—' : formatMs(t.startupMs),
      formatBytes(t.memory.rssPeakBytes),
      t.memory.workerHeapPeakBytes === undefined ? '—' : formatBytes(t.memory.workerHeapPeakBytes),
      t.errors === 0 ? '0' : `${t.errors}${t.error === undefined ? '' : ` (${t.error})`}`,
    ];
  });
  const index = m.trials.findIndex((t) => t.label === chosenLabel);
  return {
    header: HEADER,
    numeric: HEADER.map((_, i) => i > 0 && i < HEADER.length - 1),
    rows,
    chosen: index < 0 ? undefined : index,
  };
}

/** A GitHub-flavoured Markdown table; the chosen row is in bold. */
export function markdownTable(table: ComparisonTable): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const lines = [
    `| ${table.header.join(' | ')} |`,
    `|${table.numeric.map((n) => (n ? ' ---: ' : ' --- ')).join('|')}|`,
  ];
  table.rows.forEach((row, i) => {
    const cells = row.map(escape).map((c, j) => (i === table.chosen && j === 0 ? `**${c}** ✔` : c));
    lines.push(`| ${cells.join(' | ')} |`);
  });
  return lines.join('\n');
}

/** A fixed-width text table for terminals; the chosen row is marked with `▶`. */
export function textTable(table: ComparisonTable, maxErrorWidth = 40): string {
  const rows = table.rows.map((row) =>
    row.map((cell, j) =>
      j === row.length - 1 && cell.length > maxErrorWidth ? `${cell.slice(0, maxErrorWidth - 1)}…` : cell,
    ),
  );
  const widths = table.header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: readonly string[], mark: string): string =>
    `${mark} ${cells.map((c, j) => (table.numeric[j] ? c.padStart(widths[j]!) : c.padEnd(widths[j]!))).join('  ')}`.trimEnd();
  return [
    line(table.header, ' '),
    line(
      widths.map((w) => '─'.repeat(w)),
      ' ',
    ),
    ...rows.map((row, i) => line(row, i === table.chosen ? '▶' : ' ')),
  ].join('\n');
}
