// Reads one immutable table. Opening reads and verifies only the footer; the bloom filter and the
// sparse index are read piece by piece, verified and kept in memory on the first lookup that needs
// them (table-metadata.ts; unloaded least-recently-used first when the metadata budget is
// exceeded, and reloaded on demand), so an open costs one small read per table however large the
// tables are, and a lookup the filter rules out never loads that table's index. Data blocks are
// read individually, verified and cached. A lookup reads at most one data block. Any checksum
// failure — footer at open, filter, index or data block at first use — is a CORRUPTION error
// naming the file and offset, never data.
import { assert } from '../../core/assert.js';
import { corruption } from '../../core/errors.js';
import type { Vfs, VfsFile } from '../../vfs/vfs.js';
import type { StoredEntry } from '../entry.js';
import { adjacencyPrefixLength, adjacencyPrefixOf, isBlockKey } from '../keys.js';
import { BlockCache } from './block-cache.js';
import { DataBlock } from './data-block.js';
import type { TableIndex } from './table-index.js';
import { TableMetadata } from './table-metadata.js';
import { decodeFooter, footerBytes, type TableFooter } from './table-format.js';

/** Keeps the loaded metadata of all tables within a byte budget, least recently used first out. */
export class TableMetadataBudget {
  private readonly loaded = new Map<TableReader, { bytes: number; lastUsed: number }>();
  private total = 0;
  private clock = 0;

  constructor(private readonly budgetBytes: number) {}

  get usedBytes(): number {
    return this.total;
  }

  /**
   * Marks a reader's metadata as used, `bytes` being what it holds now (cheap when unchanged:
   * lookups call it every time). Growth may unload other readers, never this one.
   */
  touch(reader: TableReader, bytes: number): void {
    const current = this.loaded.get(reader);
    if (current !== undefined && current.bytes === bytes) {
      current.lastUsed = ++this.clock;
      return;
    }
    this.total += bytes - (current?.bytes ?? 0);
    this.loaded.set(reader, { bytes, lastUsed: ++this.clock });
    while (this.total > this.budgetBytes && this.loaded.size > 1) this.unloadLeastRecent(reader);
  }

  private unloadLeastRecent(keep: TableReader): void {
    let victim: TableReader | undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [candidate, usage] of this.loaded) {
      if (candidate !== keep && usage.lastUsed < oldest) {
        oldest = usage.lastUsed;
        victim = candidate;
      }
    }
    if (victim === undefined) return;
    this.total -= (this.loaded.get(victim) as { bytes: number }).bytes;
    this.loaded.delete(victim);
    victim.unloadMetadata();
  }

  forget(reader: TableReader): void {
    const usage = this.loaded.get(reader);
    if (usage === undefined) return;
    this.loaded.delete(reader);
    this.total -= usage.bytes;
  }
}

export class TableReader {
  private readonly metadata: TableMetadata;
  private holders = 1;
  private obsolete = false;

  private constructor(
    readonly number: number,
    readonly path: string,
    private readonly vfs: Vfs,
    private readonly file: VfsFile,
    readonly fileBytes: number,
    readonly footer: TableFooter,
    private readonly cache: BlockCache,
    private readonly budget: TableMetadataBudget,
    /** False only under the test-only planted bug `ignoreChecksums`. */
    readonly verifyChecksums: boolean,
  ) {
    this.metadata = new TableMetadata(this);
  }

  /** Opens the table and verifies its footer; filter and index wait for the first lookup. */
  static open(
    vfs: Vfs,
    path: string,
    number: number,
    cache: BlockCache,
    budget: TableMetadataBudget,
    verifyChecksums = true,
  ): TableReader {
    const file = vfs.open(path, 'read');
    try {
      const fileBytes = file.size();
      if (fileBytes < footerBytes) throw corruption(path, 0, 'table is shorter than its footer');
      const footerRaw = asBuffer(file.read(fileBytes - footerBytes, footerBytes));
      const footer = decodeFooter(footerRaw, path, fileBytes, verifyChecksums);
      return new TableReader(number, path, vfs, file, fileBytes, footer, cache, budget, verifyChecksums);
    } catch (error) {
      file.close();
      throw error;
    }
  }

  get entryCount(): number {
    return this.footer.entryCount;
  }

  get minSequence(): number {
    return this.footer.minSequence;
  }

  get maxSequence(): number {
    return this.footer.maxSequence;
  }

