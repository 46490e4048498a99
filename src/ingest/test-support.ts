// Helpers for ingestion tests (not part of the public API): ingest a fixture project from
// test/fixtures in this thread and look at its graph by qualified names.
import { fileURLToPath } from 'node:url';
import type { BlockInput, EdgeType, GraphEdge } from '../core/types.js';
import { ingestDirectory, type IngestOptions, type IngestResult } from './ingest-directory.js';

export const fixturesRoot = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));

export class FixtureGraph {
  private readonly names: Map<string, string>;

  constructor(readonly result: IngestResult) {
    this.names = new Map(result.blocks.map((block) => [block.id, String(block.metadata['qualifiedName'])]));
  }

  /** `source -> target` pairs of one edge type, by qualified name. */
  pairs(type: EdgeType): Set<string> {
    return new Set(
      this.result.edges
        .filter((edge) => edge.type === type)
        .map((edge) => `${this.names.get(edge.source)} -> ${this.names.get(edge.target)}`),
    );
  }

  edge(type: EdgeType, source: string, target: string): GraphEdge | undefined {
    return this.result.edges.find(
      (edge) =>
        edge.type === type &&
        this.names.get(edge.source) === source &&
        this.names.get(edge.target) === target,
    );
  }

  /** The block with this qualified name; an entity wins over a module of the same name. */
  block(qualifiedName: string): BlockInput | undefined {
    const matches = this.result.blocks.filter((block) => block.metadata['qualifiedName'] === qualifiedName);
    return matches.find((block) => block.metadata['kind'] !== 'module') ?? matches[0];
  }

  /** The resolution recorded on a calls edge, or undefined when there is no such edge. */
  resolution(source: string, target: string): string | undefined {
    const properties = this.edge('calls', source, target)?.properties;
    return properties === undefined ? undefined : String(properties['resolution']);
  }
}

export async function ingestFixture(
  path: string,
  options: Partial<IngestOptions> = {},
): Promise<FixtureGraph> {
  const result = await ingestDirectory(fixturesRoot + path, { workspace: 'fixture', workers: 0, ...options });
  return new FixtureGraph(result);
}
