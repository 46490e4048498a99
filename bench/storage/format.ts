// Number formatting for the report: rates in k/M operations per second, times in ms, sizes in MiB,
// ratios as ours/peer. Missing figures print as an em dash rather than NaN.
import type { MetricKey } from './protocol.js';

export type Unit = 'rate' | 'ms' | 'MiB';

export interface MetricRow {
  readonly key: MetricKey;
  readonly label: string;
  readonly unit: Unit;
  /** Which direction is better, shown as an arrow so the ratio column reads the right way. */
  readonly better: 'higher' | 'lower';
}

const missing = '—';

export function formatValue(value: number | undefined, unit: Unit): string {
  if (value === undefined || !Number.isFinite(value)) return missing;
  switch (unit) {
    case 'rate':
      return formatRate(value);
    case 'ms':
      return value < 10 ? value.toFixed(2) : value.toFixed(1);
    case 'MiB':
      return value.toFixed(1);
  }
}

export function formatRate(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (value >= 1e4) return `${Math.round(value / 1e3)} k`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)} k`;
  return value.toFixed(0);
}

/** ours / peer, e.g. "1.23×"; a dash when either side is missing. */
export function formatRatio(ours: number | undefined, peer: number | undefined): string {
  if (ours === undefined || peer === undefined || !(peer > 0) || !Number.isFinite(ours)) return missing;
  return `${(ours / peer).toFixed(2)}×`;
}

export function formatInteger(value: number): string {
  return value.toLocaleString('en-US');
}

export function arrow(row: MetricRow): string {
  return row.better === 'higher' ? '↑' : '↓';
}
