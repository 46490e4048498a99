// show as text: the original's "✓ Found 1 caller:" header, then one branch per entity with its
// file:line, the call site and the edge's provenance; deeper levels are indented under the entity
// they were reached from.
import type { RelationName } from '../../query/relations.js';
import type { RelationItem, ShowAnswer } from '../../query/show.js';
import { edgeText, entityLabel, entityText, honestyText, plural, setAsideText } from './entity-text.js';
import { setAsideExcept } from '../../query/constructors.js';
import type { Style } from './style.js';

const nouns: Readonly<Record<RelationName, [string, string]>> = {
  callers: ['caller', 'callers'],
  callees: ['callee', 'callees'],
  imports: ['imported module', 'imported modules'],
  importers: ['importer', 'importers'],
  exports: ['export', 'exports'],
  extends: ['supertype', 'supertypes'],
  'extended-by': ['subtype', 'subtypes'],
  implements: ['implemented interface', 'implemented interfaces'],
  'implemented-by': ['implementation', 'implementations'],
  contains: ['member', 'members'],
  'contained-by': ['container', 'containers'],
  references: ['reference', 'references'],
  'refers-to': ['referenced function', 'referenced functions'],
};

function targetsText(answer: ShowAnswer, style: Style): string {
  const targets = answer.targets.map((target) => entityLabel(target, style)).join(', ');
  const modules =
    answer.modules.length === 0
      ? ''
      : ` via module ${answer.modules.map((m) => entityLabel(m, style)).join(', ')}`;
  const [only] = answer.constructors;
  const constructors =
    answer.constructors.length > 1
      ? ` and its ${answer.constructors.length} constructors`
      : only === undefined
        ? ''
        : ` and its constructor ${entityLabel(only, style)}`;
  return `${targets}${modules}${constructors}`;
}

/** Items in walk order, each child listed right under the item it was reached from. */
function itemLines(items: readonly RelationItem[], style: Style): string[] {
  const children = new Map<string, RelationItem[]>();
  for (const item of items) {
    const list = children.get(item.from);
    if (list === undefined) children.set(item.from, [item]);
    else list.push(item);
  }
  const lines: string[] = [];
  const roots = items.filter((item) => item.depth === 1);
  // An explicit stack of (item, prefix, last) entries: no recursion over the walk depth.
  const stack = roots
    .map((item, index) => ({ item, prefix: '', last: index === roots.length - 1 }))
    .reverse();
  while (stack.length > 0) {
    const { item, prefix, last } = stack.pop() as { item: RelationItem; prefix: string; last: boolean };
    lines.push(
      `${prefix}${last ? '└─ ' : '├─ '}${entityText(item.entity, style)}${edgeText(item.edge, item.site, style)}`,
    );
    const below = (children.get(item.entity.id) ?? []).filter((child) => child.depth === item.depth + 1);
    const childPrefix = `${prefix}${last ? '   ' : '│  '}`;
    for (let index = below.length - 1; index >= 0; index--) {
      stack.push({
        item: below[index] as RelationItem,
        prefix: childPrefix,
        last: index === below.length - 1,
      });
    }
  }
  return lines;
}

export function showText(answer: ShowAnswer, style: Style): string {
  const [one, many] = nouns[answer.relation];
  const count = answer.complete ? `${answer.total}` : `at least ${answer.total}`;
  const noun = answer.total === 1 ? one : many;
  const depth = answer.maxDepth > 1 ? ` within depth ${answer.maxDepth}` : '';
  const header =
    answer.total === 0
      ? `No ${many} of ${targetsText(answer, style)}${depth}.`
      : `${style.green('✓')} Found ${count} ${noun} of ${targetsText(answer, style)}${depth}:`;
  const modulesOnly = answer.targets.every((target) => target.kind === 'module');
  const hint =
    answer.total === 0 && answer.relation === 'callers' && modulesOnly
      ? [style.dim('A module is imported, not called: --relation importers lists who imports it.')]
      : [];
  const more = answer.truncated
    ? [style.dim(`… ${answer.total - answer.results.length} more; raise --max-results to see them`)]
    : [];
  return `${setAsideText(setAsideExcept(answer.setAside, answer.constructors), style)}${[header, ...hint, ...itemLines(answer.results, style), ...more].join('\n')}\n${honestyText(answer.honesty, style)}`;
}

export const showCsvHeader = [
  'depth',
  'name',
  'qualified_name',
  'kind',
  'file',
  'line',
  'site_file',
  'site_line',
  'edge',
  'resolution',
  'confidence',
  'guess',
  'from',
  'id',
];

export function showCsvRows(answer: ShowAnswer): (string | number | boolean | undefined)[][] {
  return answer.results.map((item) => [
    item.depth,
    item.entity.name,
    item.entity.qualifiedName,
    item.entity.kind,
    item.entity.file,
    item.entity.line,
    item.site?.file,
    item.site?.line,
    item.edge.type,
    item.edge.resolution,
    item.edge.confidence,
    item.edge.guess,
    item.from,
    item.entity.id,
  ]);
}

export { plural };
