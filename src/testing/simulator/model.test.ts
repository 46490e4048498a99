// The model itself: sequence prediction, the engine's orders, undo of the last batch, the set of
// possible worlds under uncertainty, and the scan window's weak-consistency rules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContextBlock, WriteOperation } from '../../core/types.js';
import { blockOf, edgeOf, idOf } from '../fixtures.js';
import { PossibleWorlds } from './possible-worlds.js';
import { blockScan, ScanWindow } from './scan-window.js';
import { World } from './world.js';

const put = (index: number, content?: string): WriteOperation => ({
  kind: 'put_block',
  block: blockOf(index, content),
});

function asStored(world: World, index: number): ContextBlock {
  const version = world.block(idOf(index));
  assert.ok(version !== undefined);
  return { ...blockOf(index, version.content), sequence: version.sequence };
}

describe('World', () => {
  it('predicts consecutive sequences per operation, later operations of a batch winning', () => {
    const world = new World();
    world.apply([put(1, 'a'), put(1, 'b'), { kind: 'delete_block', id: idOf(2) }]);
    assert.equal(world.block(idOf(1))?.content, 'b');
    assert.equal(world.block(idOf(1))?.sequence, 2);
    assert.equal(world.nextSequence, 4);
    world.apply([]);
    assert.equal(world.nextSequence, 4, 'an empty batch assigns nothing');
  });

  it('orders edges as the engine does: by type code, then the far node', () => {
    const world = new World();
    world.apply([
      { kind: 'put_edge', edge: edgeOf(1, 3, 'calls') }, // code 7
      { kind: 'put_edge', edge: edgeOf(1, 2, 'imports') }, // code 1
      { kind: 'put_edge', edge: edgeOf(1, 2, 'calls') },
      { kind: 'put_edge', edge: edgeOf(0, 2, 'calls') },
    ]);
    const out = world.outgoingOf(idOf(1)).map((edge) => `${edge.type}>${edge.target.slice(-1)}`);
    assert.deepEqual(out, ['imports>2', 'calls>2', 'calls>3']);
    const into = world.incomingOf(idOf(2)).map((edge) => `${edge.type}<${edge.source.slice(-1)}`);
    assert.deepEqual(into, ['imports<1', 'calls<0', 'calls<1']);
    assert.deepEqual(
      world.outgoingOf(idOf(1), 'calls').map((edge) => edge.target),
      [idOf(2), idOf(3)],
    );
    assert.equal(world.sortedEdges()[0]?.source, idOf(0));
  });

  it('undoes exactly its last batch', () => {
    const world = new World().apply([put(1, 'old')]);
    const before = world.fingerprint();
    world.apply([put(1, 'new'), put(2), { kind: 'put_edge', edge: edgeOf(1, 2) }]);
    const undone = world.withoutLastBatch();
    assert.equal(undone?.fingerprint(), before);
    assert.equal(undone?.withoutLastBatch(), undefined, 'only one level is kept');
    assert.notEqual(world.fingerprint(), before, 'the original is untouched');
  });
});

describe('PossibleWorlds', () => {
  it('splits on an uncertain batch and lets reads decide', () => {
    const worlds = new PossibleWorlds();
    worlds.acknowledge([put(1, 'a')]);
    worlds.failStopped([put(1, 'b')]);
    assert.equal(worlds.worlds.length, 2);
    const problem = worlds.check((world) => (world.block(idOf(1))?.content === 'b' ? undefined : 'not b'));
    assert.equal(problem, undefined);
    assert.equal(worlds.worlds.length, 1, 'the read pruned the other world');
    assert.equal(
      worlds.recoveryCandidates().length,
      2,
      'the durable candidates stay apart after a fail-stop',
    );
  });

  it('reports a read no world accepts, and keeps every world', () => {
    const worlds = new PossibleWorlds();
    worlds.crashed([put(1)]);
    const candidates = worlds.recoveryCandidates();
    assert.equal(candidates.length, 2);
    worlds.settle(candidates);
    assert.equal(
      worlds.check(() => 'never'),
      'never',
    );
    assert.equal(worlds.worlds.length, 2);
  });
});

describe('ScanWindow', () => {
  it('accepts any version a key had during the scan, in strictly increasing order', () => {
    const world = new World().apply([put(1, 'first'), put(2)]);
    const window = new ScanWindow(blockScan, [world]);
    const firstVersion = asStored(world, 1);
    world.apply([put(1, 'second')]);
    window.observe([put(1, 'second')], [world]);
    assert.equal(window.checkItem(firstVersion), undefined, 'the old version is fine');
    assert.match(window.checkItem(firstVersion) ?? '', /strictly increasing/);
  });

  it('rejects invented versions and skipped keys that were live throughout', () => {
    const world = new World().apply([put(1), put(2)]);
    const window = new ScanWindow(blockScan, [world]);
    assert.match(window.checkItem({ ...asStored(world, 1), content: 'invented' }) ?? '', /never existed/);
    assert.match(window.finish() ?? '', /skipped/);
  });

  it('does not require keys deleted during the scan', () => {
    const world = new World().apply([put(1)]);
    const window = new ScanWindow(blockScan, [world]);
    world.apply([{ kind: 'delete_block', id: idOf(1) }]);
    window.observe([{ kind: 'delete_block', id: idOf(1) }], [world]);
    assert.equal(window.finish(), undefined);
  });
});
