import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BlockId } from '../core/block-id.js';
import { GraphFixture, acceptanceGraph, openMemoryDatabase } from '../testing/graph-fixture.js';
import { findPaths, type PathAnswer, type PathRequest } from './paths.js';

function ok(db: ReturnType<typeof openMemoryDatabase>, request: PathRequest): PathAnswer {
  const answer = findPaths({ graph: db }, request);
  assert.equal(answer.status, 'ok', JSON.stringify(answer).slice(0, 200));
  return answer as PathAnswer;
}

function chains(answer: PathAnswer): string[] {
  return answer.paths.map((path) => path.steps.map((step) => step.entity.name).join('>'));
}

function graphOf(count: number, calls: readonly [number, number][]): ReturnType<typeof openMemoryDatabase> {
  const db = openMemoryDatabase();
  const fixture = new GraphFixture('w');
  const ids: BlockId[] = [];
  for (let index = 0; index < count; index++) {
    ids.push(fixture.entity({ file: 'g.ts', kind: 'function', name: `f${index}`, line: index + 1 }));
  }
  calls.forEach(([from, to], index) =>
    fixture.call(ids[from] as BlockId, ids[to] as BlockId, { line: 100 + index }),
  );
  fixture.write(db);
  return db;
}

describe('path', () => {
  it('finds main > utility_function > add_numbers with call sites', () => {
    const db = openMemoryDatabase();
    acceptanceGraph().fixture.write(db);
    const answer = ok(db, { from: 'main', to: 'add_numbers' });
    assert.deepEqual(chains(answer), ['main>utility_function>add_numbers']);
    assert.deepEqual(
      answer.paths[0]?.steps.map((step) => step.site),
      [undefined, { file: 'main.py', line: 12 }, { file: 'utils.py', line: 5 }],
    );
  });

  it('lists every shortest path up to K, in the stable order, and counts them', () => {
    const db = graphOf(5, [
      [0, 1],
      [0, 2],
      [1, 3],
      [2, 3],
      [0, 4],
      [4, 1],
    ]);
    const answer = ok(db, { from: 'f0', to: 'f3' });
    assert.deepEqual(chains(answer), ['f0>f1>f3', 'f0>f2>f3']);
    assert.equal(answer.found, 2);
    const one = ok(db, { from: 'f0', to: 'f3', maxPaths: 1 });
    assert.deepEqual(chains(one), ['f0>f1>f3']);
    assert.equal(one.found, 2);
  });

  it('says "no path within depth" rather than returning nothing silently', () => {
    const db = graphOf(
      6,
      Array.from({ length: 5 }, (_, index): [number, number] => [index, index + 1]),
    );
    const short = ok(db, { from: 'f0', to: 'f5', maxDepth: 3 });
    assert.deepEqual(short.paths, []);
    assert.equal(short.reason, 'no-path-within-depth');
    assert.deepEqual(chains(ok(db, { from: 'f0', to: 'f5', maxDepth: 5 })), ['f0>f1>f2>f3>f4>f5']);
    assert.equal(ok(db, { from: 'f5', to: 'f0' }).reason, 'no-path-within-depth', 'calls have a direction');
  });

  it('terminates on cycles and handles a path to itself', () => {
    const db = graphOf(3, [
      [0, 1],
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
    assert.deepEqual(chains(ok(db, { from: 'f0', to: 'f2' })), ['f0>f1>f2']);
    const self = ok(db, { from: 'f0', to: 'f0' });
    assert.deepEqual(chains(self), ['f0']);
    assert.equal(self.paths[0]?.length, 0);
  });

  it('names the ambiguous end', () => {
    const db = openMemoryDatabase();
    acceptanceGraph().fixture.write(db);
    const extra = new GraphFixture('demo');
    extra.entity({ file: 'other.py', kind: 'function', name: 'add_numbers', line: 1 });
    extra.write(db);
    const answer = findPaths({ graph: db }, { from: 'main', to: 'add_numbers' });
    assert.equal(answer.status, 'ambiguous');
    assert.equal('side' in answer ? answer.side : undefined, 'to');
    assert.deepEqual(chains(ok(db, { from: 'main', to: 'add_numbers', all: true })), [
      'main>utility_function>add_numbers',
    ]);
  });
});
