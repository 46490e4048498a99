// SSTable layout (all integers little-endian; u64 as two u32 halves, low first):
//   format 2: data blocks | index partitions | top-level index | paged bloom | footer (64 bytes)
//   format 1: data blocks | index block | bloom block | footer (64 bytes)   (read, no longer written)
// Data block: entries, then entry count u32, then crc32 u32 of everything before it.
//   entry: key length u8 | key | sequence u64 | flags u8 (bit 0: tombstone) | value length u32 | value
// Index block (format 1), and the top level (format 2): entry count u32, then per entry: first key
//   (u8 length + bytes), last key (u8 length + bytes), offset u64, length u32; then crc32 u32.
//   Format 1's entries are the data blocks; the top level's are the partitions.
// Index partition (format 2): number of its first data block u32, then an index block over a run of
//   data blocks (table-index.ts).
// Bloom: paged (format 2) or whole (format 1), see bloom.ts. The footer's index fields locate the
//   index block (format 1) or the top level (format 2).
// Footer: magic u32 'KSST' | version u16 | flags u16 | index offset u64 | index length u32 |
//   bloom offset u64 | bloom length u32 | entry count u32 | block count u32 | min sequence u64 |
//   max sequence u64 | reserved u32 | crc32 u32 of the 60 bytes before it.
import { crc32 } from '../../core/checksum.js';
import { corruption } from '../../core/errors.js';
import { readU64, writeU64 } from '../wal/wal-format.js';

export const tableMagic = 0x5453534b;
/** The format tables are written in; format 1 tables stay readable (and compaction rewrites them). */
export const tableVersion = 2;
export const footerBytes = 64;
export const flagTombstone = 1;

const tablePattern = /^table-(\d{12})\.sst$/;

export function tableFileName(number: number): string {
  return `table-${String(number).padStart(12, '0')}.sst`;
}

export function parseTableFileName(name: string): number | undefined {
  const match = tablePattern.exec(name);
  return match ? Number(match[1]) : undefined;
}

export interface TableFooter {
  readonly version: number;
  readonly indexOffset: number;
  readonly indexLength: number;
  readonly bloomOffset: number;
  readonly bloomLength: number;
  readonly entryCount: number;
  readonly blockCount: number;
  readonly minSequence: number;
  readonly maxSequence: number;
}

export function encodeFooter(footer: TableFooter): Buffer {
  const bytes = Buffer.alloc(footerBytes);
  bytes.writeUInt32LE(tableMagic, 0);
  bytes.writeUInt16LE(footer.version, 4);
  writeU64(bytes, 8, footer.indexOffset);
  bytes.writeUInt32LE(footer.indexLength, 16);
  writeU64(bytes, 20, footer.bloomOffset);
  bytes.writeUInt32LE(footer.bloomLength, 28);
  bytes.writeUInt32LE(footer.entryCount, 32);
  bytes.writeUInt32LE(footer.blockCount, 36);
  writeU64(bytes, 40, footer.minSequence);
  writeU64(bytes, 48, footer.maxSequence);
  bytes.writeUInt32LE(crc32(bytes.subarray(0, 60)), 60);
  return bytes;
}

/** `verifyChecksum` is false only under the test-only planted bug `ignoreChecksums`. */
export function decodeFooter(
  bytes: Buffer,
  path: string,
  fileSize: number,
  verifyChecksum = true,
): TableFooter {
  const at = fileSize - footerBytes;
  if (bytes.length !== footerBytes) throw corruption(path, at, 'table is shorter than its footer');
  if (bytes.readUInt32LE(0) !== tableMagic) throw corruption(path, at, 'bad table magic');
  if (verifyChecksum && crc32(bytes.subarray(0, 60)) !== bytes.readUInt32LE(60))
    throw corruption(path, at, 'footer checksum');
  const version = bytes.readUInt16LE(4);
  if (version !== 1 && version !== tableVersion)
    throw corruption(path, at, `unsupported table version ${version}`);
  const footer: TableFooter = {
    version,
    indexOffset: readU64(bytes, 8),
    indexLength: bytes.readUInt32LE(16),
    bloomOffset: readU64(bytes, 20),
    bloomLength: bytes.readUInt32LE(28),
    entryCount: bytes.readUInt32LE(32),
    blockCount: bytes.readUInt32LE(36),
    minSequence: readU64(bytes, 40),
    maxSequence: readU64(bytes, 48),
  };
  const indexEnd = footer.indexOffset + footer.indexLength;
  const bloomEnd = footer.bloomOffset + footer.bloomLength;
  if (indexEnd > footer.bloomOffset || bloomEnd > at || footer.indexLength < 8 || footer.bloomLength < 9) {
    throw corruption(path, at, 'footer points outside the table');
  }
  return footer;
}

/**
 * Verifies the trailing crc32 of a checksummed section and returns the bytes before it.
 * `verifyChecksum` is false only under the test-only planted bug `ignoreChecksums`.
 */
export function verifySection(
  bytes: Buffer,
  path: string,
  offset: number,
  what: string,
  verifyChecksum = true,
): Buffer {
  if (bytes.length < 4) throw corruption(path, offset, `${what} is truncated`);
  const body = bytes.subarray(0, bytes.length - 4);
  if (verifyChecksum && crc32(body) !== bytes.readUInt32LE(bytes.length - 4))
    throw corruption(path, offset, `${what} checksum`);
  return body;
}

export function appendChecksum(body: Buffer): Buffer {
  const bytes = Buffer.allocUnsafe(body.length + 4);
  body.copy(bytes, 0);
  bytes.writeUInt32LE(crc32(body), body.length);
  return bytes;
}
