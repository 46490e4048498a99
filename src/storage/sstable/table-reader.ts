// Reads one immutable table. The footer, index and bloom filter are verified when loaded and held
// in memory (unloaded least-recently-used first when the metadata budget is exceeded, and
// reloaded on demand); data blocks are read individually, verified, decoded, and cached. A
// lookup reads at most one data block. Any checksum failure is a CORRUPTION error naming the file
// and offset — never data.
import { assert } from '../../core/assert.js';
import { corruption } from '../../core/errors.js';
import type { Vfs, VfsFile } from '../../vfs/vfs.js';
import type { StoredEntry } from '../entry.js';
import { adjacencyPrefixLength, adjacencyPrefixOf, isBlockKey } from '../keys.js';
import { readU64 } from '../wal/wal-format.js';
import { BlockCache } from './block-cache.js';
import { BloomFilter } from './bloom.js';
import { DataBlock } from './data-block.js';
import { decodeFooter, footerBytes, verifySection, type TableFooter } from './table-format.js';

interface TableIndex {
  readonly firstKeys: string[];
  readonly lastKeys: string[];
  readonly offsets: number[];
  readonly lengths: number[];
}

interface TableMetadata {
  readonly index: TableIndex;
  readonly bloom: BloomFilter;
  readonly bytes: number;
}

/** Keeps the loaded metadata of all tables within a byte budget, least recently used first out. */
export class TableMetadataBudget {
  private readonly loaded = new Map<TableReader, { bytes: number; lastUsed: number }>();
  private total = 0;
  private clock = 0;

  constructor(private readonly budgetBytes: number) {}

  get usedBytes(): number {
    return this.total;
  }

  /** Marks a reader's metadata as used (cheap: lookups call it every time). */
  touch(reader: TableReader, bytes: number): void {
    const current = this.loaded.get(reader);
    if (current !== undefined) {
      current.lastUsed = ++this.clock;
      return;
    }
    this.loaded.set(reader, { bytes, lastUsed: ++this.clock });
    this.total += bytes;
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
  private metadata: TableMetadata | undefined;
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
    private readonly verifyChecksums: boolean,
  ) {}

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
      const reader = new TableReader(
        number,
        path,
        vfs,
        file,
        fileBytes,
        footer,
        cache,
        budget,
        verifyChecksums,
      );
      reader.loadedMetadata();
      return reader;
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

  /** The newest version of `key` in this table, if any. */
  get(key: string): StoredEntry | undefined {
    const { index, bloom } = this.loadedMetadata();
    if (!bloom.mayContain(isBlockKey(key) ? key : adjacencyPrefixOf(key))) return undefined;
    const blockIndex = lowerBound(index.lastKeys, key);
    if (blockIndex === index.lastKeys.length || (index.firstKeys[blockIndex] as string) > key)
      return undefined;
    const block = this.cachedBlock(index, blockIndex);
    const position = block.lowerBound(key);
    if (position === block.entryCount || !block.keyEquals(position, key)) return undefined;
    return block.entry(position, key);
  }

  /** Entries whose key starts with `prefix` (an adjacency prefix, optionally with edge type). */
  scanPrefix(prefix: string): StoredEntry[] {
    const { index, bloom } = this.loadedMetadata();
    const found: StoredEntry[] = [];
    if (!bloom.mayContain(prefix.slice(0, adjacencyPrefixLength))) return found;
    for (
      let blockIndex = lowerBound(index.lastKeys, prefix);
      blockIndex < index.lastKeys.length;
      blockIndex++
    ) {
      if (
        !(index.firstKeys[blockIndex] as string).startsWith(prefix) &&
        (index.firstKeys[blockIndex] as string) > prefix
      ) {
        break;
      }
      const block = this.cachedBlock(index, blockIndex);
      for (let position = block.lowerBound(prefix); position < block.entryCount; position++) {
        const entry = block.entry(position);
        if (!entry.key.startsWith(prefix)) return found;
        found.push(entry);
      }
    }
    return found;
  }

