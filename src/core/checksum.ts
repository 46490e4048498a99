// CRC-32 (IEEE) from Node's zlib, the checksum of every frame, table block and manifest record.
import { crc32 as zlibCrc32 } from 'node:zlib';

export function crc32(bytes: Uint8Array, initial = 0): number {
  return zlibCrc32(bytes, initial) >>> 0;
}
