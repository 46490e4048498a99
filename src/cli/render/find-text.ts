// find as text: one aligned row per entity, the workspace shown when the rows span several.
import { unsearchableReason } from '../../query/answer.js';
import type { FindAnswer } from '../../query/find.js';
import { printable } from '../../core/printable.js';
import { honestyText, locationText, plural } from './entity-text.js';
import { safe, type Style } from './style.js';

export function findText(answer: FindAnswer, style: Style): string {
  const name = `'${printable(answer.query.name)}'`;
  if (answer.results.length === 0) {
    const hint =
      answer.suggestions.length === 0
        ? ''
        : ` Did you mean ${answer.suggestions.map((s) => `'${safe(s)}'`).join(', ')}?`;
    const reason = unsearchableReason(answer);
    const why = reason === undefined ? '' : `\n${reason[0]?.toUpperCase()}${reason.slice(1)}.`;
    return `No entities match ${name} (${answer.query.match}).${hint}${why}\n${honestyText(answer.honesty, style)}`;
  }
  const workspaces = new Set(answer.results.map((result) => result.entity.workspace));
  const nameWidth = Math.min(
    60,
    Math.max(...answer.results.map((result) => safe(result.entity.qualifiedName).length)),
  );
  const rows = answer.results.map((result) => {
    const entity = result.entity;
    const workspace = workspaces.size > 1 ? style.dim(`  [${safe(entity.workspace)}]`) : '';
    const quality = result.match === 'exact' ? '' : style.dim(`  (${result.match})`);
    return `  ${style.bold(safe(entity.qualifiedName).padEnd(nameWidth))}  ${entity.kind.padEnd(11)} ${style.cyan(locationText(entity))}${workspace}${quality}`;
  });
  const more = answer.truncated
    ? [style.dim(`  … ${answer.total - answer.results.length} more; raise --max-results to see them`)]
    : [];
  const header = `${style.green('✓')} Found ${plural(answer.total, 'entity', 'entities')}${answer.complete ? '' : ' (at least)'} matching ${name}:`;
  return `${[header, ...rows, ...more].join('\n')}\n${honestyText(answer.honesty, style)}`;
}

export const findCsvHeader = [
  'name',
  'qualified_name',
  'kind',
  'file',
  'line',
  'line_end',
  'workspace',
  'language',
  'match',
  'id',
];

export function findCsvRows(answer: FindAnswer): (string | number)[][] {
  return answer.results.map(({ entity, match }) => [
    entity.name,
    entity.qualifiedName,
    entity.kind,
    entity.file,
    entity.line,
    entity.lineEnd,
    entity.workspace,
    entity.language,
    match,
    entity.id,
  ]);
}
