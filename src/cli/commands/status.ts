import { checkoutMove } from '../../workspace/checkout-moved.js';
import type { WorkspaceStatus } from '../../workspace/index.js';
import type { Command } from '../command.js';
import { jsonText } from '../output-format.js';
import { flag, optionalString, parseOptions } from '../options.js';
import { withBackend } from '../backend-session.js';
import { plural } from '../render/entity-text.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show linked workspaces, their freshness and the database',
  help: `Usage: kausal status [--workspace NAME] [--no-check] [--verbose] [--data-dir DIR] [--json]

Lists each linked workspace with its root, when it was last synced and at which git commit, its
size in files, blocks and edges, the call sites that could not be resolved, and whether files
changed since the sync (compared by size and modification time; nothing is re-indexed).
--no-check skips that comparison; --verbose adds storage statistics (and, answered by a
server, its cache of decoded entities).
`,
  async run(args, context) {
    const parsed = parseOptions(args, {
      workspace: { type: 'string' },
      'no-check': { type: 'boolean' },
      verbose: { type: 'boolean' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
    });
    const name = optionalString(parsed, 'workspace');
    const result = await withBackend(parsed, context, (backend) =>
      backend.request('status', {
        check: !flag(parsed, 'no-check'),
        verbose: flag(parsed, 'verbose'),
        ...(name === undefined ? {} : { workspace: name }),
      }),
    );
    if (flag(parsed, 'json')) {
      context.io.stdout(jsonText(result));
      return 0;
    }
    const lines = [`Database: ${result.dataDirectory}`];
    if (result.workspaces.length === 0) lines.push("No workspace is linked; run 'kausal link --path <dir>'.");
    for (const status of result.workspaces) lines.push(...describe(status));
    if (result.storage !== undefined) lines.push(`Storage: ${JSON.stringify(result.storage)}`);
    if (result.entityCache !== undefined) lines.push(`Entity cache: ${JSON.stringify(result.entityCache)}`);
    context.io.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};

function describe(status: WorkspaceStatus): string[] {
  const lines = [
    `${status.name}  ${status.root}${status.rootExists ? '' : `  (directory missing; if it moved: kausal link --path <new place> --name ${status.name})`}`,
    status.syncedAt === ''
      ? '  never synced to the end'
      : `  synced ${status.syncedAt}${status.commit === undefined ? '' : ` at commit ${status.commit.slice(0, 12)}`}`,
    `  ${plural(status.files, 'file')}, ${plural(status.blocks, 'block')}, ${plural(status.edges, 'edge')}, ${plural(status.unresolvedCalls, 'unresolved call site')}`,
  ];
  if (status.syncing === true) {
    lines.push(
      '  syncing: a link or sync in another process is writing it now; this status shows what it had written',
    );
  }
  if (status.interrupted) {
    lines.push(
      `  interrupted: the last link or sync stopped before it finished, and answers may hold part of it; run 'kausal sync ${status.name}' to finish it (every file is parsed again) or 'kausal unlink --name ${status.name}'`,
    );
  }
  const changes = status.changes;
  const move = checkoutMove(status);
  if (move !== 'none') {
    const at = `  the checkout is now at ${(status.currentCommit ?? '').slice(0, 12)}`;
    lines.push(
      move === 'workspace-untouched'
        ? `${at}, with no file of this workspace changed`
        : `${at}: run 'kausal sync ${status.name}'`,
    );
  }
  if (status.reparseNext) {
    lines.push(
      `  parsed by an earlier release: the next 'kausal sync ${status.name}' parses every file again (once)`,
    );
  }
  if (changes !== undefined) {
    const total = changes.added + changes.modified + changes.deleted;
    if (total > 0) {
      lines.push(
        `  stale: ${changes.modified} modified, ${changes.added} added, ${changes.deleted} deleted since the sync; run 'kausal sync ${status.name}'`,
      );
    }
    if (total === 0 && !changes.configChanged) lines.push('  up to date: no file changed since the sync');
    if (changes.configChanged) {
      lines.push(
        `  stale: the project configuration (tsconfig paths, go.mod, …) changed since the sync; run 'kausal sync ${status.name}'`,
      );
    }
  }
  return lines;
}
