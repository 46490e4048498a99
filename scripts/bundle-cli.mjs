// Bundles the compiled command line (dist/cli/main.js and everything it imports from dist/) into
// dist/cli-bundle/: a few files instead of a hundred modules, each of which the ESM loader would
// otherwise read, parse and link one by one on every `kausal` run (about 100 ms of a query
// command). Modules imported on demand stay separate chunks, so a query loads no ingestion or
// server code; each such import is an entry point, and chunks multiply with them, so only heavy
// parts are imported on demand (see src/cli/commands/index.ts). Packages from node_modules stay external.
// bin/kausal.js prefers the bundle.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cli-bundle`;

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [`${root}dist/cli/main.js`],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
