// path as text: each path as a short chain, one step per line with the call site that links it.
import type { CallPath, PathAnswer } from '../../query/paths.js';
import { edgeText, entityLabel, entityText, honestyText, plural } from './entity-text.js';
import type { Style } from './style.js';

function pathLines(path: CallPath, number: number, style: Style): string[] {
  const lines = [style.bold(`Path ${number}`) + style.dim(` (${plural(path.length, 'call')})`)];
  path.steps.forEach((step, index) => {
    const indent = index === 0 ? '  ' : `  ${'   '.repeat(index - 1)}└─ `;
    lines.push(`${indent}${entityText(step.entity, style)}${edgeText(step.edge, step.site, style)}`);
  });
  return lines;
}

function namesOf(answer: PathAnswer, side: 'from' | 'to', style: Style): string {
  return answer[side].map((entity) => entityLabel(entity, style)).join(', ');
}

export function pathText(answer: PathAnswer, style: Style): string {
  const ends = `from ${namesOf(answer, 'from', style)} to ${namesOf(answer, 'to', style)}`;
  if (answer.paths.length === 0) {
    const why =
      answer.reason === 'search-cap'
        ? `the search stopped after visiting ${answer.visited} nodes without reaching it`
        : `within depth ${answer.maxDepth}`;
    return `No call path ${ends} ${why}.\n${honestyText(answer.honesty, style)}`;
  }
  const count = answer.complete ? `${answer.found}` : `at least ${answer.found}`;
  const shown =
    answer.paths.length < answer.found ? `, showing ${answer.paths.length} (raise --max-paths)` : '';
  const header = `${style.green('✓')} ${count} shortest ${answer.found === 1 ? 'path' : 'paths'} ${ends}${shown}:`;
  const blocks = answer.paths.map((path, index) => pathLines(path, index + 1, style).join('\n'));
  return `${header}\n${blocks.join('\n')}\n${honestyText(answer.honesty, style)}`;
}
