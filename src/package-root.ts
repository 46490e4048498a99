// This package's root directory and manifest, found from this module's own location, so paths to
// the launcher, the parse worker and package.json hold wherever the code runs from: src/ (tsx),
// dist/ (tsc) or dist/cli-bundle/ (the bundled command line, one directory level less deep).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageName = 'kausaldb';

interface PackageManifest {
  readonly name: string;
  readonly version: string;
}

function readManifest(directory: string): PackageManifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as PackageManifest;
    return manifest.name === packageName ? manifest : undefined;
  } catch {
    return undefined; // no package.json here, or another package's
  }
}

function findRoot(start: string): { root: string; manifest: PackageManifest } {
  for (let directory = start; ; directory = dirname(directory)) {
    const manifest = readManifest(directory);
    if (manifest !== undefined) return { root: directory, manifest };
    if (dirname(directory) === directory) {
      throw new Error(`cannot find the ${packageName} package.json above ${start}`);
    }
  }
}

const found = findRoot(dirname(fileURLToPath(import.meta.url)));

export const packageRoot: string = found.root;
export const packageVersion: string = found.manifest.version;

/** An absolute path inside the package, from a path relative to its root. */
export function packagePath(relative: string): string {
  return join(packageRoot, relative);
}
