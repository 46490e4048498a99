// Bloom filter over a table's keys: block keys and edge adjacency prefixes (keyspace + node id).
// Tombstones are keys like any other, so "absent from the filter" means the table holds neither a
// value nor a tombstone for that key, and skipping the table can never hide a deletion.
//
// Paged (table format 2): a hash of the key picks one page, and all of the key's bits lie in that
// page, so a lookup reads and checks one page of about 4 KiB instead of the whole filter (630 KB
// on the query benchmark's table, where a short query process read it all for its first lookup).
//   header: page count u32 · page bits u32 · hash count u8 · CRC-32 u32 of those 9 bytes
//   then per page: its bits (page bits / 8 bytes) · CRC-32 u32 of them
// Whole (table format 1, still read): bit count u32 · hash count u8 · bits, then one CRC-32; it
// reads as a single page.
import { assert } from '../../core/assert.js';
import { crc32 } from '../../core/checksum.js';
import { limits } from '../../core/limits.js';

/** Two independent 32-bit hashes of a latin1 key (FNV-1a and a multiplicative mix). */
export function hashPair(key: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let index = 0; index < key.length; index++) {
    const code = key.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 0x01000193);
    h2 = Math.imul(h2 ^ code, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return [finishFirst(h1), finishSecond(h2)];
}

function finishFirst(h1: number): number {
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  return h1 >>> 0;
}

function finishSecond(h2: number): number {
  return (h2 | 1) >>> 0;
}

export const bloomHeaderBytes = 13;

/** The page of a key with hashes `first` and `step`: a third mix, so page and bits are unrelated. */
export function pageOf(first: number, step: number, pageCount: number): number {
  let h = Math.imul(first ^ (step >>> 11), 0x7feb352d);
  h ^= h >>> 15;
  return (h >>> 0) % pageCount;
}

export class BloomBuilder {
  private first = new Uint32Array(1024);
  private second = new Uint32Array(1024);
  private count = 0;
  /** The filter being filled by `place`, sized once every key is added. */
  private bytes: Buffer | undefined;
  private placed = 0;
  private pageCount = 0;
  private pageBits = 0;
  private hashCount = 0;

  /** `pageBitsMax`: the largest page; tests make it small to get many pages from few keys. */
  constructor(private readonly pageBitsMax = limits.bloomPageBits) {
    assert(pageBitsMax >= 64 && pageBitsMax % 8 === 0, 'bloom pages hold whole bytes');
  }

