// Streams sorted entries into a new table file (format 2, table-format.ts). Data blocks are
// appended as they fill; finish() appends the index partitions, their top level, the paged bloom
// filter and the footer, then fsyncs. The file becomes part of the
// database only when the manifest records it, after this sync — a crash before that leaves an
// orphan that the next open removes.
import { assert } from '../../core/assert.js';
import type { VfsFile } from '../../vfs/vfs.js';
import type { LocatedEntrySink } from '../entry.js';
import { copyBytes } from '../bytes.js';
import { adjacencyPrefixLength, isWellFormedKeyAt } from '../keys.js';
import { crc32 } from '../../core/checksum.js';
import { writeU64 } from '../wal/wal-format.js';
import { BloomBuilder } from './bloom.js';
import { limits } from '../../core/limits.js';
import { appendChecksum, encodeFooter, flagTombstone, tableVersion } from './table-format.js';

export interface TableSummary {
  readonly fileBytes: number;
  readonly entryCount: number;
  readonly minSequence: number;
  readonly maxSequence: number;
}

interface IndexEntry {
  readonly firstKey: string;
  readonly lastKey: string;
  readonly offset: number;
  readonly length: number;
}

/** Filter keys placed per entry of a finishing step's budget. */
const filterKeysPerEntry = 8;

/** Sizes of the pieces a reader loads one at a time; tests make them small. */
export interface TableLayout {
  /** An index partition is closed once its entries take this many bytes. */
  readonly indexPartitionBytes: number;
  readonly bloomPageBits: number;
}

const defaultLayout: TableLayout = {
  indexPartitionBytes: limits.tableIndexPartitionBytes,
  bloomPageBits: limits.bloomPageBits,
};

export class TableWriter implements LocatedEntrySink {
  private block = Buffer.allocUnsafeSlow(64 * 1024);
  private blockLength = 0;
  private blockEntries = 0;
  private entryOffsets = new Uint32Array(1024);
  /** The last key of the blocks already written: what the next block's first key must exceed. */
  private readonly previousBlockLastKey = Buffer.alloc(256);
  private previousBlockLastKeyLength = 0;
  private fileOffset = 0;
  private entryCount = 0;
  private minSequence = Number.POSITIVE_INFINITY;
  private maxSequence = 0;
  private readonly index: IndexEntry[] = [];
  private readonly bloom: BloomBuilder;
  private finished = false;

  /** Bytes appended since the file was last synced. */
  private unsynced = 0;

  /**
   * `syncEveryBytes`: sync the file each time this much more is written, so the sync in `finish`
   * (one call that holds the thread) has little left to write out.
   */
  constructor(
    private readonly file: VfsFile,
    private readonly blockBytesTarget: number,
    private readonly syncEveryBytes = Number.POSITIVE_INFINITY,
    private readonly layout: TableLayout = defaultLayout,
  ) {
    this.bloom = new BloomBuilder(layout.bloomPageBits);
  }

  get entriesWritten(): number {
    return this.entryCount;
  }

  get bytesWritten(): number {
    return this.fileOffset + this.blockLength;
  }

  /** Adds one entry; keys must arrive in strictly increasing order. */
  add(
    key: string,
    sequence: number,
    tombstone: boolean,
    value: Uint8Array,
    start: number,
    end: number,
  ): void {
    const keyStart = this.beginEntry(key.length, end - start);
    this.block.latin1Write(key, keyStart, key.length);
    this.completeEntry(keyStart, key.length, sequence, tombstone, value, start, end);
  }

  /** add() for a key given as bytes (a memtable flush): the key is copied, never made a string. */
  addLocated(
    key: Uint8Array,
    keyStart: number,
    keyLength: number,
    sequence: number,
    tombstone: boolean,
    value: Uint8Array,
    valueStart: number,
    valueEnd: number,
  ): void {
    const at = this.beginEntry(keyLength, valueEnd - valueStart);
    copyBytes(key, keyStart, keyStart + keyLength, this.block, at);
    this.completeEntry(at, keyLength, sequence, tombstone, value, valueStart, valueEnd);
  }

  /** Makes room for an entry and returns where its key goes; nothing counts until completeEntry. */
  private beginEntry(keyLength: number, valueLength: number): number {
    assert(!this.finished, 'table writer used after finish');
    this.reserve(1 + keyLength + 13 + valueLength + (this.blockEntries + 1) * 4);
    return this.blockLength + 1;
  }

