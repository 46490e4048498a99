// Engine options with their defaults and bounds. Every default comes from core/limits.ts.
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { invalidArgument } from '../core/errors.js';
import { limits } from '../core/limits.js';
import type { Vfs } from '../vfs/vfs.js';

/** Test-only switches that plant known bugs, so the simulator can prove it catches them. */
export interface PlantedBugs {
  readonly skipWalSync?: boolean;
  readonly dropTombstonesInCompaction?: boolean;
  readonly installTableBeforeSync?: boolean;
  readonly ignoreChecksums?: boolean;
  readonly reuseArenaWhileHeld?: boolean;
  /** Stores outgoing-only edges in both directions, as databases written before them hold them. */
  readonly mirrorOutgoingOnlyEdges?: boolean;
}

export interface StorageOptions {
  readonly vfs: Vfs;
  readonly clock?: Clock;
  /** Flush the memtable to a table when it holds this many bytes. */
  readonly memtableBytes?: number;
  readonly walSegmentBytes?: number;
  readonly blockCacheBytes?: number;
  readonly tableMetadataBytes?: number;
  readonly tableBlockBytes?: number;
  /** Sync a table being written after each this many bytes (see `limits.tableSyncEveryBytes`). */
  readonly tableSyncEveryBytes?: number;
  /** Size of the memtable arena's slabs; larger values and WAL frames get a slab of their own. */
  readonly arenaSlabBytes?: number;
  /** Who holds the lock, as shown to a second opener. */
  readonly lockOwner?: string;
  readonly plantedBugs?: PlantedBugs;
}

export interface ResolvedStorageOptions {
  readonly vfs: Vfs;
  readonly clock: Clock;
  readonly memtableBytes: number;
  readonly walSegmentBytes: number;
  readonly blockCacheBytes: number;
  readonly tableMetadataBytes: number;
  readonly tableBlockBytes: number;
  readonly tableSyncEveryBytes: number;
  readonly arenaSlabBytes: number;
  readonly lockOwner: string;
  readonly plantedBugs: PlantedBugs;
}

export function resolveStorageOptions(options: StorageOptions): ResolvedStorageOptions {
  return {
    vfs: options.vfs,
    clock: options.clock ?? systemClock,
    memtableBytes: bounded(
      'memtableBytes',
      options.memtableBytes,
      limits.memtableBytesDefault,
      limits.memtableBytesMin,
    ),
    walSegmentBytes: bounded(
      'walSegmentBytes',
      options.walSegmentBytes,
      limits.walSegmentBytesDefault,
      limits.walSegmentBytesMin,
    ),
    blockCacheBytes: bounded('blockCacheBytes', options.blockCacheBytes, limits.blockCacheBytesDefault, 0),
    tableMetadataBytes: bounded(
      'tableMetadataBytes',
      options.tableMetadataBytes,
      limits.tableMetadataBytesDefault,
      0,
    ),
    tableBlockBytes: bounded('tableBlockBytes', options.tableBlockBytes, limits.sstableDataBlockBytes, 256),
    tableSyncEveryBytes: bounded(
      'tableSyncEveryBytes',
      options.tableSyncEveryBytes,
      limits.tableSyncEveryBytes,
      256,
    ),
    arenaSlabBytes: bounded('arenaSlabBytes', options.arenaSlabBytes, limits.arenaSlabBytes, 64),
    lockOwner: options.lockOwner ?? 'another KausalDB process',
    plantedBugs: options.plantedBugs ?? {},
  };
}

function bounded(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw invalidArgument(`option ${name} must be an integer of at least ${min}, got ${String(value)}`);
  }
  return value;
}
