// Turning a target text into entities, honestly. A target is a block id, or a name selector
// matched exactly. When it matches several entities the query does not pick one: it answers with
// the candidates, each with a target text that selects it alone, unless the caller asked for all.
//
// Two preferences are applied, and reported: a module and a function often share a name
// (`main.py` and `def main`). Call queries mean the code entity; import queries mean the module.
// And a type shares its name with its own constructors in Java and C++ (`HashMap` and its four
// `HashMap(…)`): the name means the type, whose callers include its constructors' anyway.
import { isBlockId, type BlockId } from '../core/block-id.js';
import { limits } from '../core/limits.js';
import { type AmbiguousAnswer, type Candidate, type NotFoundAnswer, type QueryContext } from './answer.js';
import { compareEntities, type Entity } from './entity.js';
import type { EntityCache } from './graph-reader.js';
import { typeKinds } from './constructors.js';
import { HonestyTally } from './honesty.js';
import { searchedDatabase } from './name-index.js';
import { matchName, suggestNames } from './name-match.js';
import {
  checkQueryText,
  fileMatches,
  parseNameSelector,
  qualifierMatches,
  type NameSelector,
} from './name-selector.js';

export type KindPreference = 'code' | 'module';

export interface TargetRequest {
  readonly target: string;
  readonly workspace?: string;
  /** Take every match instead of answering "ambiguous". */
  readonly all?: boolean;
  /** Which entity a module/code name clash means; see the module comment. */
  readonly prefer?: KindPreference;
}

export interface ResolvedTargets {
  readonly status: 'resolved';
  readonly entities: readonly Entity[];
  /** Entities the name also matched that the kind preference set aside (reported, not hidden). */
  readonly setAside: readonly Entity[];
}

export type TargetOutcome = ResolvedTargets | AmbiguousAnswer | NotFoundAnswer;

export function resolveTargets(
  context: QueryContext,
  cache: EntityCache,
  request: TargetRequest,
): TargetOutcome {
  const text = checkQueryText(request.target, 'target');
  if (isBlockId(text)) {
    const byId = entityById(cache, text, request.workspace);
    if (byId !== undefined) return { status: 'resolved', entities: [byId], setAside: [] };
  }
  const selector = parseNameSelector(text);
  const filter = request.workspace === undefined ? {} : { workspace: request.workspace };
  const matched: Entity[] = [];
  for (const { hit } of matchName(context.graph, cache, selector, 'exact', filter).hits) {
    const entity = cache.get(hit.id);
    if (entity !== undefined && !matched.some((known) => known.id === entity.id)) matched.push(entity);
  }
  if (matched.length === 0 && selector.file === undefined)
    matched.push(...modulesAtPath(context, cache, text, filter));
  matched.sort(compareEntities);
  if (matched.length === 0) return notFound(context, text, selector, request.workspace);
  const { kept, setAside } = preferTypeToItsConstructors(applyPreference(matched, request.prefer ?? 'code'));
  if (kept.length === 1 || request.all === true) {
    return { status: 'resolved', entities: kept.slice(0, limits.resultCountMax), setAside };
  }
  return ambiguous(context, text, kept, request.workspace);
}

function entityById(cache: EntityCache, id: BlockId, workspace: string | undefined): Entity | undefined {
  const entity = cache.get(id);
  if (entity === undefined || (workspace !== undefined && entity.workspace !== workspace)) return undefined;
  return entity;
}

function applyPreference(matched: Entity[], prefer: KindPreference): { kept: Entity[]; setAside: Entity[] } {
  const modules = matched.filter((entity) => entity.kind === 'module');
  const code = matched.filter((entity) => entity.kind !== 'module');
  if (modules.length === 0 || code.length === 0) return { kept: matched, setAside: [] };
  return prefer === 'module' ? { kept: modules, setAside: code } : { kept: code, setAside: modules };
}

