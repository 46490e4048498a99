import { limits } from '../../core/limits.js';
import type { Command } from '../command.js';
import { jsonText } from '../output-format.js';
import { flag, integerOption, optionalString, parseOptions } from '../options.js';
import { ProgressLine } from '../progress.js';
import { renderSyncReport } from '../render/sync-report.js';
import { asUsage, withBackend } from '../backend-session.js';

export const syncCommand: Command = {
  name: 'sync',
  summary: 'Bring workspaces up to date with their directories',
  help: `Usage: kausal sync [NAME] [--all] [--force] [--workers N] [--data-dir DIR] [--json]

Re-indexes what changed since the last sync: files whose size and modification time (then
content hash) differ are re-parsed, deleted files are removed, and the edges into and out of
changed files are re-resolved. With no NAME and one linked workspace, syncs that one; --all
syncs every workspace; --force re-parses everything.
`,
  async run(args, context) {
    const parsed = parseOptions(
      args,
      {
        all: { type: 'boolean' },
        force: { type: 'boolean' },
        workspace: { type: 'string' },
        workers: { type: 'string' },
        'data-dir': { type: 'string' },
        json: { type: 'boolean' },
      },
      1,
    );
    // Unless given, the side that parses chooses (a server keeps a core for its queries).
    const workers =
      optionalString(parsed, 'workers') === undefined
        ? undefined
        : integerOption(parsed, 'workers', limits.ingestWorkersDefault, 0, limits.ingestWorkersMax);
    const json = flag(parsed, 'json');
    const named = parsed.positionals[0] ?? optionalString(parsed, 'workspace');
    const progress = json || !context.io.isTerminal ? undefined : new ProgressLine(context.io);
    const reports = await withBackend(parsed, context, (backend) =>
      asUsage(() =>
        backend.request(
          'sync',
          {
            ...(workers === undefined ? {} : { workers }),
            force: flag(parsed, 'force'),
            all: flag(parsed, 'all'),
            ...(named === undefined ? {} : { names: [named] }),
          },
          progress ? { onProgress: (event) => progress.update(event) } : {},
        ),
      ),
    );
    progress?.finish();
    context.io.stdout(json ? jsonText(reports) : reports.map(renderSyncReport).join(''));
    return 0;
  },
};
