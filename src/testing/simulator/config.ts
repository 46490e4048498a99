// Swarm testing: every seed draws its own configuration (engine budgets, workload shape, which
// actions run and how often, which faults fire and how hard), so a few hundred seeds cover corners
// that one average mix never reaches, such as a tiny memtable with no faults but many scans, or
// fsync errors with compaction switched off. Everything is drawn from the seed's Rng.
import type { Rng } from '../../core/rng.js';
import type { EdgeType } from '../../core/types.js';
import type { SimFaultKind, SimFaultOperation } from '../../vfs/sim-faults.js';

export const actionNames = [
  'put',
  'overwrite',
  'delete',
  'putEdge',
  'deleteEdge',
  'batch',
  'getBlock',
  'outgoing',
  'incoming',
  'scanBlocks',
  'scanEdges',
  'interleavedScan',
  'flush',
  'compact',
  'maintenance',
  'checkpoint',
  'reopen',
  'crashNow',
  'crashSoon',
  'damageTable',
  'snapshot',
] as const;

export type ActionName = (typeof actionNames)[number];

export interface EngineConfig {
  readonly memtableBytes: number;
  readonly walSegmentBytes: number;
  readonly tableBlockBytes: number;
  readonly blockCacheBytes: number;
  readonly tableMetadataBytes: number;
  /** Small slabs make WAL frames and values outgrow a slab, which takes the arena's other path. */
  readonly arenaSlabBytes: number;
  /** Syncs of a table while it is written, before the one that completes it. */
  readonly tableSyncEveryBytes: number;
}

export interface WorkloadConfig {
  readonly idCount: number;
  /** A few ids take half of all picks, so keys are overwritten and deleted often. */
  readonly hotIdCount: number;
  readonly edgeTypes: readonly EdgeType[];
  readonly batchOperationsMax: number;
  readonly contentCharsMax: number;
  readonly largeBlockChance: number;
  readonly largeBlockCharsMax: number;
}

export interface FaultRule {
  readonly kind: SimFaultKind;
  readonly operation: SimFaultOperation;
  readonly probability: number;
}

export interface FaultConfig {
  /** Probabilistic faults armed together during a fault phase. */
  readonly rules: readonly FaultRule[];
  /** Chance per step that a fault phase starts (when none runs). */
  readonly phaseChance: number;
  readonly phaseStepsMax: number;
  /** Chance per step of arming a one-shot fault on the nth next matching operation. */
  readonly oneShotChance: number;
}

export interface CrashConfig {
  /** Chance that a reopen after a crash is itself crashed part-way through recovery. */
  readonly duringRecoveryChance: number;
  /** A scheduled crash fires within this many file-system operations. */
  readonly scheduleWithinOperations: number;
  readonly tornSectorProbability: number;
  readonly directoryChangeKeepProbability: number;
}

export interface DamageConfig {
  /** Chance that a reopen first damages a closed database at rest (a bit in a table or WAL). */
  readonly atRestChance: number;
  /** Share of damage that overwrites a whole sector rather than flipping one bit. */
  readonly sectorShare: number;
}

export interface SimulationConfig {
  readonly engine: EngineConfig;
  readonly workload: WorkloadConfig;
  readonly weights: Readonly<Record<ActionName, number>>;
  readonly faults: FaultConfig;
  readonly crashes: CrashConfig;
  readonly damage: DamageConfig;
  /** A full two-way comparison runs at least this often (in steps). */
  readonly checkpointEvery: number;
}

const KiB = 1024;

const faultOperations: readonly SimFaultOperation[] = [
  'read',
  'append',
  'write',
  'sync',
  'syncDirectory',
  'create',
  'open',
  'rename',
  'unlink',
  'list',
  'truncate',
  'size',
  'exists',
  'lock',
  'stat',
];
const spaceOperations: readonly SimFaultOperation[] = [
  'append',
  'write',
  'create',
  'sync',
  'truncate',
  'rename',
];

