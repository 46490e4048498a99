// Judges an error thrown by Database.open. A crash during recovery, a fault that fired, or a
// CORRUPTION error naming a file the simulator damaged are excused (the damage is then undone so
// the next attempt can succeed); anything else fails the run.
import type { CallEvidence } from './excuses.js';
import { judgeError } from './excuses.js';
import type { Harness } from './harness.js';

export function checkedOpenError(
  harness: Harness,
  error: unknown,
  evidence: CallEvidence,
  last: boolean,
): void {
  const judgement = judgeError(error, evidence, (message) => harness.damage.namesDamagedFile(message));
  if ('problem' in judgement) {
    harness.fail(`open${last ? ' (faults stopped, damage undone)' : ''}: ${judgement.problem}`);
  }
  const message = error instanceof Error ? error.message : String(error);
  harness.note(`open failed: ${judgement.excuse} (${message.slice(0, 100)})`);
  if (judgement.excuse === 'corruption') {
    harness.counters.corruptionReported += 1;
    harness.counters.damageRepaired += harness.damage.repairNamed(message);
  }
}
