// Zig: `@import`ed files, struct methods called through the type (`Store.init()`) and through
// receivers typed `*Self`, aliases (`const twice = helpers.twice`), tests as callers.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ingestFixture, type FixtureGraph } from '../test-support.js';

describe('zig resolution', () => {
  let graph: FixtureGraph;
  before(async () => {
    graph = await ingestFixture('zig/structs');
  });

  it('resolves calls through an aliased imported struct and its instances', () => {
    assert.equal(graph.resolution('main.main', 'store.Store.init'), 'import');
    assert.equal(graph.resolution('main.main', 'store.Store.get'), 'receiver');
  });

  it('resolves self methods and fields typed by imported structs', () => {
    assert.equal(graph.resolution('store.Store.get', 'store.Store.bump'), 'receiver');
    assert.equal(graph.resolution('store.Store.get', 'helpers.Cache.lookup'), 'receiver');
    assert.equal(graph.resolution('store.Store.init', 'helpers.Cache.init'), 'import');
  });

  it('resolves aliases of imported functions and records them as references', () => {
    assert.equal(graph.resolution('store.Store.get', 'helpers.twice'), 'import');
    assert.ok(graph.edge('references', 'store.twice', 'helpers.twice'));
  });

  it('makes test blocks callers', () => {
    assert.ok(graph.edge('calls', 'main.test "store"', 'store.Store.get'));
  });
});
