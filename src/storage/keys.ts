// Internal keys. All three keyspaces share one sorted order so a table holds them side by side:
//   block:         0x01 | id(16)                          17 bytes
//   outgoing edge: 0x02 | source(16) | type(u16 BE) | target(16)   35 bytes
//   incoming edge: 0x03 | target(16) | type(u16 BE) | source(16)   35 bytes
// In memory a key is the latin1 string of its bytes: JS compares such strings by code unit, which
// is byte order, so sorting and binary search need no Buffer calls on the hot path.
import type { BlockId } from '../core/block-id.js';
import { hexToLatin1, latin1ToHex } from './hex.js';
import { edgeTypeFromCode, edgeTypeToCode, outgoingOnlyEdgeCodes, type EdgeType } from '../core/types.js';

export const keyspaceBlock = '\x01';
export const keyspaceOutgoing = '\x02';
export const keyspaceIncoming = '\x03';
/** Length of an adjacency prefix: keyspace byte + node id. */
export const adjacencyPrefixLength = 17;

const idToLatin1 = (id: BlockId): string => hexToLatin1(id);
const latin1ToId: (key: string, start: number) => BlockId = latin1ToHex;

function typeToLatin1(type: EdgeType): string {
  const code = edgeTypeToCode(type);
  return String.fromCharCode(code >>> 8, code & 0xff);
}

export function blockKey(id: BlockId): string {
  return hexToLatin1(id, 1);
}

export function blockIdOfKey(key: string): BlockId {
  return latin1ToId(key, 1);
}

export function outgoingKey(source: BlockId, type: EdgeType, target: BlockId): string {
  return keyspaceOutgoing + idToLatin1(source) + typeToLatin1(type) + idToLatin1(target);
}

export function incomingKey(source: BlockId, type: EdgeType, target: BlockId): string {
  return keyspaceIncoming + idToLatin1(target) + typeToLatin1(type) + idToLatin1(source);
}

export function outgoingPrefix(source: BlockId, type?: EdgeType): string {
  return keyspaceOutgoing + idToLatin1(source) + (type === undefined ? '' : typeToLatin1(type));
}

export function incomingPrefix(target: BlockId, type?: EdgeType): string {
  return keyspaceIncoming + idToLatin1(target) + (type === undefined ? '' : typeToLatin1(type));
}

export interface DecodedEdgeKey {
  readonly source: BlockId;
  readonly target: BlockId;
  readonly type: EdgeType;
}

/** Decodes an outgoing or incoming edge key into the edge it names. */
export function decodeEdgeKey(key: string): DecodedEdgeKey {
  const near = latin1ToId(key, 1);
  const type = edgeTypeFromCode((key.charCodeAt(17) << 8) | key.charCodeAt(18));
  const far = latin1ToId(key, 19);
  return key[0] === keyspaceOutgoing
    ? { source: near, target: far, type }
    : { source: far, target: near, type };
}

/** The adjacency prefix of an edge key (keyspace + near node), the unit the bloom filter indexes. */
export function adjacencyPrefixOf(key: string): string {
  return key.slice(0, adjacencyPrefixLength);
}

/**
 * True for an incoming-edge key of a type stored under its source only: none is written now, but
 * databases written before the type was one-way hold them; reads skip them and merges drop them.
 */
export function isStrayIncomingKey(key: string): boolean {
  return key.charCodeAt(0) === 3 && outgoingOnlyEdgeCodes.has((key.charCodeAt(17) << 8) | key.charCodeAt(18));
}

export function isBlockKey(key: string): boolean {
  return key.charCodeAt(0) === 1;
}

/**
 * True when the key in `bytes[start, start + length)` has a keyspace byte and that keyspace's
 * length (a cheap sanity check).
 */
export function isWellFormedKeyAt(bytes: Uint8Array, start: number, length: number): boolean {
  const keyspace = bytes[start];
  if (keyspace === 1) return length === 17;
  return (keyspace === 2 || keyspace === 3) && length === 35;
}
