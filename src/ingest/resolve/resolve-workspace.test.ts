// The resolver on per-file facts: resolving a subset of files gives exactly those files' part of
// the full graph (what an incremental sync needs), dependents are found through imports, and
// name-only guesses stay bounded.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { isKausalError } from '../../core/errors.js';
import type { FileFacts } from '../facts.js';
import { extractFile } from '../parse/extract-file.js';
import { loadProjectConfig } from '../project-config.js';
import { fixturesRoot } from '../test-support.js';
import { dependentFiles } from './dependents.js';
import { resolveWorkspace } from './resolve-workspace.js';

const root = join(fixturesRoot, 'typescript/features');
const paths = [
  'src/app.ts',
  'src/callbacks.ts',
  'src/store.ts',
  'src/lib/index.ts',
  'src/lib/math.ts',
  'src/lib/shapes.ts',
];

describe('resolveWorkspace', () => {
  let facts: FileFacts[];
  const config = loadProjectConfig(root, ['tsconfig.json']);

  before(async () => {
    facts = await Promise.all(
      paths.map(async (path) => extractFile('typescript', path, await readFile(join(root, path)))),
    );
  });

  it('resolves a subset of files to exactly their blocks and edges of the full graph', () => {
    const full = resolveWorkspace('w', facts, { config });
    const part = resolveWorkspace('w', facts, { config, files: ['src/app.ts'] });
    assert.deepEqual(
      part.blocks,
      full.blocks.filter((block) => block.metadata['file'] === 'src/app.ts'),
    );
    const appIds = new Set(part.blocks.map((block) => block.id));
    assert.deepEqual(
      part.edges,
      full.edges.filter((edge) => appIds.has(edge.source)),
    );
    assert.equal(part.stats.files, 1);
  });

  it('accepts facts as a map keyed by path and gives the same graph', () => {
    const byPath = new Map(facts.map((file) => [file.path, file]));
    assert.deepEqual(
      resolveWorkspace('w', byPath, { config }).edges,
      resolveWorkspace('w', facts, { config }).edges,
    );
  });

  it('refuses facts of another format instead of misreading them', () => {
    const stale = { ...(facts[0] as FileFacts), format: 0 };
    assert.throws(
      () => resolveWorkspace('w', [stale]),
      (error) => isKausalError(error, 'UNSUPPORTED'),
    );
  });

  it('re-resolves dependents of a changed file against its new facts', async () => {
    const dependents = dependentFiles(facts, ['src/lib/math.ts'], config);
    for (const path of ['src/lib/math.ts', 'src/lib/index.ts', 'src/lib/shapes.ts', 'src/app.ts']) {
      assert.ok(dependents.has(path), `${path} depends on math.ts`);
    }
    const changed = await extractFile(
      'typescript',
      'src/lib/math.ts',
      'export function add(a: number) {\n  return a;\n}\n',
    );
    const updated = facts.map((file) => (file.path === changed.path ? changed : file));
    const graph = resolveWorkspace('w', updated, { config, files: dependents });
    const names = new Map(graph.blocks.map((block) => [block.id, block.metadata['qualifiedName']]));
    const calls = graph.edges
      .filter((edge) => edge.type === 'calls')
      .map((edge) => `${names.get(edge.source)} -> ${names.get(edge.target) ?? '?'}`);
    assert.ok(!calls.some((call) => call.endsWith('-> square')), 'square is gone');
    const run = graph.blocks.find((block) => block.metadata['qualifiedName'] === 'run');
    assert.ok(
      (run?.metadata['unresolvedCalls'] as number) >= 2,
      'math.square() and defaultHelper() no longer resolve',
    );
  });
});

describe('name-only guesses', () => {
  const classes = (count: number): string =>
    Array.from(
      { length: count },
      (_, index) => `class C${index}:\n    def run(self):\n        return ${index}\n`,
    ).join('\n');

  it('guesses a method by name among few candidates, labelled and shared', async () => {
    const file = await extractFile('python', 'guess.py', `${classes(2)}\ndef go(thing):\n    thing.run()\n`);
    const graph = resolveWorkspace('w', [file]);
    const guesses = graph.edges.filter((edge) => edge.type === 'calls');
    assert.equal(guesses.length, 2);
    for (const guess of guesses) {
      assert.equal(guess.properties?.['resolution'], 'name-only');
      assert.equal(guess.properties?.['confidence'], 0.3);
    }
  });

  it('records an ambiguous call instead of fanning out to many candidates', async () => {
    const file = await extractFile('python', 'guess.py', `${classes(6)}\ndef go(thing):\n    thing.run()\n`);
    const graph = resolveWorkspace('w', [file]);
    assert.equal(graph.edges.filter((edge) => edge.type === 'calls').length, 0);
    const go = graph.blocks.find((block) => block.metadata['qualifiedName'] === 'guess.go');
    assert.equal(go?.metadata['ambiguousCalls'], 1);
    assert.equal(go?.metadata['unresolvedCalls'], 1);
    assert.equal(graph.stats.ambiguousCalls, 1);
  });
});
