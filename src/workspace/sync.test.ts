// Workspace link, incremental sync and unlink against real directories: the graph after every
// step must equal what a fresh link of the same tree produces, with work proportional to the
// change.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isKausalError } from '../core/errors.js';
import { Database } from '../database.js';
import { makeTempDir } from '../testing/temp-dir.js';
import {
  linkWorkspace,
  readRegistry,
  requireWorkspace,
  syncWorkspace,
  unlinkWorkspace,
  workspaceStatuses,
} from './index.js';
import { factsFormatVersion } from '../ingest/index.js';
import { workspaceRecordBlock } from './records.js';

const options = { workers: 0 };

function writeProject(root: string): void {
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(
    join(root, 'src/main.ts'),
    "import { helper } from './util.js';\nexport function main(): number {\n  return helper(1) + local();\n}\nfunction local(): number {\n  return 2;\n}\n",
  );
  writeFileSync(
    join(root, 'src/util.ts'),
    'export function helper(x: number): number {\n  return x * 2;\n}\n',
  );
}

/** The entity graph of a workspace as comparable text: names and call edges. */
function graphOf(db: Database, workspace: string): { entities: string[]; calls: string[] } {
  const names = new Map<string, string>();
  for (const block of db.scanBlocks()) {
    if (block.metadata['workspace'] !== workspace) continue;
    names.set(block.id, `${String(block.metadata['file'])}:${String(block.metadata['qualifiedName'])}`);
  }
  const calls: string[] = [];
  for (const edge of db.scanEdges()) {
    if (edge.type !== 'calls') continue;
    const source = names.get(edge.source);
    const target = names.get(edge.target);
    if (source === undefined || target === undefined) continue;
    calls.push(`${source} -> ${target}`);
  }
  return { entities: [...names.values()].sort(), calls: calls.sort() };
}

function freshGraph(
  t: { after(fn: () => void): void },
  root: string,
): Promise<{ entities: string[]; calls: string[] }> {
  const db = Database.open(makeTempDir(t));
  return linkWorkspace(db, root, 'w', options).then(() => {
    const graph = graphOf(db, 'w');
    db.close();
    return graph;
  });
}

