// C and C++: includes, calls by name (labelled name-only across files, since the linker decides),
// library calls as external, C++ classes, namespaces, out-of-line methods, virtual dispatch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ingestFixture } from '../test-support.js';

describe('c resolution', () => {
  it('resolves same-file calls exactly and cross-file calls by name, labelled as such', async () => {
    const graph = await ingestFixture('c/project');
    assert.equal(graph.resolution('main', 'helper'), 'lexical');
    assert.equal(graph.resolution('helper', 'add'), 'name-only');
    assert.equal(graph.resolution('run', 'add'), 'lexical');
    assert.ok(graph.pairs('imports').has('main -> utils'));
    assert.equal(graph.block('main')?.metadata['externalCalls'], 1, 'printf');
    assert.ok(graph.edge('references', 'main', 'helper'), 'run(helper) passes a callback');
    assert.equal(graph.block('Point')?.metadata['kind'], 'struct');
  });
});

describe('c++ resolution', () => {
  it('resolves classes from headers, members, out-of-line methods and virtual dispatch', async () => {
    const graph = await ingestFixture('cpp/project');
    assert.ok(graph.edge('calls', 'app.Store.Store', 'Cache'), 'new Cache() from a C++ header');
    assert.equal(graph.resolution('app.Store.get', 'Cache.lookup'), 'receiver');
    assert.equal(graph.resolution('app.Store.get', 'app.Store.helper'), 'receiver');
    assert.equal(graph.block('app.Store.helper')?.metadata['owner'], 'Store');
    assert.equal(graph.resolution('app.fetch', 'app.Store.get'), 'dispatch');
    assert.equal(graph.resolution('app.Store.helper', 'util.add'), 'name-only');
  });
});
