// Bloom filter over a table's keys: block keys and edge adjacency prefixes (keyspace + node id).
// Tombstones are keys like any other, so "absent from the filter" means the table holds neither a
// value nor a tombstone for that key, and skipping the table can never hide a deletion.
import { assert } from '../../core/assert.js';
import { limits } from '../../core/limits.js';

/** Two independent 32-bit hashes of a latin1 key (FNV-1a and a multiplicative mix). */
function hashPair(key: string): [number, number] {
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

export class BloomBuilder {
  private first = new Uint32Array(1024);
  private second = new Uint32Array(1024);
  private count = 0;
  /** The filter being filled by `place`, sized once every key is added. */
  private bytes: Buffer | undefined;
  private placed = 0;

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
    let bytes = this.bytes;
    if (bytes === undefined) {
      const bitCount = Math.max(64, this.count * limits.bloomBitsPerKey);
      bytes = Buffer.alloc(5 + Math.ceil(bitCount / 8));
      bytes.writeUInt32LE(bitCount, 0);
      bytes[4] = Math.max(1, Math.min(12, Math.round(limits.bloomBitsPerKey * Math.LN2)));
      this.bytes = bytes;
    }
    const bitCount = bytes.readUInt32LE(0);
    const hashCount = bytes[4] as number;
    const end = Math.min(this.count, this.placed + units);
    for (let index = this.placed; index < end; index++) {
      let h = this.first[index] as number;
      const step = this.second[index] as number;
      for (let round = 0; round < hashCount; round++) {
        const bit = h % bitCount;
        bytes[5 + (bit >>> 3)] = (bytes[5 + (bit >>> 3)] as number) | (1 << (bit & 7));
        h = (h + step) >>> 0;
      }
    }
    this.placed = end;
    return end === this.count;
  }

  /** Serialized filter: bit count u32 | hash count u8 | bits. */
  finish(): Buffer {
    this.place(Number.POSITIVE_INFINITY);
    return this.bytes as Buffer;
  }
}

export class BloomFilter {
  private readonly bitCount: number;
  private readonly hashCount: number;

  constructor(private readonly bytes: Buffer) {
    this.bitCount = bytes.readUInt32LE(0);
    this.hashCount = bytes[4] as number;
  }

  static isWellFormed(bytes: Buffer): boolean {
    if (bytes.length < 5) return false;
    const bitCount = bytes.readUInt32LE(0);
    return bitCount > 0 && bytes[4] !== 0 && bytes.length === 5 + Math.ceil(bitCount / 8);
  }

  get byteLength(): number {
    return this.bytes.length;
  }

  mayContain(key: string): boolean {
    const [first, step] = hashPair(key);
    let h = first;
    for (let round = 0; round < this.hashCount; round++) {
      const bit = h % this.bitCount;
      if (((this.bytes[5 + (bit >>> 3)] as number) & (1 << (bit & 7))) === 0) return false;
      h = (h + step) >>> 0;
    }
    return true;
  }
}
