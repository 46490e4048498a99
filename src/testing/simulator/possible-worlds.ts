// The model under uncertainty: the set of states the engine may legitimately be in. Usually one.
//
// - An acknowledged batch is applied to every world: it must be visible and durable.
// - An acknowledged deferred batch must be visible, but is durable only from the next durable
//   write or sync on: until then a crash may take it back, with every deferred batch after it
//   and none before (the durable candidates are the prefixes of the unsynced run).
// - A batch whose write threw while the engine fail-stopped, or that was in flight at a crash, may
//   or may not have happened: every world splits in two (without it, with it).
// - Every read keeps only the worlds it agrees with; a read that agrees with none is a failure. So
//   uncertainty never switches a check off: it only widens what a check accepts, for as long as
//   the engine's answers have not told the worlds apart.
//
// The live view (what reads see now) and the durable state (what a reopen finds) are the same
// worlds until the engine fail-stops: after that, reads may still show the failed batch absent
// while the disk holds it, so the durable candidates are frozen apart from the pruned live ones.
import { assert } from '../../core/assert.js';
import type { WriteOperation } from '../../core/types.js';
import { World } from './world.js';

/** More worlds than this means the simulator lost track; each session adds at most one split. */
const worldsMax = 64;

export class PossibleWorlds {
  private live: World[] = [new World()];
  /** Durable candidates frozen at a fail-stop or crash; undefined while live and durable agree. */
  private durable: World[] | undefined;
  /**
   * Deferred batches acknowledged since the last durable point, and clones of the live worlds
   * from before the first of them: a crash may leave any prefix of the run.
   */
  private unsynced: { readonly bases: World[]; readonly batches: (readonly WriteOperation[])[] } | undefined;
  private widest = 1;

  get worlds(): readonly World[] {
    return this.live;
  }

  /** The first world: used to pick workload targets, never to check. */
  get representative(): World {
    return this.live[0] as World;
  }

  get widestSeen(): number {
    return this.widest;
  }

  get durableDiverged(): boolean {
    return this.durable !== undefined;
  }

  /** A durable write fsyncs every deferred one before it; a deferred one waits for that. */
  acknowledge(batch: readonly WriteOperation[], deferred = false): void {
    assert(this.durable === undefined, 'acknowledged write after a fail-stop');
    if (deferred && batch.length > 0) {
      this.unsynced ??= { bases: this.live.map((world) => world.clone()), batches: [] };
      this.unsynced.batches.push(batch);
    } else if (!deferred) this.unsynced = undefined;
    for (const world of this.live) world.apply(batch);
  }

  /** Deferred batches acknowledged since the last durable point. */
  get unsyncedBatches(): number {
    return this.unsynced?.batches.length ?? 0;
  }

  /** sync() returned: every deferred batch so far is durable. */
  synced(): void {
    this.unsynced = undefined;
  }

  /**
   * An fsync failed (the engine fail-stopped, or a close failed): deferred batches may stay
   * visible without ever becoming durable, so a reopen may find any prefix of their run.
   */
  syncFailed(): void {
    const prefixes = this.endUnsyncedRun();
    if (prefixes.length === 0) return;
    this.durable = this.widen([...(this.durable ?? this.live.map((world) => world.clone())), ...prefixes]);
  }

  /** The write threw and the engine fail-stopped: the batch may be visible, and may be durable. */
  failStopped(batch: readonly WriteOperation[] | undefined): void {
    const base = this.durable ?? this.live;
    this.durable = this.widen([...split(base, batch), ...this.endUnsyncedRun()]);
    this.live = this.widen(split(this.live, batch));
  }

  /** The machine crashed; `batch` (if any) was in flight. Only durable candidates matter now. */
  crashed(batch: readonly WriteOperation[] | undefined): void {
    // The batch in flight lands only on top of every deferred one (a durable append fsyncs them
    // first; a deferred frame after a lost one is cut with it).
    this.durable = this.widen([...split(this.durable ?? this.live, batch), ...this.endUnsyncedRun()]);
  }

  /**
   * Ends the unsynced run (a crash or a failed fsync decided it) and returns the states without
   * its last 1..n batches (the full run is `live`).
   */
  private endUnsyncedRun(): World[] {
    const run = this.unsynced;
    this.unsynced = undefined;
    if (run === undefined) return [];
    const prefixes: World[] = [];
    for (const base of run.bases) {
      let world = base.clone();
      prefixes.push(world.clone());
      for (const batch of run.batches.slice(0, -1)) {
        world = world.apply(batch);
        prefixes.push(world.clone());
      }
    }
    return prefixes;
  }

  /** What a reopen may find: the durable candidates. */
  recoveryCandidates(): World[] {
    return [...(this.durable ?? this.live)];
  }

  /** After a reopen: the candidates that survived the recovery checks become the model. */
  settle(worlds: World[]): void {
    assert(worlds.length > 0, 'settle needs at least one world');
    this.live = this.widen(worlds);
    this.durable = undefined;
    this.unsynced = undefined;
  }

  /**
   * For a read of the files rather than of the engine (a snapshot): after a fail-stop the files
   * may hold the failed batch while the engine's reads show it absent, so such a read is checked
   * against the durable candidates and prunes nothing; before one, it is an ordinary `check`.
   */
  checkFiles(mismatch: (world: World) => string | undefined): string | undefined {
    if (this.durable === undefined) return this.check(mismatch);
    let firstProblem: string | undefined;
    for (const world of this.durable) {
      const problem = mismatch(world);
      if (problem === undefined) return undefined;
      firstProblem ??= problem;
    }
    return firstProblem ?? 'no world to compare with';
  }

  /**
   * Keeps the live worlds that `mismatch` accepts (returns undefined for). When none does, returns
   * the first world's complaint and keeps every world, so the caller can report it.
   */
  check(mismatch: (world: World) => string | undefined): string | undefined {
    let firstProblem: string | undefined;
    const survivors: World[] = [];
    for (const world of this.live) {
      const problem = mismatch(world);
      if (problem === undefined) survivors.push(world);
      else firstProblem ??= problem;
    }
    if (survivors.length === 0) return firstProblem ?? 'no world to compare with';
    // With no fail-stop in this session the live worlds are the durable ones, so this prunes both.
    this.live = survivors;
    return undefined;
  }

  private widen(worlds: World[]): World[] {
    const unique = worlds.length <= 1 ? worlds : dedupe(worlds);
    assert(unique.length <= worldsMax, `the model tracks ${unique.length} possible states; too many`);
    this.widest = Math.max(this.widest, unique.length);
    return unique;
  }
}

function split(worlds: readonly World[], batch: readonly WriteOperation[] | undefined): World[] {
  if (batch === undefined || batch.length === 0) return worlds.map((world) => world.clone());
  return worlds.flatMap((world) => [world.clone(), world.clone().apply(batch)]);
}

function dedupe(worlds: readonly World[]): World[] {
  const seen = new Map<string, World>();
  for (const world of worlds) {
    const print = world.fingerprint();
    if (!seen.has(print)) seen.set(print, world);
  }
  return [...seen.values()];
}
