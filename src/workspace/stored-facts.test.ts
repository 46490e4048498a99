// Stored facts: what a sync keeps per file so that a later sync can re-resolve the file without
// parsing it again. They leave out the entities' source text (the blocks hold it) and store calls
// compactly; a file re-resolved from them must still end up exactly as a fresh link writes it.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isKausalError } from '../core/errors.js';
import { Database } from '../database.js';
import { factsFormatVersion, ingestDirectory, type FileFacts } from '../ingest/index.js';
import { fixturesRoot } from '../ingest/test-support.js';
import { makeTempDir } from '../testing/temp-dir.js';
import { linkWorkspace, requireWorkspace, syncWorkspace } from './index.js';
import { factsId, readFileTable } from './records.js';
import { decodeFacts, encodeFacts, loadStoredFacts } from './stored-facts.js';

const options = { workers: 0 };

function withoutContent(facts: FileFacts): FileFacts {
  return { ...facts, entities: facts.entities.map(({ content: _content, ...entity }) => entity) };
}

/** util.ts is imported by main.ts, which is imported by app.ts: editing util re-resolves all three. */
function writeProject(root: string): void {
  mkdirSync(join(root, 'src'), { recursive: true });
  writeUtil(root);
  writeFileSync(
    join(root, 'src/main.ts'),
    "import { helper, Box } from './util.js';\n\n/** Adds one. */\nexport function main(): number {\n  // the main entry\n  return helper(1) + new Box().get() + local();\n}\n\nfunction local(): number {\n  return 2;\n}\n",
  );
  writeFileSync(
    join(root, 'src/app.ts'),
    "import { main } from './main.js';\n\nexport const start = (): number => main() * 10;\n",
  );
}

function writeUtil(
  root: string,
  helperBody = 'return x * 2;',
  helperName = 'helper',
  parameters = 'x: number',
): void {
  writeFileSync(
    join(root, 'src/util.ts'),
    `export function ${helperName}(${parameters}): number {\n  ${helperBody}\n}\n\nexport class Box {\n  get(): number {\n    return ${helperName}(1);\n  }\n}\n`,
  );
}

/**
 * What a workspace stores, as comparable text: its entity blocks (with content), the edges out of
 * them, and its stored facts. Records and the file table (times, hashes) are left out.
 */
function stored(db: Database, workspace: string): { blocks: string[]; edges: string[]; facts: string[] } {
  const blocks: string[] = [];
  const facts: string[] = [];
  const ids = new Set<string>();
  for (const block of db.scanBlocks()) {
    if (block.metadata['workspace'] === workspace) {
      ids.add(block.id);
      blocks.push(JSON.stringify([block.id, block.sourceUri, block.metadata, block.content]));
    } else if (block.metadata['internal'] === 'facts') {
      facts.push(JSON.stringify([block.id, block.sourceUri, block.metadata, block.content]));
    }
  }
  const edges: string[] = [];
  for (const edge of db.scanEdges()) {
    if (ids.has(edge.source))
      edges.push(JSON.stringify([edge.source, edge.type, edge.target, edge.properties ?? {}]));
  }
  return { blocks: blocks.sort(), edges: edges.sort(), facts: facts.sort() };
}

async function freshlyLinked(
  t: { after(fn: () => void): void },
  root: string,
): Promise<ReturnType<typeof stored>> {
  const db = Database.open(makeTempDir(t));
  await linkWorkspace(db, root, 'w', options);
  const result = stored(db, 'w');
  db.close();
  return result;
}

function blockContent(db: Database, qualifiedName: string): string | undefined {
  for (const block of db.scanBlocks()) {
    if (block.metadata['workspace'] === 'w' && block.metadata['qualifiedName'] === qualifiedName)
      return block.content;
  }
  return undefined;
}

