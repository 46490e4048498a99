// Python: packages with relative imports, `__init__` re-exports, attribute chains through
// submodules, `self` receivers and fields, inheritance, and labelled name-only guesses.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ingestFixture, type FixtureGraph } from '../test-support.js';

describe('python resolution', () => {
  let graph: FixtureGraph;
  before(async () => {
    graph = await ingestFixture('python/package');
  });

  it('qualifies names by module and package', () => {
    assert.equal(graph.block('shop.cart.Cart.checkout')?.metadata['kind'], 'method');
    assert.equal(graph.block('shop.cart.Cart.__init__')?.metadata['kind'], 'constructor');
    assert.equal(graph.block('shop')?.metadata['kind'], 'module');
  });

  it('resolves a class re-exported by a package __init__ and calls to it as constructor calls', () => {
    assert.equal(graph.resolution('main.run', 'shop.cart.Cart.__init__'), 'import');
  });

  it('resolves relative imports of submodules and aliased names', () => {
    const charge = graph.edge('calls', 'shop.cart.Cart.checkout', 'shop.payments.gateway.charge');
    assert.equal(charge?.properties?.['resolution'], 'import');
    assert.equal(charge?.properties?.['sites'], 2, 'gateway.charge() and pay()');
  });

  it('follows `import a.b.c` attribute chains', () => {
    assert.equal(graph.resolution('main.run', 'shop.payments.gateway.validate'), 'import');
  });

  it('resolves self methods, self fields assigned in __init__, inherited methods and instance calls', () => {
    assert.equal(graph.resolution('shop.cart.Cart.checkout', 'shop.cart.Cart.total'), 'receiver');
    assert.equal(graph.resolution('shop.cart.Cart.checkout', 'shop.cart.Ledger.record'), 'receiver');
    assert.equal(graph.resolution('shop.cart.Cart.checkout', 'shop.cart.Base.describe'), 'receiver');
    assert.equal(graph.resolution('main.run', 'shop.cart.Cart.checkout'), 'receiver');
    assert.ok(graph.pairs('extends').has('shop.cart.Cart -> shop.cart.Base'));
  });

  it('dispatches self.method() in a base class to subclass overrides', () => {
    assert.equal(graph.resolution('shop.cart.Base.describe', 'shop.cart.Base.name'), 'receiver');
    assert.equal(graph.resolution('shop.cart.Base.describe', 'shop.cart.Cart.name'), 'dispatch');
  });

  it('labels a guess by method name as name-only, with low confidence', () => {
    const guess = graph.edge('calls', 'main.run', 'shop.cart.Owner.notify');
    assert.equal(guess?.properties?.['resolution'], 'name-only');
    assert.ok((guess?.properties?.['confidence'] as number) <= 0.5);
  });

  it('treats stdlib modules as external', () => {
    assert.equal(graph.block('shop.payments.gateway.charge')?.metadata['externalCalls'], 1, 'logger.info');
  });
});
