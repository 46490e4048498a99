// Black-box tests of link, sync, status and unlink through the real binary.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { limits } from '../src/core/limits.js';
import { Database } from '../src/database.js';
import { pendingWritesOperations } from '../src/workspace/pending-writes.js';
import { makeTempDir } from '../src/testing/temp-dir.js';
import { kausal } from './helpers/kausal.js';

const fixture = fileURLToPath(new URL('./fixtures/typescript/acceptance', import.meta.url));
const binary = fileURLToPath(new URL('../bin/kausal.js', import.meta.url));

/** Runs the real binary, sending SIGINT after `afterMs`; resolves with how and how soon it ended. */
function interrupted(
  args: readonly string[],
  afterMs: number,
): Promise<{ code: number | null; signal: string | null; msAfterSignal: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binary, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let sentAt = Number.POSITIVE_INFINITY;
    const timer = setTimeout(() => {
      sentAt = performance.now();
      child.kill('SIGINT');
    }, afterMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, msAfterSignal: performance.now() - sentAt });
    });
  });
}

describe('kausal link / sync / status / unlink', () => {
  it('parses in worker threads when the project is large enough (the worker script is found)', (t) => {
    const root = makeTempDir(t);
    const files = limits.ingestInThreadFilesMax + 20;
    for (let index = 0; index < files; index++) {
      writeFileSync(join(root, `m${index}.py`), `def f${index}():\n    return ${index}\n`);
    }
    const data = makeTempDir(t);
    const link = kausal([
      'link',
      '--path',
      root,
      '--name',
      'many',
      '--workers',
      '2',
      '--json',
      '--data-dir',
      data,
    ]);
    assert.equal(link.code, 0, link.stderr);
    const report = JSON.parse(link.stdout) as {
      files: { total: number; skipped: number };
      blocks: { total: number };
      warnings: string[];
    };
    // A worker that cannot start is replaced by parsing here, which the report would name.
    assert.deepEqual(report.warnings, [], 'the workers did the parsing');
    assert.equal(report.files.total, files);
    assert.equal(report.files.skipped, 0);
    assert.equal(report.blocks.total, files * 2, 'a module and a function per file');
  });

  it('links a project, reports freshness, syncs an edit and unlinks', (t) => {
    const root = makeTempDir(t);
    cpSync(fixture, root, { recursive: true });
    const data = makeTempDir(t);
    const link = kausal(['link', '--path', root, '--name', 'demo', '--data-dir', data]);
    assert.equal(link.code, 0, link.stderr);
    assert.match(link.stdout, /✓ Linked demo/);
    assert.ok(!link.stdout.includes('\u001b'), 'no escape codes when stdout is not a terminal');

    const status = JSON.parse(kausal(['status', '--json', '--data-dir', data]).stdout) as {
      workspaces: { name: string; files: number; changes: { modified: number } }[];
    };
    assert.equal(status.workspaces[0]?.name, 'demo');
    assert.ok((status.workspaces[0]?.files ?? 0) >= 2);
    assert.equal(status.workspaces[0]?.changes.modified, 0);

    const firstFile = kausal(['status', '--data-dir', data]).stdout;
    assert.match(firstFile, /up to date/);

    writeFileSync(join(root, 'extra.ts'), 'export function extra(): number {\n  return 1;\n}\n');
    assert.match(kausal(['status', '--data-dir', data]).stdout, /stale: 0 modified, 1 added/);
    const sync = JSON.parse(kausal(['sync', '--json', '--data-dir', data]).stdout) as {
      files: { added: number };
    }[];
    assert.equal(sync[0]?.files.added, 1);
    assert.match(kausal(['status', '--data-dir', data]).stdout, /up to date/);

    const unlink = kausal(['unlink', '--name', 'demo', '--data-dir', data]);
    assert.equal(unlink.code, 0, unlink.stderr);
    assert.match(kausal(['status', '--data-dir', data]).stdout, /No workspace is linked/);
  });

  it('says a workspace is syncing when another process writes it, and interrupted once that stopped', (t) => {
    const root = makeTempDir(t);
    cpSync(fixture, root, { recursive: true });
    const data = makeTempDir(t);
    assert.equal(kausal(['link', '--path', root, '--name', 'demo', '--data-dir', data]).code, 0);
    // This process plays a sync on its way: it holds the database and has recorded what it may
    // write (pending-writes.ts), as a running link or sync has.
    const writer = Database.open(data);
    let closed = false;
    t.after(() => {
      if (!closed) writer.close();
    });
    writer.write(pendingWritesOperations(writer, 'demo', { ids: [], paths: ['main.ts'], names: [] }));
    const during = kausal(['find', '--name', 'main', '--data-dir', data]);
    assert.equal(during.code, 0, during.stderr);
    assert.match(during.stderr, /holds the database; this answer was read from a snapshot/);
    assert.match(during.stdout, /freshness: demo syncing \(another process is writing it/);
    assert.match(
      kausal(['status', '--data-dir', data]).stdout,
      /\n {2}syncing: a link or sync in another process/,
    );
    writer.close(); // the "sync" stops without finishing: its record stays
    closed = true;
    const after = kausal(['find', '--name', 'main', '--data-dir', data]);
    assert.equal(after.code, 0, after.stderr);
    assert.doesNotMatch(after.stderr, /snapshot/);
    assert.match(after.stdout, /freshness: demo interrupted \(the last link or sync did not finish/);
  });

  it('reports the files it skipped and those it indexed only in part', (t) => {
    const root = makeTempDir(t);
    writeFileSync(join(root, 'ok.ts'), 'export function ok(): number {\n  return 1;\n}\n');
    writeFileSync(join(root, 'blob.ts'), Buffer.from([0x00, 0x01, 0x02, 0x00, 0xff, 0x00]));
    writeFileSync(join(root, 'broken.ts'), 'export function broken( {\n  return 2;\n');
    const link = kausal(['link', '--path', root, '--name', 'mixed', '--data-dir', makeTempDir(t)]);
    assert.equal(link.code, 0, link.stderr);
    assert.match(
      link.stdout,
      /\n {2}1 file skipped \(binary, minified, too large, unreadable\), 1 with syntax errors \(partly indexed\)\n/,
    );
  });

  it('follows a workspace directory that moved when it is linked again at its new place', (t) => {
    const parent = makeTempDir(t);
    const root = join(parent, 'old-place');
    cpSync(fixture, root, { recursive: true });
    const data = makeTempDir(t);
    assert.equal(kausal(['link', '--path', root, '--name', 'demo', '--data-dir', data]).code, 0);
    const moved = join(parent, 'new-place');
    renameSync(root, moved);
    assert.match(
      kausal(['status', '--data-dir', data]).stdout,
      /old-place {2}\(directory missing; if it moved: kausal link --path <new place> --name demo\)\n/,
    );
    const sync = kausal(['sync', 'demo', '--data-dir', data]);
    assert.equal(sync.code, 1);
    assert.match(
      sync.stderr,
      /no longer a directory; restore it, point the workspace at where it moved with 'kausal link --path <new place> --name demo'/,
    );
    const link = kausal(['link', '--path', moved, '--name', 'demo', '--data-dir', data]);
    assert.equal(link.code, 0, link.stderr);
    assert.match(
      link.stdout,
      /^✓ Moved demo \(.*new-place\) in [\d.]+ s\n {2}moved from .*old-place: the graph carried over, only changed files were read\n/,
    );
    assert.match(link.stdout, /\(0 added, 0 changed, 0 deleted, \d+ unchanged\)/);
    const status = kausal(['status', '--data-dir', data]).stdout;
    assert.match(status, /^demo {2}.*new-place\n/m, 'the new place is stored even when no file changed');
    assert.match(status, /up to date/);
    const callers = kausal([
      'show',
      '--relation',
      'callers',
      '--target',
      'helper_function',
      '--data-dir',
      data,
    ]);
    assert.equal(callers.code, 0, callers.stderr);
  });

  it("runs a link again with a larger heap when Node's runs short, and finishes it", (t) => {
    // About 36,000 entities and 108,000 edges: several times what a 64 MiB heap holds.
    const root = makeTempDir(t);
    for (let file = 0; file < 300; file++) {
      const lines: string[] = [];
      for (let fn = 0; fn < 120; fn++) {
        lines.push(
          `def f${file}_${fn}(x):\n    return f${file}_${(fn + 1) % 120}(x) + g${(file + 1) % 300}(x)\n`,
        );
      }
      lines.push(`def g${file}(x):\n    return x\n`);
      writeFileSync(join(root, `m${file}.py`), lines.join('\n'));
    }
    const data = makeTempDir(t);
    const run = spawnSync(
      process.execPath,
      [
        '--max-old-space-size=64',
        binary,
        'link',
        '--path',
        root,
        '--name',
        'big',
        '--json',
        '--data-dir',
        data,
      ],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /heap of \d+ MiB is too small for this; running it again with \d+ MiB/);
    const report = JSON.parse(run.stdout) as { files: { total: number }; blocks: { total: number } };
    assert.equal(report.files.total, 300);
    assert.equal(report.blocks.total, 300 * 122);
    const status = kausal(['status', '--json', '--data-dir', data]);
    const [workspace] = (
      JSON.parse(status.stdout) as { workspaces: { name: string; interrupted: boolean }[] }
    ).workspaces;
    assert.deepEqual([workspace?.name, workspace?.interrupted], ['big', false]);
  });

  it('counts one file, block or edge in the singular', (t) => {
    const root = makeTempDir(t);
    writeFileSync(join(root, 'one.py'), 'def one():\n    return 1\n');
    const data = makeTempDir(t);
    assert.equal(kausal(['link', '--path', root, '--name', 'solo', '--data-dir', data]).code, 0);
    assert.match(
      kausal(['status', '--data-dir', data]).stdout,
      /\n {2}1 file, 2 blocks, \d+ edges?, 0 unresolved call sites\n/,
    );
    const unlink = kausal(['unlink', '--name', 'solo', '--data-dir', data]);
    assert.match(unlink.stdout, /removed 2 blocks and \d+ edges? from 1 file\n$/);
  });

  it('says when nothing was found in a workspace edited since its sync', (t) => {
    const root = makeTempDir(t);
    cpSync(fixture, root, { recursive: true });
    const data = makeTempDir(t);
    assert.equal(kausal(['link', '--path', root, '--name', 'demo', '--data-dir', data]).code, 0);
    const before = kausal(['show', '--relation', 'callers', '--target', 'laterFn', '--data-dir', data]);
    assert.equal(before.code, 1);
    assert.equal(before.stderr, "Error: no entity matches 'laterFn'\n", 'nothing changed: no note');

    writeFileSync(join(root, 'utils.ts'), 'export function laterFn(): number {\n  return 2;\n}\n', {
      flag: 'a',
    });
    const after = kausal(['show', '--relation', 'callers', '--target', 'laterFn', '--data-dir', data]);
    assert.equal(after.code, 1);
    assert.match(
      after.stderr,
      /no entity matches 'laterFn'\nnote: 1 file of workspace demo changed since its last sync; run 'kausal sync demo' and ask again\n$/,
    );
    const find = kausal(['find', '--name', 'laterFn', '--data-dir', data]);
    assert.match(
      find.stdout,
      /freshness: demo stale \(synced [^)]+\): 1 file changed since; run 'kausal sync demo'\n$/,
    );

    assert.equal(kausal(['sync', 'demo', '--data-dir', data]).code, 0);
    const synced = kausal(['show', '--relation', 'callers', '--target', 'laterFn', '--data-dir', data]);
    assert.equal(synced.code, 0, synced.stderr);
  });

  it('tells a checkout moved by commits elsewhere in the repository from one that needs a sync', (t) => {
    // A workspace in a subdirectory of a git checkout (a .git written by hand: no git binary).
    const repository = makeTempDir(t);
    const root = join(repository, 'service');
    cpSync(fixture, root, { recursive: true });
    mkdirSync(join(repository, '.git'));
    writeFileSync(join(repository, '.git', 'HEAD'), `${'a'.repeat(40)}\n`);
    const data = makeTempDir(t);
    assert.equal(kausal(['link', '--path', root, '--name', 'svc', '--data-dir', data]).code, 0);
    writeFileSync(join(repository, '.git', 'HEAD'), `${'b'.repeat(40)}\n`);
    const untouched = kausal(['status', '--data-dir', data]).stdout;
    assert.match(untouched, /the checkout is now at bbbbbbbbbbbb, with no file of this workspace changed/);
    assert.doesNotMatch(untouched, /run 'kausal sync/);
    writeFileSync(join(root, 'extra.ts'), 'export const extra = 1;\n');
    assert.match(
      kausal(['status', '--data-dir', data]).stdout,
      /the checkout is now at bbbbbbbbbbbb: run 'kausal sync svc'/,
    );
  });

  it('answers usage and runtime errors clearly', (t) => {
    const data = makeTempDir(t);
    const missing = kausal(['link', '--data-dir', data]);
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /^Missing required argument: --path\nRun 'kausal help' for usage information\n$/,
    );
    const nowhere = kausal(['link', '--path', join(data, 'nope'), '--data-dir', data]);
    assert.equal(nowhere.code, 1);
    assert.match(nowhere.stderr, /no such directory/);
    const moved = makeTempDir(t);
    cpSync(fixture, moved, { recursive: true });
    assert.equal(kausal(['link', '--path', moved, '--name', 'moved', '--data-dir', data]).code, 0);
    rmSync(moved, { recursive: true, force: true });
    const vanished = kausal(['sync', 'moved', '--data-dir', data]);
    assert.equal(vanished.code, 1);
    assert.match(
      vanished.stderr,
      /is no longer a directory; restore it, point the workspace at where it moved with 'kausal link --path <new place> --name moved' \(the graph carries over\), or run 'kausal unlink --name moved'/,
    );
    const noDatabase = kausal(['sync', '--data-dir', join(data, 'empty')]);
    assert.equal(noDatabase.code, 1);
    assert.match(noDatabase.stderr, /no database at .*kausal link --path/);
    const badName = kausal(['unlink', '--name', 'ghost', '--data-dir', data]);
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /no workspace named "ghost"/);
  });

  it('a link stopped by Ctrl-C stops at once, and one more command leaves the whole workspace', async (t) => {
    const root = makeTempDir(t);
    const files = 600;
    for (let index = 0; index < files; index++) {
      const body = Array.from(
        { length: 20 },
        (_, fn) => `def f${index}_${fn}():\n    return f${index}_${(fn + 1) % 20}()\n`,
      );
      writeFileSync(join(root, `m${index}.py`), body.join('\n'));
    }
    const data = makeTempDir(t);
    const stopped = await interrupted(['link', '--path', root, '--name', 'big', '--data-dir', data], 1500);
    // A fast machine may have finished first; otherwise the signal ended the process.
    assert.ok(stopped.code === 0 || stopped.signal === 'SIGINT', JSON.stringify(stopped));
    // Not when the link is done: a JavaScript SIGINT handler would wait for the event loop.
    if (stopped.signal === 'SIGINT') assert.ok(stopped.msAfterSignal < 1000, `${stopped.msAfterSignal} ms`);
    const status = (): { workspaces: { name: string; interrupted: boolean; files: number }[] } =>
      JSON.parse(kausal(['status', '--json', '--no-check', '--data-dir', data]).stdout) as {
        workspaces: { name: string; interrupted: boolean; files: number }[];
      };
    const registered = status().workspaces.length > 0;
    const next = registered
      ? kausal(['sync', 'big', '--data-dir', data])
      : kausal(['link', '--path', root, '--name', 'big', '--data-dir', data]);
    assert.equal(next.code, 0, next.stderr);
    const [workspace] = status().workspaces;
    assert.equal(workspace?.interrupted, false);
    assert.equal(workspace?.files, files);
  });
});
