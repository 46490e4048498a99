// The persisted name index: edges of type `name_index` from hidden key nodes (see name-keys.ts)
// to entities, written in the same atomic batch as the blocks they describe.
//
//   entity keys     S(name) → entity, Q(qualified suffix) → entity     props: where to find it
//                   U(name) → entity for each unresolved call name      props: { w }
//   vocabulary      shard blocks listing the distinct names (see name-vocabulary.ts)
//   version         root → version node                                props: { version }
//
// Entity keys carry the workspace, kind, language, file, line and qualified name, so a lookup
// filters, ranks and counts without reading a block. A name is in the vocabulary once (not per
// entity): it joins when it gains its first entity and leaves when it loses its last, which is
// why computing the operations reads the current state.
import type { BlockId } from '../core/block-id.js';
import { invalidArgument } from '../core/errors.js';
import { limits } from '../core/limits.js';
import type { GraphEdge, JsonObject, WriteOperation } from '../core/types.js';
import type { Steps } from '../core/yield-budget.js';
import { isEntityMetadata } from './entity.js';
import type { QueryContext, SearchedDatabase } from './answer.js';
import type { GraphReader } from './graph-reader.js';
import {
  nameIndexEdgeType,
  nameIndexRoot,
  nameIndexVersion,
  nameIndexVersionNode,
  qualifiedKeysOf,
  qualifiedNameKey,
  simpleNameKey,
  unresolvedCallKey,
} from './name-keys.js';
import { VocabularyChange } from './name-vocabulary.js';

export interface IndexedEntity {
  readonly id: BlockId;
  readonly metadata: JsonObject;
}

/** An entity leaving the index. Its metadata is read from the database when still stored. */
export interface RemovedEntity {
  readonly id: BlockId;
  readonly metadata?: JsonObject;
}

export type NameIndexReader = Pick<GraphReader, 'getBlock' | 'getBlockHeader' | 'outgoingEdges'>;

/** Index edges whose JSON would exceed this fall back to a bare hit the query completes by id. */
const hitPropertiesBytesMax = limits.edgePropertiesBytesMax - 64;

function text(metadata: JsonObject, field: string): string {
  const value = metadata[field];
  return typeof value === 'string' ? value : '';
}

function hitProperties(metadata: JsonObject): JsonObject {
  const line = metadata['lineStart'];
  const small: JsonObject = {
    w: text(metadata, 'workspace'),
    k: text(metadata, 'kind'),
    l: text(metadata, 'language'),
    n: typeof line === 'number' ? line : 0,
  };
  const full: JsonObject = { ...small, f: text(metadata, 'file'), q: text(metadata, 'qualifiedName') };
  // A JSON string takes at most 6 bytes per UTF-16 unit (`\u001f`): short enough, no need to measure.
  const textUnits =
    (full['w'] as string).length + (full['k'] as string).length + (full['l'] as string).length;
  const longest = 6 * (textUnits + (full['f'] as string).length + (full['q'] as string).length) + 96;
  if (longest <= hitPropertiesBytesMax) return full;
  if (Buffer.byteLength(JSON.stringify(full), 'utf8') <= hitPropertiesBytesMax) return full;
  return { ...small, x: true }; // `x`: incomplete, read the block for file and qualified name
}

function unresolvedNamesOf(metadata: JsonObject): string[] {
  const names = metadata['unresolvedCallNames'];
  if (!Array.isArray(names)) return [];
  const found = names.filter((name): name is string => typeof name === 'string' && name !== '');
  return found.slice(0, limits.ingestUnresolvedNamesMax);
}

/** The entity-level index edges of one entity (none for a block that is not an entity). */
export function entityIndexEdges(id: BlockId, metadata: JsonObject): GraphEdge[] {
  if (!isEntityMetadata(metadata)) return [];
  const name = text(metadata, 'name');
  const properties = hitProperties(metadata);
  const edges: GraphEdge[] = [];
  if (name !== '')
    edges.push({ source: simpleNameKey(name), target: id, type: nameIndexEdgeType, properties });
  const keys = qualifiedKeysOf(
    text(metadata, 'kind'),
    text(metadata, 'qualifiedName'),
    text(metadata, 'file'),
  );
  for (const key of keys) {
    edges.push({ source: qualifiedNameKey(key), target: id, type: nameIndexEdgeType, properties });
  }
  const workspace = { w: text(metadata, 'workspace') };
  for (const callee of unresolvedNamesOf(metadata)) {
    edges.push({
      source: unresolvedCallKey(callee),
      target: id,
      type: nameIndexEdgeType,
      properties: workspace,
    });
  }
  return edges;
}

export const versionEdge: GraphEdge = {
  source: nameIndexRoot,
  target: nameIndexVersionNode,
  type: nameIndexEdgeType,
  properties: { version: nameIndexVersion },
};

function edgeKey(edge: Pick<GraphEdge, 'source' | 'target'>): string {
  return edge.source + edge.target;
}

