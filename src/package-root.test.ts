import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { packagePath, packageRoot, packageVersion } from './package-root.js';

describe('package root', () => {
  it('is the directory of this package’s package.json', () => {
    const manifest = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };
    assert.equal(packageVersion, manifest.version);
    assert.ok(existsSync(packagePath('bin/kausal.js')));
    assert.ok(packagePath('x').startsWith(packageRoot));
  });

  it('holds the compiled parse worker the pool starts (npm test builds first)', () => {
    assert.ok(existsSync(packagePath('dist/ingest/workers/parse-worker.js')));
    assert.ok(existsSync(packagePath('dist/cli-bundle/main.js')), 'the command-line bundle');
  });
});
