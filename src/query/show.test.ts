import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKausalError, KausalError } from '../core/errors.js';
import {
  GraphFixture,
  acceptanceGraph,
  constructedClassGraph,
  openMemoryDatabase,
} from '../testing/graph-fixture.js';
import type { FreshnessSource } from './freshness.js';
import { show, type ShowAnswer, type ShowRequest } from './show.js';

function accepted(): ReturnType<typeof openMemoryDatabase> {
  const db = openMemoryDatabase();
  acceptanceGraph().fixture.write(db);
  return db;
}

function ok(
  db: ReturnType<typeof openMemoryDatabase>,
  request: ShowRequest,
  freshness?: FreshnessSource,
): ShowAnswer {
  const answer = show({ graph: db, ...(freshness === undefined ? {} : { freshness }) }, request);
  assert.equal(answer.status, 'ok', JSON.stringify(answer).slice(0, 300));
  return answer as ShowAnswer;
}

function namesOf(answer: ShowAnswer): string[] {
  return answer.results.map((item) => `${item.depth}:${item.entity.qualifiedName}`);
}

describe('show', () => {
  it('lists main as the caller of helper_function, with file:line, call site and provenance', () => {
    const answer = ok(accepted(), { target: 'helper_function', relation: 'callers' });
    assert.equal(answer.results.length, 1);
    const [item] = answer.results;
    assert.equal(item?.entity.qualifiedName, 'main');
    assert.deepEqual([item?.entity.file, item?.entity.line], ['main.py', 10]);
    assert.deepEqual(item?.site, { file: 'main.py', line: 11 });
    assert.equal(item?.edge.resolution, 'lexical');
    assert.equal(item?.edge.confidence, 1);
    assert.equal(answer.complete, true);
  });

  it('lists callees at depth 1 by default and further with maxDepth', () => {
    const db = accepted();
    assert.deepEqual(namesOf(ok(db, { target: 'main', relation: 'callees' })), [
      '1:helper_function',
      '1:utility_function',
    ]);
    const deep = ok(db, { target: 'main', relation: 'callees', maxDepth: 3 });
    assert.deepEqual(namesOf(deep), [
      '1:helper_function',
      '1:utility_function',
      '2:calculate_value',
      '2:add_numbers',
    ]);
    const add = deep.results.find((item) => item.entity.name === 'add_numbers');
    assert.deepEqual(
      add?.site,
      { file: 'utils.py', line: 5 },
      'the call site is in the caller, utility_function',
    );
  });

  it('prefers the function over the module of the same name for call relations, and says so', () => {
    const answer = ok(accepted(), { target: 'main', relation: 'callees' });
    assert.deepEqual(
      answer.targets.map((target) => target.kind),
      ['function'],
    );
    assert.deepEqual(
      answer.setAside.map((entity) => entity.kind),
      ['module'],
    );
  });

  it('answers module relations from the target module', () => {
    const db = accepted();
    const importers = ok(db, { target: 'utility_function', relation: 'importers' });
    assert.deepEqual(namesOf(importers), ['1:main']);
    assert.deepEqual(
      importers.modules.map((module) => module.file),
      ['utils.py'],
    );
    assert.deepEqual(
      namesOf(ok(db, { target: 'main', relation: 'imports' })),
      ['1:utils'],
      'main means the module here',
    );
    assert.deepEqual(namesOf(ok(db, { target: 'utils', relation: 'exports' })), [
      '1:add_numbers',
      '1:utility_function',
    ]);
  });

  it('takes a file path, with or without its extension, to mean the module of that file', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('w');
    fixture.entity({ file: 'src/lib/db.ts', kind: 'function', name: 'open', line: 1 });
    fixture.entity({ file: 'src/lib/index.ts', kind: 'function', name: 'start', line: 1 });
    fixture.entity({ file: 'test/db.ts', kind: 'function', name: 'check', line: 1 });
    fixture.write(db);
    const exportsOf = (target: string): string[] => namesOf(ok(db, { target, relation: 'exports' }));
    assert.deepEqual(exportsOf('src/lib/db.ts'), ['1:open']);
    assert.deepEqual(exportsOf('./src/lib/db.ts'), ['1:open']);
    assert.deepEqual(exportsOf('src/lib/db'), ['1:open'], "the module's qualified name");
    assert.deepEqual(exportsOf('lib/db.ts'), ['1:open'], 'a path suffix');
    assert.deepEqual(exportsOf('src/lib/index.ts'), ['1:start']);
    // A suffix two files share stays ambiguous; a path nothing has is not found.
    assert.equal(show({ graph: db }, { target: 'db.ts', relation: 'exports' }).status, 'ambiguous');
    assert.equal(show({ graph: db }, { target: 'src/nope.ts', relation: 'exports' }).status, 'not_found');
  });

  it('does not count unresolved calls of a name as missing callers of the module of that name', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('w');
    fixture.entity({ file: 'src/db.ts', kind: 'function', name: 'open', line: 1 });
    fixture.entity({
      file: 'src/app.ts',
      kind: 'function',
      name: 'main',
      line: 1,
      unresolvedCalls: 1,
      unresolvedCallNames: ['db'],
    });
    fixture.entity({ file: 'src/other.ts', kind: 'function', name: 'db', line: 1 });
    fixture.write(db);
    const ofModule = ok(db, { target: 'src/db.ts', relation: 'callers' });
    assert.equal(ofModule.total, 0);
    assert.ok((ofModule.honesty.possibleMissingCallers ?? 0) === 0, 'a module is not called by name');
    // The function of that name still gets them.
    const ofFunction = ok(db, { target: 'src/other.ts:db', relation: 'callers' });
    assert.equal(ofFunction.honesty.possibleMissingCallers, 1);
  });

  it('answers type relations in both directions, and containment', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('w');
    const base = fixture.entity({ file: 'a.ts', kind: 'class', name: 'Base', line: 1 });
    const shape = fixture.entity({ file: 'a.ts', kind: 'interface', name: 'Shape', line: 10 });
    const circle = fixture.entity({ file: 'b.ts', kind: 'class', name: 'Circle', line: 1 });
    fixture.entity({ file: 'b.ts', kind: 'method', name: 'area', parent: 'Circle', line: 2 });
    fixture.edge(circle, base, 'extends', { line: 1 });
    fixture.edge(circle, shape, 'implements', { line: 1 });
    const handler = fixture.entity({ file: 'c.ts', kind: 'function', name: 'handler', line: 1 });
    const register = fixture.entity({ file: 'c.ts', kind: 'function', name: 'register', line: 5 });
    fixture.edge(register, handler, 'references', { line: 6, role: 'argument' });
    fixture.write(db);
    assert.deepEqual(namesOf(ok(db, { target: 'Circle', relation: 'extends' })), ['1:Base']);
    assert.deepEqual(namesOf(ok(db, { target: 'Base', relation: 'extended-by' })), ['1:Circle']);
    assert.deepEqual(namesOf(ok(db, { target: 'Circle', relation: 'implements' })), ['1:Shape']);
    assert.deepEqual(namesOf(ok(db, { target: 'Shape', relation: 'implemented-by' })), ['1:Circle']);
    assert.deepEqual(namesOf(ok(db, { target: 'Circle', relation: 'contains' })), ['1:Circle.area']);
    assert.deepEqual(namesOf(ok(db, { target: 'area', relation: 'contained-by' })), ['1:Circle']);
    const references = ok(db, { target: 'handler', relation: 'references' });
    assert.deepEqual(namesOf(references), ['1:register']);
    assert.equal(references.results[0]?.edge.role, 'argument');
    assert.deepEqual(namesOf(ok(db, { target: 'register', relation: 'refers-to' })), ['1:handler']);
  });

  it("counts the callers of a class's constructor as callers of the class", () => {
    const db = openMemoryDatabase();
    const { fixture, ids } = constructedClassGraph();
    fixture.write(db);
    const answer = ok(db, { target: 'Decoder', relation: 'callers' });
    assert.deepEqual(namesOf(answer), ['1:loads', '1:make']);
    assert.deepEqual(
      answer.constructors.map((entity) => entity.qualifiedName),
      ['Decoder.__init__'],
    );
    assert.equal(answer.results.find((item) => item.entity.id === ids.loads)?.from, ids.init);
    assert.equal(answer.total, 2);
    // Other relations, and a constructor asked about directly, are left as they are.
    assert.deepEqual(ok(db, { target: 'Decoder', relation: 'callees' }).constructors, []);
    const direct = ok(db, { target: 'Decoder.__init__', relation: 'callers' });
    assert.deepEqual(namesOf(direct), ['1:loads']);
    assert.deepEqual(direct.constructors, []);
  });

  it('takes a type named like its own constructors (Java, C++) to mean the type, and says so', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('w');
    const box = fixture.entity({ file: 'Box.java', kind: 'class', name: 'Box', line: 1 });
    const sized = fixture.entity({
      file: 'Box.java',
      kind: 'constructor',
      name: 'Box',
      qualifiedName: 'Box.Box',
      parent: 'Box',
      line: 3,
    });
    const user = fixture.entity({ file: 'Main.java', kind: 'method', name: 'main', line: 2 });
    fixture.call(user, sized, { line: 4 });
    fixture.write(db);
    const answer = ok(db, { target: 'Box', relation: 'callers' });
    assert.deepEqual(
      answer.targets.map((entity) => entity.id),
      [box],
    );
    assert.deepEqual(
      answer.setAside.map((entity) => `${entity.kind}:${entity.line}`),
      ['module:1', 'constructor:3'],
    );
    assert.deepEqual(namesOf(answer), ['1:main']);
    // Another class of that name elsewhere keeps the name ambiguous.
    const other = openMemoryDatabase();
    fixture.entity({ file: 'other/Box.java', kind: 'class', name: 'Box', line: 1 });
    fixture.write(other);
    assert.equal(show({ graph: other }, { target: 'Box', relation: 'callers' }).status, 'ambiguous');
  });

  it('never picks one of several same-named entities: it lists candidates with selectors that work', () => {
    const db = accepted();
    const extra = new GraphFixture('demo');
    extra.entity({ file: 'lib/helpers.py', kind: 'function', name: 'helper_function', line: 3 });
    extra.entity({ file: 'lib/other.py', kind: 'class', name: 'Box', line: 1 });
    extra.entity({ file: 'lib/other.py', kind: 'method', name: 'helper_function', parent: 'Box', line: 2 });
    extra.write(db);
    const answer = show({ graph: db }, { target: 'helper_function', relation: 'callers' });
    assert.equal(answer.status, 'ambiguous');
    if (answer.status !== 'ambiguous') return;
    assert.equal(answer.total, 3);
    assert.deepEqual(
      answer.candidates.map((c) => c.selector),
      ['lib/helpers.py:helper_function', 'Box.helper_function', 'main.py:helper_function'],
    );
    for (const candidate of answer.candidates) {
      const resolved = ok(db, { target: candidate.selector, relation: 'callers' });
      assert.deepEqual(
        resolved.targets.map((t) => t.id),
        [candidate.entity.id],
        candidate.selector,
      );
    }
    const all = ok(db, { target: 'helper_function', relation: 'callers', all: true });
    assert.equal(all.targets.length, 3);
  });

  it('asks for a workspace when two workspaces hold the same entity', () => {
    const db = accepted();
    acceptanceGraph('copy').fixture.write(db);
    const answer = show({ graph: db }, { target: 'helper_function', relation: 'callers' });
    assert.equal(answer.status, 'ambiguous');
    if (answer.status !== 'ambiguous') return;
    assert.deepEqual(
      answer.candidates.map((c) => [c.selector, c.needsWorkspace]),
      [
        ['helper_function', true],
        ['helper_function', true],
      ],
    );
    assert.equal(
      ok(db, { target: 'helper_function', relation: 'callers', workspace: 'copy' }).targets[0]?.workspace,
      'copy',
    );
  });

  it('answers not found with suggestions, and accepts block ids', () => {
    const db = accepted();
    const missing = show({ graph: db }, { target: 'helper_functon', relation: 'callers' });
    assert.equal(missing.status, 'not_found');
    if (missing.status === 'not_found') assert.deepEqual(missing.suggestions, ['helper_function']);
    const { ids } = acceptanceGraph();
    assert.deepEqual(namesOf(ok(db, { target: ids['helper'] ?? '', relation: 'callers' })), ['1:main']);
  });

  it('counts unresolved call sites, name-only guesses and possible missing callers', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('w');
    const target = fixture.entity({
      file: 'a.py',
      kind: 'function',
      name: 'save',
      line: 1,
      unresolvedCalls: 1,
    });
    const exact = fixture.entity({
      file: 'b.py',
      kind: 'function',
      name: 'exact_caller',
      line: 1,
      unresolvedCalls: 2,
    });
    const guessed = fixture.entity({ file: 'c.py', kind: 'function', name: 'guessing_caller', line: 1 });
    fixture.entity({
      file: 'd.py',
      kind: 'function',
      name: 'hidden_caller',
      line: 1,
      unresolvedCalls: 1,
      unresolvedCallNames: ['save'],
    });
    fixture.call(exact, target, { line: 2 });
    fixture.call(guessed, target, { line: 3, resolution: 'name-only', confidence: 0.5 });
    fixture.write(db);
    const answer = ok(db, { target: 'save', relation: 'callers' });
    assert.equal(answer.honesty.unresolvedCalls, 3, 'target 1 + exact_caller 2');
    assert.equal(answer.honesty.nameOnlyEdges, 1);
    assert.equal(answer.results.find((item) => item.entity.name === 'guessing_caller')?.edge.guess, true);
    assert.equal(answer.honesty.possibleMissingCallers, 1);
  });

  it('reports freshness from the workspace layer, and unknown without it', () => {
    const db = accepted();
    const request: ShowRequest = { target: 'helper_function', relation: 'callers' };
    assert.deepEqual(ok(db, request).honesty.freshness, [{ workspace: 'demo', state: 'unknown' }]);
    const stale = ok(db, request, () => ({
      syncedAt: '2026-01-01T00:00:00Z',
      commit: 'abc',
      filesChangedSince: 2,
    }));
    assert.deepEqual(stale.honesty.freshness, [
      {
        workspace: 'demo',
        state: 'stale',
        syncedAt: '2026-01-01T00:00:00Z',
        commit: 'abc',
        filesChangedSince: 2,
      },
    ]);
    assert.equal(
      ok(db, request, () => ({ syncedAt: 1, filesChangedSince: 0 })).honesty.freshness[0]?.state,
      'fresh',
    );
    assert.equal(ok(db, request, () => ({ syncedAt: 1 })).honesty.freshness[0]?.state, 'unverified');
    const failing: FreshnessSource = () => {
      throw new KausalError('IO_ERROR', 'sync record unreadable');
    };
    assert.equal(ok(db, request, failing).honesty.freshness[0]?.state, 'unknown');
  });

  it('caps results and says the answer is partial', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('w');
    const hub = fixture.entity({ file: 'hub.ts', kind: 'function', name: 'hub', line: 1 });
    for (let index = 0; index < 12; index++) {
      const caller = fixture.entity({
        file: `c${index}.ts`,
        kind: 'function',
        name: `caller${index}`,
        line: 1,
      });
      fixture.call(caller, hub, { line: 2 });
    }
    fixture.write(db);
    const answer = ok(db, { target: 'hub', relation: 'callers', maxResults: 5 });
    assert.equal(answer.results.length, 5);
    assert.equal(answer.total, 12);
    assert.equal(answer.truncated, true);
  });

  it('refuses unknown relations and out-of-range depths', () => {
    const db = accepted();
    for (const relation of ['constructor', 'toString', 'nope']) {
      assert.throws(
        () => show({ graph: db }, { target: 'main', relation: relation as 'callers' }),
        (error) => isKausalError(error, 'INVALID_ARGUMENT'),
      );
    }
    for (const maxDepth of [0, -1, 101, 1.5, Number.NaN]) {
      assert.throws(
        () => show({ graph: db }, { target: 'main', relation: 'callers', maxDepth }),
        (error) => isKausalError(error, 'INVALID_ARGUMENT'),
      );
    }
  });
});