describe('workspaces', () => {
  it('links a directory: entities, calls across files, a registry entry and a record', async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    const db = Database.open(makeTempDir(t));
    const report = await linkWorkspace(db, root, 'w', options);
    assert.equal(report.linked, true);
    assert.equal(report.files.added, 2);
    const graph = graphOf(db, 'w');
    assert.ok(graph.calls.includes('src/main.ts:main -> src/util.ts:helper'), graph.calls.join('\n'));
    assert.ok(graph.calls.includes('src/main.ts:main -> src/main.ts:local'));
    assert.deepEqual(readRegistry(db), ['w']);
    assert.equal(requireWorkspace(db, 'w').files, 2);
    db.close();
  });

  it('re-linking or syncing an unchanged tree writes nothing and duplicates nothing', async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    const db = Database.open(makeTempDir(t));
    await linkWorkspace(db, root, 'w', options);
    const before = graphOf(db, 'w');
    const again = await linkWorkspace(db, root, 'w', options);
    assert.equal(again.linked, false);
    assert.equal(again.files.unchanged, 2);
    assert.equal(again.blocks.written + again.edges.written, 0);
    assert.deepEqual(graphOf(db, 'w'), before);
    db.close();
  });

  it('an incremental sync equals a fresh link after edits, additions, renames and deletions', async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    const db = Database.open(makeTempDir(t));
    await linkWorkspace(db, root, 'w', options);
    // Rename helper → twice (its caller must follow), add a file, delete nothing yet.
    writeFileSync(
      join(root, 'src/util.ts'),
      'export function twice(x: number): number {\n  return x * 2;\n}\n',
    );
    writeFileSync(
      join(root, 'src/main.ts'),
      "import { twice } from './util.js';\nimport { extra } from './extra.js';\nexport function main(): number {\n  return twice(1) + extra();\n}\n",
    );
    writeFileSync(join(root, 'src/extra.ts'), 'export function extra(): number {\n  return 3;\n}\n');
    const report = await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    assert.equal(report.files.added, 1);
    assert.equal(report.files.changed, 2);
    assert.deepEqual(graphOf(db, 'w'), await freshGraph(t, root));
    // Delete a file: its blocks go, and so do the edges into them.
    rmSync(join(root, 'src/extra.ts'));
    const deletion = await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    assert.equal(deletion.files.deleted, 1);
    assert.ok(deletion.blocks.deleted >= 2);
    assert.deepEqual(graphOf(db, 'w'), await freshGraph(t, root));
    for (const edge of db.scanEdges()) {
      if (edge.type === 'calls') assert.ok(db.getBlock(edge.target) !== undefined, 'no dangling call edge');
    }
    db.close();
  });

  it('a file rebuilt as a minified bundle leaves the graph, counted as skipped, until it is readable again', async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    const readable = 'export function bundled() {\n  return 1;\n}\n';
    writeFileSync(join(root, 'src/bundle.js'), readable);
    const db = Database.open(makeTempDir(t));
    await linkWorkspace(db, root, 'w', options);
    assert.ok(graphOf(db, 'w').entities.includes('src/bundle.js:bundled'));
    // The same file as a minifier leaves it: one long line of mangled functions.
    const minified = `${Array.from({ length: 80 }, (_, index) => `function b${index}(e){return e+${index}}`).join(';')}\n`;
    writeFileSync(join(root, 'src/bundle.js'), minified);
    const skipped = await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    assert.equal(skipped.files.changed, 1);
    assert.equal(skipped.files.skipped, 1);
    const graph = graphOf(db, 'w');
    assert.ok(
      !graph.entities.some((entity) => entity.startsWith('src/bundle.js:b')),
      graph.entities.join('\n'),
    );
    assert.deepEqual(graph, await freshGraph(t, root));
    writeFileSync(join(root, 'src/bundle.js'), readable);
    await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    assert.ok(graphOf(db, 'w').entities.includes('src/bundle.js:bundled'));
    db.close();
  });

  it('parses every file again once after an upgrade that changed what extraction writes', async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    const db = Database.open(makeTempDir(t));
    const linked = await linkWorkspace(db, root, 'w', options);
    assert.equal(requireWorkspace(db, 'w').factsFormat, factsFormatVersion);
    // As an earlier release left it: a record without the facts format it extracted with.
    const { factsFormat: _dropped, ...older } = requireWorkspace(db, 'w');
    db.write([{ kind: 'put_block', block: workspaceRecordBlock(older) }]);
    const reparse = async (): Promise<boolean | undefined> =>
      (await workspaceStatuses(db, { check: false }))[0]?.reparseNext;
    assert.equal(await reparse(), true, 'status says the next sync parses everything again');
    const upgraded = await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    assert.equal(upgraded.files.changed, linked.files.total, 'every file parsed again');
    assert.equal(requireWorkspace(db, 'w').factsFormat, factsFormatVersion);
    const after = await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    assert.equal(after.files.unchanged, linked.files.total, 'and only once');
    assert.equal(await reparse(), false);
    db.close();
  });

  it('a touched but unedited file is recognised by its content hash', async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    const db = Database.open(makeTempDir(t));
    await linkWorkspace(db, root, 'w', options);
    writeFileSync(
      join(root, 'src/util.ts'),
      'export function helper(x: number): number {\n  return x * 3;\n}\n',
    );
    await syncWorkspace(db, requireWorkspace(db, 'w'), options); // records the content hash
    utimesSync(join(root, 'src/util.ts'), new Date(), new Date(Date.now() + 5_000));
    const touched = await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    assert.equal(touched.files.changed, 0);
    assert.equal(touched.files.unchanged, 2);
    db.close();
  });

  it('status reports changes since the sync without re-indexing', async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    const db = Database.open(makeTempDir(t));
    await linkWorkspace(db, root, 'w', options);
    let [status] = await workspaceStatuses(db, { check: true });
    assert.deepEqual(status?.changes, { added: 0, modified: 0, deleted: 0, configChanged: false });
    writeFileSync(join(root, 'src/new.ts'), 'export const x = 1;\n');
    writeFileSync(join(root, 'src/util.ts'), 'export function helper(): number {\n  return 0;\n}\n');
    [status] = await workspaceStatuses(db, { check: true });
    assert.deepEqual(status?.changes, { added: 1, modified: 1, deleted: 0, configChanged: false });
    writeFileSync(join(root, 'tsconfig.json'), '{ "compilerOptions": { "baseUrl": "src" } }\n');
    [status] = await workspaceStatuses(db, { check: true });
    assert.equal(status?.changes?.configChanged, true, 'a new tsconfig with a base URL');
    await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    [status] = await workspaceStatuses(db, { check: true });
    assert.deepEqual(status?.changes, { added: 0, modified: 0, deleted: 0, configChanged: false });
    db.close();
  });

  it('unlink removes every block, edge, fact and record of the workspace, and only those', async (t) => {
    const first = makeTempDir(t);
    const second = makeTempDir(t);
    writeProject(first);
    writeProject(second);
    const db = Database.open(makeTempDir(t));
    await linkWorkspace(db, first, 'one', options);
    await linkWorkspace(db, second, 'two', options);
    const two = graphOf(db, 'two');
    await unlinkWorkspace(db, 'one');
    assert.deepEqual(graphOf(db, 'one'), { entities: [], calls: [] });
    assert.deepEqual(graphOf(db, 'two'), two);
    assert.deepEqual(readRegistry(db), ['two']);
    await unlinkWorkspace(db, 'two');
    const internal = [...db.scanBlocks()].filter((block) => block.metadata['internal'] !== 'registry');
    assert.deepEqual(internal, [], 'nothing of either workspace is left');
    db.close();
  });

  it('points a workspace whose directory moved at its new place, reading only what changed', async (t) => {
    const parent = makeTempDir(t);
    const root = join(parent, 'before');
    writeProject(root);
    const db = Database.open(makeTempDir(t));
    await linkWorkspace(db, root, 'w', options);
    const before = graphOf(db, 'w');
    const moved = join(parent, 'after');
    renameSync(root, moved);
    await assert.rejects(
      syncWorkspace(db, requireWorkspace(db, 'w'), options),
      (error) =>
        isKausalError(error, 'NOT_FOUND') &&
        error.message.includes(`'kausal link --path <new place> --name w'`),
    );
    await assert.rejects(
      linkWorkspace(db, join(parent, 'nowhere'), 'w', options),
      (error) =>
        isKausalError(error, 'NOT_FOUND') &&
        /cannot index .*nowhere for workspace "w": no such directory/.test(error.message),
    );
    // Edited while it was away: the sync after the move reads that file alone.
    writeFileSync(
      join(moved, 'src/util.ts'),
      'export function helper(x: number): number {\n  return x * 3;\n}\n',
    );
    const report = await linkWorkspace(db, moved, 'w', options);
    assert.equal(report.movedFrom, root);
    assert.equal(report.linked, false);
    assert.equal(report.root, moved);
    assert.deepEqual(
      [report.files.unchanged, report.files.changed, report.files.added, report.files.deleted],
      [1, 1, 0, 0],
    );
    assert.equal(requireWorkspace(db, 'w').root, moved);
    assert.deepEqual(graphOf(db, 'w'), before, 'the same entities and calls, under the same ids');
    assert.deepEqual(graphOf(db, 'w'), await freshGraph(t, moved));
    // A workspace whose directory still exists stays bound to it.
    await assert.rejects(linkWorkspace(db, root.replace('before', 'elsewhere'), 'w', options), (error) =>
      isKausalError(error, 'ALREADY_EXISTS'),
    );
    db.close();
  });

  it('stops a link whose heap runs short with LIMIT_EXCEEDED, before writing or after', async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    const full = { used: 95, limit: 100 };
    const roomy = { used: 10, limit: 100 };
    // Short while parsing: nothing was written, the name stays free.
    const db = Database.open(makeTempDir(t));
    await assert.rejects(
      linkWorkspace(db, root, 'w', { ...options, heapUse: () => full }),
      (error) =>
        isKausalError(error, 'LIMIT_EXCEEDED') &&
        /the link of workspace "w" needs more memory/.test(error.message),
    );
    assert.deepEqual(readRegistry(db), []);
    // Short while writing: an interrupted link, which the next sync finishes.
    let phase = '';
    await assert.rejects(
      linkWorkspace(db, root, 'w', {
        ...options,
        yieldEveryMs: 0,
        onProgress: (progress) => (phase = progress.phase),
        heapUse: () => (phase === 'write' ? full : roomy),
      }),
      (error) => isKausalError(error, 'LIMIT_EXCEEDED'),
    );
    assert.equal(phase, 'write');
    assert.equal((await workspaceStatuses(db, { check: false }))[0]?.interrupted, true);
    await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    assert.deepEqual(graphOf(db, 'w'), await freshGraph(t, root));
    db.close();
  });

  it('refuses a name already linked to another directory, and bad names', async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    const db = Database.open(makeTempDir(t));
    await linkWorkspace(db, root, 'w', options);
    await assert.rejects(linkWorkspace(db, makeTempDir(t), 'w', options), (error) =>
      isKausalError(error, 'ALREADY_EXISTS'),
    );
    // The same directory under a second name would duplicate the whole graph.
    await assert.rejects(
      linkWorkspace(db, `${root}/`, 'again', options),
      (error) =>
        isKausalError(error, 'ALREADY_EXISTS') && /already linked as workspace "w"/.test(error.message),
    );
    const alias = join(makeTempDir(t), 'alias');
    symlinkSync(root, alias);
    await assert.rejects(linkWorkspace(db, alias, 'through-a-link', options), (error) =>
      isKausalError(error, 'ALREADY_EXISTS'),
    );
    const nested = join(root, 'src');
    mkdirSync(nested, { recursive: true });
    writeFileSync(join(nested, 'inner.py'), 'def inner():\n    return 1\n');
    await linkWorkspace(db, nested, 'inner', options); // a subdirectory is another directory
    await assert.rejects(linkWorkspace(db, root, 'a/b', options), (error) =>
      isKausalError(error, 'INVALID_ARGUMENT'),
    );
    await assert.rejects(linkWorkspace(db, join(root, 'missing'), 'x', options), (error) =>
      isKausalError(error, 'NOT_FOUND'),
    );
    await assert.rejects(unlinkWorkspace(db, 'nope'), (error) => isKausalError(error, 'NOT_FOUND'));
    db.close();
  });
});
