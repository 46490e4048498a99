// The state of one simulation run and the single door through which it calls the engine. call()
// measures faults and crashes around the call, judges any error against that evidence (failing
// the run when the error is not excused), and turns a crash into the model's "in flight" branch.
import { assert } from '../../core/assert.js';
import type { Rng } from '../../core/rng.js';
import type { WriteOperation } from '../../core/types.js';
import type { Database, DatabaseOptions } from '../../database.js';
import type { PlantedBugs } from '../../storage/options.js';
import { SimVfs } from '../../vfs/sim-vfs.js';
import type { Vfs } from '../../vfs/vfs.js';
import type { SimulationConfig } from './config.js';
import { DamageLedger } from './damage.js';
import { judgeError, Probe, totalFaults, type Excuse } from './excuses.js';
import { FaultController } from './fault-controller.js';
import type { OpenScan } from './interleaved-scan.js';
import { PossibleWorlds } from './possible-worlds.js';
import { emptyCounters, type SimulationCounters } from './report.js';
import { Workload } from './workload.js';

export const databaseDirectory = '/db';

/** True when the engine has fail-stopped, or is closed (a close that threw may have failed a sync). */
function failedStop(db: Database): boolean {
  try {
    return db.stats().failed;
  } catch {
    return true;
  }
}

export type CallResult<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'failed'; readonly excuse: Excuse; readonly message: string }
  | { readonly kind: 'crashed' };

/** Thrown to stop a run at the first failed check; runSimulation turns it into the report. */
export class SimulationAbort extends Error {
  override readonly name = 'SimulationAbort';
}

export class Harness {
  readonly disk: SimVfs;
  readonly model = new PossibleWorlds();
  readonly counters: SimulationCounters = emptyCounters();
  readonly damage: DamageLedger;
  readonly faults: FaultController;
  readonly workload: Workload;
  /** Drives the simulator's own choices (actions, targets); other streams are forked apart. */
  readonly rng: Rng;
  /** Decides which writes are deferred (forked last, so older seeds keep their other streams). */
  readonly durability: Rng;
  /** Share of writes issued deferred (WriteOptions.durable false): none in half the runs. */
  readonly deferredShare: number;
  db: Database | undefined;
  scan: OpenScan | undefined;
  step = 0;
  /** Faults counted when the current engine was opened. */
  sessionFaultsBase = 0;
  /** The current engine has been seen fail-stopped (counted once per session). */
  failStopSeen = false;
  /** Set for the final checks: no faults, no damage; every read must then succeed and agree. */
  calm = false;
  private readonly trace: string[] = [];
  private hash = 0x811c9dc5;

  constructor(
    readonly config: SimulationConfig,
    readonly plantedBugs: PlantedBugs,
    seedRng: Rng,
    private readonly traceStepsKept: number,
  ) {
    this.disk = new SimVfs({
      seed: seedRng.nextU32(),
      tornSectorProbability: config.crashes.tornSectorProbability,
      directoryChangeKeepProbability: config.crashes.directoryChangeKeepProbability,
    });
    this.rng = seedRng.fork();
    this.workload = new Workload(seedRng.fork(), config.workload);
    this.faults = new FaultController(this.disk, seedRng.fork(), config.faults);
    this.damage = new DamageLedger(this.disk, seedRng.fork());
    this.durability = seedRng.fork();
    this.deferredShare = this.durability.pick([0, 0, 0.5, 0.9]);
  }

  get traceHash(): number {
    return this.hash >>> 0;
  }

  get recentSteps(): readonly string[] {
    return this.trace;
  }

  databaseOptions(vfs: Vfs): DatabaseOptions {
    const engine = this.config.engine;
    return { ...engine, vfs, plantedBugs: this.plantedBugs };
  }

  note(text: string): void {
    const line = `#${this.step} ${text}`;
    this.trace.push(line);
    if (this.trace.length > this.traceStepsKept) this.trace.shift();
    for (let index = 0; index < line.length; index += 1) {
      this.hash = Math.imul(this.hash ^ line.charCodeAt(index), 0x01000193) >>> 0;
    }
  }

  fail(message: string): never {
    throw new SimulationAbort(message);
  }

  /** Calls the engine; `inFlight` is the batch a crash during this call would leave uncertain. */
  call<T>(what: string, run: (db: Database) => T, inFlight?: readonly WriteOperation[]): CallResult<T> {
    const db = this.db;
    assert(db !== undefined, `${what}: no open database`);
    const probe = new Probe(this.disk, this.sessionFaultsBase);
    let value: T | undefined;
    let thrown: { error: unknown } | undefined;
    try {
      value = run(db);
    } catch (error) {
      thrown = { error };
    }
    const evidence = probe.evidence();
    if (evidence.crashed) {
      // Even a call that returned: the process died inside it, so its answer never arrived.
      this.note(`${what}: crashed`);
      this.lostProcess(inFlight);
      return { kind: 'crashed' };
    }
    if (thrown === undefined) return { kind: 'ok', value: value as T };
    const judgement = judgeError(thrown.error, evidence, (message) => this.damage.namesDamagedFile(message));
    // A failed fsync may have been the one deferred writes waited for. A write's own failure is
    // left to issueWrite, whose failStopped keeps that batch off the states a lost run leaves.
    if (inFlight === undefined && failedStop(db)) this.model.syncFailed();
    if ('problem' in judgement) this.fail(`${what}: ${judgement.problem}`);
    if (judgement.excuse === 'corruption') this.counters.corruptionReported += 1;
    const message = thrown.error instanceof Error ? thrown.error.message : String(thrown.error);
    this.note(`${what}: ${judgement.excuse} (${message.slice(0, 80)})`);
    return { kind: 'failed', excuse: judgement.excuse, message };
  }

  /** Power loss now, between calls. */
  crashNow(): void {
    this.disk.crash();
    this.note('crash now');
    this.lostProcess(undefined);
  }

  /** Records that the engine process died with the machine. */
  lostProcess(inFlight: readonly WriteOperation[] | undefined): void {
    this.counters.crashes += 1;
    if (inFlight !== undefined) this.counters.writesUncertain += 1;
    this.collectEngineStats();
    this.db = undefined;
    this.scan = undefined;
    this.model.crashed(inFlight);
  }

  /** Adds the engine's flush and compaction counts before it goes away (stats() does no I/O). */
  collectEngineStats(): void {
    const db = this.db;
    if (db === undefined) return;
    try {
      const stats = db.stats();
      this.counters.engineFlushes += stats.flushes;
      this.counters.engineCompactions += stats.compactions;
    } catch {
      // A closed engine has no stats left to collect.
    }
  }

  startSession(db: Database, faultsAtOpen: number): void {
    this.db = db;
    this.sessionFaultsBase = faultsAtOpen;
    this.failStopSeen = false;
  }

  faultsSoFar(): number {
    return totalFaults(this.disk);
  }
}
