#!/usr/bin/env node
// Thin launcher. `npm run build` compiles the CLI to dist/ and bundles it into dist/cli-bundle/,
// which starts faster; the unbundled build is the fallback when only `tsc` was run.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const bundled = new URL('../dist/cli-bundle/main.js', import.meta.url);
const { main } = await import(existsSync(bundled) ? bundled.href : '../dist/cli/main.js');

process.exitCode = await main(process.argv.slice(2), undefined, undefined, undefined, { relaunch: true });
