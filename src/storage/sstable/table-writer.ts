// Streams sorted entries into a new table file. Data blocks are appended as they fill; finish()
// appends the index, the bloom filter and the footer, then fsyncs. The file becomes part of the
// database only when the manifest records it, after this sync — a crash before that leaves an
// orphan that the next open removes.
import { assert } from '../../core/assert.js';
import type { VfsFile } from '../../vfs/vfs.js';
import { adjacencyPrefixOf, isBlockKey, isWellFormedKey } from '../keys.js';
import { crc32 } from '../../core/checksum.js';
import { writeU64 } from '../wal/wal-format.js';
import { BloomBuilder } from './bloom.js';
import { appendChecksum, encodeFooter, flagTombstone } from './table-format.js';

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

export class TableWriter {
  private block = Buffer.allocUnsafeSlow(64 * 1024);
  private blockLength = 0;
  private blockEntries = 0;
  private entryOffsets = new Uint32Array(1024);
  private blockFirstKey = '';
  private lastKey = '';
  private fileOffset = 0;
  private entryCount = 0;
  private minSequence = Number.POSITIVE_INFINITY;
  private maxSequence = 0;
  private readonly index: IndexEntry[] = [];
  private readonly bloom = new BloomBuilder();
  private finished = false;

  constructor(
    private readonly file: VfsFile,
    private readonly blockBytesTarget: number,
  ) {}

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
    assert(!this.finished, 'table writer used after finish');
    assert(this.entryCount === 0 || key > this.lastKey, 'table keys must be strictly increasing');
    // A malformed key here is a bug upstream (it once came from a misplaced arena slab): stop
    // rather than persist it.
    assert(isWellFormedKey(key), 'malformed table key');
    const valueLength = end - start;
    this.reserve(1 + key.length + 13 + valueLength + (this.blockEntries + 1) * 4);
    const block = this.block;
    let position = this.blockLength;
    if (this.blockEntries === this.entryOffsets.length) {
      const grown = new Uint32Array(this.entryOffsets.length * 2);
      grown.set(this.entryOffsets);
      this.entryOffsets = grown;
    }
    this.entryOffsets[this.blockEntries] = position;
    block[position] = key.length;
    block.latin1Write(key, position + 1, key.length);
    position += 1 + key.length;
    writeU64(block, position, sequence);
    block[position + 8] = tombstone ? flagTombstone : 0;
    block.writeUInt32LE(valueLength, position + 9);
    block.set(value.subarray(start, end), position + 13);
    this.blockLength = position + 13 + valueLength;
    if (this.blockEntries === 0) this.blockFirstKey = key;
    this.blockEntries += 1;
    this.lastKey = key;
    this.entryCount += 1;
    if (sequence < this.minSequence) this.minSequence = sequence;
    if (sequence > this.maxSequence) this.maxSequence = sequence;
    this.bloom.add(isBlockKey(key) ? key : adjacencyPrefixOf(key));
    if (this.blockLength >= this.blockBytesTarget) this.flushBlock();
  }

  /** Writes index, filter and footer, fsyncs (unless a test plants that bug), and closes the file. */
  finish(sync = true): TableSummary {
    assert(!this.finished, 'table writer finished twice');
    assert(this.entryCount > 0, 'a table holds at least one entry');
    this.flushBlock();
    const indexOffset = this.fileOffset;
    const indexBytes = appendChecksum(this.encodeIndex());
    this.appendToFile(indexBytes);
    const bloomOffset = this.fileOffset;
    const bloomBytes = appendChecksum(this.bloom.finish());
    this.appendToFile(bloomBytes);
    this.appendToFile(
      encodeFooter({
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
    this.index.push({
      firstKey: this.blockFirstKey,
      lastKey: this.lastKey,
      offset: this.fileOffset,
      length: bytes.length,
    });
    this.appendToFile(bytes);
    this.blockLength = 0;
    this.blockEntries = 0;
  }

  private appendToFile(bytes: Buffer): void {
    this.file.append(bytes);
    this.fileOffset += bytes.length;
  }

  private encodeIndex(): Buffer {
    let size = 4;
    for (const entry of this.index) size += 2 + entry.firstKey.length + entry.lastKey.length + 12;
    const bytes = Buffer.allocUnsafe(size);
    bytes.writeUInt32LE(this.index.length, 0);
    let position = 4;
    for (const entry of this.index) {
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
