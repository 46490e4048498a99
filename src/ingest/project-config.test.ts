// Project configuration readers: JSON with comments, tsconfig `extends` and `paths`, go.mod
// module paths, Cargo crate names and workspace package names.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadProjectConfig, parseJsonc } from './project-config.js';

describe('parseJsonc', () => {
  it('accepts comments and trailing commas but keeps strings intact', () => {
    assert.deepEqual(parseJsonc('{ // c\n "a": "x//y", /* b */ "b": [1, 2,], }'), { a: 'x//y', b: [1, 2] });
    assert.equal(parseJsonc('{ broken'), null);
  });
});

describe('loadProjectConfig', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'kausal-config-'));
    const files: Record<string, string> = {
      'tsconfig.base.json': '{ "compilerOptions": { "baseUrl": "./src", "paths": { "@app/*": ["app/*"] } } }',
      'tsconfig.json': '{ "extends": "./tsconfig.base.json", /* inherits paths */ }',
      'web/tsconfig.json': '{ "compilerOptions": { "paths": { "~/*": ["./lib/*"] } } }',
      'svc/go.mod': 'module example.com/svc\n\ngo 1.22\n',
      'crate/Cargo.toml': '[package]\nname = "my-crate"\n\n[dependencies]\nname = "not-this"\n',
      'packages/ui/package.json':
        '{ "name": "@acme/ui", "main": "./dist/index.js", "source": "./src/index.ts" }',
    };
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), content);
    }
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads every kind of configuration file, relative to the root', () => {
    const config = loadProjectConfig(root, [
      'tsconfig.json',
      'web/tsconfig.json',
      'svc/go.mod',
      'crate/Cargo.toml',
      'packages/ui/package.json',
    ]);
    assert.deepEqual(config.typescript, [
      { directory: '', baseUrl: 'src', paths: [{ pattern: '@app/*', targets: ['src/app/*'] }] },
      { directory: 'web', paths: [{ pattern: '~/*', targets: ['web/lib/*'] }] },
    ]);
    assert.deepEqual(config.goModules, [{ directory: 'svc', modulePath: 'example.com/svc' }]);
    assert.deepEqual(config.rustCrates, [{ directory: 'crate', crateName: 'my_crate' }]);
    assert.deepEqual(config.packages, [{ directory: 'packages/ui', name: '@acme/ui', entry: 'src/index' }]);
  });
});
