// The MCP tools: few and strong, each one request of the service vocabulary (find, show, trace,
// path, context, status, sync) with parameters named for a model and answers rendered as compact,
// paged text. The descriptions are what the model reads to choose a tool; keep them exact.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import * as z from 'zod';
import { isKausalError } from '../core/errors.js';
import { limits } from '../core/limits.js';
import type { Honesty } from '../query/honesty.js';
import { kindFilters } from '../query/kinds.js';
import { matchModes, type MatchMode } from '../query/name-match.js';
import { relationNames, type RelationName } from '../query/relations.js';
import type { Backend } from '../service/backend.js';
import { withAdvice } from '../service/error-advice.js';
import type { ProgressEvent } from '../service/requests.js';
import {
  contextText,
  findText,
  headerLine,
  pathText,
  relationsText,
  statusText,
  syncText,
  traceText,
  unresolvedText,
} from './format.js';
import type { BackendMode, BackendSession } from './session.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** What a tool's work produces before it becomes an MCP result. */
interface ToolAnswer {
  readonly lines: readonly string[];
  readonly honesty?: Honesty;
  /** The target was ambiguous or not found: an error the model can correct. */
  readonly isError?: boolean;
  /** Replaces the standard header (status and sync say where they ran themselves). */
  readonly noHeader?: boolean;
}

export interface ToolEnvironment {
  readonly session: BackendSession;
  readonly log: (line: string) => void;
}

const findLimitDefault = 20;
const listLimitDefault = 50;
const listLimitMax = 1_000;
const traceDepthDefault = 3;
const traceLinesDefault = 100;
const contextBudgetDefault = 4_000;

const targetText = z
  .string()
  .min(1)
  .max(limits.queryTextCharsMax)
  .describe(
    'The entity: a name (helper_function), a qualified name (Store.get, utils.add_numbers), either scoped to a file (src/store.ts:get), or a 32-hex block id. Matched exactly; an ambiguous name answers with the exact selector of each candidate.',
  );
const workspace = z
  .string()
  .min(1)
  .max(limits.queryTextCharsMax)
  .optional()
  .describe('Only this linked workspace (default: every workspace).');
const all = z
  .boolean()
  .default(false)
  .describe('When the target matches several entities, take every match instead of listing candidates.');
const offset = z
  .number()
  .int()
  .min(0)
  .max(limits.resultCountMax - 1)
  .default(0)
  .describe('Skip this many items: the "call again with offset N" hint of the previous page.');
const limit = (fallback: number, max: number, what: string) =>
  z.number().int().min(1).max(max).default(fallback).describe(`${what} per page (1 to ${max}).`);
const depth = (fallback: number, what: string) =>
  z.number().int().min(1).max(limits.traceDepthMax).default(fallback).describe(what);

