// Rust: the module tree (`mod`, `crate::`, `super::`), `use` lists with aliases, `pub use`
// re-exports, impl blocks, trait implementations and dispatch through `dyn Trait`.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ingestFixture, type FixtureGraph } from '../test-support.js';

describe('rust resolution', () => {
  let graph: FixtureGraph;
  before(async () => {
    graph = await ingestFixture('rust/crate');
  });

  it('resolves use lists, aliases, module paths and crate:: paths', () => {
    assert.equal(graph.resolution('Store.run', 'utils.add'), 'import');
    assert.equal(graph.resolution('Store.run', 'utils.sub'), 'import', 'use … sub as minus');
    assert.equal(graph.resolution('Store.run', 'utils.helper'), 'import', 'utils::helper()');
    assert.equal(graph.resolution('store.Cache.lookup', 'utils.add'), 'import', 'super::utils');
  });

  it('attaches impl methods to their type and resolves Type::f() and self.f()', () => {
    assert.equal(graph.resolution('Store.new', 'store.Cache.new'), 'import');
    assert.equal(graph.resolution('Store.run', 'store.Cache.lookup'), 'receiver');
    assert.equal(graph.resolution('Store.run', 'Store.get'), 'receiver');
  });

  it('records trait implementations and dispatches dyn Trait calls', () => {
    assert.ok(graph.pairs('implements').has('Store -> Getter'));
    assert.equal(graph.resolution('fetch', 'Getter.get'), 'receiver');
    assert.equal(graph.resolution('fetch', 'Store.get'), 'dispatch');
  });
});
