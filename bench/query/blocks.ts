// The model's entities as KausalDB blocks, exactly as ingestion writes them (docs/query.md):
// metadata, source URI, content, and the structural edges (contains, defined_in, method_of).
import { blockIdFromKey, type BlockId } from '../../src/core/block-id.js';
import type { BlockInput, GraphEdge, JsonObject } from '../../src/core/types.js';
import { confidenceOf, fileOf, qualifiedNameOf, resolutions, type CodeModel } from './graph-model.js';

export const benchWorkspace = 'bench';

export interface ModelIds {
  readonly entities: readonly BlockId[];
  readonly modules: readonly BlockId[];
  readonly classes: readonly BlockId[];
}

export function idsOf(model: CodeModel): ModelIds {
  const key = (kind: string, index: number): BlockId =>
    blockIdFromKey(`${benchWorkspace}\u0000${kind}\u0000${index}`);
  return {
    entities: Array.from({ length: model.entityCount }, (_, index) => key('entity', index)),
    modules: Array.from({ length: model.size.modules }, (_, index) => key('module', index)),
    classes: Array.from({ length: model.classNames.length }, (_, index) => key('class', index)),
  };
}

function contentOf(signature: string, name: string, lines: number): string {
  const body = Array.from(
    { length: lines },
    (_, index) => `  const step${index} = compute_${name}(${index});`,
  );
  return `${signature} {\n${body.join('\n')}\n  return step0;\n}\n`;
}

export interface EntityRow {
  readonly id: BlockId;
  readonly kind: string;
  readonly name: string;
  readonly qualifiedName: string;
  readonly file: string;
  readonly line: number;
  readonly lineEnd: number;
  readonly signature: string;
  readonly unresolvedCalls: number;
  readonly block: BlockInput;
}

function rowOf(
  id: BlockId,
  fields: Omit<EntityRow, 'id' | 'block' | 'lineEnd'> & {
    readonly lines: number;
    readonly extra?: JsonObject;
  },
): EntityRow {
  const lineEnd = fields.line + fields.lines + 2;
  const metadata: JsonObject = {
    workspace: benchWorkspace,
    language: 'typescript',
    kind: fields.kind,
    name: fields.name,
    qualifiedName: fields.qualifiedName,
    file: fields.file,
    lineStart: fields.line,
    lineEnd,
    exported: true,
    signature: fields.signature,
    ...fields.extra,
  };
  const block = {
    id,
    sourceUri: `file://${fields.file}#L${fields.line}-${lineEnd}`,
    metadata,
    content:
      fields.kind === 'module'
        ? `// ${fields.file}\n`
        : contentOf(fields.signature, fields.name, fields.lines),
  };
  const { kind, name, qualifiedName, file, line, signature, unresolvedCalls } = fields;
  return { id, kind, name, qualifiedName, file, line, lineEnd, signature, unresolvedCalls, block };
}

/** The blocks of one module: the module, its class (if any), its functions and methods. */
export function moduleRows(
  model: CodeModel,
  ids: ModelIds,
  module: number,
  callSites: Int32Array,
): EntityRow[] {
  const file = fileOf(model, module);
  const stem = `mod${module}`;
  const rows: EntityRow[] = [
    rowOf(ids.modules[module] as BlockId, {
      kind: 'module',
      name: stem,
      qualifiedName: file.replace(/\.ts$/, ''),
      file,
      line: 1,
      lines: 500,
      signature: '',
      unresolvedCalls: 0,
      extra: { bytes: 20_000, lines: 500 },
    }),
  ];
  const first = module * model.size.entitiesPerModule;
  const classIndex = model.classOf[first + model.size.entitiesPerModule - 1] ?? -1;
  if (classIndex >= 0) {
    const name = model.classNames[classIndex] as string;
    const line = 1 + (model.size.entitiesPerModule / 2) * 25 - 2;
    rows.push(
      rowOf(ids.classes[classIndex] as BlockId, {
        kind: 'class',
        name,
        qualifiedName: name,
        file,
        line,
        lines: 240,
        signature: `export class ${name}`,
        unresolvedCalls: 0,
      }),
    );
  }
  for (let entity = first; entity < first + model.size.entitiesPerModule; entity++) {
    const name = model.names[entity] as string;
    const isMethod = (model.classOf[entity] ?? -1) >= 0;
    const unresolved = model.unresolvedOf[entity] ?? 0;
    const sites = (callSites[entity] ?? 0) + unresolved;
    const signature = `${isMethod ? '' : 'export function '}${name}(input: Input, options?: Options): Result`;
    const extra: JsonObject =
      sites === 0 ? {} : { callSites: sites, unresolvedCalls: unresolved, externalCalls: 0 };
    if (unresolved > 0) extra['unresolvedCallNames'] = [`helper_${entity % 97}`];
    if (isMethod) extra['parent'] = model.classNames[model.classOf[entity] ?? 0] as string;
    rows.push(
      rowOf(ids.entities[entity] as BlockId, {
        kind: isMethod ? 'method' : 'function',
        name,
        qualifiedName: qualifiedNameOf(model, entity),
        file,
        line: model.lineOf[entity] ?? 1,
        lines: 8 + (entity % 13),
        signature,
        unresolvedCalls: unresolved,
        extra,
      }),
    );
  }
  return rows;
}

/** Structural edges of a module: contains, defined_in, method_of, and its imports. */
export function structureEdges(model: CodeModel, ids: ModelIds, module: number): GraphEdge[] {
  const edges: GraphEdge[] = [];
  const moduleId = ids.modules[module] as BlockId;
  const first = module * model.size.entitiesPerModule;
  const classIndex = model.classOf[first + model.size.entitiesPerModule - 1] ?? -1;
  const classId = classIndex >= 0 ? ids.classes[classIndex] : undefined;
  if (classId !== undefined) {
    edges.push(
      { source: moduleId, target: classId, type: 'contains' },
      { source: classId, target: moduleId, type: 'defined_in' },
    );
  }
  for (let entity = first; entity < first + model.size.entitiesPerModule; entity++) {
    const id = ids.entities[entity] as BlockId;
    const isMethod = (model.classOf[entity] ?? -1) >= 0 && classId !== undefined;
    edges.push({ source: isMethod ? classId : moduleId, target: id, type: 'contains' });
    edges.push({ source: id, target: moduleId, type: 'defined_in' });
    if (isMethod) edges.push({ source: id, target: classId, type: 'method_of' });
  }
  for (const target of model.imports[module] ?? []) {
    edges.push({
      source: moduleId,
      target: ids.modules[target] as BlockId,
      type: 'imports',
      properties: { line: 1 },
    });
  }
  return edges;
}

export function callEdge(model: CodeModel, ids: ModelIds, call: number): GraphEdge {
  const resolution = model.callResolution[call] ?? 0;
  return {
    source: ids.entities[model.callSource[call] ?? 0] as BlockId,
    target: ids.entities[model.callTarget[call] ?? 0] as BlockId,
    type: 'calls',
    properties: {
      line: model.callLine[call] ?? 1,
      resolution: resolutions[resolution] ?? 'lexical',
      confidence: confidenceOf(resolution),
    },
  };
}

export function callSitesOf(model: CodeModel): Int32Array {
  const sites = new Int32Array(model.entityCount);
  for (const source of model.callSource) sites[source] = (sites[source] ?? 0) + 1;
  return sites;
}