  /** Every entry in key order, reading blocks without filling the cache (for scans, compaction). */
  *entries(fromKey = ''): Generator<StoredEntry> {
    const { index } = this.loadedMetadata();
    for (
      let blockIndex = lowerBound(index.lastKeys, fromKey);
      blockIndex < index.lastKeys.length;
      blockIndex++
    ) {
      const block = this.readBlock(index, blockIndex);
      for (let position = block.lowerBound(fromKey); position < block.entryCount; position++) {
        yield block.entry(position);
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
    this.metadata = undefined;
    this.file.close();
    if (this.obsolete) removeQuietly(this.vfs, this.path);
  }

  unloadMetadata(): void {
    this.metadata = undefined;
  }

  private loadedMetadata(): TableMetadata {
    let metadata = this.metadata;
    if (metadata === undefined) {
      metadata = this.loadMetadata();
      this.metadata = metadata;
    }
    this.budget.touch(this, metadata.bytes);
    return metadata;
  }

  private loadMetadata(): TableMetadata {
    const { indexOffset, indexLength, bloomOffset, bloomLength, blockCount } = this.footer;
    const indexBody = verifySection(
      this.readExact(indexOffset, indexLength),
      this.path,
      indexOffset,
      'table index',
      this.verifyChecksums,
    );
    const index = decodeIndex(indexBody, this.path, indexOffset, indexOffset);
    if (index.offsets.length !== blockCount) throw corruption(this.path, indexOffset, 'index block count');
    const bloomBody = verifySection(
      this.readExact(bloomOffset, bloomLength),
      this.path,
      bloomOffset,
      'bloom filter',
      this.verifyChecksums,
    );
    if (!BloomFilter.isWellFormed(bloomBody))
      throw corruption(this.path, bloomOffset, 'malformed bloom filter');
    const bloom = new BloomFilter(Buffer.from(bloomBody));
    return { index, bloom, bytes: indexLength * 2 + blockCount * 96 + bloomLength };
  }

  private cachedBlock(index: TableIndex, blockIndex: number): DataBlock {
    const key = BlockCache.keyOf(this.number, blockIndex);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const block = this.readBlock(index, blockIndex);
    this.cache.put(key, block);
    return block;
  }

  private readBlock(index: TableIndex, blockIndex: number): DataBlock {
    const offset = index.offsets[blockIndex] as number;
    const raw = this.readExact(offset, index.lengths[blockIndex] as number);
    return DataBlock.decode(raw, this.path, offset, this.verifyChecksums);
  }

  private readExact(offset: number, length: number): Buffer {
    const bytes = asBuffer(this.file.read(offset, length));
    if (bytes.length !== length) throw corruption(this.path, offset, 'table is truncated');
    return bytes;
  }
}

function decodeIndex(body: Buffer, path: string, at: number, dataEnd: number): TableIndex {
  const count = body.length >= 4 ? body.readUInt32LE(0) : -1;
  if (count <= 0) throw corruption(path, at, 'table index is empty');
  const index: TableIndex = { firstKeys: [], lastKeys: [], offsets: [], lengths: [] };
  let position = 4;
  let expectedOffset = 0;
  for (let entry = 0; entry < count; entry++) {
    const firstLength = body[position];
    if (firstLength === undefined || position + 1 + firstLength >= body.length)
      throw corruption(path, at, 'index');
    const firstKey = body.latin1Slice(position + 1, position + 1 + firstLength);
    position += 1 + firstLength;
    const lastLength = body[position] as number;
    if (position + 1 + lastLength + 12 > body.length) throw corruption(path, at, 'index entry overruns');
    const lastKey = body.latin1Slice(position + 1, position + 1 + lastLength);
    position += 1 + lastLength;
    const offset = readU64(body, position);
    const length = body.readUInt32LE(position + 8);
    position += 12;
    const previousLast = index.lastKeys[index.lastKeys.length - 1];
    const ordered = firstKey <= lastKey && (previousLast === undefined || previousLast < firstKey);
    if (!ordered || offset !== expectedOffset || offset + length > dataEnd) {
      throw corruption(path, at, 'table index is inconsistent');
    }
    expectedOffset = offset + length;
    index.firstKeys.push(firstKey);
    index.lastKeys.push(lastKey);
    index.offsets.push(offset);
    index.lengths.push(length);
  }
  if (position !== body.length || expectedOffset !== dataEnd)
    throw corruption(path, at, 'table index length');
  return index;
}

function lowerBound(sortedKeys: readonly string[], key: string): number {
  let low = 0;
  let high = sortedKeys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sortedKeys[middle] as string) < key) low = middle + 1;
    else high = middle;
  }
  return low;
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
