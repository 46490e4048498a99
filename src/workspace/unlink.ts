// Unlink: remove every block and edge a workspace produced, its name-index entries, its stored
// facts and file table, and finally its record. The record goes last, so an interrupted unlink
// can simply be run again.
import type { BlockId } from '../core/block-id.js';
import type { WriteOperation } from '../core/types.js';
import type { Database } from '../database.js';
import { GraphChange } from './graph-change.js';
import {
  factsId,
  fileTableId,
  readFileTable,
  readRegistry,
  registryBlock,
  requireWorkspace,
  workspaceRecordId,
} from './records.js';
import { writeChunked } from './sync.js';

export interface UnlinkReport {
  readonly workspace: string;
  readonly root: string;
  readonly files: number;
  readonly blocksDeleted: number;
  readonly edgesDeleted: number;
}

export function unlinkWorkspace(db: Database, name: string): UnlinkReport {
  const record = requireWorkspace(db, name);
  const table = readFileTable(db, name);
  const ids: BlockId[] = [];
  for (const entry of table.values()) ids.push(...entry.ids);
  const change = new GraphChange(db, name);
  change.remove(ids);
  const operations: WriteOperation[] = [...table.keys()].map((path) => ({
    kind: 'delete_block',
    id: factsId(name, path),
  }));
  writeChunked(db, operations);
  db.write([
    { kind: 'delete_block', id: fileTableId(name) },
    { kind: 'delete_block', id: workspaceRecordId(name) },
    { kind: 'put_block', block: registryBlock(readRegistry(db).filter((other) => other !== name)) },
  ]);
  return {
    workspace: name,
    root: record.root,
    files: table.size,
    blocksDeleted: change.counts.blocksDeleted,
    edgesDeleted: change.counts.edgesDeleted,
  };
}
