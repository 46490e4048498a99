// The relations `show` answers, each one edge type walked in one direction. Relations about
// modules (imports, importers, exports) start from the target's module when the target is not a
// module itself, so `show --relation importers --target parse` means "who imports parse's module".
import type { KnownEdgeType } from '../core/types.js';
import type { KindPreference } from './target.js';

export type Direction = 'out' | 'in';

export interface RelationSpec {
  readonly edgeType: KnownEdgeType;
  readonly direction: Direction;
  /** Start from the target's module (found through its `defined_in` edge). */
  readonly moduleScoped: boolean;
  /** Keep only neighbours marked exported. */
  readonly exportedOnly: boolean;
  readonly prefer: KindPreference;
  /** One line for help texts and docs. */
  readonly meaning: string;
}

function spec(
  edgeType: KnownEdgeType,
  direction: Direction,
  meaning: string,
  options: { moduleScoped?: boolean; exportedOnly?: boolean } = {},
): RelationSpec {
  const moduleScoped = options.moduleScoped ?? false;
  return {
    edgeType,
    direction,
    moduleScoped,
    exportedOnly: options.exportedOnly ?? false,
    prefer: moduleScoped ? 'module' : 'code',
    meaning,
  };
}

export const relations = {
  callers: spec('calls', 'in', 'entities that call the target'),
  callees: spec('calls', 'out', 'entities the target calls'),
  imports: spec('imports', 'out', "modules the target's module imports", { moduleScoped: true }),
  importers: spec('imports', 'in', "modules that import the target's module", { moduleScoped: true }),
  exports: spec('contains', 'out', "exported entities of the target's module", {
    moduleScoped: true,
    exportedOnly: true,
  }),
  extends: spec('extends', 'out', 'types the target extends'),
  'extended-by': spec('extends', 'in', 'types that extend the target'),
  implements: spec('implements', 'out', 'interfaces the target implements'),
  'implemented-by': spec('implements', 'in', 'types that implement the target'),
  contains: spec(
    'contains',
    'out',
    'members the target contains (a module its entities, a class its methods)',
  ),
  'contained-by': spec('contains', 'in', 'the entity that contains the target'),
  references: spec('references', 'in', 'entities that pass the target by name (callbacks, aliases)'),
  'refers-to': spec('references', 'out', 'functions the target passes by name'),
} as const satisfies Record<string, RelationSpec>;

export type RelationName = keyof typeof relations;
export const relationNames = Object.keys(relations) as RelationName[];
