// Keys of the name index. A key is a hidden node whose id is derived from a string (a name, a
// qualified suffix, an unresolved callee's name), so any lookup is one adjacency read:
// `outgoingEdges(keyId, { type: 'name_index' })`. No block is stored for a key node. The ids live
// in their own namespace (the hashed text starts with `kausal/name-index/`), so they cannot
// collide with entity ids, which ingestion derives from workspace and path.
import { blockIdFromKey, type BlockId } from '../core/block-id.js';
import { limits } from '../core/limits.js';

export const nameIndexEdgeType = 'name_index' as const;
/** Bumped when the key scheme changes; an index of another version is reported as missing. */
export const nameIndexVersion = 2;

/** Hashed-text prefix of every id the index derives (keys, root, vocabulary shards). */
export const nameIndexNamespace = `kausal/name-index/v${nameIndexVersion}\u0000`;
const namespace = nameIndexNamespace;

/** The node whose one edge records that an index of this version was written. */
export const nameIndexRoot: BlockId = blockIdFromKey(`${namespace}root`);
export const nameIndexVersionNode: BlockId = blockIdFromKey(`${namespace}version`);

/** Entities whose simple name is exactly `name` (case-sensitive). */
export function simpleNameKey(name: string): BlockId {
  return blockIdFromKey(`${namespace}s\u0000${name}`);
}

/** Entities whose qualified name ends with these segments (normalised with `.`). */
export function qualifiedNameKey(qualified: string): BlockId {
  return blockIdFromKey(`${namespace}q\u0000${qualified}`);
}

/** Entities with an unresolved call to something named `name`. */
export function unresolvedCallKey(name: string): BlockId {
  return blockIdFromKey(`${namespace}u\u0000${name}`);
}

/** Splits `a.b.c` or `a::b::c` (or a mix) into segments; empty segments are dropped. */
export function splitQualified(text: string): string[] {
  return text.split(/::|\./).filter((segment) => segment !== '');
}

export function normalizeQualified(text: string): string {
  return splitQualified(text).join('.');
}

/** `src/utils.py` → `utils`: the name a module is imported by in most languages. */
export function moduleStemOf(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * The qualified keys of one entity: every suffix of its qualified name with two segments or more
 * (`Store.get` for `pkg.Store.get`), and the name qualified by its module's stem
 * (`utils.add_numbers` for `add_numbers` in `utils.py`), the way users write it.
 */
export function qualifiedKeysOf(kind: string, qualifiedName: string, file: string): string[] {
  const segments = splitQualified(qualifiedName);
  const keys = new Set<string>();
  const first = Math.max(0, segments.length - limits.nameIndexQualifiedKeysMax);
  for (let start = first; start <= segments.length - 2; start++) keys.add(segments.slice(start).join('.'));
  const stem = moduleStemOf(file);
  if (kind !== 'module' && stem !== '' && segments.length > 0 && segments[0] !== stem) {
    keys.add([...splitQualified(stem), ...segments].join('.'));
  }
  return [...keys];
}

/** Lowercase, by code point, so a name with astral characters is not split inside a pair. */
function codePointsOf(name: string): string[] {
  return Array.from(name.toLowerCase());
}

/** The distinct lowercase trigrams of a name, at most `nameIndexTrigramsMax`. */
export function trigramsOf(name: string): string[] {
  const points = codePointsOf(name);
  const trigrams = new Set<string>();
  for (let index = 0; index + 3 <= points.length; index++) {
    trigrams.add(points.slice(index, index + 3).join(''));
    if (trigrams.size >= limits.nameIndexTrigramsMax) break;
  }
  return [...trigrams];
}
