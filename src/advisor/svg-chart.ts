/**
 * The report's charts, drawn as inline SVG strings: a line chart (throughput or speedup against workers), a
 * range chart (latency percentiles, log scale) and a bar chart (cores used). No library and no script, so the
 * report opens offline and prints as it shows.
 */

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly Point[];
}

/** A horizontal line across a line chart (serial, best async). */
export interface Reference {
  readonly name: string;
  readonly color: string;
  readonly y: number;
}

export interface LineChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly references: readonly Reference[];
  readonly formatY: (value: number) => string;
}

export interface RangeRow {
  readonly label: string;
  readonly color: string;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface BarRow {
  readonly label: string;
  readonly color: string;
  readonly value: number;
  /** Drawn as a thin second bar under the main one (0–1 of the axis), e.g. worker loop utilisation. */
  readonly secondary?: number | undefined;
}

const WIDTH = 560;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';

/** Room for the longest row label (12 px text), within reason. */
function labelMargin(rows: readonly { readonly label: string }[]): number {
  const longest = Math.max(0, ...rows.map((r) => r.label.length));
  return Math.min(230, Math.max(110, Math.ceil(longest * 6.8) + 18));
}

/** Escapes text for SVG and HTML. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Round axis ticks covering [0, max]: 1, 2 or 5 × a power of ten apart. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${FONT} ${attrs}>${escapeXml(content)}</text>`;
}

function frame(height: number, title: string, body: string): string {
  return (
    `<svg class="chart" role="img" aria-label="${escapeXml(title)}" viewBox="0 0 ${WIDTH} ${height}" ` +
    `width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeXml(title)}</title>` +
    text(16, 24, title, 'font-size="15" font-weight="600" fill="#0f172a"') +
    body +
    '</svg>'
  );
}

/** Lines of y against workers (x on a log₂ scale, since worker counts double), with reference lines. */
export function lineChart(spec: LineChartSpec): string {
  const height = 320;
  const left = 64;
  const right = WIDTH - 150;
  const top = 44;
  const bottom = height - 48;
  const xs = [...new Set(spec.series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const allY = [...spec.series.flatMap((s) => s.points.map((p) => p.y)), ...spec.references.map((r) => r.y)];
  const yTicks = niceTicks(Math.max(...allY, 0) * 1.05);
  const yMax = yTicks[yTicks.length - 1]!;
  const logMin = Math.log2(xs[0] ?? 1);
  const logMax = Math.log2(xs[xs.length - 1] ?? 1);
  const xOf = (x: number): number =>
    logMax === logMin
      ? (left + right) / 2
      : left + ((Math.log2(x) - logMin) / (logMax - logMin)) * (right - left);
  const yOf = (y: number): number => bottom - (y / yMax) * (bottom - top);
  const parts: string[] = [];
  for (const tick of yTicks) {
    const y = yOf(tick);
    parts.push(
      `<line x1="${left}" x2="${right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e2e8f0"/>`,
    );
    parts.push(text(left - 8, y + 4, spec.formatY(tick), 'font-size="11" fill="#64748b" text-anchor="end"'));
  }
  for (const x of xs) {
    parts.push(text(xOf(x), bottom + 18, String(x), 'font-size="11" fill="#64748b" text-anchor="middle"'));
  }
  parts.push(`<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#94a3b8"/>`);
  parts.push(
    text((left + right) / 2, height - 10, spec.xLabel, 'font-size="12" fill="#334155" text-anchor="middle"'),
  );
  parts.push(
    text(
      16,
      (top + bottom) / 2,
      spec.yLabel,
      `font-size="12" fill="#334155" text-anchor="middle" transform="rotate(-90 16 ${(top + bottom) / 2})"`,
    ),
  );
  const legend: { name: string; color: string; dashed: boolean }[] = [];
  for (const ref of spec.references) {
    const y = yOf(ref.y).toFixed(1);
    parts.push(
      `<line class="reference" x1="${left}" x2="${right}" y1="${y}" y2="${y}" stroke="${ref.color}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    );
    legend.push({ name: ref.name, color: ref.color, dashed: true });
  }
  for (const series of spec.series) {
    const points = [...series.points].sort((a, b) => a.x - b.x);
    if (points.length === 0) continue;
    // A single measurement (one worker count) is a marker, not a line.
    if (points.length > 1) {
      const d = points
        .map((p, i) => `${i === 0 ? 'M' : 'L'}${xOf(p.x).toFixed(1)},${yOf(p.y).toFixed(1)}`)
        .join(' ');
      parts.push(
        `<path class="series" d="${d}" fill="none" stroke="${series.color}" stroke-width="2.5" stroke-linejoin="round"/>`,
      );
    }
    for (const p of points) {
      parts.push(
        `<circle cx="${xOf(p.x).toFixed(1)}" cy="${yOf(p.y).toFixed(1)}" r="4" fill="#fff" stroke="${series.color}" stroke-width="2"><title>${escapeXml(`${series.name}, ${p.x}: ${spec.formatY(p.y)}`)}</title></circle>`,
      );
    }
    legend.push({ name: series.name, color: series.color, dashed: false });
  }
  legend.forEach((item, i) => {
    const y = top + 6 + i * 20;
    parts.push(
      `<line x1="${right + 14}" x2="${right + 36}" y1="${y}" y2="${y}" stroke="${item.color}" stroke-width="${item.dashed ? 1.5 : 2.5}"${item.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    parts.push(text(right + 42, y + 4, item.name, 'font-size="11" fill="#334155"'));
  });
  return frame(height, spec.title, parts.join(''));
}

/** Latency percentiles per strategy: a bar from p50 to p99 with a tick at p95, on a log scale (ms). */
export function rangeChart(title: string, rows: readonly RangeRow[], format: (ms: number) => string): string {
  const rowHeight = 24;
  const left = labelMargin(rows);
  const right = WIDTH - 24;
  const top = 44;
  const height = top + rows.length * rowHeight + 44;
  const values = rows.flatMap((r) => [r.p50, r.p99]).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(...values, 1)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...values, 1))));
  const xOf = (ms: number): number =>
    left + ((Math.log10(Math.max(ms, 10 ** lo)) - lo) / (hi - lo)) * (right - left);
  const parts: string[] = [];
  for (let e = lo; e <= hi; e++) {
    const x = xOf(10 ** e);
    parts.push(
      `<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${top - 4}" y2="${height - 40}" stroke="#e2e8f0"/>`,
    );
    parts.push(text(x, height - 26, format(10 ** e), 'font-size="11" fill="#64748b" text-anchor="middle"'));
  }
  rows.forEach((row, i) => {
    const y = top + i * rowHeight + rowHeight / 2;
    parts.push(text(left - 10, y + 4, row.label, 'font-size="12" fill="#334155" text-anchor="end"'));
    if (!(row.p50 > 0)) return;
    const x50 = xOf(row.p50);
    const x99 = Math.max(xOf(row.p99), x50 + 2);
    parts.push(
      `<rect class="range" x="${x50.toFixed(1)}" y="${(y - 6).toFixed(1)}" width="${(x99 - x50).toFixed(1)}" height="12" rx="3" fill="${row.color}" opacity="0.35"><title>${escapeXml(`${row.label}: p50 ${format(row.p50)}, p95 ${format(row.p95)}, p99 ${format(row.p99)}`)}</title></rect>`,
    );
    parts.push(`<circle cx="${x50.toFixed(1)}" cy="${y.toFixed(1)}" r="4.5" fill="${row.color}"/>`);
    const x95 = xOf(row.p95);
    parts.push(
      `<line x1="${x95.toFixed(1)}" x2="${x95.toFixed(1)}" y1="${y - 7}" y2="${y + 7}" stroke="${row.color}" stroke-width="2"/>`,
    );
  });
  parts.push(
    text(
      right,
      height - 8,
      '● p50   | p95   ▬ to p99   (log scale)',
      'font-size="11" fill="#64748b" text-anchor="end"',
    ),
  );
  return frame(height, title, parts.join(''));
}

