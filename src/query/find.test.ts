import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKausalError } from '../core/errors.js';
import { limits } from '../core/limits.js';
import { GraphFixture, acceptanceGraph, openMemoryDatabase } from '../testing/graph-fixture.js';
import { find, firstSorted, type FindRequest } from './find.js';

function twoWorkspaces(): ReturnType<typeof openMemoryDatabase> {
  const db = openMemoryDatabase();
  acceptanceGraph('beta').fixture.write(db);
  const alpha = new GraphFixture('alpha');
  alpha.entity({ file: 'src/engine.ts', kind: 'class', name: 'StorageEngine', line: 1, lineEnd: 40 });
  alpha.entity({ file: 'src/engine.ts', kind: 'method', name: 'init', parent: 'StorageEngine', line: 5 });
  alpha.entity({
    file: 'src/engine.ts',
    kind: 'constructor',
    name: 'constructor',
    parent: 'StorageEngine',
    line: 3,
  });
  alpha.entity({ file: 'src/other.ts', kind: 'function', name: 'init', line: 9 });
  alpha.entity({ file: 'src/lib.rs', kind: 'method', name: 'get', qualifiedName: 'Store::get', line: 2 });
  alpha.entity({ file: 'src/limits.ts', kind: 'constant', name: 'MAX_DEPTH', line: 1 });
  alpha.entity({ file: 'src/main.ts', kind: 'function', name: 'main', line: 1 });
  alpha.write(db);
  return db;
}

function found(db: ReturnType<typeof openMemoryDatabase>, request: FindRequest): string[] {
  return find({ graph: db }, request).results.map(
    (r) => `${r.entity.workspace}:${r.entity.file}:${r.entity.qualifiedName}`,
  );
}

