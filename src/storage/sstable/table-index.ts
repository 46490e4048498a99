// One level of a table's sparse index, kept as the bytes of its index block plus one u32 position
// per entry. Lookups binary-search the keys in place, so loading an index costs one pass over its
// bytes (to find and check the entries) and no string per key. That matters to a short query
// process, which pays for its first read of each table with code the JIT has not warmed up yet.
//   entry count u32 | per entry: first key (u8 length + bytes) · last key (u8 length + bytes) ·
//   offset u64 · length u32            (the trailing CRC-32 is checked and removed by the caller)
// In a table of format 1 the one index block lists every data block. Format 2 partitions it: each
// partition lists a run of data blocks (and starts with the number of its first block), and a
// small top level lists the partitions in the same entry format, so a lookup reads the top level
// and one partition of about 4 KiB instead of the whole index (1.25 MB on the query benchmark's
// table, 10 ms of a 200 ms CLI query before it was partitioned).
import { corruption } from '../../core/errors.js';

/** Where the entries of an index level must lie in the file, for the checks of `decode`. */
export interface IndexExtent {
  /** Where the first entry must start, or undefined when only its neighbours pin it. */
  readonly firstOffset: number | undefined;
  /** Where the last entry ends (exactly) or before which all end (at most). */
  readonly end: number;
  readonly endIsExact: boolean;
  /** The table-wide number of the first entry (0 except in a partition of format 2). */
  readonly firstEntry: number;
}

export class TableIndex {
  private constructor(
    private readonly bytes: Buffer,
    /** Where each entry starts in `bytes` (at its first key's length byte). */
    private readonly positions: Uint32Array,
    /** The table-wide number of entry 0: data blocks are cached by table-wide number. */
    readonly firstEntry: number,
  ) {}

  /**
   * Finds the entries of an index body in one pass and checks its shape: every entry inside the
   * body, the entries' extents contiguous and within `extent`. Key order is not compared here: the
   * writer asserts it and the CRC-32 the caller verified protects it, and comparing every key
   * would triple the cost of this pass, which runs in still-cold code in a short query process.
   * `at` is the body's offset in the file `path`, for error messages.
   */
  static decode(body: Buffer, path: string, at: number, extent: IndexExtent): TableIndex {
    const count = body.length >= 4 ? body.readUInt32LE(0) : -1;
    if (count <= 0) throw corruption(path, at, 'table index is empty');
    // Each entry takes at least 14 bytes: a count beyond that is damage, not an allocation to try.
    if (count > (body.length - 4) / 14) throw corruption(path, at, 'index block count');
    const positions = new Uint32Array(count);
    let position = 4;
    let expectedOffset = extent.firstOffset;
    for (let entry = 0; entry < count; entry++) {
      if (position >= body.length) throw corruption(path, at, 'index');
      const lastAt = position + 1 + (body[position] as number);
      if (lastAt >= body.length) throw corruption(path, at, 'index');
      const end = lastAt + 1 + (body[lastAt] as number) + 12;
      if (end > body.length) throw corruption(path, at, 'index entry overruns');
      // Plain byte arithmetic: Buffer's read methods are slow until the JIT has warmed up.
      const offset = u32At(body, end - 12) + u32At(body, end - 8) * 0x1_0000_0000;
      const length = u32At(body, end - 4);
      if ((expectedOffset !== undefined && offset !== expectedOffset) || offset + length > extent.end) {
        throw corruption(path, at, 'table index is inconsistent');
      }
      expectedOffset = offset + length;
      positions[entry] = position;
      position = end;
    }
    if (position !== body.length || (extent.endIsExact && expectedOffset !== extent.end))
      throw corruption(path, at, 'table index length');
    return new TableIndex(body, positions, extent.firstEntry);
  }

  get blockCount(): number {
    return this.positions.length;
  }

  /** Heap cost for the metadata budget. */
  get costBytes(): number {
    return this.bytes.length + this.positions.byteLength + 128;
  }

  /** The first block whose last key is >= `key` (blockCount when none). */
  lowerBoundByLastKey(key: string): number {
    let low = 0;
    let high = this.positions.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compareLastKey(middle, key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Sign of (first key of block `block`) − `key`, byte-wise. */
  compareFirstKey(block: number, key: string): number {
    return compareKeyWith(this.bytes, this.positions[block] as number, key, key.length);
  }

  /** True when every key of block `block` and after sorts past all keys starting with `prefix`. */
  firstKeyIsPast(block: number, prefix: string): boolean {
    // Only the first key's leading prefix.length bytes matter: equal means it starts with prefix.
    const start = this.positions[block] as number;
    const compared = Math.min(this.bytes[start] as number, prefix.length);
    return compareKeyWith(this.bytes, start, prefix, prefix.length, compared) > 0;
  }

  offset(block: number): number {
    const end = this.endOf(block);
    return u32At(this.bytes, end - 12) + u32At(this.bytes, end - 8) * 0x1_0000_0000;
  }

  length(block: number): number {
    return u32At(this.bytes, this.endOf(block) - 4);
  }

  private compareLastKey(block: number, key: string): number {
    const start = this.positions[block] as number;
    return compareKeyWith(this.bytes, start + 1 + (this.bytes[start] as number), key, key.length);
  }

  private endOf(block: number): number {
    const start = this.positions[block] as number;
    const lastAt = start + 1 + (this.bytes[start] as number);
    return lastAt + 1 + (this.bytes[lastAt] as number) + 12;
  }
}

/**
 * Byte-wise comparison of the length-prefixed key at `at` in `bytes` with the first `keyLength`
 * characters of a latin1 key (char codes are bytes). `storedLength`, when given, caps how much of
 * the stored key takes part.
 */
function compareKeyWith(
  bytes: Buffer,
  at: number,
  key: string,
  keyLength: number,
  storedLength = bytes[at] as number,
): number {
  const shared = Math.min(storedLength, keyLength);
  for (let position = 0; position < shared; position++) {
    const difference = (bytes[at + 1 + position] as number) - key.charCodeAt(position);
    if (difference !== 0) return difference;
  }
  return storedLength - keyLength;
}

function u32At(bytes: Buffer, at: number): number {
  return (
    ((bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16)) +
    (bytes[at + 3] as number) * 0x100_0000
  );
}
