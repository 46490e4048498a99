// Opening the database for a workspace command (link creates it; the others need it to exist).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KausalError } from '../core/errors.js';
import { Database } from '../database.js';
import type { CommandContext } from './command.js';
import { resolveDataDirectory } from './data-dir.js';
import { optionalString, type ParsedOptions } from './options.js';

export async function withWorkspaceDatabase<T>(
  parsed: ParsedOptions,
  context: CommandContext,
  create: boolean,
  action: (db: Database, directory: string) => Promise<T> | T,
): Promise<T> {
  const directory = resolveDataDirectory(optionalString(parsed, 'data-dir'), context.env, context.cwd);
  if (!create && !existsSync(join(directory, 'MANIFEST'))) {
    throw new KausalError('NOT_FOUND', `no database at ${directory}; run 'kausal link --path <dir>' first`);
  }
  const db = Database.open(directory);
  try {
    return await action(db, directory);
  } finally {
    db.close();
  }
}
