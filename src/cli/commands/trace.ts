import { limits } from '../../core/limits.js';
import type { TraceDirection } from '../../query/trace.js';
import type { Command } from '../command.js';
import { choiceOption, flag, integerOption, parseOptions } from '../options.js';
import { outputFormat, requiredText } from '../output-format.js';
import { queryRequest } from '../backend-session.js';
import { traceCsvHeader, traceCsvRows, traceText } from '../render/trace-text.js';
import { reportUnresolved } from '../render/unresolved-text.js';
import { printAnswer, queryScope, targetQueryOptions } from './query-output.js';
import { missingRequired } from './required.js';

const directions: readonly TraceDirection[] = ['callers', 'callees'];

export const traceCommand: Command = {
  name: 'trace',
  summary: 'Trace the call tree of a target, callers or callees, to a depth',
  help: `Usage: kausal trace --direction callers|callees --target T [options]

  --direction D      callers (who reaches the target) or callees (what it reaches)
  --target T         a name, qualified name (Store.get), file:name, or block id
  --depth N          1 to ${limits.traceDepthMax} (default ${limits.traceDepthDefault})
  --all-paths        expand a node on every path it appears on (cycles still stop)
  --max-results N    nodes in the tree, 1 to ${limits.resultCountMax} (default ${limits.traceNodesDefault})
  --max-fan-out N    children drawn under one node (default ${limits.traceFanOutDefault})
  --workspace W      only this workspace
  --all              when the target matches several entities, trace them all
  --format F         text (default), json, csv;  --json is --format json
  --data-dir DIR     database directory

A node already on the path is marked "↻ cycle"; one expanded elsewhere in the tree is
marked "(expanded elsewhere)". Caps that were hit are reported below the tree.
`,
  async run(args, context) {
    const parsed = parseOptions(args, {
      ...targetQueryOptions,
      direction: { type: 'string' },
      target: { type: 'string' },
      depth: { type: 'string' },
      'all-paths': { type: 'boolean' },
      'max-results': { type: 'string' },
      'max-fan-out': { type: 'string' },
    });
    missingRequired(parsed, ['direction', 'target']);
    const direction = choiceOption(parsed, 'direction', directions, 'callees');
    const target = requiredText(parsed, 'target');
    const depth = integerOption(parsed, 'depth', limits.traceDepthDefault, 1, limits.traceDepthMax);
    const maxNodes = integerOption(parsed, 'max-results', limits.traceNodesDefault, 1, limits.resultCountMax);
    const maxFanOut = integerOption(
      parsed,
      'max-fan-out',
      limits.traceFanOutDefault,
      1,
      limits.resultCountMax,
    );
    const format = outputFormat(parsed, ['text', 'json', 'csv']);
    const answer = await queryRequest(parsed, context, 'trace', {
      target,
      direction,
      depth,
      maxNodes,
      maxFanOut,
      allPaths: flag(parsed, 'all-paths'),
      ...queryScope(parsed),
    });
    if (answer.status !== 'ok') return reportUnresolved(answer, format, context.io, 'kausal.trace/1');
    return printAnswer(answer, format, context, {
      schema: 'kausal.trace/1',
      text: traceText,
      csv: { header: traceCsvHeader, rows: traceCsvRows },
    });
  },
};
