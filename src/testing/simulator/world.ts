// One possible state of the database, computed only from the operations the simulator issued (never
// from what the engine returned): live blocks and edges with the sequence each write must carry,
// and the next sequence the engine must assign. Sequences are predicted, not read: a batch of n
// operations takes n consecutive sequences, so a lost or duplicated batch shows up as a mismatch.
//
// The last applied batch keeps an undo log, because one at-rest fault (a flipped bit in the newest
// write-ahead log frame) may legitimately remove exactly that batch after the fact.
import type { BlockId } from '../../core/block-id.js';
import {
  edgeTypeToCode,
  outgoingOnlyEdgeCodes,
  type EdgeType,
  type WriteOperation,
} from '../../core/types.js';

export interface BlockVersion {
  readonly id: BlockId;
  readonly sourceUri: string;
  readonly metadataJson: string;
  readonly content: string;
  readonly sequence: number;
}

export interface EdgeVersion {
  readonly source: BlockId;
  readonly target: BlockId;
  readonly type: EdgeType;
  /** JSON of the properties as written; undefined when the edge was written without any. */
  readonly propertiesJson: string | undefined;
  readonly sequence: number;
}

/** The engine's edge order: source, type code, target (ids are lowercase hex, so text order is byte order). */
export function outgoingOrderKey(source: BlockId, type: EdgeType, target: BlockId): string {
  return `${source}${edgeTypeToCode(type).toString(16).padStart(4, '0')}${target}`;
}

/** The engine's order for edges into one node: type code, then source. */
export function incomingOrderKey(source: BlockId, type: EdgeType, target: BlockId): string {
  return `${target}${edgeTypeToCode(type).toString(16).padStart(4, '0')}${source}`;
}

type UndoStep =
  | { readonly kind: 'block'; readonly id: BlockId; readonly before: BlockVersion | undefined }
  | { readonly kind: 'edge'; readonly key: string; readonly before: EdgeVersion | undefined };

interface LastBatch {
  readonly firstSequence: number;
  readonly undo: readonly UndoStep[];
}

export class World {
  private readonly blocks = new Map<BlockId, BlockVersion>();
  /** By outgoing order key. */
  private readonly edges = new Map<string, EdgeVersion>();
  private readonly outgoing = new Map<BlockId, Set<string>>();
  private readonly incoming = new Map<BlockId, Set<string>>();
  private lastBatchValue: LastBatch | undefined;
  private next = 1;

  get nextSequence(): number {
    return this.next;
  }

  get lastBatchFirstSequence(): number | undefined {
    return this.lastBatchValue?.firstSequence;
  }

  get blockCount(): number {
    return this.blocks.size;
  }

  get edgeCount(): number {
    return this.edges.size;
  }

  /** Applies one batch as the engine must: operation i takes sequence nextSequence + i. */
  apply(batch: readonly WriteOperation[]): this {
    if (batch.length === 0) return this; // the engine writes nothing and assigns nothing
    const firstSequence = this.next;
    const undo: UndoStep[] = [];
    batch.forEach((operation, index) => this.applyOne(operation, firstSequence + index, undo));
    this.next = firstSequence + batch.length;
    this.lastBatchValue = { firstSequence, undo };
    return this;
  }

  clone(): World {
    const copy = new World();
    for (const [id, version] of this.blocks) copy.blocks.set(id, version);
    for (const [key, version] of this.edges) copy.setEdge(key, version);
    copy.next = this.next;
    copy.lastBatchValue = this.lastBatchValue;
    return copy;
  }

  /** This world without its last batch (undefined when there is none to remove). */
  withoutLastBatch(): World | undefined {
    const last = this.lastBatchValue;
    if (last === undefined) return undefined;
    const copy = this.clone();
    for (let index = last.undo.length - 1; index >= 0; index -= 1) {
      const step = last.undo[index] as UndoStep;
      if (step.kind === 'block') {
        if (step.before === undefined) copy.blocks.delete(step.id);
        else copy.blocks.set(step.id, step.before);
      } else if (step.before === undefined) copy.deleteEdge(step.key);
      else copy.setEdge(step.key, step.before);
    }
    copy.next = last.firstSequence;
    copy.lastBatchValue = undefined;
    return copy;
  }

  block(id: BlockId): BlockVersion | undefined {
    return this.blocks.get(id);
  }

  edge(source: BlockId, type: EdgeType, target: BlockId): EdgeVersion | undefined {
    return this.edges.get(outgoingOrderKey(source, type, target));
  }

