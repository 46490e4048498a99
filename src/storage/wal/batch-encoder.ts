// Encodes a validated batch of write operations into one WAL frame, in a buffer reused across
// batches (it grows to the largest batch seen, bounded by limits.batchBytesMax). The log seals the
// frame (magic, checksums, a deferred frame's trailer) as it appends it: only it knows how much of
// its segment is synced.
import { limitExceeded } from '../../core/errors.js';
import { limits } from '../../core/limits.js';
import type { GraphEdge, WriteOperation } from '../../core/types.js';
import { edgeTypeToCode } from '../../core/types.js';
import { writeEdgeProperties } from '../edge-properties.js';
import { writeBlockValue } from '../value-codec.js';
import {
  opDeleteBlock,
  opDeleteEdge,
  opPutBlock,
  opPutEdge,
  walDeferredTrailerBytes,
  walHeaderBytes,
  walPayloadPrefixBytes,
  writeU64,
} from './wal-format.js';

const edgeFixedBytes = 2 + 16 + 2 + 16;
const keyspaceBlockByte = 1;
const keyspaceOutgoingByte = 2;

export class BatchEncoder {
  private buffer = Buffer.allocUnsafeSlow(1 << 20);

  /**
   * Encodes validated operations; `jsons[i]` is operation i's metadata or properties JSON. Returns
   * the unsealed frame, with room for the trailer when `deferred` (a view of the reused buffer,
   * valid until the next encode).
   */
  encode(
    operations: readonly WriteOperation[],
    jsons: readonly string[],
    firstSequence: number,
    deferred: boolean,
  ): Buffer {
    const trailer = deferred ? walDeferredTrailerBytes : 0;
    this.reserve(walHeaderBytes + walPayloadPrefixBytes + estimateBytes(operations, jsons) + trailer);
    const frame = this.buffer;
    let offset = walHeaderBytes;
    writeU64(frame, offset, firstSequence);
    frame.writeUInt32LE(operations.length, offset + 8);
    offset += walPayloadPrefixBytes;
    for (let index = 0; index < operations.length; index++) {
      offset = encodeOperation(frame, offset, operations[index] as WriteOperation, jsons[index] as string);
    }
    return frame.subarray(0, offset + trailer);
  }

  private reserve(bytes: number): void {
    if (bytes > limits.batchBytesMax) throw limitExceeded('batch', bytes, limits.batchBytesMax);
    if (bytes <= this.buffer.length) return;
    let size = this.buffer.length;
    while (size < bytes) size *= 2;
    this.buffer = Buffer.allocUnsafeSlow(Math.min(size, limits.batchBytesMax + 1024));
  }
}

/** An upper bound of the encoded size (UTF-8 is at most 3 bytes per UTF-16 code unit). */
function estimateBytes(operations: readonly WriteOperation[], jsons: readonly string[]): number {
  let total = 0;
  for (let index = 0; index < operations.length; index++) {
    const operation = operations[index] as WriteOperation;
    const json = jsons[index] as string;
    if (operation.kind === 'put_block') {
      const { sourceUri, content } = operation.block;
      total += 2 + 16 + 4 + 12 + 3 * (sourceUri.length + json.length + content.length);
    } else {
      total += edgeFixedBytes + 4 + 3 * json.length;
    }
  }
  return total;
}

function encodeOperation(frame: Buffer, offset: number, operation: WriteOperation, json: string): number {
  switch (operation.kind) {
    case 'put_block': {
      const { id, sourceUri, content } = operation.block;
      frame[offset] = opPutBlock;
      frame[offset + 1] = keyspaceBlockByte;
      frame.hexWrite(id, offset + 2, 16);
      const valueStart = offset + 22;
      const valueEnd = writeBlockValue(frame, valueStart, sourceUri, json, content);
      frame.writeUInt32LE(valueEnd - valueStart, offset + 18);
      return valueEnd;
    }
    case 'delete_block':
      frame[offset] = opDeleteBlock;
      frame[offset + 1] = keyspaceBlockByte;
      frame.hexWrite(operation.id, offset + 2, 16);
      return offset + 18;
    case 'put_edge': {
      offset = writeEdgeIdentity(frame, offset, opPutEdge, operation.edge);
      const end = writeEdgeProperties(frame, offset + 4, operation.edge.properties, json);
      frame.writeUInt32LE(end - offset - 4, offset);
      return end;
    }
    case 'delete_edge':
      return writeEdgeIdentity(frame, offset, opDeleteEdge, operation.edge);
  }
}

function writeEdgeIdentity(
  frame: Buffer,
  offset: number,
  op: number,
  edge: Pick<GraphEdge, 'source' | 'target' | 'type'>,
): number {
  frame[offset] = op;
  frame[offset + 1] = keyspaceOutgoingByte;
  frame.hexWrite(edge.source, offset + 2, 16);
  frame.writeUInt16BE(edgeTypeToCode(edge.type), offset + 18);
  frame.hexWrite(edge.target, offset + 20, 16);
  return offset + edgeFixedBytes;
}