describe('stored facts', () => {
  it('round-trip every fixture language without entity content, calls intact', async () => {
    for (const fixture of [
      'c/project',
      'cpp/project',
      'go/project',
      'java/project',
      'javascript/commonjs',
      'python/package',
      'rust/crate',
      'tsx/components',
      'typescript/features',
      'zig/structs',
    ]) {
      const result = await ingestDirectory(fixturesRoot + fixture, { workspace: 'x', workers: 0 });
      assert.ok(result.facts.size > 0, fixture);
      for (const facts of result.facts.values()) {
        const text = encodeFacts(facts);
        assert.ok(!text.includes('"content"'), `${facts.path}: entity content is stored`);
        assert.deepEqual(decodeFacts(text), withoutContent(facts), facts.path);
      }
    }
  });

  it('are read as outdated when of another format, and as corrupt when damaged', async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    const db = Database.open(makeTempDir(t));
    await linkWorkspace(db, root, 'w', options);
    const stored = loadStoredFacts(db, 'w', 'src/main.ts');
    assert.ok(typeof stored === 'object' && stored.calls.length > 0);
    const previous = { ...stored, format: factsFormatVersion - 1 };
    assert.equal(decodeFacts(JSON.stringify(previous)), 'outdated');
    // Calls are decoded when first read (a sync reads every file's facts and resolves few).
    for (const calls of [
      [0, 1, 'q'],
      [0, 1, 'n'],
      [0, 'x', 't'],
      [0, 1, 'm', 'a'],
    ]) {
      const damaged = decodeFacts(JSON.stringify({ ...encodedObject(stored), calls: JSON.stringify(calls) }));
      assert.ok(typeof damaged === 'object');
      assert.throws(() => damaged.calls);
    }
    assert.throws(() => decodeFacts(JSON.stringify({ ...encodedObject(stored), calls: [] })));
    db.putBlock({
      id: factsId('w', 'src/main.ts'),
      sourceUri: 'file://src/main.ts',
      metadata: { internal: 'facts', file: 'src/main.ts' },
      content: JSON.stringify({ ...encodedObject(stored), calls: '[0, 1, "q"]' }),
    });
    const damaged = loadStoredFacts(db, 'w', 'src/main.ts');
    assert.ok(typeof damaged === 'object');
    assert.throws(
      () => damaged.calls,
      (error) => isKausalError(error, 'CORRUPTION'),
    );
    db.putBlock({
      id: factsId('w', 'src/main.ts'),
      sourceUri: 'file://src/main.ts',
      metadata: { internal: 'facts', file: 'src/main.ts' },
      content: '{"format":',
    });
    assert.throws(
      () => loadStoredFacts(db, 'w', 'src/main.ts'),
      (error) => isKausalError(error, 'CORRUPTION'),
    );
    db.close();
  });

  it('are written without the source text, which only the blocks hold', async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    const db = Database.open(makeTempDir(t));
    await linkWorkspace(db, root, 'w', options);
    let factsBlocks = 0;
    for (const block of db.scanBlocks()) {
      if (block.metadata['internal'] !== 'facts') continue;
      factsBlocks++;
      assert.ok(!block.content.includes('return'), `${block.sourceUri}: ${block.content}`);
      assert.ok(!block.content.includes('the main entry'), block.sourceUri);
    }
    assert.equal(factsBlocks, 3);
    assert.match(blockContent(db, 'main') ?? '', /the main entry/);
    db.close();
  });

  it('a file re-resolved without being parsed keeps its source text: sync equals a fresh link', async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    const db = Database.open(makeTempDir(t));
    await linkWorkspace(db, root, 'w', options);
    const mainSource = blockContent(db, 'main');
    assert.match(mainSource ?? '', /^export function main\(\): number \{\n {2}\/\/ the main entry/);

    // A body-only edit of util.ts: nothing another file sees changed, util.ts alone is resolved.
    writeUtil(root, 'return x * 3;');
    const body = await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    assert.equal(body.files.changed, 1);
    assert.equal(body.files.resolved, 1);
    assert.deepEqual(stored(db, 'w'), await freshlyLinked(t, root));

    // helper gains a parameter: main.ts, which calls it, is re-resolved from its stored facts.
    writeUtil(root, 'return x * 3;', 'helper', 'x: number, y = 0');
    const edit = await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    assert.equal(edit.files.changed, 1);
    assert.equal(edit.files.resolved, 2);
    assert.equal(blockContent(db, 'main'), mainSource);
    assert.deepEqual(stored(db, 'w'), await freshlyLinked(t, root));

    // A rename: main's call no longer resolves, so its block (metadata) is rewritten, with its text.
    writeUtil(root, 'return x * 3;', 'twice');
    const rename = await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    assert.equal(rename.files.changed, 1);
    assert.ok(rename.blocks.written >= 3, `blocks written: ${rename.blocks.written}`);
    assert.equal(blockContent(db, 'main'), mainSource);
    assert.match(blockContent(db, 'src/main') ?? '', /^import \{ helper, Box \}/);
    assert.deepEqual(stored(db, 'w'), await freshlyLinked(t, root));
    db.close();
  });

  it('a file whose stored blocks do not match its facts is parsed again', async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    const db = Database.open(makeTempDir(t));
    await linkWorkspace(db, root, 'w', options);
    // Damage what main.ts stored: one block gone, another moved to other lines.
    const [moduleId, mainId] = readFileTable(db, 'w').get('src/main.ts')?.ids ?? [];
    assert.ok(moduleId !== undefined && mainId !== undefined);
    db.deleteBlock(moduleId);
    const main = db.getBlock(mainId);
    assert.ok(main !== undefined);
    db.putBlock({ ...main, sourceUri: 'file://src/main.ts#L1-2', content: 'stale' });
    // A new parameter of helper, which main.ts calls: main.ts is re-resolved from its facts.
    writeUtil(root, 'return x * 3;', 'helper', 'x: number, y = 0');
    const report = await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    assert.equal(report.files.changed, 2, 'util.ts, and main.ts parsed again');
    assert.deepEqual(stored(db, 'w'), await freshlyLinked(t, root));
    db.close();
  });

  it("facts of an older format are parsed again; a deleted file's still find its importers", async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    writeFileSync(join(root, 'src/extra.ts'), 'export function extra(): number {\n  return 1;\n}\n');
    writeFileSync(
      join(root, 'src/uses-extra.ts'),
      "import { extra } from './extra.js';\nexport function use(): number {\n  return extra();\n}\n",
    );
    const db = Database.open(makeTempDir(t));
    await linkWorkspace(db, root, 'w', options);
    const outdate = (path: string): void => {
      const facts = loadStoredFacts(db, 'w', path);
      assert.ok(typeof facts === 'object');
      db.putBlock({
        id: factsId('w', path),
        sourceUri: `file://${path}`,
        metadata: { internal: 'facts', file: path },
        content: JSON.stringify({ ...facts, format: factsFormatVersion - 1 }),
      });
    };
    outdate('src/main.ts');
    writeUtil(root, 'return x * 3;');
    const edit = await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    assert.equal(edit.files.changed, 2, 'util.ts edited, main.ts of an older format');
    assert.deepEqual(stored(db, 'w'), await freshlyLinked(t, root));

    // uses-extra.ts must be re-resolved (its call no longer resolves), though extra.ts's last
    // facts, which name it as an importer, are of an older format.
    outdate('src/extra.ts');
    rmSync(join(root, 'src/extra.ts'));
    const deletion = await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    assert.equal(deletion.files.deleted, 1);
    assert.deepEqual(stored(db, 'w'), await freshlyLinked(t, root));
    db.close();
  });
});

function encodedObject(facts: FileFacts): Record<string, unknown> {
  return JSON.parse(encodeFacts(facts)) as Record<string, unknown>;
}
