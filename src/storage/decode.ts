// Turns stored entries into the public shapes. Strings are decoded fresh, so nothing returned to a
// caller refers to arena or cache memory.
import { KausalError } from '../core/errors.js';
import type { ContextBlock, JsonObject, StoredEdge } from '../core/types.js';
import type { StoredEntry } from './entry.js';
import { blockIdOfKey, decodeEdgeKey } from './keys.js';
import { readBlockValue, readEdgeValue } from './value-codec.js';

export function decodeBlock(entry: StoredEntry, where: string, id?: string): ContextBlock {
  const value = readBlockValue(entry.value, entry.valueStart, entry.valueEnd, where);
  return {
    id: id ?? blockIdOfKey(entry.key),
    sequence: entry.sequence,
    sourceUri: value.sourceUri,
    metadata: parseObject(value.metadataJson, where),
    content: value.content,
  };
}

export function decodeEdge(entry: StoredEntry, where: string): StoredEdge {
  const { source, target, type } = decodeEdgeKey(entry.key);
  const json = readEdgeValue(entry.value, entry.valueStart, entry.valueEnd);
  if (json.length === 0) return { source, target, type, sequence: entry.sequence };
  return { source, target, type, properties: parseObject(json, where), sequence: entry.sequence };
}

function parseObject(json: string, where: string): JsonObject {
  if (json === '{}') return {};
  try {
    return JSON.parse(json) as JsonObject;
  } catch {
    throw new KausalError('CORRUPTION', `stored JSON in ${where} does not parse`);
  }
}