  /**
   * Checks the key just placed at `keyStart` and appends the rest of the entry. The checks read
   * the block's bytes, so both add paths share them; a failed check leaves the writer unchanged.
   */
  private completeEntry(
    keyStart: number,
    keyLength: number,
    sequence: number,
    tombstone: boolean,
    value: Uint8Array,
    start: number,
    end: number,
  ): void {
    const block = this.block;
    const shared = this.prefixSharedWithLastKey(keyStart, keyLength);
    assert(shared >= 0, 'table keys must be strictly increasing');
    // A malformed key here is a bug upstream (it once came from a misplaced arena slab): stop
    // rather than persist it.
    assert(isWellFormedKeyAt(block, keyStart, keyLength), 'malformed table key');
    if (this.blockEntries === this.entryOffsets.length) {
      const grown = new Uint32Array(this.entryOffsets.length * 2);
      grown.set(this.entryOffsets);
      this.entryOffsets = grown;
    }
    const entryStart = keyStart - 1;
    this.entryOffsets[this.blockEntries] = entryStart;
    block[entryStart] = keyLength;
    const position = keyStart + keyLength;
    const valueLength = end - start;
    writeU64(block, position, sequence);
    block[position + 8] = tombstone ? flagTombstone : 0;
    block.writeUInt32LE(valueLength, position + 9);
    copyBytes(value, start, end, block, position + 13);
    this.blockLength = position + 13 + valueLength;
    this.blockEntries += 1;
    this.entryCount += 1;
    if (sequence < this.minSequence) this.minSequence = sequence;
    if (sequence > this.maxSequence) this.maxSequence = sequence;
    // The filter holds block keys and edge adjacency prefixes: both are a key's first 17 bytes.
    // Edges of one node arrive together, and their prefix goes in once.
    if (shared < adjacencyPrefixLength) this.bloom.add(block, keyStart, adjacencyPrefixLength);
    if (this.blockLength >= this.blockBytesTarget) this.flushBlock();
  }

  /**
   * How many leading bytes the key at `keyStart` shares with the last key added (0 for the first
   * key), or -1 when it does not sort after it.
   */
  private prefixSharedWithLastKey(keyStart: number, keyLength: number): number {
    if (this.entryCount === 0) return 0;
    let last: Uint8Array = this.previousBlockLastKey;
    let lastStart = 0;
    let lastLength = this.previousBlockLastKeyLength;
    if (this.blockEntries > 0) {
      last = this.block;
      lastStart = (this.entryOffsets[this.blockEntries - 1] as number) + 1;
      lastLength = this.block[lastStart - 1] as number;
    }
    const block = this.block;
    const common = Math.min(keyLength, lastLength);
    let shared = 0;
    while (shared < common && block[keyStart + shared] === last[lastStart + shared]) shared++;
    if (shared === common) return keyLength > lastLength ? shared : -1;
    return (block[keyStart + shared] as number) > (last[lastStart + shared] as number) ? shared : -1;
  }

  /**
   * `finish` a bounded amount at a time, for a flush or merge step with the budget of
   * `entryBudget` entries: the filter's bits for several keys per entry (setting bits costs a
   * fraction of writing an entry), then the rest of `finish`; the summary once the table is
   * complete. No entry may be added meanwhile.
   */
  finishStep(entryBudget: number, sync = true): TableSummary | undefined {
    return this.bloom.place(entryBudget * filterKeysPerEntry) ? this.finish(sync) : undefined;
  }

  /** Writes index, filter and footer, fsyncs (unless a test plants that bug), and closes the file. */
  finish(sync = true): TableSummary {
    assert(!this.finished, 'table writer finished twice');
    assert(this.entryCount > 0, 'a table holds at least one entry');
    this.flushBlock();
    // Block numbers key the block cache below 2^20 per table (BlockCache.keyOf).
    assert(this.index.length < 0x10_0000, 'a table holds fewer than 2^20 data blocks');
    const partitions = this.writeIndexPartitions();
    const indexOffset = this.fileOffset;
    const indexBytes = appendChecksum(encodeIndexEntries(partitions));
    this.appendToFile(indexBytes);
    const bloomOffset = this.fileOffset;
    // Each page of the filter and its header carry their own CRC-32.
    const bloomBytes = this.bloom.finish();
    this.appendToFile(bloomBytes);
    this.appendToFile(
      encodeFooter({
        version: tableVersion,
        indexOffset,
        indexLength: indexBytes.length,
        bloomOffset,
        bloomLength: bloomBytes.length,
        entryCount: this.entryCount,
        blockCount: this.index.length,
        minSequence: this.minSequence,
        maxSequence: this.maxSequence,
      }),
    );
    if (sync) this.file.sync();
    this.file.close();
    this.finished = true;
    return {
      fileBytes: this.fileOffset,
      entryCount: this.entryCount,
      minSequence: this.minSequence,
      maxSequence: this.maxSequence,
    };
  }

