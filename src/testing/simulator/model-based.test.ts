// Model-based property tests with shrinking (fast-check 4): short random command sequences of
// writes, reads, flushes, compactions, clean reopens and crashes run against the real engine on
// SimVfs and the simulator's World model. A failing sequence shrinks to a minimal one. Where the
// seeded simulator explores long runs with faults, this layer finds the shortest story of a bug.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isKausalError } from '../../core/errors.js';
import type { EdgeType, WriteOperation } from '../../core/types.js';
import { Database } from '../../database.js';
import { SimVfs } from '../../vfs/sim-vfs.js';
import { idOf } from '../fixtures.js';
import { blockMismatch, edgeListMismatch } from './compare.js';
import { World } from './world.js';

interface Model {
  world: World;
}

interface Real {
  readonly vfs: SimVfs;
  db: Database;
}

const directory = '/db';
const ids = [0, 1, 2, 3, 4, 5].map(idOf);
const types: EdgeType[] = ['calls', 'imports', 'type_700'];
const options = (vfs: SimVfs) => ({ vfs, memtableBytes: 4096, walSegmentBytes: 4096, tableBlockBytes: 256 });

function reopen(real: Real, crash: boolean): void {
  if (crash) real.vfs.crash();
  else real.db.close();
  real.db = Database.open(directory, options(real.vfs));
}

/** The whole visible state against one world: scans both ways, then every id point-wise. */
function stateMismatch(world: World, db: Database): string | undefined {
  const blocks = [...db.scanBlocks()];
  const expected = world.sortedBlocks();
  if (blocks.length !== expected.length) return `${blocks.length} blocks, expected ${expected.length}`;
  for (const [index, block] of blocks.entries()) {
    const problem = blockMismatch(expected[index], block);
    if (problem !== undefined) return problem;
  }
  const edges = edgeListMismatch('scanEdges', world.sortedEdges(), [...db.scanEdges()]);
  if (edges !== undefined) return edges;
  for (const id of ids) {
    const problem =
      blockMismatch(world.block(id), db.getBlock(id)) ??
      edgeListMismatch(`out ${id}`, world.outgoingOf(id), db.outgoingEdges(id)) ??
      edgeListMismatch(`in ${id}`, world.incomingOf(id), db.incomingEdges(id));
    if (problem !== undefined) return problem;
  }
  return db.stats().lastSequence === world.nextSequence - 1 ? undefined : 'lastSequence differs';
}

class WriteCommand implements fc.Command<Model, Real> {
  constructor(readonly batch: WriteOperation[]) {}
  check = (): boolean => true;
  run(model: Model, real: Real): void {
    const result = real.db.write(this.batch);
    assert.equal(result.firstSequence, model.world.nextSequence, 'first sequence');
    model.world.apply(this.batch);
    assert.equal(result.lastSequence, model.world.nextSequence - 1, 'last sequence');
  }
  toString = (): string => `write(${JSON.stringify(this.batch.map(describeOperation))})`;
}

class ReadCommand implements fc.Command<Model, Real> {
  constructor(
    readonly id: string,
    readonly type: EdgeType | undefined,
  ) {}
  check = (): boolean => true;
  run(model: Model, real: Real): void {
    const query = this.type === undefined ? {} : { type: this.type };
    const problem =
      blockMismatch(model.world.block(this.id), real.db.getBlock(this.id)) ??
      edgeListMismatch(
        'out',
        model.world.outgoingOf(this.id, this.type),
        real.db.outgoingEdges(this.id, query),
      ) ??
      edgeListMismatch(
        'in',
        model.world.incomingOf(this.id, this.type),
        real.db.incomingEdges(this.id, query),
      );
    assert.equal(problem, undefined);
  }
  toString = (): string => `read(${this.id.slice(-1)}, ${this.type ?? 'any'})`;
}

class MaintenanceCommand implements fc.Command<Model, Real> {
  constructor(readonly kind: 'flush' | 'compact' | 'maintenance' | 'scan') {}
  check = (): boolean => true;
  run(model: Model, real: Real): void {
    if (this.kind === 'flush') real.db.flush();
    else if (this.kind === 'compact') real.db.compact();
    else if (this.kind === 'maintenance') real.db.maintenance(50);
    else assert.equal(stateMismatch(model.world, real.db), undefined);
  }
  toString = (): string => this.kind;
}

class ReopenCommand implements fc.Command<Model, Real> {
  constructor(readonly crash: boolean) {}
  check = (): boolean => true;
  run(model: Model, real: Real): void {
    reopen(real, this.crash);
    assert.equal(stateMismatch(model.world, real.db), undefined, 'recovered state');
  }
  toString = (): string => (this.crash ? 'crash+reopen' : 'close+reopen');
}

