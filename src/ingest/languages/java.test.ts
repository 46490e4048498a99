// Java: class, static and package imports across source roots, typed fields and locals, implicit
// `this` calls, constructors, inheritance and interface dispatch.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ingestFixture, type FixtureGraph } from '../test-support.js';

describe('java resolution', () => {
  let graph: FixtureGraph;
  before(async () => {
    graph = await ingestFixture('java/project');
  });

  it('resolves imported classes, static calls and static imports', () => {
    assert.equal(graph.resolution('Store.get', 'Helper.twice'), 'import');
    assert.equal(graph.resolution('Store.get', 'Helper.assist'), 'import');
  });

  it('resolves calls on typed fields (implicit this) and same-package classes', () => {
    assert.equal(graph.resolution('Store.get', 'Cache.lookup'), 'receiver');
    assert.equal(graph.resolution('Store.get', 'Helper.run'), 'receiver');
    assert.equal(graph.edge('calls', 'Store.get', 'Store.size')?.properties?.['sites'], 3);
  });

  it('resolves constructors and super()', () => {
    assert.ok(graph.edge('calls', 'Store.get', 'Store.Store'));
    assert.ok(graph.edge('calls', 'Store.Store', 'Base.Base'));
  });

  it('records inheritance and dispatches interface calls', () => {
    assert.ok(graph.pairs('extends').has('Store -> Base'));
    assert.ok(graph.pairs('implements').has('Store -> Getter'));
    assert.equal(graph.resolution('Client.fetch', 'Store.get'), 'dispatch');
  });
});