export function chooseConfig(rng: Rng): SimulationConfig {
  const config = {
    engine: chooseEngine(rng),
    workload: chooseWorkload(rng),
    weights: chooseWeights(rng),
    faults: chooseFaults(rng),
    crashes: {
      duringRecoveryChance: rng.pick([0, 0.2, 0.5]),
      scheduleWithinOperations: rng.pick([20, 200, 2000]),
      tornSectorProbability: rng.pick([0, 0.1, 0.4]),
      directoryChangeKeepProbability: rng.pick([0, 0, 0.5]),
    },
    damage: { atRestChance: rng.pick([0, 0.1, 0.3]), sectorShare: rng.pick([0, 0.3]) },
    checkpointEvery: rng.pick([50, 150, 500]),
  };
  // Drawn last, so the draws above (and every recorded seed's configuration) stay as they were.
  const arenaSlabBytes = rng.pick([256, 4 * KiB, 64 * KiB, 4 * 1024 * KiB]);
  const tableSyncEveryBytes = rng.pick([1 * KiB, 16 * KiB, 8 * 1024 * KiB]);
  // An edge type stored under its source only (the name index) in half the runs.
  const edgeTypes: readonly EdgeType[] = rng.chance(0.5)
    ? [...config.workload.edgeTypes, 'name_index']
    : config.workload.edgeTypes;
  // Read-only snapshots beside the live engine, in half the runs.
  const snapshot = rng.pick([0, 0, 0.5, 2]);
  return {
    ...config,
    weights: { ...config.weights, snapshot },
    engine: { ...config.engine, arenaSlabBytes, tableSyncEveryBytes },
    workload: { ...config.workload, edgeTypes },
  };
}

function chooseEngine(rng: Rng): Omit<EngineConfig, 'arenaSlabBytes' | 'tableSyncEveryBytes'> {
  return {
    memtableBytes: rng.pick([4 * KiB, 8 * KiB, 16 * KiB, 64 * KiB, 256 * KiB]),
    walSegmentBytes: rng.pick([4 * KiB, 8 * KiB, 32 * KiB, 1024 * KiB]),
    tableBlockBytes: rng.pick([256, 512, 1 * KiB, 4 * KiB, 16 * KiB]),
    blockCacheBytes: rng.pick([0, 4 * KiB, 64 * KiB, 8192 * KiB]),
    tableMetadataBytes: rng.pick([0, 2 * KiB, 256 * 1024 * KiB]),
  };
}

function chooseWorkload(rng: Rng): WorkloadConfig {
  const idCount = rng.pick([4, 16, 64, 256]);
  const allTypes: EdgeType[] = ['calls', 'imports', 'contains', 'references', 'type_300', 'type_65535'];
  const edgeTypes = allTypes.filter(() => rng.chance(0.5));
  return {
    idCount,
    hotIdCount: Math.max(1, Math.floor(idCount / rng.pick([2, 8, 32]))),
    edgeTypes: edgeTypes.length === 0 ? ['calls'] : edgeTypes,
    batchOperationsMax: rng.pick([2, 8, 32, 128]),
    contentCharsMax: rng.pick([64, 512, 4 * KiB]),
    largeBlockChance: rng.pick([0, 0.005, 0.02]),
    largeBlockCharsMax: rng.between(20 * KiB, 300 * KiB),
  };
}

function chooseWeights(rng: Rng): Record<ActionName, number> {
  const optional = (): number => rng.pick([0, 1, 2, 4, 8]);
  const weights = {} as Record<ActionName, number>;
  for (const name of actionNames) weights[name] = name === 'snapshot' ? 0 : optional();
  // Some writing and some reading in every run; the rest may be switched off entirely.
  weights.put = Math.max(weights.put, 4);
  weights.batch = Math.max(weights.batch, 2);
  weights.getBlock = Math.max(weights.getBlock, 2);
  // Crashes and damage are rarer than ordinary operations, or runs would do little else.
  weights.crashNow = Math.min(weights.crashNow, 1) * rng.pick([0, 0.1, 0.3]);
  weights.crashSoon = Math.min(weights.crashSoon, 1) * rng.pick([0, 0.2, 0.6]);
  weights.reopen = weights.reopen * 0.1;
  weights.damageTable = Math.min(weights.damageTable, 1) * rng.pick([0, 0.1, 0.3]);
  weights.compact = weights.compact * 0.2;
  weights.checkpoint = weights.checkpoint * 0.1;
  return weights;
}

function chooseFaults(rng: Rng): FaultConfig {
  if (rng.chance(0.2)) return { rules: [], phaseChance: 0, phaseStepsMax: 0, oneShotChance: 0 };
  const rules: FaultRule[] = [];
  for (const operation of faultOperations) {
    if (rng.chance(0.35)) rules.push({ kind: 'EIO', operation, probability: faultProbability(rng) });
  }
  for (const operation of spaceOperations) {
    if (rng.chance(0.3)) rules.push({ kind: 'ENOSPC', operation, probability: faultProbability(rng) });
  }
  return {
    rules,
    phaseChance: rng.pick([0.005, 0.02, 0.05]),
    phaseStepsMax: rng.pick([5, 20, 60]),
    oneShotChance: rng.pick([0, 0.01, 0.03]),
  };
}

function faultProbability(rng: Rng): number {
  return rng.pick([0.002, 0.01, 0.03, 0.1]);
}

export { faultOperations, spaceOperations };
