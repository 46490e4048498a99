import { basename, resolve } from 'node:path';
import type { Command } from '../command.js';
import { jsonText } from '../output-format.js';
import { flag, integerOption, optionalString, parseOptions, requiredString } from '../options.js';
import { limits } from '../../core/limits.js';
import { ProgressLine } from '../progress.js';
import { renderSyncReport } from '../render/sync-report.js';
import { withBackend } from '../backend-session.js';

export const linkCommand: Command = {
  name: 'link',
  summary: 'Link a directory as a workspace and index it',
  help: `Usage: kausal link --path DIR [--name NAME] [--workers N] [--data-dir DIR] [--json]

Parses the code under DIR (ten languages), stores its functions, types and modules with their
calls, imports and inheritance, and remembers DIR as workspace NAME (default: the directory's
base name). Linking a directory that is already linked under that name syncs it instead; a
workspace whose directory is gone (moved or renamed) is pointed at DIR, keeping its graph.
Respects .gitignore and .kausalignore; skips node_modules, build outputs, binary and large files.
`,
  async run(args, context) {
    const parsed = parseOptions(args, {
      path: { type: 'string' },
      name: { type: 'string' },
      workers: { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
    });
    const root = resolve(context.cwd, requiredString(parsed, 'path'));
    const name = optionalString(parsed, 'name') ?? basename(root);
    // Unless given, the side that parses chooses (a server keeps a core for its queries).
    const workers =
      optionalString(parsed, 'workers') === undefined
        ? undefined
        : integerOption(parsed, 'workers', limits.ingestWorkersDefault, 0, limits.ingestWorkersMax);
    const json = flag(parsed, 'json');
    const progress = json || !context.io.isTerminal ? undefined : new ProgressLine(context.io);
    const report = await withBackend(parsed, context, (backend) =>
      backend.request(
        'link',
        { root, name, ...(workers === undefined ? {} : { workers }) },
        progress ? { onProgress: (event) => progress.update(event) } : {},
      ),
    );
    progress?.finish();
    context.io.stdout(json ? jsonText(report) : renderSyncReport(report));
    return 0;
  },
};
