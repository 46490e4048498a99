import { limits } from '../../core/limits.js';
import { toDot, toMermaid } from '../../query/export-formats.js';
import type { Command } from '../command.js';
import { choiceOption, flag, integerOption, optionalString, parseOptions } from '../options.js';
import { jsonText, optionalText, queryOptions } from '../output-format.js';
import { queryRequest } from '../backend-session.js';
import { reportUnresolved } from '../render/unresolved-text.js';
import { UsageError } from '../usage-error.js';

const exportFormats = ['json', 'dot', 'mermaid'] as const;

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export a workspace, or the neighbourhood of a target, as JSON, DOT or Mermaid',
  help: `Usage: kausal export [--workspace W] [--target T --depth N] --format json|dot|mermaid

  --workspace W      the workspace to export (default: every workspace)
  --target T         export only the neighbourhood of this entity
  --depth N          steps from the target, 1 to ${limits.traceDepthMax} (default 1)
  --format F         json (default), dot (Graphviz), mermaid;  --json is --format json
  --max-nodes N      1 to ${limits.exportNodesMax} (default ${limits.exportNodesDefault}); the export says when it was cut
  --all              when the target matches several entities, start from them all
  --data-dir DIR     database directory

Edges exported: calls, imports, contains, extends, implements, references (a name-only
call is dashed in DOT and dotted in Mermaid).
`,
  async run(args, context) {
    const parsed = parseOptions(args, {
      ...queryOptions,
      target: { type: 'string' },
      depth: { type: 'string' },
      'max-nodes': { type: 'string' },
      all: { type: 'boolean' },
    });
    const format = choiceOption(parsed, 'format', exportFormats, 'json');
    if (flag(parsed, 'json') && optionalString(parsed, 'format') !== undefined && format !== 'json') {
      throw new UsageError(`Invalid argument: --json conflicts with --format ${format}`);
    }
    const target = optionalText(parsed, 'target');
    if (target === undefined && optionalString(parsed, 'depth') !== undefined) {
      throw new UsageError('Invalid argument: --depth needs --target');
    }
    const depth = integerOption(parsed, 'depth', 1, 1, limits.traceDepthMax);
    const maxNodes = integerOption(parsed, 'max-nodes', limits.exportNodesDefault, 1, limits.exportNodesMax);
    const workspace = optionalText(parsed, 'workspace');
    const answer = await queryRequest(parsed, context, 'export', {
      maxNodes,
      all: flag(parsed, 'all'),
      ...(target === undefined ? {} : { target, depth }),
      ...(workspace === undefined ? {} : { workspace }),
    });
    if (answer.status !== 'ok')
      return reportUnresolved(answer, format === 'json' ? 'json' : 'text', context.io, 'kausal.export/1');
    if (answer.truncated) {
      context.io.stderr(`warning: export cut at ${answer.nodes.length} nodes (raise --max-nodes)\n`);
    }
    if (format === 'dot') context.io.stdout(toDot(answer));
    else if (format === 'mermaid') context.io.stdout(toMermaid(answer));
    else context.io.stdout(jsonText({ schema: 'kausal.export/1', ...answer }));
    return 0;
  },
};
