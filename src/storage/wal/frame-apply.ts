// Applies one WAL frame's operations to a memtable. The same code serves the write path (after the
// frame is durable) and recovery (replaying the log), so the two cannot disagree.
import { KausalError } from '../../core/errors.js';
import type { Memtable } from '../memtable/memtable.js';
import { keyspaceIncoming } from '../keys.js';

const keyspaceBlockCode = 1;
const keyspaceOutgoingCode = 2;
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
    if (op === opPutBlock || op === opDeleteBlock) {
      // The frame stores the key with its keyspace byte, so one slice is the memtable key.
      const key = bytes.latin1Slice(offset + 1, offset + 18);
      if (key.charCodeAt(0) !== keyspaceBlockCode) throw malformed(where, offset);
      if (op === opDeleteBlock) {
        memtable.putCopied(key, sequence, true, slab, 0, 0);
        offset += 18;
        continue;
      }
      const valueLength = bytes.readUInt32LE(offset + 18);
      const valueStart = offset + 22;
      offset = valueStart + valueLength;
      if (offset > end) throw malformed(where, offset);
      memtable.putCopied(key, sequence, false, slab, valueStart + shift, offset - valueStart);
      continue;
    }
    if (op !== opPutEdge && op !== opDeleteEdge) throw malformed(where, offset);
    const outgoing = bytes.latin1Slice(offset + 1, offset + 36);
    if (outgoing.charCodeAt(0) !== keyspaceOutgoingCode) throw malformed(where, offset);
    const source = outgoing.slice(1, 17);
    const type = outgoing.slice(17, 19);
    const target = outgoing.slice(19, 35);
    offset += 36;
    let valueStart = offset;
    if (op === opPutEdge) {
      const valueLength = bytes.readUInt32LE(offset);
      valueStart = offset + 4;
      offset = valueStart + valueLength;
      if (offset > end) throw malformed(where, offset);
    }
    const tombstone = op === opDeleteEdge;
    const length = offset - valueStart;
    memtable.putCopied(outgoing, sequence, tombstone, slab, valueStart + shift, length);
    memtable.putCopied(
      keyspaceIncoming + target + type + source,
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

function malformed(where: string, offset: number): KausalError {
  // The frame passed its checksum, so a malformed body means a writer bug or a forged frame.
  return new KausalError('CORRUPTION', `malformed write-ahead log frame in ${where} near offset ${offset}`);
}
