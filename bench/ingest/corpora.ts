// The three corpora of the ingestion benchmarks, and the directories a `kausal link` of each is
// run on. A link walks a tree the way a user's checkout is walked (ignore files, the default
// skipped directories), so corpora that ingestDirectory reads with other options are copied into
// bench/.work/ingest first, in a shape that link walks the same files from:
//   (a) rxjs's TypeScript sources: linked where they are installed;
//   (b) Python's standard library: copied without site-packages;
//   (c) every .js file under this project's node_modules: copied alone, and every directory whose
//       name a link skips by default (nested node_modules, dist, build…) renamed with a trailing
//       underscore, so the copy holds the same files under the same depth.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSkippedDirectories, type IngestOptions } from '../../src/ingest/index.js';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const copies = join(projectRoot, 'bench/.work/ingest');

export interface Corpus {
  readonly name: 'rxjs' | 'python' | 'node_modules';
  readonly label: string;
  /** Where ingestDirectory reads it, with `options`. */
  root(): string;
  readonly options: Omit<IngestOptions, 'workspace' | 'workers'>;
  /** A directory `kausal link` walks to the same files (prepared on first use). */
  linkRoot(): string;
}

export function pythonStdlib(): string {
  return execFileSync('python3', ['-c', "import sysconfig;print(sysconfig.get_paths()['stdlib'])"], {
    encoding: 'utf8',
  }).trim();
}

/** Python's standard library without site-packages, copied to `target` unless already there. */
export function copyPythonStdlib(target: string): string {
  if (!existsSync(target)) {
    mkdirSync(join(target, '..'), { recursive: true });
    cpSync(pythonStdlib(), target, {
      recursive: true,
      filter: (source) => !source.includes('site-packages'),
    });
  }
  return target;
}

/** Every `.js` file under `source`, copied to `target` with default-skipped directories renamed. */
function copyJavaScriptFiles(source: string, target: string): string {
  const done = join(target, '.complete');
  if (existsSync(done)) return target;
  rmSync(target, { recursive: true, force: true });
  const skipped = new Set(defaultSkippedDirectories);
  const visit = (from: string, to: string): void => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (entry.isSymbolicLink() || entry.name === '.git') continue;
      const path = join(from, entry.name);
      if (entry.isDirectory()) {
        visit(path, join(to, skipped.has(entry.name) ? `${entry.name}_` : entry.name));
      } else if (entry.isFile() && entry.name.endsWith('.js')) {
        mkdirSync(to, { recursive: true });
        copyFileSync(path, join(to, entry.name));
      }
    }
  };
  visit(source, target);
  writeFileSync(done, ''); // a dotfile of no language: the walk passes over it
  return target;
}

export const corpora: readonly Corpus[] = [
  {
    name: 'rxjs',
    label: '(a) rxjs 7.8.2 `src/` (TypeScript)',
    root: () => join(projectRoot, 'node_modules/rxjs/src'),
    options: {},
    linkRoot: () => join(projectRoot, 'node_modules/rxjs/src'),
  },
  {
    name: 'python',
    label: '(b) Python standard library (no site-packages)',
    root: pythonStdlib,
    options: { skipDirectories: [...defaultSkippedDirectories, 'site-packages'], languages: ['python'] },
    linkRoot: () => copyPythonStdlib(join(copies, 'python-stdlib')),
  },
  {
    name: 'node_modules',
    label: '(c) every `.js` file in `node_modules`',
    root: () => join(projectRoot, 'node_modules'),
    // Nested node_modules and dist folders are part of this corpus, and no ignore files apply.
    options: {
      skipDirectories: ['.git'],
      useIgnoreFiles: false,
      languages: ['javascript'],
      include: (path) => path.endsWith('.js'),
    },
    linkRoot: () => copyJavaScriptFiles(join(projectRoot, 'node_modules'), join(copies, 'node-modules-js')),
  },
];
