import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BlockId } from '../core/block-id.js';
import {
  GraphFixture,
  acceptanceGraph,
  constructedClassGraph,
  openMemoryDatabase,
} from '../testing/graph-fixture.js';
import { trace, type TraceAnswer, type TraceNode, type TraceRequest } from './trace.js';

function ok(db: ReturnType<typeof openMemoryDatabase>, request: TraceRequest): TraceAnswer {
  const answer = trace({ graph: db }, request);
  assert.equal(answer.status, 'ok');
  return answer as TraceAnswer;
}

/** The tree as indented lines: `name` with `*cycle`, `*repeat`, `+N hidden` annotations. */
function lines(answer: TraceAnswer): string[] {
  const out: string[] = [];
  const stack: TraceNode[] = [...answer.roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop() as TraceNode;
    const mark = node.mark === undefined ? '' : ` *${node.mark}`;
    const hidden = node.hiddenChildren > 0 ? ` +${node.hiddenChildren} hidden` : '';
    out.push(`${'  '.repeat(node.depth)}${node.entity.name}${mark}${hidden}`);
    for (let index = node.children.length - 1; index >= 0; index--)
      stack.push(node.children[index] as TraceNode);
  }
  return out;
}

/** Functions f0..f(n-1) in one file, and calls between them by index. */
function graphOf(count: number, calls: readonly [number, number][]): ReturnType<typeof openMemoryDatabase> {
  const db = openMemoryDatabase();
  const fixture = new GraphFixture('w');
  const ids: BlockId[] = [];
  for (let index = 0; index < count; index++) {
    ids.push(fixture.entity({ file: 'g.ts', kind: 'function', name: `f${index}`, line: index + 1 }));
  }
  calls.forEach(([from, to], index) =>
    fixture.call(ids[from] as BlockId, ids[to] as BlockId, { line: 1000 + index }),
  );
  fixture.write(db);
  return db;
}

describe('trace', () => {
  it('traces the callers of a class from its constructors too, each a root of its own', () => {
    const db = openMemoryDatabase();
    constructedClassGraph().fixture.write(db);
    const callers = ok(db, { target: 'Decoder', direction: 'callers', depth: 2 });
    assert.deepEqual(lines(callers), ['Decoder', '  make', '__init__', '  loads']);
    // Callees of a class start from the class alone.
    assert.deepEqual(lines(ok(db, { target: 'Decoder', direction: 'callees', depth: 2 })), ['Decoder']);
  });

  it('traces the callees of main to depth 2 (the acceptance scenario)', () => {
    const db = openMemoryDatabase();
    acceptanceGraph().fixture.write(db);
    const answer = ok(db, { target: 'main', direction: 'callees', depth: 2 });
    assert.deepEqual(lines(answer), [
      'main',
      '  helper_function',
      '    calculate_value',
      '  utility_function',
      '    add_numbers',
    ]);
    assert.equal(answer.distinct, 5);
    assert.equal(answer.caps.depthReached, true);
    const callers = ok(db, { target: 'add_numbers', direction: 'callers' });
    assert.deepEqual(lines(callers), ['add_numbers', '  utility_function', '    main']);
  });

  it('marks a cycle where it closes and does not expand it again', () => {
    const db = graphOf(3, [
      [0, 1],
      [1, 2],
      [2, 0],
    ]);
    assert.deepEqual(lines(ok(db, { target: 'f0', direction: 'callees' })), [
      'f0',
      '  f1',
      '    f2',
      '      f0 *cycle',
    ]);
    assert.deepEqual(lines(ok(db, { target: 'f0', direction: 'callers' })), [
      'f0',
      '  f2',
      '    f1',
      '      f0 *cycle',
    ]);
    const self = graphOf(1, [[0, 0]]);
    assert.deepEqual(lines(ok(self, { target: 'f0', direction: 'callees' })), ['f0', '  f0 *cycle']);
  });

  it('expands a shared node once, or on every path with allPaths', () => {
    const diamond: [number, number][] = [
      [0, 1],
      [0, 2],
      [1, 3],
      [2, 3],
      [3, 4],
    ];
    const db = graphOf(5, diamond);
    assert.deepEqual(lines(ok(db, { target: 'f0', direction: 'callees' })), [
      'f0',
      '  f1',
      '    f3',
      '      f4',
      '  f2',
      '    f3 *repeat',
    ]);
    assert.deepEqual(lines(ok(db, { target: 'f0', direction: 'callees', allPaths: true })), [
      'f0',
      '  f1',
      '    f3',
      '      f4',
      '  f2',
      '    f3',
      '      f4',
    ]);
  });

  it('cuts wide nodes at the fan-out cap and the whole tree at the node cap, and says so', () => {
    const wide = graphOf(
      11,
      Array.from({ length: 10 }, (_, index): [number, number] => [0, index + 1]),
    );
    const fanOut = ok(wide, { target: 'f0', direction: 'callees', maxFanOut: 3 });
    assert.deepEqual(lines(fanOut), ['f0 +7 hidden', '  f1', '  f2', '  f3']);
    assert.equal(fanOut.caps.fanOutHits, 1);
    const nodes = ok(wide, { target: 'f0', direction: 'callees', maxNodes: 5 });
    assert.equal(nodes.nodes, 5);
    assert.equal(nodes.caps.nodesHit, true);
    assert.equal(nodes.roots[0]?.hiddenChildren, 6);
  });

  it('walks a chain deeper than any recursion would like, within the depth limit', () => {
    const chain = graphOf(
      150,
      Array.from({ length: 149 }, (_, index): [number, number] => [index, index + 1]),
    );
    const answer = ok(chain, { target: 'f0', direction: 'callees', depth: 100 });
    assert.equal(answer.nodes, 101);
    assert.equal(answer.caps.depthReached, true);
    const one = ok(chain, { target: 'f0', direction: 'callees', depth: 1 });
    assert.deepEqual(lines(one), ['f0', '  f1']);
  });

  it('reports possible missing callers when tracing callers', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('w');
    fixture.entity({ file: 'a.py', kind: 'function', name: 'save', line: 1 });
    fixture.entity({
      file: 'b.py',
      kind: 'function',
      name: 'maybe',
      line: 1,
      unresolvedCalls: 1,
      unresolvedCallNames: ['save'],
    });
    fixture.write(db);
    assert.equal(ok(db, { target: 'save', direction: 'callers' }).honesty.possibleMissingCallers, 1);
  });
});