  /**
   * Adds the latin1 key held in `bytes[start, start + length)`, hashed as hashPair() hashes its
   * string. The caller adds each key once (a table's edges of one node share one prefix).
   */
  add(bytes: Uint8Array, start: number, length: number): void {
    assert(this.bytes === undefined, 'a key added to a filter being placed');
    if (this.count === this.first.length) {
      const grownFirst = new Uint32Array(this.count * 2);
      const grownSecond = new Uint32Array(this.count * 2);
      grownFirst.set(this.first);
      grownSecond.set(this.second);
      this.first = grownFirst;
      this.second = grownSecond;
    }
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (let index = start; index < start + length; index++) {
      const code = bytes[index] as number;
      h1 = Math.imul(h1 ^ code, 0x01000193);
      h2 = Math.imul(h2 ^ code, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    this.first[this.count] = finishFirst(h1);
    this.second[this.count] = finishSecond(h2);
    this.count += 1;
  }

  /**
   * Sets the bits of up to `units` more keys (no key may be added from the first call on); true
   * once every key's bits are set. Setting a few million random bits is tens of milliseconds, so
   * a flush or merge does it a bounded number of keys per step.
   */
  place(units: number): boolean {
    const bytes = this.bytes ?? this.allocate();
    const { pageBits, pageCount, hashCount } = this;
    const stride = pageBits / 8 + 4;
    const end = Math.min(this.count, this.placed + units);
    for (let index = this.placed; index < end; index++) {
      let h = this.first[index] as number;
      const step = this.second[index] as number;
      const base = bloomHeaderBytes + pageOf(h, step, pageCount) * stride;
      for (let round = 0; round < hashCount; round++) {
        const bit = h % pageBits;
        bytes[base + (bit >>> 3)] = (bytes[base + (bit >>> 3)] as number) | (1 << (bit & 7));
        h = (h + step) >>> 0;
      }
    }
    this.placed = end;
    return end === this.count;
  }

  /** The paged filter, each page and the header with its CRC-32 (see the top of this file). */
  finish(): Buffer {
    this.place(Number.POSITIVE_INFINITY);
    const bytes = this.bytes as Buffer;
    const stride = this.pageBits / 8 + 4;
    bytes.writeUInt32LE(crc32(bytes.subarray(0, bloomHeaderBytes - 4)), bloomHeaderBytes - 4);
    for (let page = 0; page < this.pageCount; page++) {
      const start = bloomHeaderBytes + page * stride;
      bytes.writeUInt32LE(crc32(bytes.subarray(start, start + stride - 4)), start + stride - 4);
    }
    return bytes;
  }

  /** Sizes the filter for the keys added: bloomBitsPerKey bits each, in equal whole-byte pages. */
  private allocate(): Buffer {
    const totalBits = Math.max(64, this.count * limits.bloomBitsPerKey);
    this.pageCount = Math.ceil(totalBits / this.pageBitsMax);
    this.pageBits = Math.ceil(totalBits / this.pageCount / 8) * 8;
    this.hashCount = Math.max(1, Math.min(12, Math.round(limits.bloomBitsPerKey * Math.LN2)));
    const bytes = Buffer.alloc(bloomHeaderBytes + this.pageCount * (this.pageBits / 8 + 4));
    bytes.writeUInt32LE(this.pageCount, 0);
    bytes.writeUInt32LE(this.pageBits, 4);
    bytes[8] = this.hashCount;
    this.bytes = bytes;
    return bytes;
  }
}

/** The shape of a paged filter, from its checked header. */
export interface BloomLayout {
  readonly pageCount: number;
  readonly pageBits: number;
  readonly hashCount: number;
}

/** The layout in a header whose CRC-32 was checked, or undefined when it cannot be one. */
export function decodeBloomHeader(header: Buffer, sectionBytes: number): BloomLayout | undefined {
  const pageCount = header.readUInt32LE(0);
  const pageBits = header.readUInt32LE(4);
  const hashCount = header[8] as number;
  if (pageCount === 0 || pageBits === 0 || pageBits % 8 !== 0 || hashCount === 0) return undefined;
  if (bloomHeaderBytes + pageCount * (pageBits / 8 + 4) !== sectionBytes) return undefined;
  return { pageCount, pageBits, hashCount };
}

/** One page of a filter: `bitCount` bits from `bytes[start]` on. */
export class BloomPage {
  constructor(
    private readonly bytes: Buffer,
    private readonly start: number,
    private readonly bitCount: number,
    private readonly hashCount: number,
  ) {}

  /** A format-1 filter (bit count u32 · hash count u8 · bits), as the one page it is. */
  static whole(bytes: Buffer): BloomPage | undefined {
    if (bytes.length < 5) return undefined;
    const bitCount = bytes.readUInt32LE(0);
    if (bitCount === 0 || bytes[4] === 0 || bytes.length !== 5 + Math.ceil(bitCount / 8)) return undefined;
    return new BloomPage(bytes, 5, bitCount, bytes[4] as number);
  }

  get byteLength(): number {
    return this.bytes.length;
  }

  /** False when a key with these hashes (see hashPair) is certainly absent. */
  mayContain(first: number, step: number): boolean {
    let h = first;
    for (let round = 0; round < this.hashCount; round++) {
      const bit = h % this.bitCount;
      if (((this.bytes[this.start + (bit >>> 3)] as number) & (1 << (bit & 7))) === 0) return false;
      h = (h + step) >>> 0;
    }
    return true;
  }
}
