// The embedded backend: each request opens the database, runs, and closes it again, so the
// exclusive lock is held only while a command works and several CLI processes or agents can take
// turns. A query never creates a database; only `link` does. A query that finds the lock taken
// does not wait for it: it reads a snapshot (Database.openSnapshot), so a long link or sync in
// another process never blocks it, and says so through `notice`.
import { setTimeout as sleep } from 'node:timers/promises';
import { isKausalError, KausalError } from '../core/errors.js';
import { limits } from '../core/limits.js';
import { Database } from '../database.js';
import { lockHolderOf } from '../vfs/node-lock.js';
import type { Backend, BackendRequestOptions } from './backend.js';
import {
  requestKinds,
  writeRequestKinds,
  type ParamsOf,
  type RequestKind,
  type ResultOf,
} from './requests.js';
import { Service } from './service.js';

/**
 * Whether a lock owner only reads: a CLI command (Database.open names it `kausal <command>`)
 * that runs a request which is not a write. Anything else (a link, a server, `kausal mcp`, a
 * script) may be writing.
 */
function readsOnly(owner: string): boolean {
  const command = /^kausal (\S+)$/.exec(owner)?.[1];
  const kind = requestKinds.find((known) => known === command);
  return kind !== undefined && !writeRequestKinds.has(kind);
}

export class EmbeddedBackend implements Backend {
  readonly mode = 'embedded';

  /** `notice` hears what a user should know about how an answer was read (stderr in the CLI). */
  constructor(
    readonly dataDirectory: string,
    private readonly notice: (line: string) => void = () => undefined,
  ) {}

  async request<K extends RequestKind>(
    kind: K,
    params: ParamsOf<K>,
    options: BackendRequestOptions = {},
  ): Promise<ResultOf<K>> {
    const { db, writerActive } = writeRequestKinds.has(kind)
      ? { db: await openWhenFree(this.dataDirectory, kind === 'link'), writerActive: false }
      : this.openForQuery();
    try {
      return await new Service(db, { mode: 'embedded', writerActive }).execute(kind, params, options);
    } finally {
      db.close();
    }
  }

  async close(): Promise<void> {
    // Nothing is held between requests.
  }

  /**
   * The database for a query: opened as usual, or a snapshot while another process holds it;
   * `writerActive` when that process may be writing (any holder but a query command).
   */
  private openForQuery(): { db: Database; writerActive: boolean } {
    try {
      return { db: openExistingDatabase(this.dataDirectory), writerActive: false };
    } catch (error) {
      if (!isKausalError(error, 'LOCKED')) throw error;
      const db = Database.openSnapshot(this.dataDirectory);
      const holder = lockHolderOf(error);
      // Another query writes nothing: its snapshot is the whole database, nothing to say.
      const writerActive = holder === undefined || !readsOnly(holder.owner);
      if (writerActive) {
        this.notice(
          `note: ${holder?.description ?? 'another process'} holds the database; this answer was read from a snapshot and shows what it had written by then (a workspace or name index it has not finished may be missing)`,
        );
      }
      return { db, writerActive };
    }
  }
}

/** Opens an existing database; a request other than link never creates one. */
export function openExistingDatabase(directory: string): Database {
  if (!Database.exists(directory)) {
    throw new KausalError('NOT_FOUND', `no database at ${directory}; run 'kausal link --path <dir>' first`);
  }
  return Database.open(directory);
}

/**
 * Opens the database, waiting a little while another process holds it: two commands started
 * together (an agent's query during a CLI sync's final write, say) take turns instead of failing.
 * A holder that keeps the lock longer is reported with the lock's message (who holds it).
 */
async function openWhenFree(directory: string, create: boolean): Promise<Database> {
  const deadline = Date.now() + limits.lockWaitMs;
  for (;;) {
    try {
      return create ? Database.open(directory) : openExistingDatabase(directory);
    } catch (error) {
      if (!isKausalError(error, 'LOCKED')) throw error;
      if (Date.now() >= deadline) {
        throw new KausalError(
          'LOCKED',
          `${error.message}. Commands take turns on a database they open themselves; with 'kausal server start' they share it instead, and queries are answered while a link or sync runs`,
          { cause: error },
        );
      }
    }
    await sleep(limits.lockRetryMs);
  }
}
