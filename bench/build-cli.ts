// Benchmarks that spawn bin/kausal.js build it first, bundle included: the launcher prefers
// dist/cli-bundle/ whenever it exists, so compiling dist/ alone would leave an older bundle to be
// measured instead of the code in the working tree.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { benchDirectory } from './peers.js';

const repository = join(benchDirectory, '..');

/** Compiles dist/ and bundles the CLI (what `npm run build` does); throws with the output on failure. */
export function buildCli(): void {
  const steps: [string, string[]][] = [
    ['tsc', [join(repository, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']],
    ['bundle', [join(repository, 'scripts', 'bundle-cli.mjs')]],
  ];
  for (const [name, args] of steps) {
    const built = spawnSync(process.execPath, args, { cwd: repository, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`build (${name}) failed: ${built.stdout}${built.stderr}`);
  }
}
