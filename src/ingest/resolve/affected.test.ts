// Interfaces, the files a change affects, and the workspace-wide tables carried from one
// resolution to the next. The end-to-end guarantee (a sync equals a fresh link) is tested in
// src/workspace/incremental-sync.test.ts; these pin the pieces.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runToEnd } from '../../core/yield-budget.js';
import type { FileFacts } from '../facts.js';
import { extractFile } from '../parse/extract-file.js';
import { affectedFilesSteps, type FileChange } from './affected.js';
import { fileInterface, interfaceDelta } from './interface.js';
import { resolveWorkspace } from './resolve-workspace.js';
import { WorkspaceIndex } from './workspace-index.js';
import type { WorkspaceTables } from './workspace-tables.js';

const python = (path: string, source: string): Promise<FileFacts> => extractFile('python', path, source);

async function delta(before: string, after: string): Promise<Set<string> | 'all'> {
  return interfaceDelta(
    fileInterface(await python('m.py', before)),
    fileInterface(await python('m.py', after)),
  );
}

const base =
  'class Base:\n    def run(self):\n        return self.step()\n\n    def step(self):\n        return 0\n';

describe('file interfaces', () => {
  it('ignore bodies, comments and moved lines', async () => {
    assert.deepEqual(await delta(base, base.replace('return 0', 'x = 1\n        return x')), new Set());
    assert.deepEqual(await delta(base, `# a comment\n\n${base}`), new Set());
  });

  it('name what other files can observe change', async () => {
    assert.deepEqual(await delta(base, `${base}\n\ndef added():\n    return 1\n`), new Set(['added']));
    assert.deepEqual(
      await delta(base, base.replace('def step(self)', 'def stepped(self)')),
      new Set(['step', 'stepped']),
    );
    // A constructor is found by kind: its type's name changes too.
    assert.deepEqual(
      await delta(
        base,
        base.replace('class Base:\n', 'class Base:\n    def __init__(self):\n        pass\n\n'),
      ),
      new Set(['__init__', 'Base']),
    );
    // New bases change what every member overrides: the members' names too.
    assert.deepEqual(
      await delta(base, base.replace('class Base:', 'class Base(Other):')),
      new Set(['Base', 'run', 'step']),
    );
    assert.deepEqual(await delta('from a import f\n', 'from b import f\n'), new Set(['f']));
  });

  it('do not describe a change of glob imports by names', async () => {
    assert.equal(await delta('x = 1\n', 'from a import *\nx = 1\n'), 'all');
  });
});

/** The tables as comparable data (a file's contribution is a set: its order does not matter). */
function comparable(tables: WorkspaceTables | undefined): unknown {
  assert.ok(tables !== undefined, 'the resolution has tables');
  const sorted = <V>(map: ReadonlyMap<string, V>): [string, V][] =>
    [...map].sort((left, right) => (left[0] < right[0] ? -1 : 1));
  return {
    subtypes: sorted(tables.subtypes),
    methods: sorted(tables.methods),
    functions: sorted(tables.functions),
    contributions: sorted(tables.contributions).map(([path, contribution]) => [
      path,
      [...contribution.owners].sort(),
      [...contribution.names].sort(),
    ]),
  };
}

describe('affected files and carried tables', () => {
  const project: Record<string, string> = {
    'base.py': base,
    'impl.py': 'from base import Base\n\n\nclass Impl(Base):\n    def step(self):\n        return 1\n',
    'other.py': 'class Other:\n    def step(self):\n        return 2\n',
    'use.py': 'from impl import Impl\n\n\ndef go(thing):\n    thing.step()\n    return Impl().run()\n',
    'unrelated.py': 'def alone():\n    return 0\n',
  };

  async function factsOf(files: Record<string, string>): Promise<FileFacts[]> {
    return Promise.all(Object.entries(files).map(([path, source]) => python(path, source)));
  }

  /** Resolves `after` incrementally from `before`; checks it against a fresh resolution. */
  async function step(
    before: FileFacts[],
    changes: Record<string, string | null>,
  ): Promise<{ affected: Set<string>; after: FileFacts[] }> {
    const previous = resolveWorkspace('w', before);
    const changed = new Map(
      await Promise.all(
        Object.entries(changes).map(
          async ([path, source]) => [path, source === null ? undefined : await python(path, source)] as const,
        ),
      ),
    );
    const after = [
      ...before.filter((file) => !changed.has(file.path)),
      ...[...changed.values()].filter((file): file is FileFacts => file !== undefined),
    ];
    const index = runToEnd(WorkspaceIndex.build('w', after));
    const fileChanges: FileChange[] = [...changed.keys()].map((path) => ({
      path,
      previous: before.find((file) => file.path === path),
    }));
    const affected = runToEnd(affectedFilesSteps(index, fileChanges)).files;
    const incremental = resolveWorkspace('w', after, {
      index,
      files: affected,
      recompute: [...affected, ...changed.keys()],
      ...(previous.tables === undefined ? {} : { tables: previous.tables }),
    });
    const fresh = resolveWorkspace('w', after);
    assert.deepEqual(comparable(incremental.tables), comparable(fresh.tables));
    const ids = new Set(incremental.blocks.map((block) => block.id));
    assert.deepEqual(
      incremental.edges,
      fresh.edges.filter((edge) => ids.has(edge.source)),
      'the affected files resolve as in a fresh resolution',
    );
    return { affected, after };
  }

  it('re-resolve the changed file alone after a body edit, and carry the tables', async () => {
    const facts = await factsOf(project);
    const { affected } = await step(facts, {
      'impl.py': project['impl.py']?.replace('return 1', 'return 5') ?? '',
    });
    assert.deepEqual([...affected], ['impl.py']);
  });

  it('follow a new base to the files it changes, and update the tables as a build would', async () => {
    const facts = await factsOf(project);
    const first = await step(facts, {
      'impl.py': 'from other import Other\n\n\nclass Impl(Other):\n    def step(self):\n        return 1\n',
    });
    // base.py's self.step() no longer dispatches to Impl.step; use.py calls Impl().run().
    assert.ok(first.affected.has('base.py') && first.affected.has('use.py'), [...first.affected].join());
    assert.ok(!first.affected.has('unrelated.py'));
    await step(first.after, {
      'other.py': null,
      'more.py': 'from base import Base\n\n\nclass More(Base):\n    def step(self):\n        return 3\n',
    });
  });
});
