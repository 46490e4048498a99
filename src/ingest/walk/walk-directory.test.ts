// The walker against a real temporary tree: ignore files at several levels (with negation),
// default skipped directories, binary and large files, and symlinks inside, outside, dangling
// and looping.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { walkDirectory } from './walk-directory.js';

describe('walkDirectory', () => {
  let root: string;
  let outside: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'kausal-walk-'));
    outside = await mkdtemp(join(tmpdir(), 'kausal-outside-'));
    const files: Record<string, string | Buffer> = {
      '.gitignore': '*.log\n/generated/\n',
      '.kausalignore': 'secret/\n',
      'src/main.ts': 'export const a = 1;\n',
      'src/debug.log': 'ignored\n',
      'src/nested/.gitignore': '!keep.log\nlocal.ts\n',
      'src/nested/keep.log': 're-included by the nested file\n',
      'src/nested/other.log': 'still ignored\n',
      'src/nested/local.ts': 'ignored by the nested file\n',
      'src/nested/kept.ts': 'kept\n',
      'generated/out.ts': 'ignored at the root only\n',
      'lib/generated/in.ts': 'a nested directory with the same name is kept\n',
      'secret/key.ts': 'ignored by .kausalignore\n',
      'node_modules/pkg/index.js': 'dependency\n',
      'dist/bundle.js': 'build output\n',
      'data/blob.bin': Buffer.from([0x7f, 0x45, 0x00, 0x01]),
      'data/big.txt': 'x'.repeat(5000),
      'empty.py': '',
    };
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), content);
    }
    await writeFile(join(outside, 'escape.ts'), 'outside the root\n');
    await symlink(outside, join(root, 'link-out'));
    await symlink(join(root, 'src'), join(root, 'src-again'));
    await symlink(join(root, 'does-not-exist'), join(root, 'dangling.ts'));
    await symlink(root, join(root, 'src', 'loop'));
    await symlink(join(root, 'src', 'main.ts'), join(root, 'main-link.ts'));
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('returns sorted relative POSIX paths with sizes, honouring nested ignore files', async () => {
    const result = await walkDirectory(root, { fileBytesMax: 4096 });
    const paths = result.files.map((file) => file.path);
    assert.deepEqual(paths, [...paths].sort());
    for (const expected of [
      'src/main.ts',
      'src/nested/keep.log',
      'src/nested/kept.ts',
      'lib/generated/in.ts',
      'empty.py',
    ]) {
      assert.ok(paths.includes(expected), `${expected} in ${paths.join(', ')}`);
    }
    for (const excluded of [
      'src/debug.log',
      'src/nested/other.log',
      'src/nested/local.ts',
      'generated/out.ts',
      'secret/key.ts',
    ]) {
      assert.ok(!paths.includes(excluded), `${excluded} is ignored`);
    }
    assert.equal(result.files.find((file) => file.path === 'src/main.ts')?.size, 20);
    assert.ok(result.stats.ignored >= 5);
  });

  it('skips dependency and build directories, binary files and files over the limit', async () => {
    const result = await walkDirectory(root, { fileBytesMax: 4096 });
    const paths = result.files.map((file) => file.path);
    assert.ok(!paths.some((path) => path.startsWith('node_modules/') || path.startsWith('dist/')));
    assert.ok(!paths.includes('data/blob.bin'));
    assert.ok(!paths.includes('data/big.txt'));
    assert.equal(result.stats.skippedBinary, 1);
    assert.equal(result.stats.skippedLarge, 1);
  });

  it('never leaves the root through a symlink and survives loops and dangling links', async () => {
    const result = await walkDirectory(root, { fileBytesMax: 4096 });
    const paths = result.files.map((file) => file.path);
    assert.ok(
      !paths.some((path) => path.startsWith('link-out')),
      'a link to outside the root is not followed',
    );
    assert.ok(
      !paths.some((path) => path.startsWith('src-again/') || path.startsWith('src/loop/')),
      'no directory twice',
    );
    assert.ok(paths.includes('main-link.ts'), 'a link to a file inside the root is a file');
    assert.ok(result.stats.skippedSymlinks >= 3);
  });

  it('applies the accept filter before reading files, and can ignore ignore files', async () => {
    const typescriptOnly = await walkDirectory(root, { accept: (path) => path.endsWith('.ts') });
    assert.ok(typescriptOnly.files.every((file) => file.path.endsWith('.ts')));
    const everything = await walkDirectory(root, { useIgnoreFiles: false, skipDirectories: [] });
    const paths = everything.files.map((file) => file.path);
    assert.ok(paths.includes('secret/key.ts') && paths.includes('node_modules/pkg/index.js'));
  });
});
