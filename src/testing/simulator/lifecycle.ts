// Opening, closing, crashing and recovering the engine. A reopen may first damage the closed
// database at rest; an open may itself be crashed part-way (recovery must then converge on the
// next try) or fail under faults (retried; the last try runs calm, with damage undone). After every
// successful open the recovered state must equal one of the model's durable candidates, checked in
// full, and that becomes the model. With some chance the recovered database is crashed again at
// once and must recover to the very same state: recovery is idempotent.
import { Database } from '../../database.js';
import { checkedOpenError } from './open-errors.js';
import { fullCheckpoint } from './checks.js';
import { databaseDirectory, type Harness } from './harness.js';
import { abandonScan } from './interleaved-scan.js';
import { Probe } from './excuses.js';
import { ProcessVfs } from './process-vfs.js';
import type { Damage } from './damage.js';
import type { World } from './world.js';

const openAttemptsMax = 8;
/** A crash scheduled during recovery fires within this many file-system operations. */
const recoveryCrashWindow = 80;
const crashAgainAfterRecoveryChance = 0.25;
const recoveryRoundsMax = 4;

/** Closes the open engine (flushing or not), then opens it again with the full recovery check. */
export function reopen(harness: Harness, reason: string): void {
  closeDatabase(harness, reason);
  openWithRecovery(harness, reason);
}

export function closeDatabase(harness: Harness, reason: string): void {
  abandonScan(harness);
  if (harness.db === undefined) return;
  const flush = harness.rng.chance(0.5);
  harness.collectEngineStats();
  const result = harness.call(`close (${reason}, flush ${flush})`, (db) => db.close({ flush }));
  // A failed close still closes; a crash inside it has already dropped the process.
  if (result.kind !== 'crashed') harness.db = undefined;
  // A close that returned made every deferred write durable.
  if (result.kind === 'ok') harness.model.synced();
}

/**
 * Opens the (closed or crashed) database and checks what it recovered. Repeats as a new round
 * when it decides to crash the freshly recovered database again.
 */
export function openWithRecovery(harness: Harness, reason: string): void {
  for (let round = 0; round < recoveryRoundsMax; round += 1) {
    const finalRound = round === recoveryRoundsMax - 1;
    if (finalRound) harness.disk.cancelScheduledCrash();
    maybeDamageAtRest(harness, reason);
    const candidates = harness.model.recoveryCandidates();
    const damaged = [...harness.damage.damages];
    openWithRetries(harness, reason, !finalRound);
    // Damage the simulator undid during the attempts no longer excuses a cut frame.
    const cut = withCutFrames(
      damaged.filter((damage) => !harness.damage.wasRepaired(damage)),
      candidates,
    );
    harness.counters.reopens += 1;
    if (reason !== 'initial' && reason !== 'clean') harness.counters.recoveries += 1;
    harness.model.settle([...candidates, ...cut]);
    harness.damage.forgetWal();
    fullCheckpoint(harness, `after open (${reason})`);
    if (harness.db === undefined) continue; // a scheduled crash fired during the check: recover again
    if (cut.length > 0 && harness.model.worlds.every((world) => cut.includes(world))) {
      harness.counters.walFramesCut += 1;
    }
    if (finalRound || reason === 'initial' || !harness.rng.chance(crashAgainAfterRecoveryChance)) return;
    harness.crashNow();
    reason = 'crash right after recovery';
  }
  harness.fail('recovery did not settle within its rounds');
}

function openWithRetries(harness: Harness, reason: string, mayCrash: boolean): void {
  const afterCrash = reason !== 'initial' && reason !== 'clean';
  for (let attempt = 0; attempt < openAttemptsMax; attempt += 1) {
    const last = attempt === openAttemptsMax - 1;
    let scheduled = false;
    if (last) {
      // Faults stop and damage is undone: now the open must succeed.
      harness.faults.disarmAll();
      harness.disk.cancelScheduledCrash();
      harness.counters.damageRepaired += harness.damage.repairAll();
    } else if (
      mayCrash &&
      afterCrash &&
      attempt < 2 &&
      harness.rng.chance(harness.config.crashes.duringRecoveryChance)
    ) {
      harness.disk.crashAtOperation(
        harness.disk.operationCount + harness.rng.between(1, recoveryCrashWindow),
      );
      scheduled = true;
    }
    harness.damage.refresh();
    const faultsAtOpen = harness.faultsSoFar();
    const probe = new Probe(harness.disk, faultsAtOpen);
    try {
      const db = Database.open(databaseDirectory, harness.databaseOptions(new ProcessVfs(harness.disk)));
      if (!probe.evidence().crashed) {
        // A crash meant for recovery that recovery outran must not hit the checks that follow.
        if (scheduled) harness.disk.cancelScheduledCrash();
        harness.startSession(db, faultsAtOpen);
        harness.note(`open (${reason}) on attempt ${attempt + 1}`);
        return;
      }
    } catch (error) {
      checkedOpenError(harness, error, probe.evidence(), last);
    }
    harness.counters.crashesDuringRecovery += probe.evidence().crashed ? 1 : 0;
    harness.counters.crashes += probe.evidence().crashed ? 1 : 0;
  }
  harness.fail('the database did not open even with faults stopped and damage undone');
}

/** Damage to a closed database, as bit rot while it is powered off. */
function maybeDamageAtRest(harness: Harness, reason: string): void {
  if (reason === 'initial' || harness.calm || !harness.rng.chance(harness.config.damage.atRestChance)) return;
  const wal = harness.rng.chance(0.5);
  const damage = wal
    ? harness.damage.damageWal()
    : harness.damage.damageTable(harness.rng.chance(harness.config.damage.sectorShare));
  if (damage !== undefined) {
    const where = damage.cuttable.length === 0 ? '' : ' (a newest WAL frame)';
    harness.note(`damage at rest: ${damage.flips.length} bit(s) of ${damage.path}${where}`);
  }
}

/**
 * A flipped bit in the newest segment's last valid frame reads as a torn append, so recovery may
 * cut that frame: for each candidate whose last batch is that frame's, the state without it is a
 * legitimate outcome too. Nothing else is loosened.
 */
function withCutFrames(damages: readonly Damage[], candidates: readonly World[]): World[] {
  const cut: World[] = [];
  for (const frame of damages.flatMap((damage) => damage.cuttable)) {
    for (const world of candidates) {
      if (world.lastBatchFirstSequence !== frame.firstSequence) continue;
      const without = world.withoutLastBatch();
      if (without !== undefined) cut.push(without);
    }
  }
  return cut;
}
