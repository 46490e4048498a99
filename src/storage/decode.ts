// Turns stored entries into the public shapes. Strings are decoded fresh, so nothing returned to a
// caller refers to arena or cache memory.
import type { BlockHeader, ContextBlock, StoredEdge } from '../core/types.js';
import { readEdgeProperties } from './edge-properties.js';
import type { StoredEntry } from './entry.js';
import { blockIdOfKey, decodeEdgeKey } from './keys.js';
import { parseJsonObject, readBlockHeader, readBlockValue } from './value-codec.js';

export function decodeBlock(entry: StoredEntry, where: string, id?: string): ContextBlock {
  const value = readBlockValue(entry.value, entry.valueStart, entry.valueEnd, where);
  return {
    id: id ?? blockIdOfKey(entry.key),
    sequence: entry.sequence,
    sourceUri: value.sourceUri,
    metadata: parseJsonObject(value.metadataJson, where),
    content: value.content,
  };
}

export function decodeBlockHeader(entry: StoredEntry, where: string, id: string): BlockHeader {
  const value = readBlockHeader(entry.value, entry.valueStart, entry.valueEnd, where);
  return {
    id,
    sequence: entry.sequence,
    sourceUri: value.sourceUri,
    metadata: parseJsonObject(value.metadataJson, where),
    contentLength: value.contentLength,
  };
}

export function decodeEdge(entry: StoredEntry, where: string): StoredEdge {
  const { source, target, type } = decodeEdgeKey(entry.key);
  const properties = readEdgeProperties(entry.value, entry.valueStart, entry.valueEnd, where);
  if (properties === undefined) return { source, target, type, sequence: entry.sequence };
  return { source, target, type, properties, sequence: entry.sequence };
}