  /**
   * The newest version of `key` in this table, if any. Without `fillCache` a missed block is read
   * into the cache's passing buffer, and the entry is valid until the next such read.
   */
  get(key: string, fillCache = true): StoredEntry | undefined {
    const metadata = this.metadata;
    try {
      if (!metadata.mayContain(isBlockKey(key) ? key : adjacencyPrefixOf(key))) return undefined;
      const partition = metadata.partitionFor(key);
      if (partition === metadata.partitionCount()) return undefined;
      const index = metadata.partition(partition);
      const blockIndex = index.lowerBoundByLastKey(key);
      if (blockIndex === index.blockCount || index.compareFirstKey(blockIndex, key) > 0) return undefined;
      const block = this.cachedBlock(index, blockIndex, fillCache);
      const position = block.lowerBound(key);
      if (position === block.entryCount || !block.keyEquals(position, key)) return undefined;
      return block.entry(position, key);
    } finally {
      this.budget.touch(this, metadata.loadedBytes);
    }
  }

  /** Entries whose key starts with `prefix` (an adjacency prefix, optionally with edge type). */
  scanPrefix(prefix: string): StoredEntry[] {
    const found: StoredEntry[] = [];
    const metadata = this.metadata;
    try {
      if (!metadata.mayContain(prefix.slice(0, adjacencyPrefixLength))) return found;
      const partitions = metadata.partitionCount();
      for (
        let partition = metadata.partitionFor(prefix);
        partition < partitions && !metadata.partitionIsPast(partition, prefix);
        partition++
      ) {
        const index = metadata.partition(partition);
        for (
          let blockIndex = index.lowerBoundByLastKey(prefix);
          blockIndex < index.blockCount && !index.firstKeyIsPast(blockIndex, prefix);
          blockIndex++
        ) {
          const block = this.cachedBlock(index, blockIndex);
          for (let position = block.lowerBound(prefix); position < block.entryCount; position++) {
            const entry = block.entry(position);
            if (!entry.key.startsWith(prefix)) return found;
            found.push(entry);
          }
        }
      }
      return found;
    } finally {
      this.budget.touch(this, metadata.loadedBytes);
    }
  }

  /** Every entry in key order, reading blocks without filling the cache (for scans, compaction). */
  *entries(fromKey = ''): Generator<StoredEntry> {
    const metadata = this.metadata;
    const partitions = metadata.partitionCount();
    for (let partition = metadata.partitionFor(fromKey); partition < partitions; partition++) {
      const index = metadata.partition(partition);
      this.budget.touch(this, metadata.loadedBytes);
      for (let blockIndex = index.lowerBoundByLastKey(fromKey); blockIndex < index.blockCount; blockIndex++) {
        const block = this.readBlock(index, blockIndex);
        for (let position = block.lowerBound(fromKey); position < block.entryCount; position++) {
          yield block.entry(position);
        }
      }
    }
  }

  retain(): void {
    assert(this.holders > 0, 'table retained after close');
    this.holders += 1;
  }

  /** Marks the table as replaced: its file is removed once the last holder lets go. */
  markObsolete(): void {
    this.obsolete = true;
  }

  /** Drops one holder; the last one closes the file (and removes it when obsolete). */
  release(): void {
    assert(this.holders > 0, 'table released twice');
    this.holders -= 1;
    if (this.holders > 0) return;
    this.budget.forget(this);
    this.cache.evictTable(this.number);
    this.unloadMetadata();
    this.file.close();
    // Not named by the manifest any more: one left behind is removed by the next open.
    if (this.obsolete) this.vfs.unlinkInBackground(this.path);
  }

  unloadMetadata(): void {
    this.metadata.unload();
  }

  /**
   * The block from the cache when it is there. Otherwise it is read and cached, or, without
   * `fillCache`, read into the cache's passing buffer and not kept.
   */
  private cachedBlock(index: TableIndex, blockIndex: number, fillCache = true): DataBlock {
    const key = BlockCache.keyOf(this.number, index.firstEntry + blockIndex);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    if (!fillCache) return this.readBlock(index, blockIndex, (length) => this.cache.passing(length));
    // Into memory the cache recycles from evicted blocks (see BlockCache).
    const block = this.readBlock(index, blockIndex, (length) => this.cache.acquire(length));
    this.cache.put(key, block);
    return block;
  }

  /** Reads and verifies one data block, into `memory` of its length (fresh by default). */
  private readBlock(
    index: TableIndex,
    blockIndex: number,
    memory: (length: number) => Buffer = (length) => Buffer.allocUnsafeSlow(length),
  ): DataBlock {
    const offset = index.offset(blockIndex);
    const length = index.length(blockIndex);
    const raw = memory(length);
    if (this.file.readInto(offset, raw) !== length) throw corruption(this.path, offset, 'table is truncated');
    return DataBlock.decode(raw, this.path, offset, this.verifyChecksums);
  }

  readExact(offset: number, length: number): Buffer {
    const bytes = asBuffer(this.file.read(offset, length));
    if (bytes.length !== length) throw corruption(this.path, offset, 'table is truncated');
    return bytes;
  }
}

/** Best effort: a file left behind is not in the manifest, so the next open removes it. */
export function removeQuietly(vfs: Vfs, path: string): void {
  try {
    vfs.unlink(path);
  } catch {
    // Ignored on purpose; see above.
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
