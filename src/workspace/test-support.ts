// Helpers for workspace tests (not part of the public API).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Database } from '../database.js';
import { makeTempDir } from '../testing/temp-dir.js';
import { linkWorkspace } from './sync.js';

/** Three small Python modules in `src/`, for tests that edit and delete files of a linked tree. */
export const threeModules: Readonly<Record<string, string>> = {
  'src/a.py': 'def a():\n    return 1\n',
  'src/b.py': 'def b():\n    return 2\n',
  'src/c.py': 'def c():\n    return 3\n',
};

/** A temporary tree of `files` (relative path → text), linked as workspace `w` of a new database. */
export async function linkedTree(
  t: { after(fn: () => void): void },
  files: Readonly<Record<string, string>>,
): Promise<{ db: Database; root: string }> {
  const root = makeTempDir(t, 'kausal-tree-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const db = Database.open(makeTempDir(t, 'kausal-tree-db-'));
  await linkWorkspace(db, root, 'w', { workers: 0 });
  return { db, root };
}
