// JavaScript: CommonJS (`require`, `module.exports = {…}`, `module.exports = Class`) and ES
// modules importing CommonJS, classes with `this.field = new X()`, builtins as external.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ingestFixture, type FixtureGraph } from '../test-support.js';

describe('javascript resolution', () => {
  let graph: FixtureGraph;
  before(async () => {
    graph = await ingestFixture('javascript/commonjs');
  });

  it('resolves require() namespaces and destructured requires', () => {
    assert.equal(graph.resolution('App.run', 'util'), 'import');
    assert.equal(graph.resolution('App.run', 'helper'), 'import');
    assert.ok(graph.pairs('imports').has('main -> lib'));
  });

  it('resolves `new lib.Reporter()` and this.field.method() through the assigned field', () => {
    assert.ok(graph.edge('calls', 'App.constructor', 'Reporter'));
    assert.equal(graph.resolution('App.run', 'Reporter.report'), 'receiver');
    assert.equal(graph.resolution('Reporter.report', 'Reporter.format'), 'receiver');
  });

  it('imports a CommonJS default export from an ES module', () => {
    assert.ok(graph.edge('calls', 'start', 'App.constructor'));
    assert.equal(graph.resolution('start', 'App.run'), 'receiver');
  });

  it('counts calls into node builtins as external', () => {
    assert.equal(graph.block('App.run')?.metadata['externalCalls'], 1, 'path.join');
  });
});
