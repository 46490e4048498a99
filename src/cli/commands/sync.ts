import { limits } from '../../core/limits.js';
import { readRegistry, requireWorkspace, syncWorkspace, type SyncReport } from '../../workspace/index.js';
import type { Command } from '../command.js';
import { jsonText } from '../output-format.js';
import { flag, integerOption, optionalString, parseOptions } from '../options.js';
import { ProgressLine } from '../progress.js';
import { renderSyncReport } from '../render/sync-report.js';
import { UsageError } from '../usage-error.js';
import { withWorkspaceDatabase } from '../workspace-session.js';

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
    const workers = integerOption(parsed, 'workers', limits.ingestWorkersDefault, 0, limits.ingestWorkersMax);
    const json = flag(parsed, 'json');
    const named = parsed.positionals[0] ?? optionalString(parsed, 'workspace');
    const reports = await withWorkspaceDatabase(parsed, context, false, async (db) => {
      const linked = readRegistry(db);
      let names: string[];
      if (flag(parsed, 'all')) names = linked;
      else if (named !== undefined) names = [named];
      else if (linked.length === 1) names = linked;
      else if (linked.length === 0)
        throw new UsageError("No workspace is linked; run 'kausal link --path <dir>' first");
      else
        throw new UsageError(`Several workspaces are linked (${linked.join(', ')}); name one or pass --all`);
      const done: SyncReport[] = [];
      for (const name of names) {
        const progress = json || !context.io.isTerminal ? undefined : new ProgressLine(context.io);
        const options = {
          workers,
          force: flag(parsed, 'force'),
          ...(progress
            ? { onProgress: (p: Parameters<ProgressLine['update']>[0]) => progress.update(p) }
            : {}),
        };
        done.push(await syncWorkspace(db, requireWorkspace(db, name), options));
        progress?.finish();
      }
      return done;
    });
    context.io.stdout(json ? jsonText(reports) : reports.map(renderSyncReport).join(''));
    return 0;
  },
};
