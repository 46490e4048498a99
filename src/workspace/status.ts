// Status and freshness: what is linked, when it was synced and at which commit, and whether the
// directory changed since — checked by comparing sizes and mtimes (and the file list) with the
// file table, without parsing anything.
import type { Database } from '../database.js';
import { factsFormatVersion, languageOfPath, loadProjectConfig, walkDirectory } from '../ingest/index.js';
import { isProjectConfigPath } from '../ingest/project-config.js';
import { projectConfigHash } from './config-hash.js';
import { isDirectory, statMoved } from './file-stats.js';
import type { SyncingNow } from './freshness.js';
import { hasPendingWrites } from './pending-writes.js';
import { headCommit } from './git.js';
import {
  readFileTable,
  readRegistry,
  readWorkspaceRecord,
  type FileEntry,
  type WorkspaceRecord,
} from './records.js';

export interface ChangesSinceSync {
  readonly added: number;
  readonly modified: number;
  readonly deleted: number;
  /** The project configuration resolves imports differently (unknown for older records: false). */
  readonly configChanged: boolean;
}

export interface WorkspaceStatus extends WorkspaceRecord {
  readonly currentCommit?: string;
  /** Present when the directory was checked. */
  readonly changes?: ChangesSinceSync;
  readonly rootExists: boolean;
  /**
   * The workspace was parsed by a release whose extractor wrote facts of another format: the next
   * sync parses every file again, once (see `factsFormatVersion`).
   */
  readonly reparseNext: boolean;
  /**
   * The last link or sync stopped before it finished (pending-writes.ts): some of its changes may
   * be stored, and the next sync parses and resolves every file to finish it.
   */
  readonly interrupted: boolean;
  /**
   * A link or sync is writing the workspace now in another process (the status was read from a
   * snapshot): what `interrupted` would say, but running; present only then.
   */
  readonly syncing?: boolean;
}

export async function workspaceStatuses(
  db: Database,
  options: { check: boolean; name?: string; syncingNow?: SyncingNow },
): Promise<WorkspaceStatus[]> {
  const names = options.name === undefined ? readRegistry(db) : [options.name];
  const statuses: WorkspaceStatus[] = [];
  for (const name of names) {
    const record = readWorkspaceRecord(db, name);
    if (record === undefined) continue;
    const rootExists = isDirectory(record.root);
    const currentCommit = rootExists ? headCommit(record.root) : undefined;
    // A lookup, not a decode: a damaged record must not fail the status that reports it.
    const pending = hasPendingWrites(db, name);
    const syncing = pending && options.syncingNow?.(name) === true;
    const base = {
      ...record,
      rootExists,
      reparseNext: record.syncedAt !== '' && record.factsFormat !== factsFormatVersion,
      interrupted: pending && !syncing,
      ...(syncing ? { syncing } : {}),
      ...(currentCommit === undefined ? {} : { currentCommit }),
    };
    if (!options.check || !rootExists) {
      statuses.push(base);
      continue;
    }
    statuses.push({
      ...base,
      changes: await changesSince(record.root, readFileTable(db, name), record.configHash),
    });
  }
  return statuses;
}

/** Walks the tree and compares it with the file table (sizes and mtimes; nothing is parsed). */
export async function changesSince(
  root: string,
  table: ReadonlyMap<string, FileEntry>,
  configHash?: string,
): Promise<ChangesSinceSync> {
  const walk = await walkDirectory(root, {
    sniffBinary: false,
    accept: (path) => languageOfPath(path) !== undefined || isProjectConfigPath(path),
  });
  let added = 0;
  let modified = 0;
  const seen = new Set<string>();
  const configPaths: string[] = [];
  for (const file of walk.files) {
    if (isProjectConfigPath(file.path)) {
      configPaths.push(file.path);
      continue;
    }
    seen.add(file.path);
    const entry = table.get(file.path);
    if (entry === undefined) added++;
    else if (statMoved(entry, file)) modified++;
  }
  let deleted = 0;
  for (const path of table.keys()) if (!seen.has(path)) deleted++;
  const configChanged =
    configHash !== undefined && projectConfigHash(loadProjectConfig(root, configPaths)) !== configHash;
  return { added, modified, deleted, configChanged };
}
