// ingestDirectory end to end on temporary trees: phases and progress, per-file outcomes (binary,
// minified, too large, invalid UTF-8, syntax errors), worker threads agreeing with in-thread parsing,
// deterministic output, and clear errors for bad arguments.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isKausalError } from '../core/errors.js';
import { ingestDirectory, type IngestProgress } from './ingest-directory.js';
import { fixturesRoot } from './test-support.js';

describe('ingestDirectory', () => {
  let root: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'kausal-ingest-'));
    const files: Record<string, string | Buffer> = {
      'src/app.ts': "import { helper } from './helper';\nexport function run() {\n  return helper();\n}\n",
      'src/helper.ts': 'export function helper() {\n  return 1;\n}\n',
      'src/broken.ts': 'export function ok() { return 1; }\nexport function broken( {\n',
      'src/latin1.py': Buffer.from([
        0x64, 0x65, 0x66, 0x20, 0x66, 0x28, 0x29, 0x3a, 0x20, 0x72, 0x65, 0x74, 0x75, 0x72, 0x6e, 0x20, 0x22,
        0xe9, 0x22, 0x0a,
      ]),
      'src/binary.js': Buffer.from([0x76, 0x61, 0x72, 0x00, 0x01]),
      'src/huge.ts': `export const big = "${'x'.repeat(3000)}";\n`,
      // Minified: one 1.5 KB line of mangled functions.
      'src/bundle.min.js': `${Array.from({ length: 60 }, (_, i) => `function f${i}(t){return t+${i}}`).join(';')}\n`,
      // Not minified: one long regular expression among ordinary lines.
      'src/tables.js': `const pattern = /${'ab|'.repeat(230)}c/;\n${'export const x = pattern.test("a");\n'.repeat(20)}`,
      // Only JavaScript is checked: TypeScript is not shipped minified.
      'src/long-line.ts': `export const table = [${'0,'.repeat(700)}];\n`,
      'src/empty.go': '',
      'README.md': '# not source\n',
    };
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), content);
    }
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reports each phase in order and every file with its outcome', async () => {
    const events: IngestProgress[] = [];
    const result = await ingestDirectory(root, {
      workspace: 'temp',
      workers: 0,
      fileBytesMax: 2048,
      onProgress: (event) => events.push(event),
    });
    const phases = [...new Set(events.map((event) => event.phase))];
    assert.deepEqual(phases, ['scan', 'parse', 'resolve']);
    const lastParse = events.filter((event) => event.phase === 'parse').at(-1);
    assert.equal(lastParse?.done, lastParse?.total);
    const status = Object.fromEntries(result.files.map((file) => [file.path, file.status]));
    assert.deepEqual(status, {
      'src/app.ts': 'parsed',
      'src/binary.js': 'binary',
      'src/broken.ts': 'parsed',
      'src/bundle.min.js': 'minified',
      'src/empty.go': 'parsed',
      'src/helper.ts': 'parsed',
      'src/latin1.py': 'parsed',
      'src/long-line.ts': 'parsed',
      'src/tables.js': 'parsed',
    });
    const bundle = result.files.find((file) => file.path === 'src/bundle.min.js');
    assert.match(bundle?.reason ?? '', /^minified or bundled: lines average \d+ characters$/);
    assert.equal(result.stats.skippedFiles.minified, 1);
    assert.equal(result.stats.walk.skippedLarge, 1, 'src/huge.ts is over the limit');
    assert.equal(result.stats.skippedFiles.binary, 1);
    assert.equal(result.stats.filesWithSyntaxErrors, 1);
    assert.equal(result.facts.get('src/latin1.py')?.invalidUtf8, true);
    assert.ok(
      result.blocks.some((block) => block.metadata['qualifiedName'] === 'ok'),
      'the broken file still yields ok',
    );
  });

  it('resolves across files and keeps per-file facts for a later sync', async () => {
    const result = await ingestDirectory(root, { workspace: 'temp', workers: 0, fileBytesMax: 2048 });
    const names = new Map(result.blocks.map((block) => [block.id, block.metadata['qualifiedName']]));
    const calls = result.edges
      .filter((edge) => edge.type === 'calls')
      .map((edge) => `${names.get(edge.source)} -> ${names.get(edge.target)}`);
    assert.deepEqual(calls, ['run -> helper']);
    assert.deepEqual([...result.facts.keys()].sort(), [
      'src/app.ts',
      'src/broken.ts',
      'src/empty.go',
      'src/helper.ts',
      'src/latin1.py',
      'src/long-line.ts',
      'src/tables.js',
    ]);
  });

  it('gives the same graph with worker threads as in this thread, run after run', async () => {
    const options = { workspace: 'fixture' } as const;
    const inThread = await ingestDirectory(join(fixturesRoot, 'typescript/features'), {
      ...options,
      workers: 0,
    });
    const threaded = await ingestDirectory(join(fixturesRoot, 'typescript/features'), {
      ...options,
      workers: 2,
    });
    assert.deepEqual(threaded.warnings, [], 'the workers did the parsing, not this thread');
    assert.deepEqual(threaded.blocks, inThread.blocks);
    assert.deepEqual(threaded.edges, inThread.edges);
  });

  it('rejects a bad workspace name, a bad worker count and a missing directory with clear errors', async () => {
    await assert.rejects(ingestDirectory(root, { workspace: 'a/b' }), (error) =>
      isKausalError(error, 'INVALID_ARGUMENT'),
    );
    await assert.rejects(ingestDirectory(root, { workspace: '' }), (error) =>
      isKausalError(error, 'INVALID_ARGUMENT'),
    );
    await assert.rejects(ingestDirectory(root, { workspace: 'w', workers: -1 }), (error) =>
      isKausalError(error, 'INVALID_ARGUMENT'),
    );
    await assert.rejects(ingestDirectory(join(root, 'missing'), { workspace: 'w' }), (error) =>
      isKausalError(error, 'NOT_FOUND'),
    );
  });
});
