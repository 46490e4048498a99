// Kind filters of find. Each entity kind ingestion writes is a filter of its own; two more group
// them the way people ask: `method` includes constructors, `type` is any type declaration.
export const entityKinds = [
  'module',
  'function',
  'method',
  'constructor',
  'class',
  'struct',
  'interface',
  'trait',
  'enum',
  'union',
  'type_alias',
  'constant',
  'variable',
] as const;

export const kindFilters = ['any', 'type', ...entityKinds] as const;
export type KindFilter = (typeof kindFilters)[number];

// A Map, not an object literal: `constructor` is a kind, and an object would answer it from its prototype.
const groups = new Map<KindFilter, readonly string[]>([
  ['method', ['method', 'constructor']],
  ['type', ['class', 'struct', 'interface', 'trait', 'enum', 'union', 'type_alias']],
]);

/** The kinds a filter accepts; undefined for `any`. */
export function kindsOf(filter: KindFilter): ReadonlySet<string> | undefined {
  if (filter === 'any') return undefined;
  return new Set(groups.get(filter) ?? [filter]);
}

/** Kinds whose instances run when called: the usual subjects of call queries. */
export const callableKinds: ReadonlySet<string> = new Set(['function', 'method', 'constructor']);
