// The embedded backend: each request opens the database, runs, and closes it again, so the
// exclusive lock is held only while a command works and several CLI processes or agents can take
// turns. A query never creates a database; only `link` does.
import { setTimeout as sleep } from 'node:timers/promises';
import { isKausalError, KausalError } from '../core/errors.js';
import { limits } from '../core/limits.js';
import { Database } from '../database.js';
import type { Backend, BackendRequestOptions } from './backend.js';
import type { ParamsOf, RequestKind, ResultOf } from './requests.js';
import { Service } from './service.js';

export class EmbeddedBackend implements Backend {
  readonly mode = 'embedded';

  constructor(readonly dataDirectory: string) {}

  async request<K extends RequestKind>(
    kind: K,
    params: ParamsOf<K>,
    options: BackendRequestOptions = {},
  ): Promise<ResultOf<K>> {
    const db = await openWhenFree(this.dataDirectory, kind === 'link');
    try {
      return await new Service(db, { mode: 'embedded' }).execute(kind, params, options);
    } finally {
      db.close();
    }
  }

  async close(): Promise<void> {
    // Nothing is held between requests.
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