  /** Abandons the file (the caller unlinks it). */
  abandon(): void {
    if (this.finished) return;
    this.finished = true;
    this.file.close();
  }

  private flushBlock(): void {
    if (this.blockEntries === 0) return;
    this.reserve(this.blockEntries * 4 + 12);
    let end = this.blockLength;
    // Pad so the offset array is 4-byte aligned in the block (readers view it as a Uint32Array).
    while (end % 4 !== 0) this.block[end++] = 0;
    for (let index = 0; index < this.blockEntries; index++) {
      this.block.writeUInt32LE(this.entryOffsets[index] as number, end);
      end += 4;
    }
    this.block.writeUInt32LE(this.blockEntries, end);
    end += 4;
    // The checksum goes in place; append() copies the bytes out before the buffer is reused.
    this.block.writeUInt32LE(crc32(this.block.subarray(0, end)), end);
    const bytes = this.block.subarray(0, end + 4);
    const lastStart = (this.entryOffsets[this.blockEntries - 1] as number) + 1;
    const lastLength = this.block[lastStart - 1] as number;
    this.block.copy(this.previousBlockLastKey, 0, lastStart, lastStart + lastLength);
    this.previousBlockLastKeyLength = lastLength;
    // The index's keys are the only strings a table write makes: two per block.
    this.index.push({
      firstKey: this.keyStringAt(this.entryOffsets[0] as number),
      lastKey: this.block.latin1Slice(lastStart, lastStart + lastLength),
      offset: this.fileOffset,
      length: bytes.length,
    });
    this.appendToFile(bytes);
    this.blockLength = 0;
    this.blockEntries = 0;
  }

  private keyStringAt(entryStart: number): string {
    return this.block.latin1Slice(entryStart + 1, entryStart + 1 + (this.block[entryStart] as number));
  }

  private appendToFile(bytes: Buffer): void {
    this.file.append(bytes);
    this.fileOffset += bytes.length;
    this.unsynced += bytes.length;
    if (this.unsynced >= this.syncEveryBytes) {
      this.file.sync();
      this.unsynced = 0;
    }
  }

  /**
   * Appends the index in partitions of about `indexPartitionBytes`, each the number of its first
   * data block and then an index block over its run of blocks, and returns the top level's
   * entries: one per partition, with its first and last key and where it lies.
   */
  private writeIndexPartitions(): IndexEntry[] {
    const partitions: IndexEntry[] = [];
    for (let start = 0; start < this.index.length; ) {
      let end = start;
      let bytes = 8;
      do {
        bytes += indexEntryBytes(this.index[end] as IndexEntry);
        end++;
      } while (end < this.index.length && bytes < this.layout.indexPartitionBytes);
      const entries = this.index.slice(start, end);
      const body = encodeIndexEntries(entries, 4);
      body.writeUInt32LE(start, 0);
      const partition = appendChecksum(body);
      partitions.push({
        firstKey: (entries[0] as IndexEntry).firstKey,
        lastKey: (entries[entries.length - 1] as IndexEntry).lastKey,
        offset: this.fileOffset,
        length: partition.length,
      });
      this.appendToFile(partition);
      start = end;
    }
    return partitions;
  }

  private reserve(extra: number): void {
    const needed = this.blockLength + extra + 8;
    if (needed <= this.block.length) return;
    let size = this.block.length;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafeSlow(size);
    this.block.copy(grown, 0, 0, this.blockLength);
    this.block = grown;
  }
}

function indexEntryBytes(entry: IndexEntry): number {
  return 2 + entry.firstKey.length + entry.lastKey.length + 12;
}

/** An index block's body (table-index.ts) after `headroom` bytes left for the caller. */
function encodeIndexEntries(entries: readonly IndexEntry[], headroom = 0): Buffer {
  let size = headroom + 4;
  for (const entry of entries) size += indexEntryBytes(entry);
  const bytes = Buffer.allocUnsafe(size);
  bytes.writeUInt32LE(entries.length, headroom);
  let position = headroom + 4;
  for (const entry of entries) {
    bytes[position] = entry.firstKey.length;
    position += 1 + bytes.latin1Write(entry.firstKey, position + 1);
    bytes[position] = entry.lastKey.length;
    position += 1 + bytes.latin1Write(entry.lastKey, position + 1);
    writeU64(bytes, position, entry.offset);
    bytes.writeUInt32LE(entry.length, position + 8);
    position += 12;
  }
  return bytes;
}
