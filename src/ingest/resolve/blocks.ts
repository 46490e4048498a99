// Blocks from entities: the source URI, the metadata every block carries (workspace, language,
// kind, names, file, lines, exported, signature) and the per-caller call accounting that lets a
// query say how many call sites it could not resolve.
import type { BlockInput, JsonObject } from '../../core/types.js';
import { limits } from '../../core/limits.js';
import type { EntityNode } from './workspace-index.js';

/** Call accounting of one calling entity. */
export class CallStats {
  sites = 0;
  resolved = 0;
  external = 0;
  unresolved = 0;
  ambiguous = 0;
  readonly unresolvedNames: string[] = [];

  recordUnresolved(name: string, ambiguous: boolean): void {
    this.unresolved++;
    if (ambiguous) this.ambiguous++;
    if (
      this.unresolvedNames.length < limits.ingestUnresolvedNamesMax &&
      !this.unresolvedNames.includes(name)
    ) {
      this.unresolvedNames.push(name);
    }
  }
}

function sourceUriOf(path: string, lineStart: number, lineEnd: number): string {
  return `file://${path}#L${lineStart}-${lineEnd}`;
}

export function blockOf(workspace: string, entity: EntityNode, stats: CallStats | undefined): BlockInput {
  const fact = entity.fact;
  const file = entity.file;
  const metadata: JsonObject = {
    workspace,
    language: file.facts.language,
    kind: fact.kind,
    name: fact.name,
    qualifiedName: fact.qualifiedName,
    file: file.path,
    lineStart: fact.lineStart,
    lineEnd: fact.lineEnd,
    exported: fact.exported,
    signature: fact.signature,
  };
  const parent = fact.parent > 0 ? file.entities[fact.parent] : undefined;
  if (parent !== undefined) metadata['parent'] = parent.fact.qualifiedName;
  if (fact.owner !== undefined) metadata['owner'] = fact.owner;
  if (fact.isStatic === true) metadata['static'] = true;
  if (fact.isAbstract === true) metadata['abstract'] = true;
  if (fact.contentLength !== undefined) {
    metadata['contentTruncated'] = true;
    metadata['contentLength'] = fact.contentLength;
  }
  if (fact.kind === 'module') addFileMetadata(metadata, entity);
  if (stats !== undefined && stats.sites > 0) {
    metadata['callSites'] = stats.sites;
    metadata['unresolvedCalls'] = stats.unresolved;
    metadata['externalCalls'] = stats.external;
    if (stats.ambiguous > 0) metadata['ambiguousCalls'] = stats.ambiguous;
    if (stats.unresolvedNames.length > 0) metadata['unresolvedCallNames'] = [...stats.unresolvedNames];
  }
  return {
    id: entity.id,
    sourceUri: sourceUriOf(file.path, fact.lineStart, fact.lineEnd),
    metadata,
    content: fact.content ?? '',
  };
}

function addFileMetadata(metadata: JsonObject, module: EntityNode): void {
  const facts = module.file.facts;
  metadata['bytes'] = facts.bytes;
  metadata['lines'] = facts.lines;
  if (facts.syntaxErrors > 0) metadata['syntaxErrors'] = facts.syntaxErrors;
  if (facts.invalidUtf8) metadata['invalidUtf8'] = true;
  if (facts.droppedSites > 0) metadata['droppedSites'] = facts.droppedSites;
}
