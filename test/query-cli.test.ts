// Black-box tests of the query commands: a fixture database is written with the library, then the
// built binary answers questions about it. Run `npx tsc -p tsconfig.build.json` first.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Database } from '../src/database.js';
import { acquireLockFile } from '../src/vfs/node-lock.js';
import { GraphFixture, acceptanceGraph } from '../src/testing/graph-fixture.js';
import { makeTempDir } from '../src/testing/temp-dir.js';
import { kausal, type KausalRun } from './helpers/kausal.js';

type Run = KausalRun;

const hint = "Run 'kausal help' for usage information";

function assertNoStackTrace(run: Run, label: string): void {
  assert.doesNotMatch(run.stderr, /\n\s+at /, `${label}: stack trace in ${run.stderr.slice(0, 300)}`);
  assert.doesNotMatch(run.stderr, /Internal error/, `${label}: ${run.stderr.slice(0, 300)}`);
}

/** A database in `directory` of `count` one-function modules, closed (its memtable in a table). */
function manyEntities(directory: string, count: number): string {
  const db = Database.open(directory);
  const fixture = new GraphFixture('big');
  for (let index = 0; index < count; index++) {
    fixture.entity({ file: `src/m${index}.ts`, kind: 'function', name: `f${index}`, line: 1 });
  }
  fixture.write(db);
  db.close();
  return directory;
}

