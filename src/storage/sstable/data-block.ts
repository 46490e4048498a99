// A data block kept as its raw bytes plus the entry-offset array written at its end: lookups
// binary-search keys in place (no decoding of the other entries), so a cache miss costs one read,
// one checksum and a handful of comparisons, and the cache holds exactly the block's bytes.
//   entries | entry offsets u32 × count | count u32 | crc32 u32
//   entry: key length u8 | key | sequence u64 | flags u8 | value length u32 | value
import { corruption } from '../../core/errors.js';
import type { StoredEntry } from '../entry.js';
import { readU64 } from '../wal/wal-format.js';
import { flagTombstone, verifySection } from './table-format.js';

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export class DataBlock {
  /** Set on a cache hit; the cache's CLOCK eviction clears it. */
  referenced = false;
  /** The offset array viewed in place when aligned (the writer pads it to 4 bytes). */
  private readonly offsets: Uint32Array | undefined;

  private constructor(
    readonly bytes: Buffer,
    readonly entryCount: number,
    private readonly offsetsStart: number,
    private readonly path: string,
    private readonly fileOffset: number,
  ) {
    const start = bytes.byteOffset + offsetsStart;
    this.offsets =
      littleEndian && start % 4 === 0 ? new Uint32Array(bytes.buffer, start, entryCount) : undefined;
  }

  /** Verifies the block checksum and the shape of its offset array. */
  static decode(raw: Buffer, path: string, offset: number, verify = true): DataBlock {
    const body = verify ? verifySection(raw, path, offset, 'data block') : raw.subarray(0, raw.length - 4);
    if (body.length < 4) throw corruption(path, offset, 'data block has no entry count');
    const count = body.readUInt32LE(body.length - 4);
    const offsetsStart = body.length - 4 - count * 4;
    if (count === 0 || offsetsStart < 0) throw corruption(path, offset, 'data block entry count');
    return new DataBlock(body, count, offsetsStart, path, offset);
  }

  /** Estimated heap cost for the cache budget. */
  get costBytes(): number {
    return this.bytes.length + 64;
  }

  /** Index of the first key >= `key` (entryCount when none). */
  lowerBound(key: string): number {
    let low = 0;
    let high = this.entryCount;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compareKeyAt(middle, key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** True when the key at `index` equals `key`. */
  keyEquals(index: number, key: string): boolean {
    return this.compareKeyAt(index, key) === 0;
  }

  keyAt(index: number): string {
    const start = this.entryStart(index);
    return this.bytes.latin1Slice(start + 1, start + 1 + (this.bytes[start] as number));
  }

  /** The entry at `index`; pass its key when the caller already holds it (saves a copy). */
  entry(index: number, knownKey?: string): StoredEntry {
    const bytes = this.bytes;
    const start = this.entryStart(index);
    const keyEnd = start + 1 + (bytes[start] as number);
    const valueStart = keyEnd + 13;
    if (valueStart > this.offsetsStart)
      throw corruption(this.path, this.fileOffset + start, 'entry overruns');
    const valueEnd = valueStart + bytes.readUInt32LE(keyEnd + 9);
    if (valueEnd > this.offsetsStart) throw corruption(this.path, this.fileOffset + start, 'value overruns');
    return {
      key: knownKey ?? bytes.latin1Slice(start + 1, keyEnd),
      sequence: readU64(bytes, keyEnd),
      tombstone: ((bytes[keyEnd + 8] as number) & flagTombstone) !== 0,
      value: bytes,
      valueStart,
      valueEnd,
    };
  }

  private entryStart(index: number): number {
    const start = this.offsets?.[index] ?? this.bytes.readUInt32LE(this.offsetsStart + index * 4);
    if (start >= this.offsetsStart) throw corruption(this.path, this.fileOffset, 'entry offset out of range');
    return start;
  }

  /** Byte-wise comparison of the key at `index` with a latin1 key, without allocating. */
  private compareKeyAt(index: number, key: string): number {
    const bytes = this.bytes;
    const start = this.entryStart(index);
    const length = bytes[start] as number;
    const shared = Math.min(length, key.length);
    for (let position = 0; position < shared; position++) {
      const difference = (bytes[start + 1 + position] as number) - key.charCodeAt(position);
      if (difference !== 0) return difference;
    }
    return length - key.length;
  }
}
