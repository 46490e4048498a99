// Small builders for storage tests: deterministic ids, blocks and edges.
import type { BlockInput, EdgeType, GraphEdge } from '../core/types.js';

export function idOf(index: number): string {
  return index.toString(16).padStart(32, '0');
}

export function blockOf(index: number, content = `content ${index}`): BlockInput {
  return { id: idOf(index), sourceUri: `file://f${index}.ts#L1-2`, metadata: { index }, content };
}

export function edgeOf(source: number, target: number, type: EdgeType = 'calls'): GraphEdge {
  return { source: idOf(source), target: idOf(target), type };
}
