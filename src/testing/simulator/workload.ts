// Generates the operations a run issues: ids from a bounded pool (with a few hot ones), blocks of
// varied text (multi-byte characters, the WAL magic, JSON-looking text, now and then a large one),
// and typed edges with and without properties. Targets for overwrites and deletes come from the
// model's representative world, so they usually hit live keys; that is the model's own input
// state, never an engine answer.
import type { BlockId } from '../../core/block-id.js';
import type { Rng } from '../../core/rng.js';
import type { BlockInput, EdgeType, GraphEdge, JsonObject, WriteOperation } from '../../core/types.js';
import type { WorkloadConfig } from './config.js';
import type { World } from './world.js';

const pieces = ['a', 'b', 'z', ' ', '\n', 'é', '✓', '😀', 'KWAL', '{"x":1}', '\u0000', 'fn()', '\t'];

export class Workload {
  readonly ids: readonly BlockId[];
  private writes = 0;

  constructor(
    private readonly rng: Rng,
    private readonly config: WorkloadConfig,
  ) {
    const ids = new Set<BlockId>(['0'.repeat(32), 'f'.repeat(32)]);
    for (let attempt = 0; ids.size < config.idCount && attempt < config.idCount * 4; attempt += 1) {
      ids.add(randomId(rng));
    }
    this.ids = [...ids].slice(0, Math.max(2, config.idCount));
  }

  get edgeTypesInUse(): readonly EdgeType[] {
    return this.config.edgeTypes;
  }

  pickId(): BlockId {
    const hot = Math.min(this.config.hotIdCount, this.ids.length);
    const index = this.rng.chance(0.5) ? this.rng.below(hot) : this.rng.below(this.ids.length);
    return this.ids[index] as BlockId;
  }

  edgeType(): EdgeType {
    return this.rng.pick(this.config.edgeTypes);
  }

  /** A type filter for an edge lookup: none, one in use, or one no edge has. */
  queryType(): EdgeType | undefined {
    const roll = this.rng.below(10);
    if (roll < 4) return undefined;
    return roll < 9 ? this.edgeType() : 'depends_on';
  }

  putBlock(id = this.pickId()): WriteOperation {
    return { kind: 'put_block', block: this.block(id) };
  }

  overwrite(world: World): WriteOperation {
    const live = world.liveBlockIds();
    return this.putBlock(live.length === 0 ? this.pickId() : this.rng.pick(live));
  }

  deleteBlock(world: World): WriteOperation {
    const live = world.liveBlockIds();
    const id = live.length > 0 && this.rng.chance(0.8) ? this.rng.pick(live) : this.pickId();
    return { kind: 'delete_block', id };
  }

  putEdge(): WriteOperation {
    return { kind: 'put_edge', edge: this.edge() };
  }

  deleteEdge(world: World): WriteOperation {
    const live = world.liveEdges();
    if (live.length > 0 && this.rng.chance(0.8)) {
      const { source, target, type } = this.rng.pick(live);
      return { kind: 'delete_edge', edge: { source, target, type } };
    }
    const { source, target, type } = this.edge();
    return { kind: 'delete_edge', edge: { source, target, type } };
  }

  /** Several operations, sometimes touching one key more than once (order inside a batch matters). */
  batch(world: World): WriteOperation[] {
    const count = this.rng.between(2, this.config.batchOperationsMax);
    const operations: WriteOperation[] = [];
    for (let index = 0; index < count; index += 1) {
      const roll = this.rng.below(10);
      if (roll < 4) operations.push(this.putBlock());
      else if (roll < 5) operations.push(this.deleteBlock(world));
      else if (roll < 8) operations.push(this.putEdge());
      else operations.push(this.deleteEdge(world));
    }
    return operations;
  }

  private block(id: BlockId): BlockInput {
    this.writes += 1;
    const large = this.rng.chance(this.config.largeBlockChance);
    const content = large ? this.largeText() : this.text(this.rng.below(this.config.contentCharsMax + 1));
    return { id, sourceUri: this.sourceUri(), metadata: this.metadata(), content };
  }

  private edge(): GraphEdge {
    const edge = { source: this.pickId(), target: this.pickId(), type: this.edgeType() };
    const roll = this.rng.below(10);
    if (roll < 5) return edge;
    if (roll < 6) return { ...edge, properties: {} };
    if (roll < 9) return { ...edge, properties: { line: this.rng.below(10_000), how: 'import' } };
    return { ...edge, properties: { note: this.text(this.rng.between(100, 240)), write: this.writes } };
  }

  private sourceUri(): string {
    if (this.rng.chance(0.1)) return '';
    const start = this.rng.between(1, 900);
    return `file://src/f${this.rng.below(50)}.ts#L${start}-${start + this.rng.below(40)}`;
  }

  private metadata(): JsonObject {
    const roll = this.rng.below(4);
    if (roll === 0) return {};
    if (roll === 1) return { write: this.writes };
    if (roll === 2) return { write: this.writes, kind: 'function', exported: this.rng.chance(0.5) };
    return { write: this.writes, nested: { list: [1, 'two', null, { deep: true }], text: this.text(12) } };
  }

  /** Text of about `length` UTF-16 units; it starts with the write number, so rewrites differ. */
  private text(length: number): string {
    let text = `${this.writes}:`;
    for (let guard = 0; text.length < length && guard < length; guard += 1) text += this.rng.pick(pieces);
    return text;
  }

  private largeText(): string {
    const chunk = this.text(this.rng.between(16, 200));
    const repeats = Math.max(
      1,
      Math.floor(this.rng.between(1024, this.config.largeBlockCharsMax) / chunk.length),
    );
    return `${chunk.repeat(repeats)}${this.text(32)}`;
  }
}

function randomId(rng: Rng): BlockId {
  let id = '';
  for (let index = 0; index < 4; index += 1) id += rng.nextU32().toString(16).padStart(8, '0');
  return id;
}
