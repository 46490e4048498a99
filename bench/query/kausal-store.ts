// Loads the model into a KausalDB database the way ingestion will: per batch of modules, the
// blocks, their structural and call edges, and the name index operations in one atomic write.
import { existsSync, readFileSync } from 'node:fs';
import type { BlockId } from '../../src/core/block-id.js';
import type { WriteOperation } from '../../src/core/types.js';
import { Database } from '../../src/database.js';
import { nameIndexOperations, versionEdge } from '../../src/query/name-index.js';
import {
  benchWorkspace,
  callEdge,
  callSitesOf,
  moduleRows,
  structureEdges,
  type ModelIds,
} from './blocks.js';
import type { CodeModel } from './graph-model.js';

/** Modules per batch: about 2,000 blocks and 20,000 call edges, well under the batch limit. */
const modulesPerBatch = 100;

/**
 * Names what a stored copy was written with. A copy kept from before a change of the stored form
 * (JSON edge properties, then tables of format 1 with one whole index and filter, until
 * 2026-11-24) still opens and answers, but measures the old form: the benchmarks rebuild a copy
 * whose summary names another.
 */
export const storedForm = 'compact edge properties, partitioned table index and paged filter';

export interface LoadSummary {
  readonly storedForm?: string;
  readonly seconds: number;
  readonly blocks: number;
  readonly edges: number;
  readonly indexOperations: number;
}

export function loadKausal(db: Database, model: CodeModel, ids: ModelIds): LoadSummary {
  const started = performance.now();
  const callSites = callSitesOf(model);
  let call = 0;
  let blocks = 0;
  let edges = 0;
  let indexOperations = 0;
  for (let firstModule = 0; firstModule < model.size.modules; firstModule += modulesPerBatch) {
    const lastModule = Math.min(model.size.modules, firstModule + modulesPerBatch);
    const operations: WriteOperation[] = [];
    const added = [];
    for (let module = firstModule; module < lastModule; module++) {
      for (const row of moduleRows(model, ids, module, callSites)) {
        operations.push({ kind: 'put_block', block: row.block });
        added.push(row.block);
      }
      for (const edge of structureEdges(model, ids, module)) operations.push({ kind: 'put_edge', edge });
    }
    // Calls are grouped by caller, so this batch's calls are the next contiguous run.
    const lastEntity = lastModule * model.size.entitiesPerModule;
    for (; call < model.callSource.length && (model.callSource[call] ?? 0) < lastEntity; call++) {
      operations.push({ kind: 'put_edge', edge: callEdge(model, ids, call) });
    }
    blocks += added.length;
    edges += operations.length - added.length;
    const index = nameIndexOperations(db, benchWorkspace, added, []);
    indexOperations += index.length;
    db.write([...operations, ...index]);
  }
  // Every entity is indexed now: mark the index complete, as a sync's commit point does; then
  // merge the tables, as `kausal link` does after writing most of a database.
  db.write([{ kind: 'put_edge', edge: versionEdge }]);
  db.compact();
  return { storedForm, seconds: (performance.now() - started) / 1000, blocks, edges, indexOperations };
}

/** The summary a benchmark left at `marker`, if it describes a copy of the current stored form. */
export function currentLoad(marker: string): LoadSummary | undefined {
  if (!existsSync(marker)) return undefined;
  const load = JSON.parse(readFileSync(marker, 'utf8')) as LoadSummary;
  return load.storedForm === storedForm ? load : undefined;
}

export function openKausal(directory: string, blockCacheBytes: number): Database {
  return Database.open(directory, { blockCacheBytes });
}

export type { BlockId };
