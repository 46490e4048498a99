// show: one relation of a target (callers, callees, imports, …), depth 1 by default and deeper on
// request, breadth first, each entity reported once at the depth it was first reached. Every item
// has the entity's file:line, the call site's file:line and the edge's provenance. The callers of
// a type include the callers of its constructors (constructors.ts).
import type { BlockId } from '../core/block-id.js';
import { invalidArgument } from '../core/errors.js';
import { limits } from '../core/limits.js';
import type { QueryContext, UnresolvedTarget } from './answer.js';
import { compareEntities, type Entity } from './entity.js';
import { EntityCache } from './graph-reader.js';
import { HonestyTally, type Honesty } from './honesty.js';
import { possibleMissingCallers } from './missing-callers.js';
import { moduleOf } from './module-scope.js';
import { pickNeighbours } from './neighbours.js';
import type { EdgeProvenance } from './provenance.js';
import { relations, type RelationName } from './relations.js';
import { resolveTargets } from './target.js';
import { constructorsOf } from './constructors.js';

export interface ShowRequest {
  readonly target: string;
  readonly relation: RelationName;
  readonly workspace?: string;
  readonly maxDepth?: number;
  readonly maxResults?: number;
  readonly all?: boolean;
}

export interface Site {
  readonly file: string;
  readonly line: number;
}

export interface RelationItem {
  readonly entity: Entity;
  /** 1 for direct neighbours. */
  readonly depth: number;
  /** The node this one was reached from (a target at depth 1). */
  readonly from: BlockId;
  readonly edge: EdgeProvenance;
  /** Where the edge's line is: for calls, the call site. */
  readonly site?: Site;
}

export interface ShowAnswer {
  readonly status: 'ok';
  readonly relation: RelationName;
  readonly targets: readonly Entity[];
  /** Same-named entities of the other kind (module vs code) that were not taken as the target. */
  readonly setAside: readonly Entity[];
  /** For module-scoped relations: the modules the walk started from, when they differ. */
  readonly modules: readonly Entity[];
  /** For callers of a type: its constructors, whose callers are listed with the type's own. */
  readonly constructors: readonly Entity[];
  readonly maxDepth: number;
  readonly results: readonly RelationItem[];
  /** Distinct entities reached; a lower bound when `complete` is false. */
  readonly total: number;
  /** False when the results cap stopped the walk before its last level. */
  readonly complete: boolean;
  readonly truncated: boolean;
  readonly honesty: Honesty;
}

export function checkRange(what: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalidArgument(`${what} must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function show(context: QueryContext, request: ShowRequest): ShowAnswer | UnresolvedTarget {
  // hasOwn: a relation named `constructor` or `toString` must not reach the object's prototype.
  if (!Object.hasOwn(relations, request.relation)) {
    throw invalidArgument(`unknown relation ${JSON.stringify(String(request.relation).slice(0, 40))}`);
  }
  const spec = relations[request.relation];
  const maxDepth = checkRange(
    'maxDepth',
    request.maxDepth ?? limits.showDepthDefault,
    1,
    limits.traceDepthMax,
  );
  const maxResults = checkRange(
    'maxResults',
    request.maxResults ?? limits.showResultsDefault,
    1,
    limits.resultCountMax,
  );
  const cache = new EntityCache(context.graph, context.entities);
  const outcome = resolveTargets(context, cache, { ...request, prefer: spec.prefer });
  if (outcome.status !== 'resolved') return outcome;

  const honesty = new HonestyTally();
  const starts = spec.moduleScoped ? modulesOf(cache, outcome.entities) : [...outcome.entities];
  const constructors =
    request.relation === 'callers' ? constructorsOf(cache, outcome.entities) : ([] as Entity[]);
  starts.push(...constructors);
  for (const entity of [...outcome.entities, ...starts]) honesty.addEntity(entity);
  const seen = new Set<BlockId>(starts.map((entity) => entity.id));
  const results: RelationItem[] = [];
  let total = 0;
  let complete = true;
  let frontier: Entity[] = starts;
  // Level by level: every neighbour is counted, only those that fit in the results are read.
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
    if (results.length >= maxResults) {
      complete = false; // deeper levels were not walked
      break;
    }
    const level: RelationItem[] = [];
    for (const node of frontier) {
      const room = maxResults - results.length - level.length;
      const pick = pickNeighbours(cache, node, spec, Math.max(0, room), (id) => !seen.has(id));
      total += pick.candidates.length - pick.dangling;
      for (const neighbour of pick.items) {
        seen.add(neighbour.entity.id);
        const line = neighbour.edge.line;
        level.push({
          entity: neighbour.entity,
          depth,
          from: node.id,
          edge: neighbour.edge,
          ...(line === undefined ? {} : { site: { file: neighbour.siteFile, line } }),
        });
      }
      // Counted but not read: remember them so another path does not count them twice.
      if (pick.notShown > 0) for (const id of pick.candidates) seen.add(id);
    }
    level.sort((left, right) => compareEntities(left.entity, right.entity));
    for (const item of level) {
      honesty.addEntity(item.entity);
      honesty.addEdge(item.edge);
    }
    results.push(...level);
    frontier = level.map((item) => item.entity);
  }
  if (request.relation === 'callers') {
    honesty.setPossibleMissingCallers(possibleMissingCallers(context.graph, outcome.entities, seen));
  }
  const modules = spec.moduleScoped
    ? starts.filter((module) => !outcome.entities.some((t) => t.id === module.id))
    : [];
  return {
    status: 'ok',
    relation: request.relation,
    targets: outcome.entities,
    setAside: outcome.setAside,
    modules,
    constructors,
    maxDepth,
    results,
    total,
    complete,
    truncated: results.length < total,
    honesty: honesty.finish(context.freshness),
  };
}

/** The distinct modules that declare `entities` (where a module-scoped relation starts). */
function modulesOf(cache: EntityCache, entities: readonly Entity[]): Entity[] {
  const modules = new Map<BlockId, Entity>();
  for (const entity of entities) {
    const module = moduleOf(cache, entity);
    if (module !== undefined) modules.set(module.id, module);
  }
  return [...modules.values()];
}
