// Renderings of an export: Graphviz DOT and Mermaid flowcharts. Node ids are positional (n0, n1,
// …) so the text is stable for the same graph; labels are escaped for each syntax, so no name or
// path from the code can break out of its quotes. (JSON is the answer object itself.)
import type { Entity } from './entity.js';
import type { GraphExport } from './export.js';

/** Control characters would corrupt either syntax; names and paths never need them. */
function withoutControls(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ');
}

/** Two lines: the name and kind, then the location. Controls inside names become spaces first. */
function labelOf(entity: Entity): string {
  const name = withoutControls(entity.qualifiedName);
  return `${name} (${withoutControls(entity.kind)})\n${withoutControls(entity.file)}:${entity.line}`;
}

function dotString(text: string): string {
  const escaped = text
    .split('\n')
    .map((line) => withoutControls(line).replace(/\\/g, '\\\\').replace(/"/g, '\\"'))
    .join('\\n');
  return `"${escaped}"`;
}

export function toDot(graph: GraphExport): string {
  const index = new Map(graph.nodes.map((entity, position) => [entity.id, `n${position}`]));
  const lines = ['digraph kausal {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];'];
  for (const entity of graph.nodes) {
    const shape = entity.kind === 'module' ? ', shape=folder' : '';
    lines.push(`  ${index.get(entity.id)} [label=${dotString(labelOf(entity))}${shape}];`);
  }
  for (const edge of graph.edges) {
    const style = edge.edge.guess ? ', style=dashed' : '';
    lines.push(
      `  ${index.get(edge.source)} -> ${index.get(edge.target)} [label=${dotString(edge.edge.type)}${style}];`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

const mermaidEntities: Readonly<Record<string, string>> = {
  '"': '#quot;',
  '<': '#lt;',
  '>': '#gt;',
  '#': '#35;',
  '&': '#amp;',
  '`': '#96;',
};

function mermaidString(text: string): string {
  const escaped = text
    .split('\n')
    .map((line) =>
      withoutControls(line).replace(/["<>#&`]/g, (character) => mermaidEntities[character] ?? ''),
    )
    .join('<br/>');
  return `"${escaped}"`;
}

export function toMermaid(graph: GraphExport): string {
  const index = new Map(graph.nodes.map((entity, position) => [entity.id, `n${position}`]));
  const lines = ['flowchart LR'];
  for (const entity of graph.nodes) {
    const label = mermaidString(labelOf(entity));
    lines.push(
      entity.kind === 'module'
        ? `  ${index.get(entity.id)}[(${label})]`
        : `  ${index.get(entity.id)}[${label}]`,
    );
  }
  for (const edge of graph.edges) {
    const arrow = edge.edge.guess ? '-.->' : '-->';
    lines.push(`  ${index.get(edge.source)} ${arrow}|${edge.edge.type}| ${index.get(edge.target)}`);
  }
  return `${lines.join('\n')}\n`;
}
