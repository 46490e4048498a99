// Opening the database for a query command. A query never creates a database: when the
// directory holds none, it says where it looked and how to make one. A `--workspace` that is not
// linked is refused with the names that are. Freshness comes from the workspace layer's sync
// records; a database with no linked workspace (written through the library) reports "unknown".
import { isKausalError, KausalError } from '../core/errors.js';
import { Database } from '../database.js';
import type { QueryContext } from '../query/answer.js';
import type { FreshnessSource } from '../query/freshness.js';
import type { CommandContext } from './command.js';
import { resolveDataDirectory } from './data-dir.js';
import { optionalString, type ParsedOptions } from './options.js';
import { printable } from './printable.js';
import { readRegistry } from '../workspace/records.js';
import { UsageError } from './usage-error.js';

export interface QuerySession {
  readonly db: Database;
  readonly query: QueryContext & { readonly graph: Database };
}

async function freshnessSourceFor(
  db: Database,
  linked: readonly string[],
): Promise<FreshnessSource | undefined> {
  if (linked.length === 0) return undefined;
  const { freshnessSource } = await import('./freshness-source.js');
  return freshnessSource(db);
}

function checkWorkspace(workspace: string | undefined, linked: readonly string[]): void {
  if (workspace === undefined || linked.length === 0 || linked.includes(workspace)) return;
  throw new KausalError(
    'NOT_FOUND',
    `no workspace named '${printable(workspace)}' (linked: ${linked.map((name) => printable(name)).join(', ')})`,
  );
}

/** Opens an existing database; a command other than link never creates one. */
export function openQueryDatabase(directory: string): Database {
  if (!Database.exists(directory)) {
    throw new KausalError('NOT_FOUND', `no database at ${directory}; run 'kausal link --path <dir>' first`);
  }
  return Database.open(directory);
}

/** Runs `action` on the database the options point at, and always closes it. */
export async function withQuerySession<T>(
  parsed: ParsedOptions,
  context: CommandContext,
  action: (session: QuerySession) => T,
): Promise<T> {
  const directory = resolveDataDirectory(optionalString(parsed, 'data-dir'), context.env, context.cwd);
  const db = openQueryDatabase(directory);
  try {
    const linked = readRegistry(db);
    checkWorkspace(optionalString(parsed, 'workspace'), linked);
    const freshness = await freshnessSourceFor(db, linked);
    return action({ db, query: { graph: db, ...(freshness === undefined ? {} : { freshness }) } });
  } finally {
    db.close();
  }
}

/**
 * Runs a query. The query layer refuses malformed input (a name with no name part, say) with
 * INVALID_ARGUMENT; on the command line that is a usage error, exit code 2.
 */
export function runQuery<T>(query: () => T): T {
  try {
    return query();
  } catch (error) {
    if (isKausalError(error, 'INVALID_ARGUMENT')) throw new UsageError(`Invalid argument: ${error.message}`);
    throw error;
  }
}
