// TypeScript resolution, feature by feature, on test/fixtures/typescript/features: re-exports,
// aliases, default and namespace imports, `.js` specifiers and index files, tsconfig paths,
// `this.field.method()`, static calls, `new`, inheritance, interface dispatch, callbacks.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ingestFixture, type FixtureGraph } from '../test-support.js';

describe('typescript resolution', () => {
  let graph: FixtureGraph;
  before(async () => {
    graph = await ingestFixture('typescript/features');
  });

  it('follows a renamed re-export (`export { add as plus } from`) to the declaration', () => {
    assert.equal(graph.resolution('run', 'add'), 'import');
  });

  it('follows `export const alias = fn` to fn and records the alias as a reference', () => {
    assert.ok(graph.edge('calls', 'run', 'add'), 'sum(3, 4) reaches add');
    assert.equal(graph.edge('references', 'sum', 'add')?.properties?.['role'], 'alias');
  });

  it('resolves namespace re-exports, namespace imports of a directory index and default imports', () => {
    assert.equal(graph.resolution('run', 'square'), 'import'); // math.square via `export * as math`
    assert.equal(graph.resolution('run', 'defaultHelper'), 'import');
    const sites = graph.edge('calls', 'run', 'add')?.properties?.['sites'];
    assert.equal(sites, 3, 'plus(), sum() and lib.plus() all land on add');
  });

  it('maps `.js` specifiers to `.ts` sources and resolves `index` files', () => {
    const imports = graph.pairs('imports');
    assert.ok(imports.has('src/app -> src/lib/index'), './lib/index.js');
    assert.ok(imports.has('src/app -> src/lib/math'), './lib/math and ./lib/math.js');
    assert.ok(imports.has('src/lib/shapes -> src/lib/math'), './math.js');
  });

  it('resolves tsconfig `paths` (with comments and trailing commas in tsconfig.json)', () => {
    assert.ok(graph.pairs('imports').has('src/store -> src/lib/shapes'), '@lib/shapes');
    assert.equal(graph.resolution('Store.create', 'Square.constructor'), 'import');
  });

  it('resolves this.field.method() from declared, assigned and parameter-property fields', () => {
    const lookup = graph.edge('calls', 'Store.get', 'Cache.lookup');
    assert.equal(lookup?.properties?.['resolution'], 'receiver');
    assert.equal(lookup?.properties?.['sites'], 2, 'this.cache (declared) and this.fallback (new Cache())');
    assert.ok(
      graph.edge('calls', 'Store.get', 'Base.describe'),
      'this.shape.describe() found on the base class',
    );
  });

  it('resolves static calls, `new` to constructors (or the class) and return types of calls', () => {
    assert.equal(graph.resolution('run', 'Store.create'), 'import');
    assert.equal(graph.resolution('run', 'Store.get'), 'receiver', 'store = Store.create(): Store');
    assert.ok(
      graph.edge('calls', 'Store.constructor', 'Cache'),
      'a class without a constructor is the target',
    );
    assert.ok(graph.edge('calls', 'Square.constructor', 'Base'), 'super() of a base without a constructor');
  });

  it('dispatches interface-typed and abstract calls to implementations, flagged as dispatch', () => {
    assert.equal(graph.resolution('measure', 'Shape.area'), 'receiver');
    assert.equal(graph.resolution('measure', 'Square.area'), 'dispatch');
    assert.equal(graph.resolution('measure', 'Circle.area'), 'dispatch');
    assert.equal(graph.resolution('Base.describe', 'Square.area'), 'dispatch');
    assert.ok((graph.edge('calls', 'measure', 'Square.area')?.properties?.['confidence'] as number) < 1);
  });

  it('records functions passed by name as references, not calls', () => {
    assert.equal(graph.edge('references', 'run', 'format')?.properties?.['role'], 'argument');
    assert.ok(graph.edge('references', 'wire', 'run'), 'setTimeout(run, 10)');
    assert.equal(graph.edge('calls', 'run', 'format'), undefined);
  });

  it('types untyped callback parameters from the callee declaration', () => {
    assert.equal(graph.resolution('useStore', 'Store.get'), 'receiver');
  });

  it('narrows with instanceof', () => {
    assert.equal(graph.resolution('narrow', 'Square.area'), 'receiver');
  });

  it('records inheritance edges', () => {
    assert.ok(graph.pairs('extends').has('Square -> Base'));
    assert.ok(graph.pairs('implements').has('Base -> Shape'));
    assert.ok(graph.pairs('implements').has('Circle -> Shape'));
  });

  it('counts calls it cannot resolve on the caller, and builtins as external', () => {
    const onEvent = graph.block('onEvent');
    assert.equal(onEvent?.metadata['unresolvedCalls'], 1, 'handler(1) calls a parameter');
    assert.deepEqual(onEvent?.metadata['unresolvedCallNames'], ['handler']);
    const wire = graph.block('wire');
    assert.equal(wire?.metadata['externalCalls'], 1, 'setTimeout');
  });
});

describe('tsx resolution', () => {
  it('resolves calls inside JSX expressions across .tsx and .ts files', async () => {
    const graph = await ingestFixture('tsx/components');
    assert.equal(graph.block('Button')?.metadata['language'], 'tsx');
    assert.equal(graph.resolution('Button', 'formatLabel'), 'import');
    assert.equal(graph.resolution('formatLabel', 'capitalize'), 'lexical');
    assert.equal(graph.resolution('App.render', 'App.header'), 'receiver');
    assert.equal(graph.resolution('App.header', 'formatLabel'), 'import');
    assert.ok(graph.edge('calls', 'App', 'formatLabel'), 'a field initializer calls for its class');
    assert.ok(graph.pairs('imports').has('App -> Button'));
  });
});
