// Builds code graphs for query tests exactly as ingestion writes them (docs/query.md lists the
// contract): module and entity blocks with their metadata, `contains`/`defined_in`/`method_of`
// edges, `calls` edges with provenance, and the name index operations in the same batch.
import { blockIdFromKey, type BlockId } from '../core/block-id.js';
import type { BlockInput, EdgeType, JsonObject, WriteOperation } from '../core/types.js';
import { Database } from '../database.js';
import { nameIndexOperations, versionEdge, type NameIndexReader } from '../query/name-index.js';
import { moduleStemOf } from '../query/name-keys.js';
import { SimVfs } from '../vfs/sim-vfs.js';

export interface EntitySpec {
  readonly file: string;
  readonly kind: string;
  readonly name: string;
  readonly qualifiedName?: string;
  readonly line: number;
  readonly lineEnd?: number;
  readonly exported?: boolean;
  readonly signature?: string;
  /** Qualified name of the enclosing class; the entity becomes its method. */
  readonly parent?: string;
  readonly content?: string;
  readonly unresolvedCalls?: number;
  readonly unresolvedCallNames?: readonly string[];
}

export interface CallOptions {
  readonly line: number;
  readonly resolution?: 'lexical' | 'import' | 'receiver' | 'name-only' | 'dispatch';
  readonly confidence?: number;
  readonly sites?: number;
}

interface PendingBlock {
  readonly id: BlockId;
  readonly sourceUri: string;
  readonly metadata: JsonObject;
  readonly content: string;
  calls: number;
}

const languages: Readonly<Record<string, string>> = {
  py: 'python',
  ts: 'typescript',
  js: 'javascript',
  go: 'go',
  rs: 'rust',
};

export class GraphFixture {
  private readonly blocks = new Map<BlockId, PendingBlock>();
  private readonly modules = new Map<string, BlockId>();
  private readonly byQualifiedName = new Map<string, BlockId>();
  private readonly edges: WriteOperation[] = [];

  constructor(readonly workspace = 'demo') {}

  private languageOf(file: string): string {
    const extension = file.slice(file.lastIndexOf('.') + 1);
    return Object.hasOwn(languages, extension) ? (languages[extension] ?? 'typescript') : 'typescript';
  }

  idOf(file: string, kind: string, qualifiedName: string): BlockId {
    return blockIdFromKey(`${this.workspace}\u0000${file}\u0000${kind}\u0000${qualifiedName}\u00000`);
  }

  module(file: string): BlockId {
    const known = this.modules.get(file);
    if (known !== undefined) return known;
    const qualifiedName = file.replace(/\.[^./]+$/, '');
    const id = this.idOf(file, 'module', qualifiedName);
    this.modules.set(file, id);
    this.blocks.set(id, {
      id,
      sourceUri: `file://${file}#L1-100`,
      metadata: {
        workspace: this.workspace,
        language: this.languageOf(file),
        kind: 'module',
        name: moduleStemOf(file),
        qualifiedName,
        file,
        lineStart: 1,
        lineEnd: 100,
        exported: true,
        signature: '',
        bytes: 1000,
        lines: 100,
      },
      content: `# module ${file}\n`,
      calls: 0,
    });
    return id;
  }

  entity(spec: EntitySpec): BlockId {
    const module = this.module(spec.file);
    const qualifiedName =
      spec.qualifiedName ?? (spec.parent === undefined ? spec.name : `${spec.parent}.${spec.name}`);
    const id = this.idOf(spec.file, spec.kind, qualifiedName);
    const lineEnd = spec.lineEnd ?? spec.line + 3;
    const metadata: JsonObject = {
      workspace: this.workspace,
      language: this.languageOf(spec.file),
      kind: spec.kind,
      name: spec.name,
      qualifiedName,
      file: spec.file,
      lineStart: spec.line,
      lineEnd,
      exported: spec.exported ?? true,
      signature: spec.signature ?? `def ${spec.name}():`,
    };
    if (spec.parent !== undefined) metadata['parent'] = spec.parent;
    if (spec.unresolvedCalls !== undefined) metadata['unresolvedCalls'] = spec.unresolvedCalls;
    if (spec.unresolvedCallNames !== undefined)
      metadata['unresolvedCallNames'] = [...spec.unresolvedCallNames];
    const content = spec.content ?? `${metadata['signature'] as string}\n    pass  # ${qualifiedName}\n`;
    this.blocks.set(id, {
      id,
      sourceUri: `file://${spec.file}#L${spec.line}-${lineEnd}`,
      metadata,
      content,
      calls: 0,
    });
    this.byQualifiedName.set(qualifiedName, id);
    const parent = spec.parent === undefined ? undefined : this.byQualifiedName.get(spec.parent);
    this.edge(parent ?? module, id, 'contains');
    this.edge(id, module, 'defined_in');
    if (parent !== undefined) this.edge(id, parent, 'method_of');
    return id;
  }

