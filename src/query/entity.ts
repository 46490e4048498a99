// Entities: the query layer's view of a code block, decoded from the metadata ingestion writes
// (docs/query.md lists the contract). Decoding is tolerant on purpose: a block with a missing
// field still shows up, with its location taken from the source URI, rather than vanishing from
// an answer. Content is not part of an entity; the context bundle reads it separately.
import type { BlockId } from '../core/block-id.js';
import type { BlockHeader, ContextBlock, JsonObject, JsonValue } from '../core/types.js';

export interface Entity {
  readonly id: BlockId;
  readonly workspace: string;
  readonly language: string;
  /** 'module' | 'function' | 'method' | 'constructor' | 'class' | … as ingestion wrote it. */
  readonly kind: string;
  readonly name: string;
  readonly qualifiedName: string;
  /** Relative POSIX path of the file that declares the entity. */
  readonly file: string;
  readonly line: number;
  readonly lineEnd: number;
  readonly exported: boolean;
  readonly signature: string;
  /** Qualified name of the enclosing entity (a method's class), when there is one. */
  readonly parent?: string;
  /** Call sites in the entity's body. */
  readonly callSites: number;
  /** Call sites in the entity's body that resolution could not tie to any target. */
  readonly unresolvedCalls: number;
  /** Length of the stored source text in UTF-16 units (what a context bundle would cost). */
  readonly contentChars: number;
}

const sourceUriPattern = /^file:\/\/(.*)#L(\d+)-(\d+)$/;

interface UriLocation {
  readonly file: string;
  readonly lineStart: number;
  readonly lineEnd: number;
}

export function parseSourceUri(uri: string): UriLocation | undefined {
  const match = sourceUriPattern.exec(uri);
  if (match === null) return undefined;
  return { file: match[1] ?? '', lineStart: Number(match[2]), lineEnd: Number(match[3]) };
}

function stringOf(value: JsonValue | undefined, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function countOf(value: JsonValue | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function lineOf(value: JsonValue | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : fallback;
}

/** True for blocks that describe a code entity (ingestion's blocks), false for anything else. */
export function isEntityMetadata(metadata: JsonObject): boolean {
  return typeof metadata['name'] === 'string' && typeof metadata['kind'] === 'string';
}

export function entityFromBlock(block: ContextBlock): Entity {
  return entityFromHeader({ ...block, contentLength: block.content.length });
}

/** Metadata that ingestion wrote whole needs no fallback: the source URI is parsed only if not. */
function fallbackLocation(metadata: JsonObject, sourceUri: string): UriLocation | undefined {
  const complete =
    typeof metadata['file'] === 'string' &&
    lineOf(metadata['lineStart'], -1) >= 0 &&
    lineOf(metadata['lineEnd'], -1) >= 0;
  return complete ? undefined : parseSourceUri(sourceUri);
}

export function entityFromHeader(header: BlockHeader): Entity {
  const metadata = header.metadata;
  const location = fallbackLocation(metadata, header.sourceUri);
  const name = stringOf(metadata['name'], '');
  const lineStart = lineOf(metadata['lineStart'], location?.lineStart ?? 0);
  const parent = metadata['parent'];
  return {
    id: header.id,
    workspace: stringOf(metadata['workspace'], ''),
    language: stringOf(metadata['language'], ''),
    kind: stringOf(metadata['kind'], 'unknown'),
    name,
    qualifiedName: stringOf(metadata['qualifiedName'], name),
    file: stringOf(metadata['file'], location?.file ?? ''),
    line: lineStart,
    lineEnd: lineOf(metadata['lineEnd'], location?.lineEnd ?? lineStart),
    exported: metadata['exported'] === true,
    signature: stringOf(metadata['signature'], ''),
    ...(typeof parent === 'string' ? { parent } : {}),
    callSites: countOf(metadata['callSites']),
    unresolvedCalls: countOf(metadata['unresolvedCalls']),
    contentChars: header.contentLength,
  };
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The stable order of every answer: workspace, file, line, qualified name, then id. */
export function compareEntities(left: Entity, right: Entity): number {
  return (
    compareText(left.workspace, right.workspace) ||
    compareText(left.file, right.file) ||
    left.line - right.line ||
    compareText(left.qualifiedName, right.qualifiedName) ||
    compareText(left.id, right.id)
  );
}

export { compareText };

/** `file:line`, the location format of every answer. */
export function locationOf(entity: Pick<Entity, 'file' | 'line'>): string {
  return `${entity.file}:${entity.line}`;
}
