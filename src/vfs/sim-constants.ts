// Every tunable of the simulated file system in one place. Probabilities are per event; the
// defaults aim to make every outcome common enough that a few hundred seeds see all of them.
import { assert } from '../core/assert.js';

export const simConstants = {
  /** The unit of dirty tracking and of crash outcomes: a sector reaches the disk or it does not. */
  sectorBytes: 512,
  /** Chance that a dirty sector is torn at a crash: a prefix of its new bytes persists. */
  tornSectorProbabilityDefault: 0.1,
  /** Chance that a dirty sector which is not torn reaches the disk at a crash. */
  sectorPersistProbability: 0.5,
  /** Chance that an unsynced shrink (truncate below the durable size) reaches the disk. */
  shrinkPersistProbability: 0.5,
  /** Chance that a write interrupted by a crash stops at a sector boundary rather than mid-sector. */
  partialWriteAlignedProbability: 0.5,
  /** Chance that an unsynced directory change survives a crash; 0 drops them all (the strict model). */
  directoryChangeKeepProbabilityDefault: 0,
  /** The simulated clock: a fixed start plus one step per operation. */
  clockStartMs: 1_700_000_000_000,
  clockStepMs: 1,
} as const;

assert(Number.isInteger(Math.log2(simConstants.sectorBytes)));
assert(simConstants.tornSectorProbabilityDefault < 1);
