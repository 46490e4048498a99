import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphFixture, acceptanceGraph, openMemoryDatabase } from '../testing/graph-fixture.js';
import { exportGraph, type GraphExport } from './export.js';
import { toDot, toMermaid } from './export-formats.js';

function ok(answer: ReturnType<typeof exportGraph>): GraphExport {
  assert.equal(answer.status, 'ok');
  return answer as GraphExport;
}

function edgeNames(graph: GraphExport): string[] {
  const names = new Map(graph.nodes.map((node) => [node.id, node.qualifiedName]));
  return graph.edges.map((edge) => `${names.get(edge.source)} ${edge.edge.type} ${names.get(edge.target)}`);
}

describe('export', () => {
  it('exports one workspace with its code relations only', () => {
    const db = openMemoryDatabase();
    acceptanceGraph().fixture.write(db);
    acceptanceGraph('other').fixture.write(db);
    const graph = ok(exportGraph({ graph: db }, { workspace: 'demo' }));
    assert.equal(graph.nodes.length, 7);
    assert.ok(graph.nodes.every((node) => node.workspace === 'demo'));
    assert.ok(edgeNames(graph).includes('main calls helper_function'));
    assert.ok(edgeNames(graph).includes('main imports utils'));
    assert.ok(
      graph.edges.every((edge) => !['name_index', 'defined_in', 'method_of'].includes(edge.edge.type)),
    );
    assert.equal(ok(exportGraph({ graph: db }, {})).nodes.length, 14, 'every workspace without --workspace');
  });

  it('exports the neighbourhood of a target to a depth, and cuts at the node cap', () => {
    const db = openMemoryDatabase();
    acceptanceGraph().fixture.write(db);
    const near = ok(exportGraph({ graph: db }, { target: 'helper_function', depth: 1 }));
    assert.deepEqual(near.nodes.map((node) => node.qualifiedName).sort(), [
      'calculate_value',
      'helper_function',
      'main',
      'main',
    ]);
    const small = ok(exportGraph({ graph: db }, { target: 'helper_function', depth: 2, maxNodes: 2 }));
    assert.equal(small.nodes.length, 2);
    assert.equal(small.truncated, true);
  });

  it('renders DOT and Mermaid with every label escaped', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('w');
    const evil = fixture.entity({
      file: 'we"ird\\dir/x.ts',
      kind: 'function',
      name: 'a"b',
      qualifiedName: 'a"b<c>#1`\n',
      line: 1,
    });
    const plain = fixture.entity({ file: 'y.ts', kind: 'function', name: 'plain', line: 1 });
    fixture.call(evil, plain, { line: 2, resolution: 'name-only', confidence: 0.3 });
    fixture.write(db);
    const graph = ok(exportGraph({ graph: db }, { workspace: 'w' }));
    const dot = toDot(graph);
    assert.match(dot, /label="a\\"b<c>#1` {2}\(function\)\\nwe\\"ird\\\\dir\/x\.ts:1"/);
    assert.match(dot, /-> n\d \[label="calls", style=dashed\];/);
    const mermaid = toMermaid(graph);
    assert.match(mermaid, /\["a#quot;b#lt;c#gt;#35;1#96; {2}\(function\)<br\/>we#quot;ird\\dir\/x\.ts:1"\]/);
    assert.match(mermaid, /n\d -\.->\|calls\| n\d/);
    assert.ok(!mermaid.slice(0, -1).includes('\n\n'));
  });
});
