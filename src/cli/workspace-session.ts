// Opening the database for a workspace command (link creates it; the others need it to exist).
import { Database } from '../database.js';
import type { CommandContext } from './command.js';
import { resolveDataDirectory } from './data-dir.js';
import { optionalString, type ParsedOptions } from './options.js';
import { openQueryDatabase } from './query-session.js';

export async function withWorkspaceDatabase<T>(
  parsed: ParsedOptions,
  context: CommandContext,
  create: boolean,
  action: (db: Database, directory: string) => Promise<T> | T,
): Promise<T> {
  const directory = resolveDataDirectory(optionalString(parsed, 'data-dir'), context.env, context.cwd);
  const db = create ? Database.open(directory) : openQueryDatabase(directory);
  try {
    return await action(db, directory);
  } finally {
    db.close();
  }
}
