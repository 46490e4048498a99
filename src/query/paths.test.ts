import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BlockId } from '../core/block-id.js';
import { SeededRng } from '../core/rng.js';
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

  it('finds exactly the shortest paths a one-sided search finds, on random graphs', () => {
    let withPaths = 0;
    let severalPaths = 0;
    for (let seed = 1; seed <= 120; seed++) {
      const rng = new SeededRng(seed);
      const count = rng.between(5, 16);
      const calls: [number, number][] = [];
      const degree = rng.pick([1, 2, 3, 4]);
      for (let from = 0; from < count; from++) {
        for (let k = 0; k < degree; k++) calls.push([from, rng.below(count)]);
      }
      const db = graphOf(count, calls);
      const from = rng.below(count);
      const to = rng.below(count);
      const maxDepth = rng.between(1, 6);
      const answer = ok(db, { from: `f${from}`, to: `f${to}`, maxDepth, maxPaths: 100 });
      const expected = shortestPaths(count, calls, from, to, maxDepth);
      assert.deepEqual(
        chains(answer).sort(),
        expected.map((path) => path.map((node) => `f${node}`).join('>')).sort(),
        `seed ${seed}: f${from} to f${to} within ${maxDepth}`,
      );
      assert.equal(answer.found, expected.length);
      if (expected.length > 0) withPaths++;
      if (expected.length > 1) severalPaths++;
    }
    assert.ok(
      withPaths >= 15 && severalPaths >= 3,
      `${withPaths} graphs with a path, ${severalPaths} with several`,
    );
  });
});

/** Every distinct shortest node sequence from `from` to `to` (the reference: BFS, then DFS back). */
function shortestPaths(
  count: number,
  calls: readonly [number, number][],
  from: number,
  to: number,
  maxDepth: number,
): number[][] {
  if (from === to) return [[from]];
  const distance = new Array<number>(count).fill(Infinity);
  distance[from] = 0;
  let frontier = [from];
  for (let layer = 1; layer <= maxDepth && frontier.length > 0; layer++) {
    const next: number[] = [];
    for (const node of frontier) {
      for (const [source, target] of calls) {
        if (source === node && distance[target] === Infinity) {
          distance[target] = layer;
          next.push(target);
        }
      }
    }
    frontier = next;
  }
  if (distance[to] === Infinity) return [];
  const paths = new Set<string>();
  const walk = (node: number, suffix: number[]): void => {
    if (node === from) {
      paths.add([from, ...suffix].join(','));
      return;
    }
    for (const [source, target] of calls) {
      if (target === node && distance[source] === (distance[node] as number) - 1)
        walk(source, [node, ...suffix]);
    }
  };
  walk(to, []);
  return [...paths].map((text) => text.split(',').map(Number));
}
