// Rebuilds the name index from the blocks: for a database written before the index existed, after
// an ingestion bug, or after a crash between batches of an earlier rebuild. It is a maintenance
// operation (a full scan of edges and blocks), not part of any query.
//
// Order makes it crash-safe: the version edge goes first, so a half-done rebuild reads as "index
// missing" rather than as a complete index; every old index edge is deleted; the entities' keys
// are written in bounded batches; the vocabulary (every distinct name, collected on the way) and
// the version edge are written last. Running it again after a crash finishes the job.
import { limits } from '../core/limits.js';
import type { WriteOperation } from '../core/types.js';
import { YieldBudget, type Steps } from '../core/yield-budget.js';
import { isEntityMetadata } from './entity.js';
import type { GraphWriter } from './graph-reader.js';
import { indexChangeOperations, versionEdge, type IndexedEntity } from './name-index.js';
import { nameIndexEdgeType } from './name-keys.js';
import { vocabularyOfNames } from './name-vocabulary.js';

export interface RebuildSummary {
  readonly entities: number;
  readonly edgesRemoved: number;
  readonly operationsWritten: number;
}

/** Sizes of one rebuild's steps: large when nothing else waits for the thread, small otherwise. */
interface RebuildSteps {
  /** Entities indexed per step: each brings at most a few dozen operations. */
  readonly entities: number;
  /** Index operations per write batch. */
  readonly operations: number;
}

/** Entities indexed per step when nothing waits for the thread (see RebuildSteps). */
const entitiesPerStep = 256;

/** Stored edges looked at per step of the scan for old index edges. */
const scannedEdgesPerStep = 1024;

class BatchWriter {
  private pending: WriteOperation[] = [];
  written = 0;

  constructor(
    private readonly db: GraphWriter,
    private readonly batchOperations: number,
  ) {}

  add(operations: readonly WriteOperation[]): void {
    for (const operation of operations) {
      this.pending.push(operation);
      if (this.pending.length >= this.batchOperations) this.flush();
    }
  }

  /** Deferred: the rebuild ends with one durable write (`finish`). */
  flush(): void {
    if (this.pending.length === 0) return;
    this.db.write(this.pending, { durable: false });
    this.written += this.pending.length;
    this.pending = [];
  }

  /** Writes what is pending, then `last` durably: its fsync makes every batch before it durable. */
  finish(last: readonly WriteOperation[]): void {
    this.flush();
    this.db.write(last);
    this.written += last.length;
  }
}

/**
 * Rebuilds the index in steps, handing the thread back whenever `budget` is spent (a server
 * answers queries meanwhile; they find the index missing until the rebuild completes).
 */
export function rebuildNameIndex(db: GraphWriter, budget = new YieldBudget()): Promise<RebuildSummary> {
  const unbounded = budget.budgetMs === Number.POSITIVE_INFINITY;
  return budget.run(
    rebuildSteps(db, {
      entities: unbounded ? entitiesPerStep : limits.nameIndexRebuildCooperativeEntities,
      operations: unbounded
        ? limits.nameIndexRebuildBatchOperations
        : limits.nameIndexRebuildCooperativeBatchOperations,
    }),
  );
}

function* rebuildSteps(db: GraphWriter, sizes: RebuildSteps): Steps<RebuildSummary> {
  db.write([{ kind: 'delete_edge', edge: versionEdge }]);
  const writer = new BatchWriter(db, sizes.operations);
  let edgesRemoved = 0;
  let scanned = 0;
  for (const edge of db.scanEdges()) {
    if (++scanned % scannedEdgesPerStep === 0) yield;
    if (edge.type !== nameIndexEdgeType) continue;
    writer.add([
      { kind: 'delete_edge', edge: { source: edge.source, target: edge.target, type: edge.type } },
    ]);
    edgesRemoved++;
  }
  writer.flush();
  yield;

  let entities = 0;
  let step = new Map<string, IndexedEntity[]>();
  let stepSize = 0;
  const names = new Set<string>();
  const indexStep = (): void => {
    // Pending writes go first: the operations of this step are computed against them.
    writer.flush();
    for (const [workspace, added] of step) writer.add(indexChangeOperations(db, workspace, added, [], false));
    step = new Map();
    stepSize = 0;
  };
  for (const block of db.scanBlocks()) {
    if (!isEntityMetadata(block.metadata)) continue;
    names.add(String(block.metadata['name']));
    const workspace = typeof block.metadata['workspace'] === 'string' ? block.metadata['workspace'] : '';
    const group = step.get(workspace);
    const entity = { id: block.id, metadata: block.metadata };
    if (group === undefined) step.set(workspace, [entity]);
    else group.push(entity);
    entities++;
    if (++stepSize >= sizes.entities) {
      indexStep();
      yield;
    }
  }
  indexStep();
  writer.add(vocabularyOfNames(names));
  writer.finish([{ kind: 'put_edge', edge: versionEdge }]);
  return { entities, edgesRemoved, operationsWritten: writer.written };
}
