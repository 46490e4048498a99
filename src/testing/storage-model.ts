// An independent model of the database for tests: plain maps updated from the operations' inputs,
// never from the engine's outputs, and a reader that captures the engine's whole visible state.
import type { WriteOperation } from '../core/types.js';
import type { Database } from '../database.js';

export interface VisibleState {
  readonly blocks: ReadonlyMap<string, string>;
  readonly edges: ReadonlySet<string>;
}

export function edgeKeyOf(edge: { source: string; target: string; type: string }): string {
  return `${edge.source}>${edge.type}>${edge.target}`;
}

export class StorageModel {
  readonly blocks = new Map<string, string>();
  readonly edges = new Set<string>();

  apply(operations: readonly WriteOperation[]): void {
    for (const operation of operations) {
      switch (operation.kind) {
        case 'put_block':
          this.blocks.set(operation.block.id, operation.block.content);
          break;
        case 'delete_block':
          this.blocks.delete(operation.id);
          break;
        case 'put_edge':
          this.edges.add(edgeKeyOf(operation.edge));
          break;
        case 'delete_edge':
          this.edges.delete(edgeKeyOf(operation.edge));
          break;
      }
    }
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
  for (const block of db.scanBlocks()) blocks.set(block.id, block.content);
  const edges = new Set<string>();
  for (const edge of db.scanEdges()) edges.add(edgeKeyOf(edge));
  return { blocks, edges };
}

/** A readable difference between two states, or undefined when equal. */
export function diffStates(expected: VisibleState, actual: VisibleState): string | undefined {
  const problems: string[] = [];
  for (const [id, content] of expected.blocks) {
    const found = actual.blocks.get(id);
    if (found === undefined) problems.push(`missing block ${id}`);
    else if (found !== content) problems.push(`block ${id} has other content`);
  }
  for (const id of actual.blocks.keys()) if (!expected.blocks.has(id)) problems.push(`extra block ${id}`);
  for (const edge of expected.edges) if (!actual.edges.has(edge)) problems.push(`missing edge ${edge}`);
  for (const edge of actual.edges) if (!expected.edges.has(edge)) problems.push(`extra edge ${edge}`);
  return problems.length === 0 ? undefined : problems.slice(0, 5).join('; ');
}
