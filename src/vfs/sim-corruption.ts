// Corruption at rest: damage that happens to bytes already on the disk (bit rot, a misdirected
// write), so it shows in the durable content and in what reads see alike. Positions not given come
// from the simulator's corruption RNG.
import { assert } from '../core/assert.js';
import type { Rng } from '../core/rng.js';
import { simConstants } from './sim-constants.js';
import type { SimFileData } from './sim-file.js';

export function flipBitAtRest(
  data: SimFileData,
  rng: Rng,
  byteOffset?: number,
  bit?: number,
): { byteOffset: number; bit: number } {
  const size = Math.max(data.size, data.durableSize);
  assert(size > 0, 'flipBit: the file is empty');
  const offset = byteOffset ?? rng.below(size);
  const chosenBit = bit ?? rng.below(8);
  assert(Number.isSafeInteger(offset) && offset >= 0 && offset < size, `flipBit: bad offset ${offset}`);
  assert(Number.isSafeInteger(chosenBit) && chosenBit >= 0 && chosenBit < 8, `flipBit: bad bit ${chosenBit}`);
  data.flipBit(offset, chosenBit);
  return { byteOffset: offset, bit: chosenBit };
}

/** Fills one sector with random bytes; returns its index. */
export function corruptSectorAtRest(data: SimFileData, rng: Rng, sector?: number): number {
  const sectors = Math.ceil(Math.max(data.size, data.durableSize) / simConstants.sectorBytes);
  assert(sectors > 0, 'corruptSector: the file is empty');
  const chosen = sector ?? rng.below(sectors);
  assert(
    Number.isSafeInteger(chosen) && chosen >= 0 && chosen < sectors,
    `corruptSector: bad sector ${chosen}`,
  );
  const noise = new Uint8Array(simConstants.sectorBytes);
  for (let index = 0; index < noise.length; index += 1) noise[index] = rng.below(256);
  data.overwriteAtRest(chosen * simConstants.sectorBytes, noise);
  return chosen;
}
