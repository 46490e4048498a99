// trace as text: the call tree drawn with box-drawing characters, a cycle marked ↻ where it
// closes, a node already expanded elsewhere marked "(see above)", cut children counted.
import type { TraceAnswer, TraceNode } from '../../query/trace.js';
import { setAsideExcept } from '../../query/constructors.js';
import { edgeText, entityText, honestyText, plural, setAsideText } from './entity-text.js';
import type { Style } from './style.js';

type Line =
  | {
      readonly kind: 'node';
      readonly node: TraceNode;
      readonly prefix: string;
      readonly last: boolean;
      readonly root: boolean;
    }
  | { readonly kind: 'hidden'; readonly count: number; readonly prefix: string };

function markText(node: TraceNode, style: Style): string {
  if (node.mark === 'cycle') return style.yellow('  ↻ cycle');
  if (node.mark === 'repeat') return style.dim('  (expanded elsewhere)');
  return '';
}

/** Lines of one tree, depth first, from an explicit stack (no recursion over the tree depth). */
function treeLines(root: TraceNode, style: Style): string[] {
  const lines: string[] = [];
  const stack: Line[] = [{ kind: 'node', node: root, prefix: '', last: true, root: true }];
  while (stack.length > 0) {
    const line = stack.pop() as Line;
    if (line.kind === 'hidden') {
      lines.push(`${line.prefix}└─ ${style.dim(`… ${line.count} more not shown`)}`);
      continue;
    }
    const { node, prefix, last, root: isRoot } = line;
    const branch = isRoot ? '' : last ? '└─ ' : '├─ ';
    lines.push(
      `${prefix}${branch}${entityText(node.entity, style)}${edgeText(node.edge, node.site, style)}${markText(node, style)}`,
    );
    const childPrefix = isRoot ? '' : `${prefix}${last ? '   ' : '│  '}`;
    const hidden = node.hiddenChildren > 0;
    if (hidden) stack.push({ kind: 'hidden', count: node.hiddenChildren, prefix: childPrefix });
    for (let index = node.children.length - 1; index >= 0; index--) {
      const child = node.children[index] as TraceNode;
      const lastChild = index === node.children.length - 1 && !hidden;
      stack.push({ kind: 'node', node: child, prefix: childPrefix, last: lastChild, root: false });
    }
  }
  return lines;
}

export function traceText(answer: TraceAnswer, style: Style): string {
  const blocks = answer.roots.map((root) => treeLines(root, style).join('\n'));
  const caps: string[] = [];
  if (answer.caps.nodesHit) {
    caps.push(
      `node cap hit at ${answer.nodes} nodes, ${answer.caps.notExpanded} left unexpanded (raise --max-results)`,
    );
  }
  if (answer.caps.fanOutHits > 0)
    caps.push(`${plural(answer.caps.fanOutHits, 'node')} had children cut (raise --max-fan-out)`);
  if (answer.caps.depthReached) caps.push(`depth limit ${answer.depth} reached (raise --depth)`);
  const summary = style.dim(
    `${answer.direction} of ${plural(answer.roots.length, 'root')}: ${plural(answer.nodes, 'node')}, ${answer.distinct} distinct` +
      (caps.length === 0 ? '' : `; ${caps.join('; ')}`),
  );
  // Constructors set aside as targets are traced as roots of their own (callers of a type).
  const roots = answer.roots.map((root) => root.entity);
  return `${setAsideText(setAsideExcept(answer.setAside, roots), style)}${blocks.join('\n\n')}\n${summary}\n${honestyText(answer.honesty, style)}`;
}

export const traceCsvHeader = [
  'depth',
  'name',
  'qualified_name',
  'kind',
  'file',
  'line',
  'parent_id',
  'site_file',
  'site_line',
  'resolution',
  'confidence',
  'guess',
  'mark',
  'hidden_children',
  'id',
];

/** The tree flattened depth first, each row naming its parent. */
export function traceCsvRows(answer: TraceAnswer): (string | number | boolean | undefined)[][] {
  const rows: (string | number | boolean | undefined)[][] = [];
  const stack: { node: TraceNode; parent: string | undefined }[] = [...answer.roots]
    .reverse()
    .map((node) => ({ node, parent: undefined }));
  while (stack.length > 0) {
    const { node, parent } = stack.pop() as { node: TraceNode; parent: string | undefined };
    const e = node.entity;
    rows.push([
      node.depth,
      e.name,
      e.qualifiedName,
      e.kind,
      e.file,
      e.line,
      parent,
      node.site?.file,
      node.site?.line,
      node.edge?.resolution,
      node.edge?.confidence,
      node.edge?.guess,
      node.mark,
      node.hiddenChildren,
      e.id,
    ]);
    for (let index = node.children.length - 1; index >= 0; index--) {
      stack.push({ node: node.children[index] as TraceNode, parent: e.id });
    }
  }
  return rows;
}