describe('kausal query commands', () => {
  let dataDir = '';
  const q = (args: readonly string[]): Run => kausal([...args, '--data-dir', dataDir]);

  let root = '';
  after(() => rmSync(root, { recursive: true, force: true }));

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'kausal-query-cli-'));
    dataDir = join(root, 'db');
    const db = Database.open(dataDir);
    acceptanceGraph().fixture.write(db);
    const extra = new GraphFixture('demo');
    extra.entity({ file: 'lib/a.py', kind: 'function', name: 'dup', line: 1 });
    extra.entity({ file: 'lib/b.py', kind: 'function', name: 'dup', line: 2 });
    extra.entity({ file: 'evil/\u001b[31mred.py', kind: 'function', name: 'evil\u0007name', line: 1 });
    extra.write(db);
    db.close();
  });

  it('show --relation callers --target helper_function lists main', () => {
    const run = q(['show', '--relation', 'callers', '--target', 'helper_function']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /^✓ Found 1 caller of helper_function \(function, main\.py:4\):\n└─ main {2}function {2}main\.py:10 {2}· call at main\.py:11 · lexical 1\.00\n/,
    );
    assert.match(run.stdout, /0 unresolved call sites in scope\nfreshness: demo unknown\n$/);
  });

  it('trace --direction callees --target main --depth 2 draws the four callees as a tree', () => {
    const run = q(['trace', '--direction', 'callees', '--target', 'main', '--depth', '2']);
    assert.equal(run.code, 0, run.stderr);
    const tree = run.stdout
      .split('\n')
      .slice(1, 6)
      .map((line) => line.replace(/ {2}·.*$/, ''));
    assert.deepEqual(tree, [
      'main  function  main.py:10',
      '├─ helper_function  function  main.py:4',
      '│  └─ calculate_value  function  main.py:1',
      '└─ utility_function  function  utils.py:4',
      '   └─ add_numbers  function  utils.py:1',
    ]);
    assert.match(run.stdout, /^note: the name also matches main \(module, main\.py:1\)/);
  });

  it('find answers in text, JSON and CSV', () => {
    const text = q(['find', '--name', 'add_numbers']);
    assert.equal(text.code, 0);
    assert.match(
      text.stdout,
      /✓ Found 1 entity matching 'add_numbers':\n {2}add_numbers {2}function {4}utils\.py:1/,
    );
    const json = JSON.parse(q(['find', '--name', 'mai', '--match', 'prefix', '--json']).stdout) as Record<
      string,
      unknown
    >;
    assert.equal(json['schema'], 'kausal.find/1');
    assert.equal(json['total'], 2);
    assert.deepEqual(Object.keys(json).sort(), [
      'complete',
      'honesty',
      'indexPresent',
      'query',
      'results',
      'schema',
      'status',
      'suggestions',
      'total',
      'truncated',
      'workspacesLinked',
    ]);
    const csv = q(['find', '--name', 'main', '--format', 'csv']);
    assert.equal(
      csv.stdout.split('\r\n')[0],
      'name,qualified_name,kind,file,line,line_end,workspace,language,match,id',
    );
    assert.equal(csv.stdout.split('\r\n').length, 4);
    // --kind is --type under the name the answers use.
    for (const flag of ['--type', '--kind']) {
      const modules = q(['find', '--name', 'main', flag, 'module', '--format', 'csv']);
      assert.equal(modules.code, 0, modules.stderr);
      assert.deepEqual(
        modules.stdout
          .trim()
          .split('\r\n')
          .slice(1)
          .map((line) => line.split(',')[2]),
        ['module'],
      );
    }
    assert.equal(q(['find', '--name', 'main', '--type', 'module', '--kind', 'function']).code, 2);
    const none = q(['find', '--name', 'mai']);
    assert.equal(none.code, 0);
    assert.match(none.stdout, /No entities match 'mai' \(exact\)\. Did you mean 'main'\?/);
  });

  it('path, context and export answer', () => {
    const path = q(['path', '--from', 'main', '--to', 'add_numbers']);
    assert.equal(path.code, 0, path.stderr);
    assert.match(path.stdout, /✓ 1 shortest path from main \(function, main\.py:10\) to add_numbers/);
    const none = q(['path', '--from', 'add_numbers', '--to', 'main', '--max-depth', '3']);
    assert.equal(none.code, 0);
    assert.match(none.stdout, /^No call path from add_numbers .* within depth 3\./);
    const context = q(['context', '--target', 'main', '--budget-tokens', '150']);
    assert.equal(context.code, 0, context.stderr);
    assert.match(context.stdout, /^# Context: main \(function\)/);
    assert.ok(context.stdout.length <= 600);
    assert.match(q(['export', '--workspace', 'demo', '--format', 'dot']).stdout, /^digraph kausal \{\n/);
    assert.match(
      q(['export', '--target', 'helper_function', '--depth', '1', '--format', 'mermaid']).stdout,
      /^flowchart LR\n/,
    );
    const json = JSON.parse(q(['export', '--json']).stdout) as { schema: string; nodes: unknown[] };
    assert.equal(json.schema, 'kausal.export/1');
    assert.ok(json.nodes.length >= 7);
  });

  it('lists the candidates of an ambiguous target and exits 1', () => {
    const run = q(['show', '--relation', 'callers', '--target', 'dup']);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^Error: 'dup' matches 2 entities; use a more specific --target, or --all:\n/);
    assert.match(run.stderr, /--target lib\/a\.py:dup +function +lib\/a\.py:1/);
    const json = q(['trace', '--direction', 'callers', '--target', 'dup', '--json']);
    assert.equal(json.code, 1);
    const answer = JSON.parse(json.stdout) as { status: string; candidates: { selector: string }[] };
    assert.equal(answer.status, 'ambiguous');
    assert.deepEqual(
      answer.candidates.map((c) => c.selector),
      ['lib/a.py:dup', 'lib/b.py:dup'],
    );
    assert.equal(q(['show', '--relation', 'callers', '--target', 'dup', '--all']).code, 0);
    const missing = q(['show', '--relation', 'callers', '--target', 'helper_functon']);
    assert.equal(missing.code, 1);
    assert.equal(
      missing.stderr,
      "Error: no entity matches 'helper_functon'; did you mean 'helper_function'?\n",
    );
  });

  it('shows names from the codebase with control characters escaped', () => {
    const run = q(['find', '--name', 'evil\u0007name']);
    assert.equal(run.code, 0);
    assert.ok(!run.stdout.includes('\u001b') && !run.stdout.includes('\u0007'), JSON.stringify(run.stdout));
    assert.match(run.stdout, /evil\\u0007name/);
  });

  it('uses the original usage error messages, exit code 2', () => {
    const cases: [string[], string][] = [
      [['show', '--relation', 'callers'], 'Missing required argument: --target'],
      [['show', '--target', 'x'], 'Missing required argument: --relation'],
      [
        ['trace', '--direction', 'callers', '--target', 'x', '--depth', '0'],
        'Invalid argument: --depth must be an integer between 1 and 100',
      ],
      [
        ['trace', '--direction', 'callers', '--target', 'x', '--depth', '-5'],
        'Invalid argument: --depth must be an integer between 1 and 100',
      ],
      [
        ['trace', '--direction', 'callers', '--target', 'x', '--depth', 'ten'],
        'Invalid argument: --depth must be an integer between 1 and 100',
      ],
      [
        ['trace', '--direction', 'callers', '--target', 'x', '--depth', '99999999999999999999'],
        'Invalid argument: --depth must be an integer between 1 and 100',
      ],
      [
        ['trace', '--direction', 'sideways', '--target', 'x'],
        'Invalid argument: --direction must be one of callers, callees',
      ],
      [
        ['find', '--name', 'x', '--max-results', '0'],
        'Invalid argument: --max-results must be an integer between 1 and 10000',
      ],
      [
        ['find', '--name', 'x', '--match', 'regex'],
        'Invalid argument: --match must be one of exact, prefix, fuzzy',
      ],
      [['find', '--name', ''], 'Invalid argument: --name must not be empty'],
      [['show', '--relation', 'callers', '--target', '  '], 'Invalid argument: --target must not be empty'],
      [
        ['find', '--name', 'x', '--json', '--format', 'csv'],
        'Invalid argument: --json conflicts with --format csv',
      ],
      [['find', '--name', 'x', '--bogus'], 'Unknown option: --bogus'],
      [
        ['context', '--target', 'x', '--budget-tokens', '5'],
        'Invalid argument: --budget-tokens must be an integer between 100 and 1000000',
      ],
      [['export', '--format', 'png'], 'Invalid argument: --format must be one of json, dot, mermaid'],
      [['find', '--name', 'src/a.ts:'], 'Invalid argument: name "src/a.ts:" has no name part'],
    ];
    for (const [args, message] of cases) {
      const run = q(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.equal(run.stderr, `${message}\n${hint}\n`, args.join(' '));
      assert.equal(run.stdout, '');
    }
  });

  it('never crashes on hostile input', () => {
    // (A NUL byte cannot travel through argv at all, so \u0001 stands in for control bytes.)
    const hostile = [
      ' ',
      '\u0001',
      '\u001b[2J',
      'x'.repeat(100_000),
      '💥'.repeat(300),
      '::',
      '-1',
      '__proto__',
      'constructor',
    ];
    for (const value of hostile) {
      for (const args of [
        ['find', '--name', value, '--match', 'fuzzy'],
        ['show', '--relation', 'callers', '--target', value],
        ['trace', '--direction', 'callees', '--target', value, '--json'],
        ['path', '--from', 'main', '--to', value],
        ['show', '--relation', value, '--target', 'main', '--workspace', value],
      ]) {
        const run = q(args);
        const label = `${args[0]} ${JSON.stringify(value.slice(0, 20))}`;
        assert.ok([0, 1, 2].includes(run.code), `${label}: exit ${run.code}`);
        assertNoStackTrace(run, label);
        assert.ok(run.stderr.length < 2000, `${label}: ${run.stderr.length} bytes of stderr`);
      }
    }
  });

  it('does not create a database where there is none', (t) => {
    const root = makeTempDir(t);
    const missing = join(root, 'nothing-here');
    for (const args of [
      ['find', '--name', 'x'],
      ['show', '--relation', 'callers', '--target', 'x'],
      ['export'],
    ]) {
      const run = kausal([...args, '--data-dir', missing]);
      assert.equal(run.code, 1);
      assert.equal(run.stderr, `Error: no database at ${missing}; run 'kausal link --path <dir>' first\n`);
      assert.equal(existsSync(missing), false);
    }
    const empty = kausal(['find', '--name', 'x'], { KAUSAL_DATA_DIR: root });
    assert.equal(empty.code, 1, 'an existing directory without a database is not one');
    assert.match(empty.stderr, /^Error: no database at /);
  });

  it('says who holds the database and what to do when it stays locked for a write', (t) => {
    const directory = makeTempDir(t);
    const holder = Database.open(directory); // this test process holds the lock meanwhile
    try {
      // A query would read a snapshot (above); a write waits its turn, then gives up.
      const run = kausal(['unlink', '--name', 'x', '--data-dir', directory]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^Error: lock .* failed: it is in use by node .* \(pid \d+ on host /);
      assert.match(run.stderr, /wait for it to finish/);
      assert.match(run.stderr, /'kausal server start'/);
    } finally {
      holder.close();
    }
  });

  it('stops quietly when the reader of its output goes away (kausal export | head)', async (t) => {
    const directory = manyEntities(makeTempDir(t), 3_000);
    const binary = fileURLToPath(new URL('../bin/kausal.js', import.meta.url));
    const child = spawn(process.execPath, [binary, 'export', '--format', 'json', '--data-dir', directory], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Read the first chunk, then hang up, as `head` does (the answer is megabytes: far past a pipe).
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '', 'no stack trace, no message');
    assert.equal(code, 0);
  });

  it('reports a damaged table file with what to do, and no stack trace', (t) => {
    const directory = manyEntities(makeTempDir(t), 2_000);
    const table = readdirSync(directory).find((name) => name.endsWith('.sst'));
    assert.ok(table !== undefined, 'closing wrote the memtable to a table');
    const bytes = readFileSync(join(directory, table));
    const at = bytes.length >> 2; // inside a data block: the metadata is at the end
    bytes[at] = (bytes[at] as number) ^ 0xff;
    writeFileSync(join(directory, table), bytes);
    const run = kausal(['export', '--format', 'json', '--data-dir', directory]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^Error: corrupt data in .*\.sst at offset \d+: data block checksum\nThe database files are damaged .* run 'kausal link --path <dir>' again for each workspace\.\n$/,
    );
  });

  it('answers from a snapshot while another process holds the database, and says so', () => {
    // This test process takes the lock, as a long link in another process would, and writes a
    // batch that only its log holds: a query must neither wait nor fail, and must see it.
    const writer = Database.open(dataDir);
    try {
      const late = new GraphFixture('late');
      late.entity({ file: 'late.py', kind: 'function', name: 'written_while_locked', line: 1 });
      late.write(writer);
      const run = q(['find', '--name', 'written_while_locked']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /written_while_locked +function +late\.py:1/);
      assert.match(run.stderr, /holds the database; this answer was read from a snapshot/);
      const json = q(['find', '--name', 'helper_function', '--json']);
      assert.equal(json.code, 0, json.stderr);
      assert.equal(
        (JSON.parse(json.stdout) as { results: unknown[] }).results.length,
        1,
        'stdout stays JSON',
      );
    } finally {
      writer.close();
    }
  });

  it('adds no note to an answer read from a snapshot while another query holds the database', () => {
    // A query only reads, so what it holds is what a snapshot shows: saying so would be noise. This
    // process takes the lock in the name \`kausal find\`, as a concurrent query's would be.
    const lockPath = join(dataDir, 'LOCK');
    const lock = acquireLockFile(lockPath, 'kausal find');
    const record = readFileSync(lockPath, 'utf8');
    try {
      const run = q(['find', '--name', 'helper_function']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /✓ Found 1 entity/);
      assert.equal(run.stderr, '');
      // Had the lock read as stale, the query would have taken it (and rewritten the file).
      assert.equal(readFileSync(lockPath, 'utf8'), record, 'read from a snapshot, not under the lock');
    } finally {
      lock.release();
    }
  });

  it('rebuilds the name index on request', (t) => {
    const root = makeTempDir(t);
    const db = Database.open(root);
    db.putBlock({
      id: 'a'.repeat(32),
      sourceUri: 'file://x.ts#L1-2',
      metadata: {
        workspace: 'w',
        kind: 'function',
        name: 'lonely',
        qualifiedName: 'lonely',
        file: 'x.ts',
        lineStart: 1,
        lineEnd: 2,
      },
      content: '',
    });
    db.close();
    const before = kausal(['find', '--name', 'lonely', '--data-dir', root]);
    assert.match(
      before.stdout,
      /No workspace is linked in this database and it has no name index; run 'kausal link --path <dir>' \(or 'kausal reindex' if its blocks were written through the library\)\./,
    );
    const show = kausal(['show', '--relation', 'callers', '--target', 'lonely', '--data-dir', root]);
    assert.equal(show.code, 1);
    assert.match(
      show.stderr,
      /^Error: nothing matches 'lonely': no workspace is linked in this database and it has no name index/,
    );
    const reindex = kausal(['reindex', '--data-dir', root]);
    assert.equal(reindex.code, 0, reindex.stderr);
    assert.match(reindex.stdout, /^✓ Indexed 1 entities/);
    assert.match(kausal(['find', '--name', 'lonely', '--data-dir', root]).stdout, /✓ Found 1 entity/);
  });

  it('loads no parser, socket, worker or MCP code for a query, and few bundle files', (t) => {
    const bundle = fileURLToPath(new URL('../dist/cli-bundle/main.js', import.meta.url));
    if (!existsSync(bundle)) {
      t.skip('no CLI bundle: npm test builds it');
      return;
    }
    // A module-resolution hook (it runs in a loader thread) logs every module the process loads.
    const directory = makeTempDir(t);
    const log = join(directory, 'modules.log');
    writeFileSync(
      join(directory, 'hook.mjs'),
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, resolved.url + '\\n');
  return resolved;
}`,
    );
    writeFileSync(
      join(directory, 'register.mjs'),
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(directory, 'hook.mjs')).href)});\n`,
    );
    const binary = fileURLToPath(new URL('../bin/kausal.js', import.meta.url));
    for (const args of [
      ['find', '--name', 'main'],
      ['show', '--relation', 'callers', '--target', 'helper_function'],
      ['trace', '--direction', 'callees', '--target', 'main', '--depth', '2'],
    ]) {
      writeFileSync(log, '');
      const run = spawnSync(
        process.execPath,
        [
          '--import',
          pathToFileURL(join(directory, 'register.mjs')).href,
          binary,
          ...args,
          '--data-dir',
          dataDir,
        ],
        { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
      );
      assert.equal(run.status, 0, run.stderr);
      const loaded = [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))];
      const heavy = loaded.filter((url) =>
        /web-tree-sitter|tree-sitter-|modelcontextprotocol|zod|^node:(net|child_process|worker_threads)$/.test(
          url,
        ),
      );
      assert.deepEqual(heavy, [], `${args[0]} loaded ${heavy.join(', ')}`);
      // Each file is a resolve, a read and a link of its own: a query once loaded some forty.
      const files = loaded.filter((url) => url.includes('/dist/'));
      assert.ok(
        files.some((url) => url.endsWith('/dist/cli-bundle/main.js')),
        `the hook saw the bundle load: ${loaded.join(', ')}`,
      );
      assert.ok(files.length <= 12, `${args[0]} loaded ${files.length} files of dist/`);
    }
  });
});