class OperationSet {
  private readonly deletions = new Map<string, WriteOperation>();
  private readonly puts = new Map<string, WriteOperation>();

  put(edge: GraphEdge): void {
    const key = edgeKey(edge);
    this.deletions.delete(key);
    this.puts.set(key, { kind: 'put_edge', edge });
  }

  delete(edge: GraphEdge): void {
    const key = edgeKey(edge);
    if (this.puts.has(key)) return;
    this.deletions.set(key, {
      kind: 'delete_edge',
      edge: { source: edge.source, target: edge.target, type: edge.type },
    });
  }

  /** Deletions first: no put and delete of one edge ever share a batch, so order is moot anyway. */
  toArray(): WriteOperation[] {
    return [...this.deletions.values(), ...this.puts.values()];
  }
}

function checkWorkspace(workspace: string, entity: IndexedEntity): void {
  const owner = entity.metadata['workspace'];
  if (isEntityMetadata(entity.metadata) && owner !== workspace) {
    throw invalidArgument(
      `name index: block ${entity.id} belongs to workspace ${JSON.stringify(owner ?? null)}, not ${JSON.stringify(workspace)}`,
    );
  }
}

/**
 * The index operations for a change of one workspace: `added` entities (new or rewritten) and
 * `removed` ones. Write them in the same batch as the block operations, computed against the
 * database state that batch applies to (one call per batch). The previous version of every added
 * or removed id is read from `reader`, so a rewritten entity's old keys are retired even when the
 * caller does not list it as removed.
 *
 * They do not mark the index as present: only a writer that knows every entity is indexed does
 * (`versionEdge`: a sync of a database whose index was complete, or a rebuild). Otherwise a sync
 * of a database indexed by an older version would mark its partial index as complete.
 */
export function nameIndexOperations(
  reader: NameIndexReader,
  workspace: string,
  added: readonly IndexedEntity[],
  removed: readonly RemovedEntity[],
): WriteOperation[] {
  return indexChangeOperations(reader, workspace, added, removed, true);
}

/** As `nameIndexOperations`; without the vocabulary unless `vocabulary` (a rebuild writes it last). */
export function indexChangeOperations(
  reader: NameIndexReader,
  workspace: string,
  added: readonly IndexedEntity[],
  removed: readonly RemovedEntity[],
  vocabulary = true,
): WriteOperation[] {
  const { operations, previous, next } = entityKeyChange(reader, workspace, added, removed);
  return vocabulary ? [...operations, ...vocabularyOperations(reader, previous, next)] : operations;
}

interface EntityKeyChange {
  readonly operations: WriteOperation[];
  /** The indexed metadata of the entities rewritten or removed, by id. */
  readonly previous: ReadonlyMap<BlockId, JsonObject>;
  /** The metadata of the entities written, by id. */
  readonly next: ReadonlyMap<BlockId, JsonObject>;
}

/** The entity keys to retire and to write for one batch (see `indexChangeOperations`). */
function entityKeyChange(
  reader: NameIndexReader,
  workspace: string,
  added: readonly IndexedEntity[],
  removed: readonly RemovedEntity[],
): EntityKeyChange {
  for (const entity of added) checkWorkspace(workspace, entity);
  const previous = new Map<BlockId, JsonObject>();
  for (const entity of removed) {
    // The stored version is what was indexed; the caller's copy only helps once it is deleted.
    const metadata = reader.getBlockHeader(entity.id)?.metadata ?? entity.metadata;
    if (metadata !== undefined) previous.set(entity.id, metadata);
  }
  for (const entity of added) {
    if (previous.has(entity.id)) continue;
    const metadata = reader.getBlockHeader(entity.id)?.metadata;
    if (metadata !== undefined) previous.set(entity.id, metadata);
  }
  const next = new Map<BlockId, JsonObject>();
  for (const entity of added) next.set(entity.id, entity.metadata);
  for (const entity of removed) next.delete(entity.id);

  if (previous.size === 0) {
    // Nothing to retire (new entities, a first link): no put can cancel a deletion, and no two
    // entities share a key edge (the target differs), so the puts need no set to deduplicate.
    const puts: WriteOperation[] = [];
    for (const [id, metadata] of next)
      for (const edge of entityIndexEdges(id, metadata)) puts.push({ kind: 'put_edge', edge });
    return { operations: puts, previous, next };
  }
  const operations = new OperationSet();
  for (const [id, metadata] of previous)
    for (const edge of entityIndexEdges(id, metadata)) operations.delete(edge);
  for (const [id, metadata] of next) for (const edge of entityIndexEdges(id, metadata)) operations.put(edge);
  return { operations: operations.toArray(), previous, next };
}

