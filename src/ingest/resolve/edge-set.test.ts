// The edge set keeps one edge per (source, target, type), in the order edges were first added.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { YieldBudget } from '../../core/yield-budget.js';
import { idOf } from '../../testing/fixtures.js';
import { EdgeSet } from './edge-set.js';

describe('EdgeSet', () => {
  it('keeps first-added order and merges repeated pairs', async () => {
    const edges = new EdgeSet();
    const sources = Array.from({ length: 40 }, (_, index) => idOf(index * 977));
    for (const [index, source] of sources.entries()) {
      edges.add(source, idOf(1), 'calls', { line: index, confidence: 0.5 });
    }
    // The same pairs again, one more confident: one edge each, sites counted.
    for (const source of sources) edges.add(source, idOf(1), 'calls', { line: 99, confidence: 0.9 });
    edges.add(sources[0] as string, idOf(1), 'references', { line: 7 });
    assert.equal(edges.size, 41);
    const all = await new YieldBudget().run(edges.toArray());
    assert.deepEqual(
      all.map((edge) => `${edge.source}>${edge.type}`),
      [...sources.map((source) => `${source}>calls`), `${sources[0] as string}>references`],
    );
    assert.deepEqual(all[3]?.properties, { line: 3, confidence: 0.9, sites: 2 });
  });

  it('keeps edges of different types between the same two entities apart', async () => {
    const edges = new EdgeSet();
    const [a, b] = [idOf(1), idOf(2)];
    edges.add(a, b, 'calls', { line: 1, confidence: 0.9 });
    edges.add(a, b, 'references', { line: 2 });
    edges.add(a, b, 'extends', {});
    edges.add(a, b, 'references', { line: 3 }); // a second site of the second type
    edges.add(b, a, 'calls', { line: 4 }); // the other direction is another pair
    const all = await new YieldBudget().run(edges.toArray());
    assert.deepEqual(
      all.map((edge) => [edge.source === a ? 'a' : 'b', edge.type, edge.properties]),
      [
        ['a', 'calls', { line: 1, confidence: 0.9 }],
        ['a', 'references', { line: 2, sites: 2 }],
        ['a', 'extends', {}],
        ['b', 'calls', { line: 4 }],
      ],
    );
  });
});
