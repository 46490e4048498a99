// What the orchestrator (bench/storage.bench.ts) and a runner child (runner.ts) exchange: the
// request as a JSON argument, the outcome as one marked JSON line on the child's stdout.
import type { EngineName } from './store.js';
import type { WorkloadSize } from './workload.js';

export const outcomeMarker = 'STORAGE_BENCH_OUTCOME ';

export interface RunnerRequest {
  readonly size: WorkloadSize;
  readonly seed: number;
  /** A fresh directory under bench/.work/ that the runner owns and deletes. */
  readonly directory: string;
}

/** Every figure a run can produce; rates are operations per second, times milliseconds, sizes MiB. */
export const metricKeys = [
  'sequentialInsertsPerSecond',
  'sequentialBatchP50Ms',
  'sequentialBatchP99Ms',
  'randomInsertsPerSecond',
  'randomBatchP50Ms',
  'randomBatchP99Ms',
  'sequentialReopenMs',
  'sequentialReadsPerSecond',
  'randomReadsPerSecond',
  'randomAsyncReadsPerSecond',
  'edgeInsertsPerSecond',
  'edgeBatchP50Ms',
  'edgeBatchP99Ms',
  'edgeLookupsPerSecond',
  'baselineRssMiB',
  'peakRssMiB',
  'sequentialDiskMiB',
  'randomDiskMiB',
  'edgeDiskMiB',
  'stressWritesPerSecond',
  'stressWriteP50Ms',
  'stressWriteP99Ms',
  'stressWriteP999Ms',
  'stressWriteMaxMs',
  'stressPeakRssMiB',
] as const;
export type MetricKey = (typeof metricKeys)[number];
export type Metrics = Partial<Record<MetricKey, number>>;

export interface RunDetails {
  /** Largest in-degree in the edge workload, to show its skew. */
  readonly edgeMaxIncoming: number;
  readonly edgesReturned: number;
  /** Engine statistics at points of interest (our engine only). */
  readonly stats?: Record<string, unknown>;
}

export type RunnerOutcome =
  | {
      readonly status: 'ok';
      readonly engine: EngineName;
      readonly version: string;
      readonly durability: string;
      readonly metrics: Metrics;
      readonly details: RunDetails;
    }
  | { readonly status: 'unavailable' | 'failed'; readonly engine: EngineName; readonly error: string };
