// The model under uncertainty: the set of states the engine may legitimately be in. Usually one.
//
// - An acknowledged batch is applied to every world: it must be visible and durable.
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

  acknowledge(batch: readonly WriteOperation[]): void {
    assert(this.durable === undefined, 'acknowledged write after a fail-stop');
    for (const world of this.live) world.apply(batch);
  }

  /** The write threw and the engine fail-stopped: the batch may be visible, and may be durable. */
  failStopped(batch: readonly WriteOperation[] | undefined): void {
    const base = this.durable ?? this.live;
    this.durable = this.widen(split(base, batch));
    this.live = this.widen(split(this.live, batch));
  }

  /** The machine crashed; `batch` (if any) was in flight. Only durable candidates matter now. */
  crashed(batch: readonly WriteOperation[] | undefined): void {
    this.durable = this.widen(split(this.durable ?? this.live, batch));
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
