/** Number formatting shared by the classifier's evidence, the reasons, the tables and the reports. */

/** `0.4 µs`, `12.3 µs`, `1.25 ms`, `12.3 ms`, `1.23 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 0.001) return `${(ms * 1000).toFixed(2)} µs`;
  if (ms < 0.1) return `${(ms * 1000).toFixed(1)} µs`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** `512 B`, `4.0 KiB`, `128.0 MiB`, `1.50 GiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const sign = bytes < 0 ? '-' : '';
  const b = Math.abs(bytes);
  if (b < 1024) return `${sign}${Math.round(b)} B`;
  if (b < 1024 ** 2) return `${sign}${(b / 1024).toFixed(1)} KiB`;
  if (b < 1024 ** 3) return `${sign}${(b / 1024 ** 2).toFixed(1)} MiB`;
  return `${sign}${(b / 1024 ** 3).toFixed(2)} GiB`;
}

/** `97 %`. */
export function formatPercent(share: number): string {
  return Number.isFinite(share) ? `${Math.round(share * 100)} %` : '—';
}

/** `1.97×`. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—';
  return ratio >= 100 ? `${Math.round(ratio)}×` : `${ratio.toFixed(2)}×`;
}

/** Tasks per second: `0.85/s`, `97.3/s`, `1,234/s`, `412k/s`, `3.1M/s`. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '—';
  if (perSecond < 10) return `${perSecond.toFixed(2)}/s`;
  if (perSecond < 100) return `${perSecond.toFixed(1)}/s`;
  if (perSecond < 100_000) return `${Math.round(perSecond).toLocaleString('en-US')}/s`;
  if (perSecond < 10_000_000) return `${Math.round(perSecond / 1000)}k/s`;
  return `${(perSecond / 1e6).toFixed(1)}M/s`;
}
