// A compact form of the whole visible state, for tests that compare the engine with the model
// after crashes (src/storage/crash.test.ts). The model is the simulator's World: updated from the
// operations' inputs only, with predicted sequences. Every block and edge is reduced to one
// signature string holding all of its fields (sequence, source URI, metadata, content,
// properties), so a difference in any field is a difference in state.
import type { WriteOperation } from '../core/types.js';
import type { Database } from '../database.js';
import { World, type BlockVersion, type EdgeVersion } from './simulator/world.js';

export interface VisibleState {
  /** Block id to its signature. */
  readonly blocks: ReadonlyMap<string, string>;
  /** Edge signatures. */
  readonly edges: ReadonlySet<string>;
}

export function edgeKeyOf(edge: { source: string; target: string; type: string }): string {
  return `${edge.source}>${edge.type}>${edge.target}`;
}

type BlockFields = Pick<BlockVersion, 'sequence' | 'sourceUri' | 'metadataJson' | 'content'>;
type EdgeFields = Pick<EdgeVersion, 'source' | 'target' | 'type' | 'sequence' | 'propertiesJson'>;

function blockSignature(block: BlockFields): string {
  return `@${block.sequence} ${block.sourceUri} ${block.metadataJson} ${block.content}`;
}

function edgeSignature(edge: EdgeFields): string {
  return `${edgeKeyOf(edge)}@${edge.sequence} ${edge.propertiesJson ?? '-'}`;
}

export class StorageModel implements VisibleState {
  private readonly world = new World();

  get blocks(): ReadonlyMap<string, string> {
    return new Map(this.world.sortedBlocks().map((block) => [block.id, blockSignature(block)]));
  }

  get edges(): ReadonlySet<string> {
    return new Set(this.world.sortedEdges().map(edgeSignature));
  }

  apply(operations: readonly WriteOperation[]): void {
    this.world.apply(operations);
  }

  static after(batches: readonly (readonly WriteOperation[])[]): StorageModel {
    const model = new StorageModel();
    for (const batch of batches) model.apply(batch);
    return model;
  }
}

/** The engine's state through scans (both keyspaces). */
export function readVisibleState(db: Database): VisibleState {
  const blocks = new Map<string, string>();
  for (const block of db.scanBlocks()) {
    blocks.set(block.id, blockSignature({ ...block, metadataJson: JSON.stringify(block.metadata) }));
  }
  const edges = new Set<string>();
  for (const edge of db.scanEdges()) {
    const propertiesJson = edge.properties === undefined ? undefined : JSON.stringify(edge.properties);
    edges.add(edgeSignature({ ...edge, propertiesJson }));
  }
  return { blocks, edges };
}

/** A readable difference between two states, or undefined when equal. */
export function diffStates(expected: VisibleState, actual: VisibleState): string | undefined {
  const problems: string[] = [];
  for (const [id, signature] of expected.blocks) {
    const found = actual.blocks.get(id);
    if (found === undefined) problems.push(`missing block ${id}`);
    else if (found !== signature) problems.push(`block ${id} differs (${found.slice(0, 60)})`);
  }
  for (const id of actual.blocks.keys()) if (!expected.blocks.has(id)) problems.push(`extra block ${id}`);
  for (const edge of expected.edges) if (!actual.edges.has(edge)) problems.push(`missing edge ${edge}`);
  for (const edge of actual.edges) if (!expected.edges.has(edge)) problems.push(`extra edge ${edge}`);
  return problems.length === 0 ? undefined : problems.slice(0, 5).join('; ');
}