describe('find', () => {
  it('finds a simple name in every workspace, in the stable order', () => {
    const db = twoWorkspaces();
    assert.deepEqual(found(db, { name: 'main', kind: 'function' }), [
      'alpha:src/main.ts:main',
      'beta:main.py:main',
    ]);
    assert.deepEqual(found(db, { name: 'init' }), [
      'alpha:src/engine.ts:StorageEngine.init',
      'alpha:src/other.ts:init',
    ]);
  });

  it('finds qualified names by whole segments, and module-qualified names', () => {
    const db = twoWorkspaces();
    assert.deepEqual(found(db, { name: 'StorageEngine.init' }), ['alpha:src/engine.ts:StorageEngine.init']);
    assert.deepEqual(found(db, { name: 'Engine.init' }), [], 'a partial segment is not a qualifier');
    assert.deepEqual(found(db, { name: 'utils.add_numbers' }), ['beta:utils.py:add_numbers']);
    assert.deepEqual(found(db, { name: 'Store::get' }), ['alpha:src/lib.rs:Store::get']);
    assert.deepEqual(found(db, { name: 'Store.get' }), ['alpha:src/lib.rs:Store::get']);
  });

  it('finds file-scoped names by path or path suffix', () => {
    const db = twoWorkspaces();
    assert.deepEqual(found(db, { name: 'src/other.ts:init' }), ['alpha:src/other.ts:init']);
    assert.deepEqual(found(db, { name: 'other.ts:init' }), ['alpha:src/other.ts:init']);
    assert.deepEqual(
      found(db, { name: 'her.ts:init' }),
      [],
      'a path suffix must start at a directory boundary',
    );
    assert.deepEqual(found(db, { name: 'src/engine.ts:StorageEngine.init' }), [
      'alpha:src/engine.ts:StorageEngine.init',
    ]);
    assert.deepEqual(found(db, { name: 'src/lib.rs:Store::get' }), ['alpha:src/lib.rs:Store::get']);
  });

  it('matches exactly by default: mai does not find main, but suggests it', () => {
    const db = twoWorkspaces();
    const answer = find({ graph: db }, { name: 'mai' });
    assert.equal(answer.results.length, 0);
    assert.ok(answer.suggestions.includes('main'));
    assert.deepEqual(found(db, { name: 'Main' }), [], 'exact is case-sensitive');
  });

  it('matches prefixes case-insensitively', () => {
    const db = twoWorkspaces();
    assert.deepEqual(found(db, { name: 'MAI', match: 'prefix', kind: 'function' }), [
      'alpha:src/main.ts:main',
      'beta:main.py:main',
    ]);
    assert.deepEqual(found(db, { name: 'i', match: 'prefix' }), [
      'alpha:src/engine.ts:StorageEngine.init',
      'alpha:src/other.ts:init',
    ]);
  });

  it('matches fuzzily: typos, abbreviations and substrings, best first', () => {
    const db = twoWorkspaces();
    assert.deepEqual(found(db, { name: 'hlper_function', match: 'fuzzy' }), ['beta:main.py:helper_function']);
    assert.deepEqual(found(db, { name: 'calcval', match: 'fuzzy' }), ['beta:main.py:calculate_value']);
    const numbers = find({ graph: db }, { name: 'numbers', match: 'fuzzy' });
    assert.deepEqual(
      numbers.results.map((r) => [r.entity.name, r.match]),
      [['add_numbers', 'fuzzy']],
    );
  });

  it('filters by kind, workspace and language', () => {
    const db = twoWorkspaces();
    assert.deepEqual(found(db, { name: 'main', kind: 'module' }), [
      'alpha:src/main.ts:src/main',
      'beta:main.py:main',
    ]);
    assert.deepEqual(found(db, { name: 'main', workspace: 'alpha', kind: 'function' }), [
      'alpha:src/main.ts:main',
    ]);
    assert.deepEqual(found(db, { name: 'main', language: 'python', kind: 'function' }), [
      'beta:main.py:main',
    ]);
    assert.deepEqual(found(db, { name: 'constructor', kind: 'method' }), [
      'alpha:src/engine.ts:StorageEngine.constructor',
    ]);
    assert.deepEqual(found(db, { name: 'constructor', kind: 'constructor' }), [
      'alpha:src/engine.ts:StorageEngine.constructor',
    ]);
    assert.deepEqual(found(db, { name: 'StorageEngine', kind: 'type' }), [
      'alpha:src/engine.ts:StorageEngine',
    ]);
    assert.deepEqual(found(db, { name: 'MAX_DEPTH', kind: 'constant' }), ['alpha:src/limits.ts:MAX_DEPTH']);
    assert.deepEqual(found(db, { name: 'main', workspace: 'nowhere' }), []);
  });

  it('caps results, reports the total, and pages in a stable order', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('w');
    for (let index = 0; index < 30; index++) {
      fixture.entity({
        file: `src/f${String(index).padStart(2, '0')}.ts`,
        kind: 'function',
        name: 'run',
        line: 1,
      });
    }
    fixture.write(db);
    const first = find({ graph: db }, { name: 'run', maxResults: 10 });
    assert.equal(first.results.length, 10);
    assert.equal(first.total, 30);
    assert.equal(first.truncated, true);
    assert.deepEqual(
      first.results.map((r) => r.entity.file),
      Array.from({ length: 10 }, (_, index) => `src/f${String(index).padStart(2, '0')}.ts`),
    );
    assert.deepEqual(
      find({ graph: db }, { name: 'run', maxResults: 10 }).results,
      first.results,
      'same answer twice',
    );
  });

  it('ranks a common name only as far as the page, and fills the page past index entries whose block is gone', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('w');
    const ids = [];
    for (let index = 0; index < 300; index++) {
      // Written out of order, so the first ten in rank are spread over the index.
      const file = `src/f${String((index * 37) % 300).padStart(3, '0')}.ts`;
      ids.push({ file, id: fixture.entity({ file, kind: 'function', name: 'get', line: 1 }) });
    }
    fixture.write(db);
    const sortedFiles = ids.map((entry) => entry.file).sort();
    const page = find({ graph: db }, { name: 'get', maxResults: 10 });
    assert.deepEqual(
      page.results.map((result) => result.entity.file),
      sortedFiles.slice(0, 10),
    );
    assert.equal(page.total, 300);
    // Blocks of the first five in rank go away behind the index's back: the page takes the next.
    const gone = ids.filter((entry) => sortedFiles.slice(0, 5).includes(entry.file));
    db.write(gone.map((entry) => ({ kind: 'delete_block' as const, id: entry.id })));
    const after = find({ graph: db }, { name: 'get', maxResults: 10 });
    assert.deepEqual(
      after.results.map((result) => result.entity.file),
      sortedFiles.slice(5, 15),
    );
  });

  it('keeps the first of many in the same order as a full sort', () => {
    const numbers = Array.from({ length: 1_000 }, (_, index) => (index * 7_919) % 1_009);
    for (const count of [1, 3, 10, 250, 2_000]) {
      assert.deepEqual(
        firstSorted(numbers, count, (a, b) => a - b),
        [...numbers].sort((a, b) => a - b).slice(0, count),
      );
    }
  });

  it('sums unresolved calls of the entities found', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('w');
    fixture.entity({ file: 'a.ts', kind: 'function', name: 'f', line: 1, unresolvedCalls: 3 });
    fixture.entity({ file: 'b.ts', kind: 'function', name: 'f', line: 1, unresolvedCalls: 2 });
    fixture.write(db);
    assert.equal(find({ graph: db }, { name: 'f' }).honesty.unresolvedCalls, 5);
  });

  it('refuses empty and oversized names, and answers hostile ones without matching', () => {
    const db = twoWorkspaces();
    for (const name of ['', '   ', 'x'.repeat(limits.queryTextCharsMax + 1), 'src/a.ts:', '::', '...']) {
      assert.throws(
        () => find({ graph: db }, { name }),
        (error) => isKausalError(error, 'INVALID_ARGUMENT'),
        name.slice(0, 20),
      );
    }
    for (const name of [
      '\u0007\u001b[31m',
      '💥',
      'a.b.c.d.e.f.g.h.i.j',
      '..main',
      ':main',
      'constructor',
      '__proto__',
    ]) {
      for (const match of ['exact', 'prefix', 'fuzzy'] as const) {
        const answer = find({ graph: db }, { name, match });
        assert.ok(Array.isArray(answer.results), `${JSON.stringify(name)} ${match}`);
      }
    }
    assert.throws(
      () => find({ graph: db }, { name: 'x', maxResults: 0 }),
      (error) => isKausalError(error, 'INVALID_ARGUMENT'),
    );
  });
});
