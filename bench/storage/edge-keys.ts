// Edge keys for the key-value peers (lmdb, LevelDB), modelled the natural way: two keys per edge,
// `o/<source>/<type>/<target>` and `i/<target>/<type>/<source>`, found by a prefix range scan.
// Binary layout: one direction byte, the 16-byte id, one type byte, the other 16-byte id.
import type { EdgeSet } from './workload.js';
import { idBytes } from './workload.js';

const outgoingTag = 0x6f; // 'o'
const incomingTag = 0x69; // 'i'
/** The 'calls' type code our engine uses too (src/core/types.ts). */
const callsTypeCode = 7;
export const edgePrefixBytes = 1 + idBytes + 1;
export const edgeKeyBytes = edgePrefixBytes + idBytes;

export function outgoingKey(edges: EdgeSet, edge: number): Buffer {
  return edgeKey(outgoingTag, edges, edges.source(edge), edges.target(edge));
}

export function incomingKey(edges: EdgeSet, edge: number): Buffer {
  return edgeKey(incomingTag, edges, edges.target(edge), edges.source(edge));
}

function edgeKey(tag: number, edges: EdgeSet, from: number, to: number): Buffer {
  const key = Buffer.alloc(edgeKeyBytes);
  key[0] = tag;
  edges.nodes.idBytes(from).copy(key, 1);
  key[1 + idBytes] = callsTypeCode;
  edges.nodes.idBytes(to).copy(key, edgePrefixBytes);
  return key;
}

/** The [start, end) key range holding every edge of one node in one direction. */
export function edgeRange(direction: 'outgoing' | 'incoming', edges: EdgeSet, node: number) {
  const start = Buffer.alloc(edgePrefixBytes);
  start[0] = direction === 'outgoing' ? outgoingTag : incomingTag;
  edges.nodes.idBytes(node).copy(start, 1);
  start[1 + idBytes] = callsTypeCode;
  const end = Buffer.from(start);
  end[1 + idBytes] = callsTypeCode + 1;
  return { start, end };
}
