// What the CLI says when a target is not one entity: the candidates, each with the exact flags
// that select it, or the names that come close. Exit code 1 either way; with --json the answer
// object goes to stdout so scripts can pick a candidate.
import type { CliIo } from '../io.js';
import {
  unsearchableReason,
  type AmbiguousAnswer,
  type NotFoundAnswer,
  type UnresolvedTarget,
} from '../../query/answer.js';
import { jsonText, type OutputFormat } from '../output-format.js';
import { printable } from '../../core/printable.js';
import { locationText, plural } from './entity-text.js';
import { safe } from './style.js';

function shellQuote(text: string): string {
  return /^[\w./:@+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function ambiguousText(answer: AmbiguousAnswer, option: string): string {
  const flags = answer.candidates.map((candidate) => {
    const workspace = candidate.needsWorkspace
      ? ` --workspace ${shellQuote(candidate.entity.workspace)}`
      : '';
    return safe(`${option} ${shellQuote(candidate.selector)}${workspace}`);
  });
  // One column for the flags, as wide as the longest (within reason), so kinds and places align.
  const width = Math.min(72, Math.max(...flags.map((flag) => flag.length)));
  const lines = answer.candidates.map(
    (candidate, index) =>
      `  ${(flags[index] as string).padEnd(width)}  ${candidate.entity.kind.padEnd(11)} ${locationText(candidate.entity)}`,
  );
  const more =
    answer.total > answer.candidates.length
      ? [`  … and ${answer.total - answer.candidates.length} more`]
      : [];
  return [
    `Error: '${printable(answer.target)}' matches ${answer.total} entities; use a more specific ${option}, or --all:`,
    ...lines,
    ...more,
  ].join('\n');
}

function notFoundText(answer: NotFoundAnswer): string {
  const name = `'${printable(answer.target)}'`;
  const reason = unsearchableReason(answer);
  if (reason !== undefined) return `Error: nothing matches ${name}: ${reason}`;
  const suggestions =
    answer.suggestions.length === 0
      ? ''
      : `; did you mean ${answer.suggestions.map((s) => `'${printable(s)}'`).join(', ')}?`;
  return `Error: no entity matches ${name}${suggestions}${outdatedNote(answer)}`;
}

/**
 * Nothing found in a workspace that changed since its sync may only mean the graph is behind:
 * say so, with the command that catches it up.
 */
function outdatedNote(answer: NotFoundAnswer): string {
  const notes = answer.honesty.freshness.flatMap((report) => {
    const workspace = safe(report.workspace);
    if (report.state === 'stale') {
      const changed = plural(report.filesChangedSince ?? 0, 'file');
      return [
        `note: ${changed} of workspace ${workspace} changed since its last sync; run 'kausal sync ${workspace}' and ask again`,
      ];
    }
    if (report.state === 'interrupted') {
      return [
        `note: the last sync of workspace ${workspace} did not finish; run 'kausal sync ${workspace}' and ask again`,
      ];
    }
    if (report.state === 'syncing') {
      return [`note: workspace ${workspace} is being synced by another process; ask again when it is done`];
    }
    return [];
  });
  return notes.map((note) => `\n${note}`).join('');
}

export function reportUnresolved(
  answer: UnresolvedTarget,
  format: OutputFormat,
  io: CliIo,
  schema: string,
  option = '--target',
): number {
  if (format === 'json') {
    io.stdout(jsonText({ schema, ...answer }));
    return 1;
  }
  io.stderr(`${answer.status === 'ambiguous' ? ambiguousText(answer, option) : notFoundText(answer)}\n`);
  return 1;
}
