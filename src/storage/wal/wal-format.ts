// Write-ahead log frames. One frame holds one atomic batch, so a batch is either wholly in the log
// or (torn, failing its checksum) wholly absent. Layout, little-endian:
//   0  magic u32 'KWAL' or 'KWAD'   4  payload length u32   8  payload crc32 u32   12  header crc32 u32
//   16 payload: first sequence u64 | op count u32 | ops [| synced bytes u32, 'KWAD' only]
// Ops (sequence = first sequence + index); each carries its memtable key, keyspace byte included:
//   1 put_block    0x01 id(16) | value length u32 | value (see value-codec)
//   2 delete_block 0x01 id(16)
//   3 put_edge     0x02 source(16) type(u16 BE) target(16) | properties length u32 | properties JSON
//   4 delete_edge  0x02 source(16) type(u16 BE) target(16)
// A 'KWAL' frame is durable: every byte of the segment before it was fsynced before it was
// appended, and it is fsynced before its batch is acknowledged. A 'KWAD' frame is deferred: it was
// appended without an fsync, and its trailer says how many bytes of the segment were fsynced then.
// So a valid frame vouches for the bytes before its `syncedBefore`: a bad frame there is damage,
// while a bad frame no valid frame vouches for is a write the crash caught unsynced (wal.ts).
import { crc32 } from '../../core/checksum.js';

export const walMagic = 0x4c41574b;
/** 'KWAD': a deferred frame (see above). */
export const walDeferredMagic = 0x4441574b;
export const walHeaderBytes = 16;
export const walPayloadPrefixBytes = 12;
/** The synced-bytes trailer of a deferred frame. */
export const walDeferredTrailerBytes = 4;

export const opPutBlock = 1;
export const opDeleteBlock = 2;
export const opPutEdge = 3;
export const opDeleteEdge = 4;

/**
 * Seals a frame whose payload is in place: a durable one when `syncedBefore` is undefined, else a
 * deferred one, whose trailer (the last 4 bytes of `frame`, reserved by the encoder) gets it.
 */
export function sealFrame(frame: Buffer, syncedBefore?: number): void {
  if (syncedBefore !== undefined) frame.writeUInt32LE(syncedBefore, frame.length - walDeferredTrailerBytes);
  frame.writeUInt32LE(syncedBefore === undefined ? walMagic : walDeferredMagic, 0);
  frame.writeUInt32LE(frame.length - walHeaderBytes, 4);
  frame.writeUInt32LE(crc32(frame.subarray(walHeaderBytes)), 8);
  frame.writeUInt32LE(crc32(frame.subarray(0, 12)), 12);
}

/** The operations' part of a sealed frame's payload: its length without a deferred trailer. */
export function sealedOperationsLength(frame: Buffer): number {
  const trailer = frame.readUInt32LE(0) === walDeferredMagic ? walDeferredTrailerBytes : 0;
  return frame.readUInt32LE(4) - trailer;
}

export type FrameCheck =
  | {
      readonly kind: 'ok';
      /** The operations' part of the payload (a deferred frame's trailer excluded). */
      readonly payloadLength: number;
      /** Header, payload and trailer: where the next frame starts. */
      readonly frameLength: number;
      /** Bytes of the segment that were fsynced before this frame was appended. */
      readonly syncedBefore: number;
    }
  | { readonly kind: 'short' }
  | { readonly kind: 'bad-header' }
  | { readonly kind: 'bad-payload'; readonly payloadLength: number };

/**
 * Checks the frame starting at `offset` of `bytes` (the rest of the segment). `verifyChecksums` is
 * false only under the test-only planted bug `ignoreChecksums`: then only magic and length count.
 */
export function checkFrame(bytes: Buffer, offset: number, verifyChecksums = true): FrameCheck {
  if (offset + walHeaderBytes > bytes.length) return { kind: 'short' };
  const magic = bytes.readUInt32LE(offset);
  if (magic !== walMagic && magic !== walDeferredMagic) return { kind: 'bad-header' };
  if (verifyChecksums && crc32(bytes.subarray(offset, offset + 12)) !== bytes.readUInt32LE(offset + 12)) {
    return { kind: 'bad-header' };
  }
  const storedLength = bytes.readUInt32LE(offset + 4);
  const payloadStart = offset + walHeaderBytes;
  const payloadEnd = payloadStart + storedLength;
  if (payloadEnd > bytes.length) return { kind: 'short' };
  const deferred = magic === walDeferredMagic;
  const trailer = deferred ? walDeferredTrailerBytes : 0;
  // Shorter than its own trailer: only a damaged header says that.
  if (storedLength < trailer) return { kind: 'bad-header' };
  const payloadLength = storedLength - trailer;
  if (verifyChecksums) {
    const actual = crc32(bytes.subarray(payloadStart, payloadEnd));
    if (actual !== bytes.readUInt32LE(offset + 8)) return { kind: 'bad-payload', payloadLength };
  }
  // A frame can only vouch for bytes before itself.
  const syncedBefore = deferred ? Math.min(bytes.readUInt32LE(payloadEnd - trailer), offset) : offset;
  return { kind: 'ok', payloadLength, frameLength: walHeaderBytes + storedLength, syncedBefore };
}

export function readU64(bytes: Buffer, offset: number): number {
  return bytes.readUInt32LE(offset) + bytes.readUInt32LE(offset + 4) * 0x1_0000_0000;
}

export function writeU64(bytes: Buffer, offset: number, value: number): void {
  bytes.writeUInt32LE(value % 0x1_0000_0000, offset);
  bytes.writeUInt32LE(Math.floor(value / 0x1_0000_0000), offset + 4);
}
