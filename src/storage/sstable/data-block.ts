// A data block decoded once into columns (keys as latin1 strings, value ranges into the block
// bytes). Lookups then binary-search plain strings; the cache holds this decoded form.
import { corruption } from '../../core/errors.js';
import type { StoredEntry } from '../entry.js';
import { readU64 } from '../wal/wal-format.js';
import { flagTombstone, verifySection } from './table-format.js';

export class DataBlock {
  private constructor(
    readonly bytes: Buffer,
    readonly keys: string[],
    private readonly sequences: Float64Array,
    private readonly flags: Uint8Array,
    private readonly valueStarts: Uint32Array,
    private readonly valueEnds: Uint32Array,
  ) {}

  /** Verifies the block checksum and decodes its entries. */
  static decode(raw: Buffer, path: string, offset: number): DataBlock {
    const body = verifySection(raw, path, offset, 'data block');
    if (body.length < 4) throw corruption(path, offset, 'data block has no entry count');
    const count = body.readUInt32LE(body.length - 4);
    const end = body.length - 4;
    if (count === 0 || count > end) throw corruption(path, offset, 'data block entry count');
    const keys = new Array<string>(count);
    const sequences = new Float64Array(count);
    const flags = new Uint8Array(count);
    const valueStarts = new Uint32Array(count);
    const valueEnds = new Uint32Array(count);
    let position = 0;
    for (let index = 0; index < count; index++) {
      const keyLength = body[position] as number;
      const keyEnd = position + 1 + keyLength;
      if (keyEnd + 13 > end) throw corruption(path, offset + position, 'data block entry overruns');
      keys[index] = body.latin1Slice(position + 1, keyEnd);
      sequences[index] = readU64(body, keyEnd);
      flags[index] = body[keyEnd + 8] as number;
      const valueLength = body.readUInt32LE(keyEnd + 9);
      valueStarts[index] = keyEnd + 13;
      position = keyEnd + 13 + valueLength;
      if (position > end) throw corruption(path, offset + keyEnd, 'data block value overruns');
      valueEnds[index] = position;
      if (index > 0 && !((keys[index - 1] as string) < (keys[index] as string))) {
        throw corruption(path, offset + position, 'data block keys out of order');
      }
    }
    if (position !== end) throw corruption(path, offset + position, 'data block has trailing bytes');
    return new DataBlock(body, keys, sequences, flags, valueStarts, valueEnds);
  }

  get entryCount(): number {
    return this.keys.length;
  }

  /** Estimated heap cost for the cache budget. */
  get costBytes(): number {
    return this.bytes.length + this.keys.length * 80;
  }

  /** Index of the first key >= `key` (entryCount when none). */
  lowerBound(key: string): number {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.keys[middle] as string) < key) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  entry(index: number): StoredEntry {
    return {
      key: this.keys[index] as string,
      sequence: this.sequences[index] as number,
      tombstone: ((this.flags[index] as number) & flagTombstone) !== 0,
      value: this.bytes,
      valueStart: this.valueStarts[index] as number,
      valueEnd: this.valueEnds[index] as number,
    };
  }
}
