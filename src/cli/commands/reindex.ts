import type { Command } from '../command.js';
import { flag, parseOptions } from '../options.js';
import { jsonText } from '../output-format.js';
import { withBackend } from '../backend-session.js';

export const reindexCommand: Command = {
  name: 'reindex',
  summary: 'Rebuild the name index from the stored blocks',
  help: `Usage: kausal reindex [--data-dir DIR] [--json]

Rebuilds the name index that find, show, trace, path and context use to look names up.
Ingestion keeps it current; this is for a database written without it, or to repair it.
Safe to interrupt: an unfinished rebuild reads as "no index", and running it again
completes it.
`,
  async run(args, context) {
    const parsed = parseOptions(args, { 'data-dir': { type: 'string' }, json: { type: 'boolean' } });
    const { seconds, ...summary } = await withBackend(parsed, context, (backend) =>
      backend.request('reindex', {}),
    );
    if (flag(parsed, 'json'))
      context.io.stdout(jsonText({ schema: 'kausal.reindex/1', ...summary, seconds }));
    else {
      context.io.stdout(
        `✓ Indexed ${summary.entities} entities (${summary.operationsWritten} index operations, ` +
          `${summary.edgesRemoved} old index edges removed) in ${seconds.toFixed(2)} s\n`,
      );
    }
    return 0;
  },
};
