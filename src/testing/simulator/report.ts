// What a run did and checked. Counters prove coverage (a run that checked nothing fails), and a
// failure carries the one command that replays it plus the last steps that led there.
import type { PlantedBugs } from '../../storage/options.js';

export interface SimulationCounters {
  steps: number;
  batchesAcknowledged: number;
  operationsAcknowledged: number;
  /** Acknowledged batches written deferred (durable only from the next durable write or sync). */
  batchesDeferred: number;
  /** Writes that threw and provably had no effect (the engine kept accepting writes). */
  writesRejected: number;
  /** Writes that threw with a fail-stop, or were in flight at a crash: they may or may not exist. */
  writesUncertain: number;
  /** Point reads, edge lookups, whole scans and interleaved-scan items compared with the model. */
  readsChecked: number;
  /** Reads that failed with an excused error (a fault that fired, reported corruption). */
  readsFailed: number;
  interleavedScans: number;
  fullCheckpoints: number;
  crashes: number;
  crashesDuringRecovery: number;
  /** Opens that succeeded after a crash or a fail-stop, each followed by a full check. */
  recoveries: number;
  reopens: number;
  failStops: number;
  /** CORRUPTION errors the engine reported for damage the simulator made. */
  corruptionReported: number;
  damageRepaired: number;
  /** Recoveries that legitimately dropped the batch of a damaged final WAL frame. */
  walFramesCut: number;
  engineFlushes: number;
  engineCompactions: number;
  /** The most possible worlds the model tracked at once. */
  worldsMax: number;
}

export interface DiskCounters {
  readonly operations: number;
  readonly faultsEIO: number;
  readonly faultsENOSPC: number;
  /** Damage at rest the simulator made: single flipped bits, and overwritten sectors. */
  readonly bitsFlipped: number;
  readonly sectorsCorrupted: number;
  readonly sectorsTorn: number;
  readonly sectorsLost: number;
  readonly partialWrites: number;
}

export interface SimulationFailure {
  readonly step: number;
  readonly message: string;
  /** The last steps before the failure, oldest first. */
  readonly trace: readonly string[];
}

export interface SimulationReport {
  readonly seed: number;
  readonly operations: number;
  readonly plantedBugs: PlantedBugs;
  readonly ok: boolean;
  readonly failure: SimulationFailure | undefined;
  /** The command that replays this run exactly. */
  readonly replay: string;
  readonly counters: SimulationCounters;
  readonly disk: DiskCounters;
  /** Injected faults that fired, by "KIND operation phase|once". */
  readonly faults: Readonly<Record<string, number>>;
  /** A one-line summary of the seed's configuration. */
  readonly configuration: string;
  /** A hash of every step and outcome: equal for equal seeds, or the run is not deterministic. */
  readonly traceHash: number;
}

export function emptyCounters(): SimulationCounters {
  return {
    steps: 0,
    batchesAcknowledged: 0,
    operationsAcknowledged: 0,
    batchesDeferred: 0,
    writesRejected: 0,
    writesUncertain: 0,
    readsChecked: 0,
    readsFailed: 0,
    interleavedScans: 0,
    fullCheckpoints: 0,
    crashes: 0,
    crashesDuringRecovery: 0,
    recoveries: 0,
    reopens: 0,
    failStops: 0,
    corruptionReported: 0,
    damageRepaired: 0,
    walFramesCut: 0,
    engineFlushes: 0,
    engineCompactions: 0,
    worldsMax: 1,
  };
}

export function replayCommand(seed: number, operations: number, plantedBugs: PlantedBugs = {}): string {
  const bugs = Object.entries(plantedBugs)
    .filter(([, on]) => on === true)
    .map(([name]) => ` --bug ${name}`)
    .join('');
  return `npm run sim -- --seed ${seed} --ops ${operations}${bugs}`;
}

/** Sums numeric counters of many reports (for the CLI's totals). */
export function sumCounters(reports: readonly SimulationReport[]): Record<string, number> {
  const totals: Record<string, number> = {};
  const add = (key: string, value: number): void => {
    totals[key] = (totals[key] ?? 0) + value;
  };
  for (const report of reports) {
    for (const [key, value] of Object.entries(report.counters)) {
      if (key === 'worldsMax') totals[key] = Math.max(totals[key] ?? 0, value);
      else add(key, value);
    }
    for (const [key, value] of Object.entries(report.disk)) add(`disk.${key}`, value);
  }
  const faults = new Map<string, number>();
  for (const report of reports) {
    for (const [key, value] of Object.entries(report.faults)) faults.set(key, (faults.get(key) ?? 0) + value);
  }
  for (const [key, value] of [...faults].sort(([left], [right]) => (left < right ? -1 : 1))) {
    totals[`fault ${key}`] = value;
  }
  return totals;
}
