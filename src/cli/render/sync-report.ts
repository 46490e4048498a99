import type { SyncReport } from '../../workspace/index.js';
import { filesNotIndexedNote } from '../../workspace/sync-report-notes.js';

export function renderSyncReport(report: SyncReport): string {
  const { files, blocks, edges } = report;
  const verb = report.movedFrom !== undefined ? 'Moved' : report.linked ? 'Linked' : 'Synced';
  const seconds = (report.durationMs / 1000).toFixed(2);
  const lines = [
    `✓ ${verb} ${report.workspace} (${report.root}) in ${seconds} s`,
    ...(report.movedFrom === undefined
      ? []
      : [`  moved from ${report.movedFrom}: the graph carried over, only changed files were read`]),
    `  files: ${files.total} (${files.added} added, ${files.changed} changed, ${files.deleted} deleted, ${files.unchanged} unchanged)`,
    `  graph: ${blocks.total} blocks, ${edges.total} edges (${blocks.written} blocks and ${edges.written} edges written, ${blocks.deleted} blocks and ${edges.deleted} edges removed)`,
    `  call sites that could not be resolved: ${report.unresolvedCalls}`,
  ];
  const notIndexed = filesNotIndexedNote(files);
  if (notIndexed !== undefined) lines.push(`  ${notIndexed}`);
  for (const warning of report.warnings) lines.push(`  ⚠ ${warning}`);
  return `${lines.join('\n')}\n`;
}
