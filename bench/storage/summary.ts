// Folds the outcomes of every run into one summary per engine: medians, run-to-run spread, and why
// an engine has no figures (not installed, failed to load, failed a check).
import { median } from './measure.js';
import type { Metrics, RunDetails, RunnerOutcome } from './protocol.js';
import { metricKeys } from './protocol.js';
import type { EngineName } from './store.js';

export interface EngineSummary {
  readonly engine: EngineName;
  /** 'ok' when at least one run produced figures. */
  readonly status: 'ok' | 'unavailable' | 'failed';
  readonly version?: string;
  readonly durability?: string;
  readonly runsCompleted: number;
  readonly medians: Metrics;
  readonly minimums: Metrics;
  readonly maximums: Metrics;
  /** Details of the last successful run (engine statistics, edge skew). */
  readonly details?: RunDetails;
  readonly errors: readonly string[];
}

export function summarise(engine: EngineName, outcomes: readonly RunnerOutcome[]): EngineSummary {
  const mine = outcomes.filter((outcome) => outcome.engine === engine);
  const errors = [...new Set(mine.flatMap((outcome) => (outcome.status === 'ok' ? [] : [outcome.error])))];
  const completed = mine.flatMap((outcome) => (outcome.status === 'ok' ? [outcome] : []));
  const last = completed[completed.length - 1];
  if (last === undefined) {
    const status = mine.some((outcome) => outcome.status === 'failed') ? 'failed' : 'unavailable';
    return { engine, status, runsCompleted: 0, medians: {}, minimums: {}, maximums: {}, errors };
  }
  const medians: Metrics = {};
  const minimums: Metrics = {};
  const maximums: Metrics = {};
  for (const key of metricKeys) {
    const values = completed.flatMap((outcome) => {
      const value = outcome.metrics[key];
      return value === undefined ? [] : [value];
    });
    if (values.length === 0) continue;
    medians[key] = median(values);
    minimums[key] = Math.min(...values);
    maximums[key] = Math.max(...values);
  }
  return {
    engine,
    status: 'ok',
    version: last.version,
    durability: last.durability,
    runsCompleted: completed.length,
    medians,
    minimums,
    maximums,
    details: last.details,
    errors,
  };
}
