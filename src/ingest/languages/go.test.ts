// Go: packages as directories, go.mod module paths, receivers, promoted methods of embedded
// structs, and structural interface dispatch.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ingestFixture, type FixtureGraph } from '../test-support.js';

describe('go resolution', () => {
  let graph: FixtureGraph;
  before(async () => {
    graph = await ingestFixture('go/project');
  });

  it('resolves imports through go.mod to every file of the package', () => {
    assert.equal(graph.resolution('shop.Store.Get', 'utils.Add'), 'import');
    assert.equal(graph.resolution('utils.Add', 'utils.double'), 'lexical', 'same package, other file');
  });

  it('resolves receivers, fields and promoted methods of embedded structs', () => {
    assert.equal(graph.resolution('shop.Store.Get', 'shop.Cache.Lookup'), 'receiver');
    assert.equal(graph.resolution('shop.Store.Get', 'shop.Base.Describe'), 'receiver');
    assert.equal(graph.resolution('shop.Run', 'shop.Store.Get'), 'receiver');
  });

  it('dispatches interface calls to types whose method set satisfies the interface', () => {
    assert.equal(graph.resolution('shop.Fetch', 'shop.Getter.Get'), 'receiver');
    assert.equal(graph.resolution('shop.Fetch', 'shop.Store.Get'), 'dispatch');
  });

  it('qualifies methods by package and receiver type', () => {
    assert.equal(graph.block('shop.Store.Get')?.metadata['owner'], 'Store');
    assert.ok(graph.edge('method_of', 'shop.Store.Get', 'shop.Store'));
  });
});
