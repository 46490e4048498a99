// Link, sync, unlink and reindex hand the event loop back between steps (a server answers queries
// on the same thread meanwhile), and doing so changes nothing in what they write. The assertions
// count interleavings (callbacks that ran while the work was in progress), never milliseconds, so
// they hold on a slow or busy machine.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Database } from '../database.js';
import { find } from '../query/find.js';
import { rebuildNameIndex } from '../query/name-index-rebuild.js';
import { YieldBudget } from '../core/yield-budget.js';
import { makeTempDir } from '../testing/temp-dir.js';
import {
  linkWorkspace,
  requireWorkspace,
  syncWorkspace,
  unlinkWorkspace,
  type SyncProgress,
} from './index.js';

const fileCount = 150;
const fixedNow = (): Date => new Date('2026-01-01T00:00:00Z');

/** A chain of small modules, each importing and calling the previous one. */
function writeWorkspace(root: string, edit = ''): void {
  mkdirSync(join(root, 'src'), { recursive: true });
  for (let index = 0; index < fileCount; index++) {
    const previous = index === 0 ? '' : `import { f${index - 1} } from './m${index - 1}.js';\n`;
    const call = index === 0 ? 'x' : `f${index - 1}(x)`;
    writeFileSync(
      join(root, `src/m${index}.ts`),
      `${previous}export function f${index}(x: number): number {\n  return ${call} + helper${index}(x);\n}\n` +
        `function helper${index}(x: number): number {\n  return x * ${index};\n}\n` +
        `export class C${index} {\n  run(): number {\n    return f${index}(1);\n  }\n}\n${edit}`,
    );
  }
}

/** Everything stored, as comparable text (sequence numbers depend on batch boundaries: left out). */
function contents(db: Database): { blocks: string[]; edges: string[] } {
  const blocks = [...db.scanBlocks()].map((block) =>
    JSON.stringify([block.id, block.sourceUri, block.metadata, block.content]),
  );
  const edges = [...db.scanEdges()].map((edge) =>
    JSON.stringify([edge.source, edge.type, edge.target, edge.properties ?? {}]),
  );
  return { blocks: blocks.sort(), edges: edges.sort() };
}

/**
 * Runs `work` while a chain of immediates counts the event-loop turns it lets through, only
 * counting turns while `counting()` holds; each turn also reads the database, as a query would.
 */
async function interleaved<T>(
  db: Database,
  work: () => Promise<T>,
  counting: () => boolean = () => true,
): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let running = true;
  const tick = (): void => {
    if (!running) return;
    if (counting()) turns++;
    find({ graph: db }, { name: 'f1' }); // must not fail on a half-written graph
    setImmediate(tick);
  };
  setImmediate(tick);
  try {
    return { result: await work(), turns };
  } finally {
    running = false;
  }
}

describe('cooperative link and sync', () => {
  it('yields during resolve and write when the budget is spent, and writes the same graph', async (t) => {
    const root = makeTempDir(t);
    writeWorkspace(root);
    const runs = [];
    for (const yieldEveryMs of [0, Number.POSITIVE_INFINITY]) {
      const db = Database.open(makeTempDir(t));
      let phase: SyncProgress['phase'] = 'scan';
      const link = await interleaved(
        db,
        () =>
          linkWorkspace(db, root, 'w', {
            workers: 0,
            now: fixedNow,
            yieldEveryMs,
            onProgress: (progress) => (phase = progress.phase),
          }),
        () => phase === 'resolve' || phase === 'write',
      );
      runs.push({ db, turns: link.turns, report: link.result });
    }
    const [cooperative, blocking] = runs as [(typeof runs)[0], (typeof runs)[0]];
    // Resolution steps once per file, writing once per batch: at least one turn per file.
    assert.ok(cooperative.turns >= fileCount, `expected ≥ ${fileCount} turns, saw ${cooperative.turns}`);
    assert.equal(blocking.turns, 0, 'without a budget, resolve and write run in one stretch');
    assert.ok(cooperative.report.blocks.total > fileCount * 3);
    assert.deepEqual(contents(cooperative.db), contents(blocking.db));

    // An incremental sync after an edit of every file, and an unlink, also agree.
    writeWorkspace(root, 'export const edited = 1;\n');
    for (const [run, yieldEveryMs] of [
      [cooperative, 0],
      [blocking, Number.POSITIVE_INFINITY],
    ] as const) {
      const sync = await interleaved(run.db, () =>
        syncWorkspace(run.db, requireWorkspace(run.db, 'w'), { workers: 0, now: fixedNow, yieldEveryMs }),
      );
      assert.equal(sync.result.files.changed, fileCount);
      if (yieldEveryMs === 0) assert.ok(sync.turns >= fileCount, `sync: ${sync.turns} turns`);
    }
    assert.deepEqual(contents(cooperative.db), contents(blocking.db));

    const unlink = await interleaved(cooperative.db, () =>
      unlinkWorkspace(cooperative.db, 'w', { yieldEveryMs: 0 }),
    );
    await unlinkWorkspace(blocking.db, 'w', { yieldEveryMs: Number.POSITIVE_INFINITY });
    assert.ok(unlink.turns > 10, `unlink: ${unlink.turns} turns`);
    assert.deepEqual(contents(cooperative.db), contents(blocking.db));
    cooperative.db.close();
    blocking.db.close();
  });

  it('rebuilds the name index in steps, with the same result', async (t) => {
    const root = makeTempDir(t);
    writeWorkspace(root);
    const db = Database.open(makeTempDir(t));
    await linkWorkspace(db, root, 'w', { workers: 0, now: fixedNow });
    const linked = contents(db);
    const rebuild = await interleaved(db, () => rebuildNameIndex(db, new YieldBudget(0)));
    assert.ok(rebuild.turns > 10, `rebuild: ${rebuild.turns} turns`);
    assert.deepEqual(contents(db), linked, 'a rebuild reproduces the index the link wrote');
    db.close();
  });
});
