// Damage at rest: bits flipped (or whole sectors overwritten) in table and write-ahead log files,
// recorded as a list of flipped bits so that the simulator can undo it exactly — flipping a bit is
// its own inverse. The ledger answers "is the file this error names one I damaged?", which is what
// excuses a CORRUPTION error. A damaged table is recognised by the
// checksum of its whole content (tables never change, and a later table may reuse the name); a
// log segment by the checksum of its bytes up to the last flipped one (a crash may legitimately
// drop its unsynced tail, and recovery may cut a torn one).
import { crc32 } from '../../core/checksum.js';
import type { Rng } from '../../core/rng.js';
import type { SimVfs } from '../../vfs/sim-vfs.js';
import { newestSegment, segmentPattern, tablePattern, validFrames } from './wal-frames.js';

export interface BitFlip {
  readonly byteOffset: number;
  readonly bit: number;
}

/** Where a WAL flip landed, when it hit a frame that recovery may cut as torn. */
export interface CuttableFrame {
  readonly firstSequence: number;
}

export interface Damage {
  readonly path: string;
  readonly file: 'table' | 'wal';
  readonly flips: readonly BitFlip[];
  /** Bytes [0, identityLength) identify the damaged file; for a table, that is all of it. */
  readonly identityLength: number;
  readonly identityChecksum: number;
  /** Frames recovery may cut as torn: the last valid one now, or after a crash drops the unsynced tail. */
  readonly cuttable: readonly CuttableFrame[];
}

export class DamageLedger {
  private outstanding: Damage[] = [];
  /** Paths whose damage the engine has reported: repaired soon, as an operator would restore them. */
  private readonly reported = new Set<string>();
  private readonly undone = new WeakSet<Damage>();
  repaired = 0;
  bitFlipEvents = 0;
  sectorEvents = 0;

  constructor(
    private readonly disk: SimVfs,
    private readonly rng: Rng,
  ) {}

  get damages(): readonly Damage[] {
    return this.outstanding;
  }

  /** Damages one table file (a bit, or a sector when `sector`); false when there is none. */
  damageTable(sector: boolean): Damage | undefined {
    return this.damageOne(tablePattern, 'table', sector);
  }

  /** Damages one bit of one WAL segment: only while the database is closed (see wal-frames.ts). */
  damageWal(): Damage | undefined {
    return this.damageOne(segmentPattern, 'wal', false);
  }

  /**
   * True when `message` names a damaged file. Not re-checked against the disk: the failing call
   * may itself have removed the file (a scan that throws releases an obsolete table), and within
   * one engine session no other file can take the name (file numbers only grow). Records are
   * revalidated between sessions, by refresh().
   */
  namesDamagedFile(message: string): boolean {
    const named = this.outstanding.filter((damage) => message.includes(damage.path));
    for (const damage of named) this.reported.add(damage.path);
    return named.length > 0;
  }

  /** Undoes damage the engine has already reported (so it does not excuse reads for ever). */
  repairReported(): number {
    if (this.reported.size === 0) return 0;
    const count = this.repairWhere((damage) => this.reported.has(damage.path));
    this.reported.clear();
    return count;
  }

  /** Before an open: forgets damage whose file is gone or no longer carries it. */
  refresh(): void {
    if (this.outstanding.length === 0) return;
    const files = this.disk.snapshotCurrent();
    this.outstanding = this.outstanding.filter((damage) => isStillDamaged(damage, files.get(damage.path)));
  }

  /** Undoes the damage to files `message` names; returns how many it repaired. */
  repairNamed(message: string): number {
    return this.repairWhere((damage) => message.includes(damage.path));
  }

  repairAll(): number {
    return this.repairWhere(() => true);
  }

  /** True when the simulator undid this damage (as opposed to recovery cutting or removing it). */
  wasRepaired(damage: Damage): boolean {
    return this.undone.has(damage);
  }

  /** After a successful open, WAL damage is settled: recovery has cut, rejected or deleted it. */
  forgetWal(): void {
    this.outstanding = this.outstanding.filter((damage) => damage.file !== 'wal');
  }

