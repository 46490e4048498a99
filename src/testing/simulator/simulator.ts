// The deterministic simulator: the real storage engine on SimVfs, driven by one seed. The seed
// picks the configuration (swarm testing), every operation, fault, crash point and bit flip, so
// `npm run sim -- --seed S --ops N` replays a run exactly. Each step may tick faults, reopen a
// crashed or fail-stopped engine, then perform one action; full checkpoints run on a schedule and
// at the end, where faults stop, damage is undone, and the database must recover to the model
// after a clean reopen and after one more crash.
import { SeededRng } from '../../core/rng.js';
import type { PlantedBugs } from '../../storage/options.js';
import { performAction, pickAction } from './actions.js';
import { chooseConfig, type SimulationConfig } from './config.js';
import { fullCheckpoint } from './checks.js';
import { Harness, SimulationAbort } from './harness.js';
import { abandonScan } from './interleaved-scan.js';
import { closeDatabase, openWithRecovery, reopen } from './lifecycle.js';
import { replayCommand, type SimulationFailure, type SimulationReport } from './report.js';

/** Per step, once the engine has reported damage: undo it (as restoring the file would). */
const reportedDamageRepairChance = 0.1;

export interface SimulationOptions {
  readonly seed: number;
  /** Steps to run (each one action: a write, a read, a flush, a crash...). */
  readonly operations: number;
  /** Test-only: plant a known bug, to prove the simulator catches it. */
  readonly plantedBugs?: PlantedBugs;
  /** Steps of trace kept for a failure report (default 40). */
  readonly traceSteps?: number;
}

export function runSimulation(options: SimulationOptions): SimulationReport {
  const { seed, operations } = options;
  const plantedBugs = options.plantedBugs ?? {};
  const rng = new SeededRng(seed);
  const config = chooseConfig(rng.fork());
  const harness = new Harness(config, plantedBugs, rng, options.traceSteps ?? 40);
  let failure: SimulationFailure | undefined;
  try {
    openWithRecovery(harness, 'initial');
    for (let step = 0; step < operations; step += 1) runStep(harness, step);
    finish(harness);
    failure = checkedSomething(harness);
  } catch (error) {
    const message =
      error instanceof SimulationAbort
        ? error.message
        : `simulator error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    failure = { step: harness.step, message, trace: [...harness.recentSteps] };
  }
  harness.counters.worldsMax = harness.model.widestSeen;
  const disk = harness.disk.counters;
  return {
    seed,
    operations,
    plantedBugs,
    ok: failure === undefined,
    failure,
    replay: replayCommand(seed, operations, plantedBugs),
    counters: harness.counters,
    disk: {
      operations: disk.operations,
      faultsEIO: disk.faults.EIO,
      faultsENOSPC: disk.faults.ENOSPC,
      bitsFlipped: harness.damage.bitFlipEvents,
      sectorsCorrupted: harness.damage.sectorEvents,
      sectorsTorn: disk.sectorsTorn,
      sectorsLost: disk.sectorsLost,
      partialWrites: disk.partialWrites,
    },
    faults: harness.faults.firedCounts(),
    configuration: describeConfig(config),
    traceHash: harness.traceHash,
  };
}

function runStep(harness: Harness, step: number): void {
  harness.step = step;
  harness.counters.steps += 1;
  harness.faults.tick(step);
  if (harness.db === undefined) openWithRecovery(harness, 'crash');
  if (harness.db?.stats().failed === true) {
    if (!harness.failStopSeen) harness.counters.failStops += 1;
    harness.failStopSeen = true;
    // Sometimes read a little from the fail-stopped engine first: reads must still be right.
    if (harness.rng.chance(0.5)) reopen(harness, 'fail-stop');
  }
  if (harness.rng.chance(reportedDamageRepairChance)) {
    harness.counters.damageRepaired += harness.damage.repairReported();
  }
  const action = pickAction(harness);
  harness.note(action);
  performAction(harness, action);
  if (
    harness.db !== undefined &&
    step % harness.config.checkpointEvery === harness.config.checkpointEvery - 1
  ) {
    fullCheckpoint(harness, 'periodic');
  }
}

/** Faults stop and damage is undone; then a clean reopen and a crash must both recover the model. */
function finish(harness: Harness): void {
  harness.step = -1;
  harness.note('finish');
  harness.calm = true;
  harness.faults.disarmAll();
  harness.disk.cancelScheduledCrash();
  harness.counters.damageRepaired += harness.damage.repairAll();
  abandonScan(harness);
  if (harness.db === undefined) openWithRecovery(harness, 'crash');
  else reopen(harness, 'clean');
  if (harness.db !== undefined) harness.crashNow();
  openWithRecovery(harness, 'final crash');
  closeDatabase(harness, 'end');
}

function checkedSomething(harness: Harness): SimulationFailure | undefined {
  const { readsChecked, fullCheckpoints } = harness.counters;
  if (readsChecked > 0 && fullCheckpoints > 0) return undefined;
  return {
    step: harness.step,
    message: `the run checked nothing (${readsChecked} reads, ${fullCheckpoints} full checkpoints)`,
    trace: [...harness.recentSteps],
  };
}

function describeConfig(config: SimulationConfig): string {
  const { engine, workload, faults, crashes, damage } = config;
  const active = Object.entries(config.weights)
    .filter(([, weight]) => weight > 0)
    .map(([name]) => name);
  return [
    `memtable ${engine.memtableBytes} B, wal segment ${engine.walSegmentBytes} B, table block ${engine.tableBlockBytes} B,`,
    `cache ${engine.blockCacheBytes} B, metadata ${engine.tableMetadataBytes} B, slab ${engine.arenaSlabBytes} B, table sync every ${engine.tableSyncEveryBytes} B;`,
    `${workload.idCount} ids, batches <= ${workload.batchOperationsMax}, large blocks ${workload.largeBlockChance};`,
    `${faults.rules.length} fault rules, phase chance ${faults.phaseChance};`,
    `torn ${crashes.tornSectorProbability}, damage at rest ${damage.atRestChance};`,
    `actions: ${active.join(' ')}`,
  ].join(' ');
}