/** A write with a crash scheduled a few file operations ahead: the batch may or may not survive. */
class CrashDuringWriteCommand implements fc.Command<Model, Real> {
  constructor(
    readonly batch: WriteOperation[],
    readonly after: number,
  ) {}
  check = (): boolean => true;
  run(model: Model, real: Real): void {
    const crashesBefore = real.vfs.counters.crashes;
    real.vfs.crashAtOperation(real.vfs.operationCount + this.after);
    let returned = false;
    try {
      real.db.write(this.batch);
      returned = true;
    } catch (error) {
      if (!isKausalError(error, 'CRASHED')) throw error;
    }
    real.vfs.cancelScheduledCrash();
    if (returned && real.vfs.counters.crashes === crashesBefore) {
      model.world.apply(this.batch); // acknowledged before the crash point
      return;
    }
    if (real.vfs.counters.crashes === crashesBefore) real.vfs.crash();
    real.db = Database.open(directory, options(real.vfs));
    const without = model.world.clone();
    const withBatch = model.world.clone().apply(this.batch);
    const survivors = [withBatch, without].filter((world) => stateMismatch(world, real.db) === undefined);
    assert.ok(
      survivors.length > 0,
      `recovered neither with nor without the batch: ${stateMismatch(without, real.db)}`,
    );
    model.world = survivors[0] as World;
  }
  toString = (): string =>
    `crashDuringWrite(+${this.after}, ${JSON.stringify(this.batch.map(describeOperation))})`;
}

function describeOperation(operation: WriteOperation): string {
  switch (operation.kind) {
    case 'put_block':
      return `put ${operation.block.id.slice(-1)} ${operation.block.content.length}`;
    case 'delete_block':
      return `del ${operation.id.slice(-1)}`;
    case 'put_edge':
      return `edge ${operation.edge.source.slice(-1)}-${operation.edge.type}->${operation.edge.target.slice(-1)}`;
    case 'delete_edge':
      return `unedge ${operation.edge.source.slice(-1)}-${operation.edge.type}->${operation.edge.target.slice(-1)}`;
  }
}

const idArbitrary = fc.constantFrom(...ids);
const typeArbitrary = fc.constantFrom(...types);
const operationArbitrary: fc.Arbitrary<WriteOperation> = fc.oneof(
  fc
    .record({ id: idArbitrary, size: fc.nat({ max: 600 }), tag: fc.string({ maxLength: 6 }) })
    .map(({ id, size, tag }) => ({
      kind: 'put_block' as const,
      block: { id, sourceUri: `f#${tag}`, metadata: { tag }, content: `${tag}${'x'.repeat(size)}` },
    })),
  idArbitrary.map((id) => ({ kind: 'delete_block' as const, id })),
  fc
    .record({ source: idArbitrary, target: idArbitrary, type: typeArbitrary, line: fc.option(fc.nat(99)) })
    .map(({ source, target, type, line }) => ({
      kind: 'put_edge' as const,
      edge: line === null ? { source, target, type } : { source, target, type, properties: { line } },
    })),
  fc
    .record({ source: idArbitrary, target: idArbitrary, type: typeArbitrary })
    .map((edge) => ({ kind: 'delete_edge' as const, edge })),
);
const batchArbitrary = fc.array(operationArbitrary, { minLength: 1, maxLength: 5 });

const commandArbitraries = [
  batchArbitrary.map((batch) => new WriteCommand(batch)),
  batchArbitrary.map((batch) => new WriteCommand(batch)),
  fc
    .tuple(idArbitrary, fc.option(typeArbitrary, { nil: undefined }))
    .map(([id, type]) => new ReadCommand(id, type)),
  fc.constantFrom('flush', 'compact', 'maintenance', 'scan').map((kind) => new MaintenanceCommand(kind)),
  fc.boolean().map((crash) => new ReopenCommand(crash)),
  fc
    .tuple(batchArbitrary, fc.integer({ min: 1, max: 12 }))
    .map(([batch, after]) => new CrashDuringWriteCommand(batch, after)),
];

describe('model-based (fast-check): short command sequences with crashes and reopens', () => {
  it('the engine always agrees with the model', () => {
    fc.assert(
      fc.property(fc.nat(), fc.commands(commandArbitraries, { maxCommands: 40 }), (seed, commands) => {
        const vfs = new SimVfs({ seed });
        const real: Real = { vfs, db: Database.open(directory, options(vfs)) };
        try {
          fc.modelRun(() => ({ model: { world: new World() }, real }), commands);
        } finally {
          try {
            real.db.close();
          } catch {
            // A crashed handle may refuse to close; the next run starts a fresh SimVfs anyway.
          }
        }
      }),
      { numRuns: 120 },
    );
  });
});