/** How many results to ask the backend for so that the page [offset, offset + limit) is covered. */
function wanted(offsetValue: number, limitValue: number, max: number): number {
  return Math.min(offsetValue + limitValue, max);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

const readOnly = { readOnlyHint: true, idempotentHint: true, openWorldHint: false } as const;

export function registerTools(server: McpServer, environment: ToolEnvironment): void {
  const { session } = environment;

  /** Runs one tool call: the backend, the answer as text, errors as tool errors, never a crash. */
  const call = async (
    tool: string,
    work: (backend: Backend) => Promise<ToolAnswer>,
  ): Promise<CallToolResult> => {
    const started = performance.now();
    try {
      const { value, mode } = await session.run(work);
      environment.log(`${tool}: ${(performance.now() - started).toFixed(0)} ms (${mode})`);
      return result(value, mode);
    } catch (error) {
      if (isKausalError(error)) {
        environment.log(`${tool}: ${error.code}: ${error.message}`);
        return errorResult(`Error [${error.code}]: ${withAdvice(error)}`);
      }
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      environment.log(`${tool}: internal error: ${detail}`);
      return errorResult(
        `Internal error: ${error instanceof Error ? error.message : String(error)} (details on the kausal mcp process's stderr)`,
      );
    }
  };

  server.registerTool(
    'find_symbol',
    {
      title: 'Find a symbol',
      description:
        'Find functions, methods, classes, modules and other entities by name in the indexed code graph. ' +
        'Answers one line per match: `qualified_name  kind  file:line`, with the freshness of the graph and the unresolved call sites in scope. ' +
        'Use it to locate a symbol or to get an exact target for the other tools. Matching is exact by default (case-sensitive); ' +
        'use match "prefix" or "fuzzy" (typos, abbreviations like calcval → calculate_value) when unsure of the name.',
      inputSchema: {
        name: z
          .string()
          .min(1)
          .max(limits.queryTextCharsMax)
          .describe(
            'init, StorageEngine.init, utils.add_numbers, Store::get, or scoped to a file: src/db.ts:open.',
          ),
        kind: z
          .enum(kindFilters)
          .default('any')
          .describe('Only this kind: "method" includes constructors, "type" any type declaration.'),
        match: z
          .enum(matchModes as [MatchMode, ...MatchMode[]])
          .default('exact')
          .describe('exact (default), prefix (case-insensitive), or fuzzy.'),
        workspace,
        language: z
          .string()
          .regex(/^[a-z][a-z0-9_+-]{0,31}$/, 'a language name such as typescript or python')
          .optional()
          .describe('Only this language: typescript, python, go, rust, zig, java, c, cpp, javascript, tsx.'),
        limit: limit(findLimitDefault, listLimitMax, 'Matches'),
        offset,
      },
      annotations: { title: 'Find a symbol', ...readOnly },
    },
    (args) =>
      call('find_symbol', async (backend) => {
        const answer = await backend.request('find', {
          name: args.name,
          kind: args.kind,
          match: args.match,
          maxResults: wanted(args.offset, args.limit, limits.resultCountMax),
          ...optional('workspace', args.workspace),
          ...optional('language', args.language),
        });
        return {
          lines: findText(answer, args, limits.resultCountMax),
          honesty: answer.honesty,
        };
      }),
  );

  server.registerTool(
    'relations',
    {
      title: 'Relations of a symbol',
      description:
        'What is directly related to a symbol: its callers or callees, the modules its module imports or is imported by, ' +
        'what it extends or implements (or what extends/implements it), what it contains, who passes it by name. ' +
        'One line per related entity with the call site and how the edge was resolved (lexical, import, receiver, dispatch; "GUESS by name" for name-only edges), ' +
        'and with depth > 1 the entity it was reached through. The header says how fresh the graph is, how many call sites in scope could not be resolved ' +
        'and, for callers, how many possible callers the graph could not prove. Paged: limit and offset.',
      inputSchema: {
        target: targetText,
        relation: z
          .enum(relationNames as [RelationName, ...RelationName[]])
          .describe(
            'callers, callees, imports, importers, exports, extends, extended-by, implements, implemented-by, contains, contained-by, references (who passes the target by name), refers-to.',
          ),
        depth: depth(
          1,
          'Follow the relation this many steps (1 to 100, default 1); each entity is listed once.',
        ),
        workspace,
        all,
        limit: limit(listLimitDefault, listLimitMax, 'Results'),
        offset,
      },
      annotations: { title: 'Relations of a symbol', ...readOnly },
    },
    (args) =>
      call('relations', async (backend) => {
        const answer = await backend.request('show', {
          target: args.target,
          relation: args.relation,
          maxDepth: args.depth,
          maxResults: wanted(args.offset, args.limit, limits.resultCountMax),
          all: args.all,
          ...optional('workspace', args.workspace),
        });
        if (answer.status !== 'ok') {
          return { lines: unresolvedText(answer, 'target'), honesty: answer.honesty, isError: true };
        }
        return { lines: relationsText(answer, args, limits.resultCountMax), honesty: answer.honesty };
      }),
  );

  server.registerTool(
    'trace',
    {
      title: 'Call tree of a symbol',
      description:
        'The call tree above (callers) or below (callees) a symbol to a depth, one line per node indented two spaces per level, ' +
        'with the call site and resolution of each edge. A node already on its path is marked CYCLE; one expanded in another branch is marked ' +
        '"expanded elsewhere above" (all_paths expands it everywhere). The answer says which caps were hit (depth, max_nodes, max_fan_out). ' +
        'The tree is paged by lines: limit and offset.',
      inputSchema: {
        target: targetText,
        direction: z
          .enum(['callers', 'callees'])
          .describe('callers: who reaches the target; callees: what it reaches.'),
        depth: depth(
          traceDepthDefault,
          `Levels below (or above) the target (1 to 100, default ${traceDepthDefault}).`,
        ),
        all_paths: z
          .boolean()
          .default(false)
          .describe('Expand a node on every path that reaches it, not only the first (only cycles stop).'),
        max_nodes: z
          .number()
          .int()
          .min(1)
          .max(limits.resultCountMax)
          .default(limits.traceNodesDefault)
          .describe(`Nodes in the whole tree (default ${limits.traceNodesDefault}).`),
        max_fan_out: z
          .number()
          .int()
          .min(1)
          .max(limits.resultCountMax)
          .default(limits.traceFanOutDefault)
          .describe(
            `Children drawn under one node, the most trustworthy edges first (default ${limits.traceFanOutDefault}).`,
          ),
        workspace,
        all,
        limit: limit(traceLinesDefault, listLimitMax, 'Lines of the tree'),
        offset,
      },
      annotations: { title: 'Call tree of a symbol', ...readOnly },
    },
    (args) =>
      call('trace', async (backend) => {
        const answer = await backend.request('trace', {
          target: args.target,
          direction: args.direction,
          depth: args.depth,
          allPaths: args.all_paths,
          maxNodes: args.max_nodes,
          maxFanOut: args.max_fan_out,
          all: args.all,
          ...optional('workspace', args.workspace),
        });
        if (answer.status !== 'ok') {
          return { lines: unresolvedText(answer, 'target'), honesty: answer.honesty, isError: true };
        }
        return { lines: traceText(answer, args), honesty: answer.honesty };
      }),
  );

  server.registerTool(
    'call_paths',
    {
      title: 'Call paths between two symbols',
      description:
        'How does one symbol reach another: the shortest call paths from `from` to `to` (every path returned has the minimal length), ' +
        'each as a chain `a → b → c` followed by one line per step with its call site and resolution. ' +
        'Says so when there is no path within max_depth. Paged: limit paths per page, offset.',
      inputSchema: {
        from: targetText.describe(
          'Where the paths start (same forms as target: name, Qualified.name, file:name, or block id).',
        ),
        to: targetText.describe('Where the paths end (same forms as from).'),
        max_depth: depth(
          limits.pathDepthDefault,
          `Longest path searched, in calls (1 to 100, default ${limits.pathDepthDefault}).`,
        ),
        workspace,
        all,
        limit: limit(limits.pathCountDefault, limits.pathCountMax, 'Paths'),
        offset: z
          .number()
          .int()
          .min(0)
          .max(limits.pathCountMax - 1)
          .default(0)
          .describe('Skip this many paths: the "call again with offset N" hint of the previous page.'),
      },
      annotations: { title: 'Call paths between two symbols', ...readOnly },
    },
    (args) =>
      call('call_paths', async (backend) => {
        const answer = await backend.request('path', {
          from: args.from,
          to: args.to,
          maxDepth: args.max_depth,
          maxPaths: wanted(args.offset, args.limit, limits.pathCountMax),
          all: args.all,
          ...optional('workspace', args.workspace),
        });
        if (answer.status !== 'ok') {
          return { lines: unresolvedText(answer, answer.side), honesty: answer.honesty, isError: true };
        }
        return { lines: pathText(answer, args, limits.pathCountMax), honesty: answer.honesty };
      }),
  );

  server.registerTool(
    'context_bundle',
    {
      title: 'Context bundle for a symbol',
      description:
        'Everything a model needs to work on a symbol, as Markdown within a token budget: its header (kind, location, signature), its source, ' +
        'the signatures and locations of its callees and callers, its enclosing type and supertypes, then callee and caller sources while the budget allows, ' +
        'and a "Left out" section naming what did not fit (ask for it next). Tokens are estimated as characters ÷ 4.',
      inputSchema: {
        target: targetText,
        budget_tokens: z
          .number()
          .int()
          .min(limits.contextBudgetTokensMin)
          .max(limits.contextBudgetTokensMax)
          .default(contextBudgetDefault)
          .describe(
            `Token budget for the bundle (${limits.contextBudgetTokensMin} to ${limits.contextBudgetTokensMax}, default ${contextBudgetDefault}).`,
          ),
        workspace,
        all,
      },
      annotations: { title: 'Context bundle for a symbol', ...readOnly },
    },
    (args) =>
      call('context_bundle', async (backend) => {
        const answer = await backend.request('context', {
          target: args.target,
          budgetTokens: args.budget_tokens,
          all: args.all,
          ...optional('workspace', args.workspace),
        });
        if (answer.status !== 'ok') {
          return { lines: unresolvedText(answer, 'target'), honesty: answer.honesty, isError: true };
        }
        return { lines: contextText(answer), honesty: answer.honesty };
      }),
  );

  server.registerTool(
    'status',
    {
      title: 'Status and freshness',
      description:
        'The linked workspaces and how current the graph is: for each, its root, when it was last synced and at which git commit, ' +
        'its size (files, blocks, edges), the call sites that could not be resolved, and whether files changed on disk since the sync ' +
        '(fresh, or STALE with counts: then call sync; INTERRUPTED when the last link or sync stopped before it finished: call sync). ' +
        'Also says whether a kausal server or this process answered.',
      inputSchema: {
        workspace,
        check: z
          .boolean()
          .default(true)
          .describe(
            'Compare each directory with the index (sizes and modification times) to report staleness (default true).',
          ),
      },
      annotations: { title: 'Status and freshness', ...readOnly },
    },
    (args) =>
      call('status', async (backend) => {
        const result = await backend.request('status', {
          check: args.check,
          ...optional('workspace', args.workspace),
        });
        const server = backend.mode === 'server' ? await backend.request('ping', {}) : undefined;
        return { lines: statusText(result, backend.mode, server), noHeader: true };
      }),
  );

  server.registerTool(
    'sync',
    {
      title: 'Sync workspaces',
      description:
        'Re-index what changed on disk since the last sync (incremental: only changed files are parsed), so answers are fresh again. ' +
        'Call it when an answer or status says STALE or INTERRUPTED, or after editing files. Without workspace or all, syncs the only linked workspace.',
      inputSchema: {
        workspace: z
          .string()
          .min(1)
          .max(limits.queryTextCharsMax)
          .optional()
          .describe('The workspace to sync (default: the only linked one).'),
        all: z.boolean().default(false).describe('Sync every linked workspace.'),
        force: z
          .boolean()
          .default(false)
          .describe('Re-parse every file, not only those whose size or modification time changed.'),
      },
      annotations: {
        title: 'Sync workspaces',
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (args, extra) =>
      call('sync', async (backend) => {
        const reports = await backend.request(
          'sync',
          {
            all: args.all,
            force: args.force,
            ...(args.workspace === undefined ? {} : { names: [args.workspace] }),
          },
          progressReporter(extra),
        );
        return { lines: syncText(reports, backend.mode), noHeader: true };
      }),
  );
}

function result(answer: ToolAnswer, mode: BackendMode): CallToolResult {
  const lines = answer.noHeader === true ? answer.lines : [headerLine(answer.honesty, mode), ...answer.lines];
  return {
    content: [{ type: 'text', text: `${lines.join('\n')}\n` }],
    ...(answer.isError === true ? { isError: true } : {}),
  };
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** Progress of a sync as MCP progress notifications, when the client asked for them (at most ~5 a second). */
function progressReporter(extra: Extra): { onProgress?: (event: ProgressEvent) => void } {
  const token = extra._meta?.progressToken;
  if (token === undefined) return {};
  let sent = 0;
  let last = 0;
  return {
    onProgress: (event) => {
      const now = performance.now();
      if (now - last < 200) return;
      last = now;
      sent++;
      const of = event.total === undefined ? '' : ` of ${event.total}`;
      const workspaceName = event.workspace === undefined ? '' : `${event.workspace}: `;
      extra
        .sendNotification({
          method: 'notifications/progress',
          params: {
            progressToken: token,
            progress: sent,
            message: `${workspaceName}${event.phase} ${event.done}${of}`,
          },
        })
        .catch(() => undefined);
    },
  };
}