  call(caller: BlockId, callee: BlockId, options: CallOptions): void {
    const properties: JsonObject = {
      line: options.line,
      resolution: options.resolution ?? 'lexical',
      confidence: options.confidence ?? 1,
    };
    if (options.sites !== undefined) properties['sites'] = options.sites;
    this.edge(caller, callee, 'calls', properties);
    const block = this.blocks.get(caller);
    if (block !== undefined) block.calls += options.sites ?? 1;
  }

  edge(source: BlockId, target: BlockId, type: EdgeType, properties?: JsonObject): void {
    this.edges.push({
      kind: 'put_edge',
      edge: { source, target, type, ...(properties === undefined ? {} : { properties }) },
    });
  }

  blockInputs(): BlockInput[] {
    return [...this.blocks.values()].map((block) => {
      const unresolved = block.metadata['unresolvedCalls'];
      const sites = block.calls + (typeof unresolved === 'number' ? unresolved : 0);
      const metadata =
        sites > 0
          ? { ...block.metadata, callSites: sites, unresolvedCalls: unresolved ?? 0, externalCalls: 0 }
          : block.metadata;
      return { id: block.id, sourceUri: block.sourceUri, metadata, content: block.content };
    });
  }

  /** Blocks, edges and name index operations, as one batch (the index computed against `reader`). */
  operations(reader: NameIndexReader): WriteOperation[] {
    const blocks = this.blockInputs();
    return [
      ...blocks.map((block): WriteOperation => ({ kind: 'put_block', block })),
      ...this.edges,
      ...nameIndexOperations(reader, this.workspace, blocks, []),
      { kind: 'put_edge', edge: versionEdge },
    ];
  }

  write(
    db: NameIndexReader & {
      write(operations: readonly WriteOperation[]): unknown;
    },
  ): void {
    db.write(this.operations(db));
  }
}

/**
 * The acceptance scenario of issue 6: `main` calls `helper_function` and `utils.utility_function`,
 * `helper_function` calls `calculate_value`, `utility_function` calls `add_numbers`.
 */
export function acceptanceGraph(workspace = 'demo'): { fixture: GraphFixture; ids: Record<string, BlockId> } {
  const fixture = new GraphFixture(workspace);
  const main = fixture.entity({ file: 'main.py', kind: 'function', name: 'main', line: 10, lineEnd: 14 });
  const helper = fixture.entity({
    file: 'main.py',
    kind: 'function',
    name: 'helper_function',
    line: 4,
    lineEnd: 6,
  });
  const calculate = fixture.entity({
    file: 'main.py',
    kind: 'function',
    name: 'calculate_value',
    line: 1,
    lineEnd: 2,
  });
  const utility = fixture.entity({
    file: 'utils.py',
    kind: 'function',
    name: 'utility_function',
    line: 4,
    lineEnd: 5,
  });
  const add = fixture.entity({
    file: 'utils.py',
    kind: 'function',
    name: 'add_numbers',
    line: 1,
    lineEnd: 2,
  });
  fixture.call(main, helper, { line: 11 });
  fixture.call(main, utility, { line: 12, resolution: 'import', confidence: 0.95 });
  fixture.call(helper, calculate, { line: 5 });
  fixture.call(utility, add, { line: 5 });
  fixture.edge(fixture.module('main.py'), fixture.module('utils.py'), 'imports', { line: 1 });
  return { fixture, ids: { main, helper, calculate, utility, add } };
}

/**
 * A class with a constructor: `loads` calls `Decoder.__init__` (a construction resolved to the
 * constructor), `make` calls `Decoder` itself (one resolved to the class).
 */
export function constructedClassGraph(workspace = 'w'): {
  fixture: GraphFixture;
  ids: Record<'decoder' | 'init' | 'loads' | 'make', BlockId>;
} {
  const fixture = new GraphFixture(workspace);
  const decoder = fixture.entity({ file: 'decoder.py', kind: 'class', name: 'Decoder', line: 1 });
  const init = fixture.entity({
    file: 'decoder.py',
    kind: 'constructor',
    name: '__init__',
    parent: 'Decoder',
    line: 2,
  });
  fixture.entity({ file: 'decoder.py', kind: 'method', name: 'decode', parent: 'Decoder', line: 8 });
  const loads = fixture.entity({ file: 'json.py', kind: 'function', name: 'loads', line: 1 });
  const make = fixture.entity({ file: 'json.py', kind: 'function', name: 'make', line: 9 });
  fixture.call(loads, init, { line: 3 });
  fixture.call(make, decoder, { line: 10 });
  return { fixture, ids: { decoder, init, loads, make } };
}

/** A database on a simulated file system: fast, isolated, nothing left on disk. */
export function openMemoryDatabase(seed = 1): Database {
  return Database.open('/db', { vfs: new SimVfs({ seed }) });
}