  /** The edge under an outgoing order key (see outgoingOrderKey). */
  edgeByOrderKey(key: string): EdgeVersion | undefined {
    return this.edges.get(key);
  }

  liveBlockIds(): BlockId[] {
    return [...this.blocks.keys()];
  }

  liveEdges(): EdgeVersion[] {
    return [...this.edges.values()];
  }

  /** Edges from `id` in the engine's order (type code, target), optionally of one type. */
  outgoingOf(id: BlockId, type?: EdgeType): EdgeVersion[] {
    const keys = [...(this.outgoing.get(id) ?? [])].sort();
    const edges = keys.map((key) => this.edges.get(key) as EdgeVersion);
    return type === undefined ? edges : edges.filter((edge) => edge.type === type);
  }

  /** Edges into `id` in the engine's order (type code, source), optionally of one type. */
  incomingOf(id: BlockId, type?: EdgeType): EdgeVersion[] {
    const keys = [...(this.incoming.get(id) ?? [])];
    const edges = keys
      .map((key) => this.edges.get(key) as EdgeVersion)
      .filter((edge) => !outgoingOnlyEdgeCodes.has(edgeTypeToCode(edge.type)))
      .sort((left, right) => compareText(incomingKeyOf(left), incomingKeyOf(right)));
    return type === undefined ? edges : edges.filter((edge) => edge.type === type);
  }

  sortedBlocks(): BlockVersion[] {
    return [...this.blocks.values()].sort((left, right) => compareText(left.id, right.id));
  }

  sortedEdges(): EdgeVersion[] {
    return [...this.edges.keys()].sort().map((key) => this.edges.get(key) as EdgeVersion);
  }

  /** A canonical text of the whole state, to merge worlds that became identical. */
  fingerprint(): string {
    const blocks = this.sortedBlocks().map(
      (block) => `${block.id}@${block.sequence}:${block.sourceUri}|${block.metadataJson}|${block.content}`,
    );
    const edges = this.sortedEdges().map(
      (edge) => `${outgoingKeyOf(edge)}@${edge.sequence}:${edge.propertiesJson ?? '-'}`,
    );
    return `${this.next}\n${blocks.join('\n')}\n${edges.join('\n')}`;
  }

  private applyOne(operation: WriteOperation, sequence: number, undo: UndoStep[]): void {
    switch (operation.kind) {
      case 'put_block': {
        const { id, sourceUri, metadata, content } = operation.block;
        undo.push({ kind: 'block', id, before: this.blocks.get(id) });
        this.blocks.set(id, { id, sourceUri, metadataJson: JSON.stringify(metadata), content, sequence });
        return;
      }
      case 'delete_block':
        undo.push({ kind: 'block', id: operation.id, before: this.blocks.get(operation.id) });
        this.blocks.delete(operation.id);
        return;
      case 'put_edge': {
        const { source, target, type, properties } = operation.edge;
        const key = outgoingOrderKey(source, type, target);
        undo.push({ kind: 'edge', key, before: this.edges.get(key) });
        const propertiesJson = properties === undefined ? undefined : JSON.stringify(properties);
        this.setEdge(key, { source, target, type, propertiesJson, sequence });
        return;
      }
      case 'delete_edge': {
        const { source, target, type } = operation.edge;
        const key = outgoingOrderKey(source, type, target);
        undo.push({ kind: 'edge', key, before: this.edges.get(key) });
        this.deleteEdge(key);
        return;
      }
    }
  }

  private setEdge(key: string, version: EdgeVersion): void {
    this.edges.set(key, version);
    addTo(this.outgoing, version.source, key);
    addTo(this.incoming, version.target, key);
  }

  private deleteEdge(key: string): void {
    const version = this.edges.get(key);
    if (version === undefined) return;
    this.edges.delete(key);
    this.outgoing.get(version.source)?.delete(key);
    this.incoming.get(version.target)?.delete(key);
  }
}

export function outgoingKeyOf(edge: Pick<EdgeVersion, 'source' | 'type' | 'target'>): string {
  return outgoingOrderKey(edge.source, edge.type, edge.target);
}

export function incomingKeyOf(edge: Pick<EdgeVersion, 'source' | 'type' | 'target'>): string {
  return incomingOrderKey(edge.source, edge.type, edge.target);
}

export function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function addTo(index: Map<BlockId, Set<string>>, id: BlockId, key: string): void {
  const keys = index.get(id);
  if (keys === undefined) index.set(id, new Set([key]));
  else keys.add(key);
}
