import type { Command } from '../command.js';
import { jsonText } from '../output-format.js';
import { flag, parseOptions, requiredString } from '../options.js';
import { withBackend } from '../backend-session.js';
import { plural } from '../render/entity-text.js';

export const unlinkCommand: Command = {
  name: 'unlink',
  summary: 'Remove a workspace and everything indexed from it',
  help: `Usage: kausal unlink --name NAME [--data-dir DIR] [--json]

Deletes every block and edge the workspace produced, its stored facts and its record. The
directory itself is not touched.
`,
  async run(args, context) {
    const parsed = parseOptions(args, {
      name: { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
    });
    const name = requiredString(parsed, 'name');
    const report = await withBackend(parsed, context, (backend) => backend.request('unlink', { name }));
    context.io.stdout(
      flag(parsed, 'json')
        ? jsonText(report)
        : `✓ Unlinked ${report.workspace} (${report.root}): removed ${plural(report.blocksDeleted, 'block')} and ${plural(report.edgesDeleted, 'edge')} from ${plural(report.files, 'file')}\n`,
    );
    return 0;
  },
};