  private damageOne(pattern: RegExp, file: 'table' | 'wal', sector: boolean): Damage | undefined {
    const before = this.disk.snapshotCurrent();
    const durable = file === 'wal' ? this.disk.snapshotDurable() : undefined;
    const candidates = [...before].filter(
      ([path, bytes]) => pattern.test(path) && bytes !== 'directory' && bytes.length > 0,
    );
    if (candidates.length === 0) return undefined;
    const [path, original] = this.rng.pick(candidates) as [string, Uint8Array];
    // A record the file no longer matches described an earlier file of that name: an orphan table
    // an open removed, whose number a later flush of the same session reused. It is dropped, not
    // merged, or repairing the new file would flip bits it never had flipped.
    const recorded = this.outstanding.find((damage) => damage.path === path);
    const earlier = recorded !== undefined && isStillDamaged(recorded, original) ? recorded : undefined;
    if (recorded !== undefined && earlier === undefined) {
      this.outstanding = this.outstanding.filter((other) => other !== recorded);
    }
    // A second flip in one log segment could turn a cuttable frame into a corrupt one: keep one.
    if (earlier !== undefined && file === 'wal') return undefined;
    let flips: BitFlip[];
    if (sector) {
      this.disk.corruptSector(path);
      flips = diffBits(original, this.bytesOf(path));
      this.sectorEvents += 1;
    } else {
      flips = [this.disk.flipBit(path)];
      this.bitFlipEvents += 1;
    }
    if (flips.length === 0) return undefined; // random noise equal to the old bytes: no damage
    const damaged = this.bytesOf(path);
    const cuttable: CuttableFrame[] = [];
    for (const view of durable === undefined ? [] : [before, durable]) {
      const frame = cuttableFrame(view, path, flips);
      if (frame !== undefined && !cuttable.some((other) => other.firstSequence === frame.firstSequence))
        cuttable.push(frame);
    }
    // One record per file, so its checksum always describes all the damage in it.
    const allFlips = earlier === undefined ? flips : mergeFlips(earlier.flips, flips);
    this.outstanding = this.outstanding.filter((other) => other !== earlier);
    if (allFlips.length === 0) return undefined; // the second flip undid the first
    const identityLength =
      file === 'table' ? damaged.length : Math.max(...allFlips.map((flip) => flip.byteOffset)) + 1;
    const damage: Damage = {
      path,
      file,
      flips: allFlips,
      identityLength,
      identityChecksum: crc32(damaged.subarray(0, identityLength)),
      cuttable,
    };
    this.outstanding.push(damage);
    return damage;
  }

  private repairWhere(selected: (damage: Damage) => boolean): number {
    const chosen = this.outstanding.filter(selected);
    if (chosen.length === 0) return 0;
    const files = this.disk.snapshotCurrent();
    let count = 0;
    for (const damage of chosen) {
      if (isStillDamaged(damage, files.get(damage.path))) {
        for (const flip of damage.flips) this.disk.flipBit(damage.path, flip.byteOffset, flip.bit);
        this.undone.add(damage);
        count += 1;
      }
    }
    this.outstanding = this.outstanding.filter((damage) => !chosen.includes(damage));
    this.repaired += count;
    return count;
  }

  private bytesOf(path: string): Uint8Array {
    const bytes = this.disk.snapshotCurrent().get(path);
    return bytes instanceof Uint8Array ? bytes : new Uint8Array(0);
  }
}

function isStillDamaged(damage: Damage, bytes: Uint8Array | 'directory' | undefined): boolean {
  if (!(bytes instanceof Uint8Array) || bytes.length < damage.identityLength) return false;
  if (damage.file === 'table' && bytes.length !== damage.identityLength) return false;
  return crc32(bytes.subarray(0, damage.identityLength)) === damage.identityChecksum;
}

/** Flips compose by exclusive or: a bit flipped twice is back to its original value. */
function mergeFlips(earlier: readonly BitFlip[], later: readonly BitFlip[]): BitFlip[] {
  const flipped = new Map<string, BitFlip>();
  for (const flip of [...earlier, ...later]) {
    const key = `${flip.byteOffset}:${flip.bit}`;
    if (flipped.has(key)) flipped.delete(key);
    else flipped.set(key, flip);
  }
  return [...flipped.values()];
}

function diffBits(before: Uint8Array, after: Uint8Array): BitFlip[] {
  const flips: BitFlip[] = [];
  const length = Math.min(before.length, after.length);
  for (let offset = 0; offset < length; offset += 1) {
    const difference = (before[offset] ?? 0) ^ (after[offset] ?? 0);
    for (let bit = 0; bit < 8; bit += 1) if ((difference >> bit) & 1) flips.push({ byteOffset: offset, bit });
  }
  return flips;
}

/** The frame hit, when it is the newest segment's last valid frame in `view` (cut as torn). */
function cuttableFrame(
  view: ReadonlyMap<string, Uint8Array | 'directory'>,
  path: string,
  flips: readonly BitFlip[],
): CuttableFrame | undefined {
  const original = view.get(path);
  if (!(original instanceof Uint8Array) || newestSegment(view) !== path) return undefined;
  const frames = validFrames(original);
  const last = frames[frames.length - 1];
  const offset = flips[0]?.byteOffset;
  if (last === undefined || offset === undefined || offset < last.start || offset >= last.end)
    return undefined;
  return { firstSequence: last.firstSequence };
}