/**
 * The name index side of a change written in many batches (a link, a sync, an unlink). Entity
 * keys go in the batch of their block, as with `nameIndexOperations`; the vocabulary is written
 * twice per change instead of in every batch: the names gained, before the first batch
 * (`joining`), and the names whose last entity went, after the last one (`leaving`). So at every
 * point a crash can stop the change, the vocabulary lists every name that has an entity (a listed
 * name without one costs a lookup that finds nothing), and each shard is written at most twice:
 * rewritten with every 32-block batch of a server's link, the shards were half of all the bytes
 * written (223 of 449 MiB on Python's standard library).
 */
export class NameIndexChange {
  /** Names an entity had before it was rewritten or removed: they leave if none has them now. */
  private readonly mayLeave = new Set<string>();

  constructor(
    private readonly reader: NameIndexReader,
    private readonly workspace: string,
  ) {}

  /**
   * Vocabulary operations for the names of `entities`: write them before any of the entities. In
   * steps (see `Steps`): a link names tens of thousands of entities.
   */
  *joining(entities: readonly IndexedEntity[]): Steps<WriteOperation[]> {
    const change = new VocabularyChange(this.reader);
    let seen = 0;
    for (const entity of entities) {
      if (++seen % namesPerStep === 0) yield;
      const name = vocabularyNameOf(entity.metadata);
      if (name !== '') change.add(name);
    }
    return yield* change.operationSteps();
  }

  /** The entity keys of one batch, computed against the state that batch applies to. */
  keys(added: readonly IndexedEntity[], removed: readonly RemovedEntity[]): WriteOperation[] {
    const { operations, previous } = entityKeyChange(this.reader, this.workspace, added, removed);
    for (const name of namesOf(previous).keys()) this.mayLeave.add(name);
    return operations;
  }

  /**
   * Names that may have joined the vocabulary without an entity staying under them (an interrupted
   * change listed them, then stopped before writing their entities): `leaving` checks them too.
   */
  recheck(names: Iterable<string>): void {
    for (const name of names) this.mayLeave.add(name);
  }

  /**
   * Vocabulary operations removing the names left without entities: write after the last batch.
   * In steps: each name costs a read of its entry list.
   */
  *leaving(): Steps<WriteOperation[]> {
    const change = new VocabularyChange(this.reader);
    let seen = 0;
    for (const name of this.mayLeave) {
      if (++seen % entryListsPerStep === 0) yield;
      if (this.reader.outgoingEdges(simpleNameKey(name), { type: nameIndexEdgeType }).length === 0)
        change.remove(name);
    }
    this.mayLeave.clear();
    return yield* change.operationSteps();
  }
}

/** Entity names looked at per step of `NameIndexChange.joining` (each well under a microsecond). */
const namesPerStep = 2048;
/** Entry lists read per step of `NameIndexChange.leaving` (each some microseconds). */
const entryListsPerStep = 8;

/** The simple name an entity is listed under in the vocabulary ('' for none, or not an entity). */
function vocabularyNameOf(metadata: JsonObject): string {
  return isEntityMetadata(metadata) ? text(metadata, 'name') : '';
}

function namesOf(entities: ReadonlyMap<BlockId, JsonObject>): Map<string, BlockId[]> {
  const names = new Map<string, BlockId[]>();
  for (const [id, metadata] of entities) {
    const name = vocabularyNameOf(metadata);
    if (name === '') continue;
    const ids = names.get(name);
    if (ids === undefined) names.set(name, [id]);
    else ids.push(id);
  }
  return names;
}

/**
 * A name joins the vocabulary with an entity (listing it again is a no-op, so no entry list is
 * read) and leaves when its last entity goes, which only a leaving name's entry list can tell.
 */
function vocabularyOperations(
  reader: NameIndexReader,
  previous: ReadonlyMap<BlockId, JsonObject>,
  next: ReadonlyMap<BlockId, JsonObject>,
): WriteOperation[] {
  const leaving = namesOf(previous);
  const arriving = namesOf(next);
  const change = new VocabularyChange(reader);
  for (const name of arriving.keys()) change.add(name);
  for (const [name, ids] of leaving) {
    if (arriving.has(name)) continue;
    const gone = new Set(ids);
    const remaining = reader
      .outgoingEdges(simpleNameKey(name), { type: nameIndexEdgeType })
      .filter((edge) => !gone.has(edge.target));
    if (remaining.length === 0) change.remove(name);
  }
  return change.operations();
}

/** True when an index of this version was written to the database. */
/** The database a search by name ran on: whether it has a name index, how many workspaces are linked. */
export function searchedDatabase(context: QueryContext): SearchedDatabase {
  const indexPresent = nameIndexPresent(context.graph);
  return context.workspaces === undefined
    ? { indexPresent }
    : { indexPresent, workspacesLinked: context.workspaces.length };
}

export function nameIndexPresent(reader: Pick<GraphReader, 'outgoingEdges'>): boolean {
  const edges = reader.outgoingEdges(nameIndexRoot, { type: nameIndexEdgeType });
  return edges.some(
    (edge) => edge.target === nameIndexVersionNode && edge.properties?.['version'] === nameIndexVersion,
  );
}
