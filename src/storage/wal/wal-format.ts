// Write-ahead log frames. One frame holds one atomic batch, so a batch is either wholly in the log
// or (torn, failing its checksum) wholly absent. Layout, little-endian:
//   0  magic u32 'KWAL'      4  payload length u32     8  payload crc32 u32    12  header crc32 u32
//   16 payload: first sequence u64 | op count u32 | ops
// Ops (sequence = first sequence + index); each carries its memtable key, keyspace byte included:
//   1 put_block    0x01 id(16) | value length u32 | value (see value-codec)
//   2 delete_block 0x01 id(16)
//   3 put_edge     0x02 source(16) type(u16 BE) target(16) | properties length u32 | properties JSON
//   4 delete_edge  0x02 source(16) type(u16 BE) target(16)
import { crc32 } from '../../core/checksum.js';

export const walMagic = 0x4c41574b;
export const walHeaderBytes = 16;
export const walPayloadPrefixBytes = 12;

export const opPutBlock = 1;
export const opDeleteBlock = 2;
export const opPutEdge = 3;
export const opDeleteEdge = 4;

export function writeFrameHeader(frame: Buffer, payloadLength: number): void {
  frame.writeUInt32LE(walMagic, 0);
  frame.writeUInt32LE(payloadLength, 4);
  frame.writeUInt32LE(crc32(frame.subarray(walHeaderBytes, walHeaderBytes + payloadLength)), 8);
  frame.writeUInt32LE(crc32(frame.subarray(0, 12)), 12);
}

export type FrameCheck =
  | { readonly kind: 'ok'; readonly payloadLength: number }
  | { readonly kind: 'short' }
  | { readonly kind: 'bad-header' }
  | { readonly kind: 'bad-payload'; readonly payloadLength: number };

/**
 * Checks the frame starting at `offset` of `bytes` (the rest of the segment). `verifyChecksums` is
 * false only under the test-only planted bug `ignoreChecksums`: then only magic and length count.
 */
export function checkFrame(bytes: Buffer, offset: number, verifyChecksums = true): FrameCheck {
  if (offset + walHeaderBytes > bytes.length) return { kind: 'short' };
  if (bytes.readUInt32LE(offset) !== walMagic) return { kind: 'bad-header' };
  if (verifyChecksums && crc32(bytes.subarray(offset, offset + 12)) !== bytes.readUInt32LE(offset + 12)) {
    return { kind: 'bad-header' };
  }
  const payloadLength = bytes.readUInt32LE(offset + 4);
  const payloadStart = offset + walHeaderBytes;
  if (payloadStart + payloadLength > bytes.length) return { kind: 'short' };
  if (!verifyChecksums) return { kind: 'ok', payloadLength };
  const actual = crc32(bytes.subarray(payloadStart, payloadStart + payloadLength));
  if (actual !== bytes.readUInt32LE(offset + 8)) return { kind: 'bad-payload', payloadLength };
  return { kind: 'ok', payloadLength };
}

export function readU64(bytes: Buffer, offset: number): number {
  return bytes.readUInt32LE(offset) + bytes.readUInt32LE(offset + 4) * 0x1_0000_0000;
}

export function writeU64(bytes: Buffer, offset: number, value: number): void {
  bytes.writeUInt32LE(value % 0x1_0000_0000, offset);
  bytes.writeUInt32LE(Math.floor(value / 0x1_0000_0000), offset + 4);
}
