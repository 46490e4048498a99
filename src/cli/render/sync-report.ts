import type { SyncReport } from '../../workspace/index.js';

export function renderSyncReport(report: SyncReport): string {
  const { files, blocks, edges } = report;
  const verb = report.linked ? 'Linked' : 'Synced';
  const seconds = (report.durationMs / 1000).toFixed(2);
  const lines = [
    `✓ ${verb} ${report.workspace} (${report.root}) in ${seconds} s`,
    `  files: ${files.total} (${files.added} added, ${files.changed} changed, ${files.deleted} deleted, ${files.unchanged} unchanged)`,
    `  graph: ${blocks.total} blocks, ${edges.total} edges (${blocks.written} blocks and ${edges.written} edges written, ${blocks.deleted} blocks and ${edges.deleted} edges removed)`,
    `  call sites that could not be resolved: ${report.unresolvedCalls}`,
  ];
  if (files.skipped > 0 || files.withSyntaxErrors > 0) {
    lines.push(
      `  ${files.skipped} files skipped (binary, minified, too large, unreadable), ${files.withSyntaxErrors} with syntax errors (partly indexed)`,
    );
  }
  for (const warning of report.warnings) lines.push(`  ⚠ ${warning}`);
  return `${lines.join('\n')}\n`;
}
