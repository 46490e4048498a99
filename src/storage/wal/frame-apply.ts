// Applies one WAL frame's operations to a memtable. The same code serves the write path (after the
// frame is durable) and recovery (replaying the log), so the two cannot disagree.
import { KausalError } from '../../core/errors.js';
import { outgoingOnlyEdgeCodes } from '../../core/types.js';
import type { Memtable } from '../memtable/memtable.js';

const keyspaceBlockCode = 1;
const keyspaceOutgoingCode = 2;
const keyspaceIncomingCode = 3;
import { opDeleteBlock, opDeleteEdge, opPutBlock, opPutEdge, readU64, walHeaderBytes } from './wal-format.js';

export interface AppliedFrame {
  readonly firstSequence: number;
  readonly operationCount: number;
}

/** Applies the frame whose payload starts after the header at `frameStart` in `bytes`. */
export function applyFrame(
  bytes: Buffer,
  frameStart: number,
  payloadLength: number,
  memtable: Memtable,
  where: string,
  mirrorOutgoingOnly = false,
): AppliedFrame {
  const payloadStart = frameStart + walHeaderBytes;
  const end = payloadStart + payloadLength;
  // One copy of the whole frame into the arena; values are recorded by their place in it.
  const home = memtable.adopt(bytes, frameStart, end);
  const shift = home.offset - frameStart;
  const slab = home.slab;
  const firstSequence = readU64(bytes, payloadStart);
  const operationCount = bytes.readUInt32LE(payloadStart + 8);
  let offset = payloadStart + 12;
  for (let index = 0; index < operationCount; index++) {
    const sequence = firstSequence + index;
    const op = bytes[offset];
    if (offset + fixedBytes(op) > end) throw malformed(where, offset);
    // The frame stores each key with its keyspace byte: the memtable indexes it where it lies.
    const keyStart = offset + 1;
    if (op === opPutBlock || op === opDeleteBlock) {
      if (bytes[keyStart] !== keyspaceBlockCode) throw malformed(where, offset);
      if (op === opDeleteBlock) {
        memtable.putLocated(slab, keyStart + shift, 17, sequence, true, slab, 0, 0);
        offset += 18;
        continue;
      }
      const valueStart = offset + 22;
      offset = valueStart + bytes.readUInt32LE(offset + 18);
      if (offset > end) throw malformed(where, offset);
      memtable.putLocated(
        slab,
        keyStart + shift,
        17,
        sequence,
        false,
        slab,
        valueStart + shift,
        offset - valueStart,
      );
      continue;
    }
    if (op !== opPutEdge && op !== opDeleteEdge) throw malformed(where, offset);
    if (bytes[keyStart] !== keyspaceOutgoingCode) throw malformed(where, offset);
    offset += 36;
    let valueStart = offset;
    if (op === opPutEdge) {
      valueStart = offset + 4;
      offset = valueStart + bytes.readUInt32LE(offset);
      if (offset > end) throw malformed(where, offset);
    }
    const tombstone = op === opDeleteEdge;
    const length = offset - valueStart;
    memtable.putLocated(slab, keyStart + shift, 35, sequence, tombstone, slab, valueStart + shift, length);
    const typeCode = ((bytes[keyStart + 17] as number) << 8) | (bytes[keyStart + 18] as number);
    if (outgoingOnlyEdgeCodes.has(typeCode) && !mirrorOutgoingOnly) continue;
    const incoming = memtable.adopt(incomingKeyOf(bytes, keyStart), 0, 35);
    memtable.putLocated(
      incoming.slab,
      incoming.offset,
      35,
      sequence,
      tombstone,
      slab,
      valueStart + shift,
      length,
    );
  }
  if (offset !== end) throw malformed(where, offset);
  return { firstSequence, operationCount };
}

/** Bytes of an op before its variable part; an unknown op needs none (it fails below). */
function fixedBytes(op: number | undefined): number {
  if (op === opPutBlock) return 22;
  if (op === opDeleteBlock) return 18;
  if (op === opPutEdge) return 40;
  return op === opDeleteEdge ? 36 : 1;
}

const incomingScratch = Buffer.alloc(35);

/** The incoming-edge key (0x03 target type source) of the outgoing key at `start`. */
function incomingKeyOf(bytes: Buffer, start: number): Buffer {
  incomingScratch[0] = keyspaceIncomingCode;
  bytes.copy(incomingScratch, 1, start + 19, start + 35);
  bytes.copy(incomingScratch, 17, start + 17, start + 19);
  bytes.copy(incomingScratch, 19, start + 1, start + 17);
  return incomingScratch;
}

function malformed(where: string, offset: number): KausalError {
  // The frame passed its checksum, so a malformed body means a writer bug or a forged frame.
  return new KausalError('CORRUPTION', `malformed write-ahead log frame in ${where} near offset ${offset}`);
}
