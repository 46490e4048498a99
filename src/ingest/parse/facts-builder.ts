// Accumulates the facts of one file while a language plug-in walks its tree. It owns the rules
// every language shares: entity 0 is the module, line numbers are 1-based and inclusive, content
// and signatures are capped, and per-file caps drop (and count) sites instead of failing.
import type { Node } from 'web-tree-sitter';
import { limits } from '../../core/limits.js';
import {
  factsFormatVersion,
  type CallFact,
  type EntityFact,
  type EntityKind,
  type ExportFact,
  type FieldFact,
  type FileFacts,
  type ImplementationFact,
  type ImportFact,
  type LanguageId,
  type ReferenceFact,
} from '../facts.js';
import type { ModuleIdentity } from '../language.js';
import { countLines, cutContent, signatureOf } from './source-text.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type EntityDetails = Omit<
  EntityFact,
  | 'kind'
  | 'name'
  | 'qualifiedName'
  | 'parent'
  | 'lineStart'
  | 'lineEnd'
  | 'signature'
  | 'content'
  | 'exported'
>;

export interface EntityInit extends EntityDetails {
  readonly kind: EntityKind;
  readonly name: string;
  readonly qualifiedName: string;
  readonly parent: number;
  readonly exported: boolean;
  /** The node whose range is the entity's (for `export function f`, the export statement). */
  readonly node: Node;
}

export class FactsBuilder {
  private readonly entities: Mutable<EntityFact>[] = [];
  private readonly imports: ImportFact[] = [];
  private readonly exports: ExportFact[] = [];
  private readonly calls: CallFact[] = [];
  private readonly references: ReferenceFact[] = [];
  private readonly implementations: ImplementationFact[] = [];
  private droppedSites = 0;
  private readonly lineCount: number;

  constructor(
    readonly path: string,
    readonly language: LanguageId,
    readonly source: string,
    identity: ModuleIdentity,
    private readonly invalidUtf8: boolean,
    private readonly bytes: number,
  ) {
    this.lineCount = countLines(source);
    const cut = cutContent(source);
    const module: Mutable<EntityFact> = {
      kind: 'module',
      name: identity.name,
      qualifiedName: identity.qualifiedName,
      parent: -1,
      lineStart: 1,
      lineEnd: Math.max(1, this.lineCount),
      exported: true,
      signature: path,
      content: cut.text,
    };
    if (cut.originalLength !== undefined) module.contentLength = cut.originalLength;
    this.entities.push(module);
  }

  entity(index: number): EntityFact {
    return this.entities[index] as EntityFact;
  }

  get exportList(): readonly ExportFact[] {
    return this.exports;
  }

  get entityCount(): number {
    return this.entities.length;
  }

  /** Adds an entity and returns its index; past the per-file cap it returns `parent` instead. */
  addEntity(init: EntityInit): number {
    if (this.entities.length >= limits.ingestEntitiesPerFileMax) {
      this.droppedSites++;
      return init.parent;
    }
    const { node, ...rest } = init;
    const cut = cutContent(this.source.slice(node.startIndex, node.endIndex));
    const entity: Mutable<EntityFact> = {
      ...rest,
      lineStart: node.startPosition.row + 1,
      lineEnd: endLine(node),
      signature: signatureOf(this.source, node.startIndex, node.endIndex, bodyStartOf(node)),
      content: cut.text,
    };
    if (cut.originalLength !== undefined) entity.contentLength = cut.originalLength;
    this.entities.push(entity);
    return this.entities.length - 1;
  }

  /** Records a field of a type; a later declaration with a type wins over an inferred one. */
  addField(entityIndex: number, field: FieldFact): void {
    const entity = this.entities[entityIndex];
    if (!entity) return;
    const fields = (entity.fields ?? []) as FieldFact[];
    const existing = fields.findIndex((candidate) => candidate.name === field.name);
    if (existing < 0) fields.push(field);
    else if ((fields[existing] as FieldFact).type === undefined && field.type !== undefined)
      fields[existing] = field;
    entity.fields = fields;
  }

  /** Replaces optional details of an entity once they are known (e.g. the value of a constant). */
  updateEntity(entityIndex: number, details: Partial<EntityDetails> & { exported?: boolean }): void {
    const entity = this.entities[entityIndex];
    if (entity) Object.assign(entity, details);
  }

  /** Adds a call site and returns its index, or -1 when the per-file cap is reached. */
  addCall(call: CallFact): number {
    if (!this.hasSiteRoom()) return -1;
    this.calls.push(call);
    return this.calls.length - 1;
  }

  addReference(reference: ReferenceFact): void {
    if (this.hasSiteRoom()) this.references.push(reference);
  }

  addImport(fact: ImportFact): void {
    this.imports.push(fact);
  }

  addExport(fact: ExportFact): void {
    this.exports.push(fact);
  }

  addImplementation(fact: ImplementationFact): void {
    this.implementations.push(fact);
  }

  finish(syntaxErrors: number): FileFacts {
    return {
      format: factsFormatVersion,
      path: this.path,
      language: this.language,
      bytes: this.bytes,
      lines: this.lineCount,
      syntaxErrors,
      invalidUtf8: this.invalidUtf8,
      droppedSites: this.droppedSites,
      entities: this.entities,
      imports: this.imports,
      exports: this.exports,
      calls: this.calls,
      references: this.references,
      implementations: this.implementations,
    };
  }

  private hasSiteRoom(): boolean {
    if (this.calls.length + this.references.length < limits.ingestSitesPerFileMax) return true;
    this.droppedSites++;
    return false;
  }
}

/** The last line a node occupies; a node ending at column 0 ends on the line before. */
function endLine(node: Node): number {
  const end = node.endPosition;
  const start = node.startPosition;
  return end.column === 0 && end.row > start.row ? end.row : end.row + 1;
}

/**
 * Where the declaration's body starts, when the grammar names it (the `body` field of functions,
 * methods, classes, structs, traits and impls in every grammar here), looked for on the node and
 * on the declaration an `export` or a decorator wraps: the signature ends there, so a one-line
 * `int get() { return x; }` reads `int get()`.
 */
function bodyStartOf(node: Node): number | undefined {
  // Each lookup is a call into the grammar's WebAssembly, made for every entity: the wrapped
  // declaration is looked for only when the node has no body of its own.
  let body = node.childForFieldName('body');
  if (body === null) {
    const declaration = node.childForFieldName('declaration') ?? node.childForFieldName('definition');
    body = declaration?.childForFieldName('body') ?? null;
  }
  return body !== null && body.startIndex > node.startIndex ? body.startIndex : undefined;
}