function preferTypeToItsConstructors(choice: { kept: Entity[]; setAside: Entity[] }): {
  kept: Entity[];
  setAside: Entity[];
} {
  const types = choice.kept.filter((entity) => typeKinds.has(entity.kind));
  const type = types[0];
  if (types.length !== 1 || type === undefined || choice.kept.length === 1) return choice;
  const constructors = choice.kept.filter((entity) => entity !== type);
  const own = constructors.every(
    (entity) =>
      entity.kind === 'constructor' &&
      entity.parent === type.qualifiedName &&
      entity.file === type.file &&
      entity.workspace === type.workspace,
  );
  return own ? { kept: [type], setAside: [...choice.setAside, ...constructors] } : choice;
}

/**
 * The modules a path names, for a target that matched no name: `src/db.ts`, `src/db` or
 * `internal/operators/map` (a module's qualified name in TypeScript) mean the module of that file.
 * Modules are found through the name index under the file's stem, or the name of its directory
 * for an index file (`pkg/__init__.py`, `lib/index.ts`, `mod.rs`).
 */
function modulesAtPath(
  context: QueryContext,
  cache: EntityCache,
  text: string,
  filter: { readonly workspace?: string },
): Entity[] {
  if (!text.includes('/') && !/\.[A-Za-z0-9]+$/.test(text)) return [];
  const path = text.replace(/^\.\//, '');
  const parts = path.split('/');
  const stem = (parts[parts.length - 1] ?? '').replace(/\.[^.]*$/, '');
  const names = new Set([stem, parts[parts.length - 2] ?? ''].filter((name) => name !== ''));
  const withoutExtension = (file: string): string => file.replace(/\.[^./]*$/, '');
  const found: Entity[] = [];
  for (const name of names) {
    const selector = { text: name, qualifier: [], name };
    // The index hit carries kind, file and qualified name: only a matching module's block is read.
    for (const { hit } of matchName(context.graph, cache, selector, 'exact', filter).hits) {
      if (hit.kind !== 'module' || found.some((known) => known.id === hit.id)) continue;
      if (
        hit.qualifiedName !== path &&
        !fileMatches(hit.file, path) &&
        !fileMatches(withoutExtension(hit.file), withoutExtension(path))
      )
        continue;
      const entity = cache.get(hit.id);
      if (entity !== undefined) found.push(entity);
    }
  }
  return found;
}

function notFound(
  context: QueryContext,
  text: string,
  selector: NameSelector,
  workspace: string | undefined,
): NotFoundAnswer {
  const honesty = new HonestyTally();
  honesty.addSearched(workspace, context.workspaces);
  return {
    status: 'not_found',
    target: text,
    suggestions: suggestNames(context.graph, selector.name),
    ...searchedDatabase(context),
    honesty: honesty.finish(context.freshness),
  };
}

function ambiguous(
  context: QueryContext,
  text: string,
  matched: Entity[],
  workspace: string | undefined,
): AmbiguousAnswer {
  const honesty = new HonestyTally();
  if (workspace !== undefined) honesty.addWorkspace(workspace);
  const shown = matched.slice(0, limits.ambiguousCandidatesMax);
  for (const entity of shown) honesty.addWorkspace(entity.workspace);
  return {
    status: 'ambiguous',
    target: text,
    total: matched.length,
    candidates: shown.map((entity) => candidateOf(entity, matched)),
    honesty: honesty.finish(context.freshness),
  };
}

function selects(selectorText: string, entity: Entity): boolean {
  if (selectorText.trim() === '' || selectorText.length > limits.queryTextCharsMax) return false;
  const selector = parseNameSelector(selectorText);
  return (
    entity.name === selector.name &&
    fileMatches(entity.file, selector.file) &&
    qualifierMatches(entity, selector.qualifier)
  );
}

/** The shortest target text that selects `entity` and no other of `all`. */
function candidateOf(entity: Entity, all: readonly Entity[]): Candidate {
  const options = [
    entity.qualifiedName,
    `${entity.file}:${entity.name}`,
    `${entity.file}:${entity.qualifiedName}`,
  ];
  for (const needsWorkspace of [false, true]) {
    const rivals = needsWorkspace ? all.filter((other) => other.workspace === entity.workspace) : all;
    for (const option of options) {
      if (!selects(option, entity)) continue;
      if (rivals.filter((other) => selects(option, other)).length === 1) {
        return { entity, selector: option, needsWorkspace };
      }
    }
  }
  return { entity, selector: entity.id, needsWorkspace: false };
}
