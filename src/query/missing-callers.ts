// Callers the graph may be missing: entities whose body has a call to the target's name that
// resolution could not tie to anything. Ingestion lists those names per caller
// (`unresolvedCallNames`) and the name index keeps them under U(name) keys, so this is one lookup.
import type { BlockId } from '../core/block-id.js';
import type { Entity } from './entity.js';
import type { GraphReader } from './graph-reader.js';
import { nameIndexEdgeType, unresolvedCallKey } from './name-keys.js';

/**
 * Distinct entities with an unresolved call named like one of `targets`, not already in `known`.
 * Modules are not among the targets that count: nothing calls a module by its name, so unresolved
 * calls of `map` are not missing callers of map.ts.
 */
export function possibleMissingCallers(
  graph: GraphReader,
  targets: readonly Entity[],
  known: ReadonlySet<BlockId>,
): number {
  const called = targets.filter((target) => target.kind !== 'module');
  const found = new Set<BlockId>();
  for (const name of new Set(called.map((target) => target.name))) {
    const workspaces = new Set(
      called.filter((target) => target.name === name).map((target) => target.workspace),
    );
    for (const edge of graph.outgoingEdges(unresolvedCallKey(name), { type: nameIndexEdgeType })) {
      const workspace = edge.properties?.['w'];
      if (typeof workspace === 'string' && !workspaces.has(workspace)) continue;
      if (!known.has(edge.target)) found.add(edge.target);
    }
  }
  return found.size;
}