/** Horizontal bars with a dashed marker (e.g. the core count). */
export function barChart(
  title: string,
  rows: readonly BarRow[],
  marker: { readonly value: number; readonly label: string },
  format: (value: number) => string,
  secondaryLabel?: string,
): string {
  const rowHeight = 26;
  const left = labelMargin(rows);
  const right = WIDTH - 64;
  const top = 44;
  const height = top + rows.length * rowHeight + 40;
  const ticks = niceTicks(Math.max(marker.value, ...rows.map((r) => r.value)) * 1.05, 4);
  const max = ticks[ticks.length - 1]!;
  const xOf = (v: number): number => left + (Math.max(0, v) / max) * (right - left);
  const parts: string[] = [];
  for (const tick of ticks) {
    const x = xOf(tick);
    parts.push(
      `<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${top - 4}" y2="${height - 36}" stroke="#e2e8f0"/>`,
    );
    parts.push(text(x, height - 22, format(tick), 'font-size="11" fill="#64748b" text-anchor="middle"'));
  }
  rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    parts.push(text(left - 10, y + 15, row.label, 'font-size="12" fill="#334155" text-anchor="end"'));
    const width = Math.max(1, xOf(row.value) - left);
    parts.push(
      `<rect class="bar" x="${left}" y="${y + 4}" width="${width.toFixed(1)}" height="14" rx="3" fill="${row.color}"><title>${escapeXml(`${row.label}: ${format(row.value)}`)}</title></rect>`,
    );
    parts.push(text(left + width + 6, y + 15, format(row.value), 'font-size="11" fill="#334155"'));
    if (row.secondary !== undefined) {
      parts.push(
        `<rect x="${left}" y="${y + 19}" width="${(Math.max(0, Math.min(1, row.secondary)) * (right - left)).toFixed(1)}" height="3" fill="#0f172a" opacity="0.55"/>`,
      );
    }
  });
  const mx = xOf(marker.value);
  parts.push(
    `<line x1="${mx.toFixed(1)}" x2="${mx.toFixed(1)}" y1="${top - 6}" y2="${height - 36}" stroke="#dc2626" stroke-width="1.5" stroke-dasharray="5 4"/>`,
  );
  parts.push(text(mx, top - 10, marker.label, 'font-size="11" fill="#dc2626" text-anchor="middle"'));
  if (secondaryLabel !== undefined) {
    parts.push(
      text(WIDTH - 16, height - 6, secondaryLabel, 'font-size="11" fill="#64748b" text-anchor="end"'),
    );
  }
  return frame(height, title, parts.join(''));
}
