// What a sync leaves behind in memory for the next sync of a database held open (a server, a
// library user): the workspace's stored facts, its file table as stored, and the resolver's index
// nodes of those facts. The next sync then neither reads and decodes every file's facts again nor
// rebuilds the index; on Python's standard library that is most of a one-file edit's sync.
//
// It is valid only while the database holds exactly what the sync left: it records the database's
// last sequence after the sync's final write, and any later write (another sync, an unlink, any
// other writer) moves the sequence and so invalidates it. One slot per database: a write to one
// workspace moves the sequence for all. Facts are kept without entity content (as they are
// stored), and only for workspaces of at most `limits.syncFactsCacheEntitiesMax` entities, since
// the decoded facts and nodes take about a kilobyte and a half of heap per entity.
import { limits } from '../core/limits.js';
import type { Database } from '../database.js';
import type { FileFacts, FileNode, WorkspaceTables } from '../ingest/index.js';
import type { StoredFileTable } from './records.js';

export interface KeptWorkspace {
  /** Stored facts by path (files that did not parse have none). */
  readonly facts: ReadonlyMap<string, FileFacts>;
  /** The file table as stored. */
  readonly table: StoredFileTable;
  /** Index nodes built from `facts` (a node is reused only for its very facts object). */
  readonly nodes: ReadonlyMap<string, FileNode>;
  /** The resolver's workspace-wide tables for `facts`, when the last resolution had them. */
  readonly tables?: WorkspaceTables;
}

interface Slot extends KeptWorkspace {
  readonly workspace: string;
  readonly sequence: number;
}

const slots = new WeakMap<Database, Slot>();

/** What the last sync of `workspace` kept, if the database has not been written since. */
export function keptWorkspace(db: Database, workspace: string): KeptWorkspace | undefined {
  const slot = slots.get(db);
  if (slot === undefined) return undefined;
  if (slot.workspace !== workspace || slot.sequence !== db.stats().lastSequence) {
    slots.delete(db);
    return undefined;
  }
  return slot;
}

/**
 * Keeps what a sync of `workspace` left for the next one; call after the sync's last write.
 * Facts with content are kept without it, and nodes only for facts kept as they are.
 */
export function keepWorkspace(db: Database, workspace: string, kept: KeptWorkspace): void {
  let entities = 0;
  for (const file of kept.facts.values()) entities += file.entities.length;
  if (entities > limits.syncFactsCacheEntitiesMax) {
    slots.delete(db);
    return;
  }
  const facts = new Map<string, FileFacts>();
  const nodes = new Map<string, FileNode>();
  for (const [path, file] of kept.facts) {
    const stored = withoutContent(file);
    facts.set(path, stored);
    const node = kept.nodes.get(path);
    if (node !== undefined && node.facts === stored) nodes.set(path, node);
  }
  slots.set(db, {
    workspace,
    sequence: db.stats().lastSequence,
    facts,
    table: kept.table,
    nodes,
    ...(kept.tables === undefined ? {} : { tables: kept.tables }),
  });
}

/** The facts as stored: without entity content (the same object when there is none). */
function withoutContent(facts: FileFacts): FileFacts {
  if (facts.entities.every((entity) => entity.content === undefined)) return facts;
  return { ...facts, entities: facts.entities.map(({ content: _content, ...entity }) => entity) };
}
