// Where the CLI keeps its database, in order: --data-dir, $KAUSAL_DATA_DIR, the nearest existing
// `.kausal` directory in the working directory or one of its parents (as git finds `.git`), and
// otherwise a new `.kausal` in the working directory. One self-contained directory per project.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const dataDirectoryName = '.kausal';

export function resolveDataDirectory(
  explicit: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): string {
  if (explicit !== undefined && explicit !== '') return resolve(cwd, explicit);
  const fromEnv = env['KAUSAL_DATA_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(cwd, fromEnv);
  for (let directory = resolve(cwd); ; directory = dirname(directory)) {
    const candidate = join(directory, dataDirectoryName);
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    if (dirname(directory) === directory) break;
  }
  return join(resolve(cwd), dataDirectoryName);
}
