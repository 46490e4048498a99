// The registry of CLI commands, in the order the overview lists them (see CommandEntry for why the
// command modules are imported up front); index.test.ts checks every summary against its command.
import type { CommandEntry } from '../command.js';
import { contextCommand } from './context.js';
import { exportCommand } from './export.js';
import { findCommand } from './find.js';
import { linkCommand } from './link.js';
import { mcpCommand } from './mcp.js';
import { pathCommand } from './path.js';
import { pingCommand } from './ping.js';
import { reindexCommand } from './reindex.js';
import { serverCommand } from './server.js';
import { showCommand } from './show.js';
import { statusCommand } from './status.js';
import { syncCommand } from './sync.js';
import { traceCommand } from './trace.js';
import { unlinkCommand } from './unlink.js';
import { versionCommand } from './version.js';
import { makeHelpCommand } from './help.js';

export const commands: readonly CommandEntry[] = [
  {
    name: 'help',
    summary: 'Show this help, or the help of one command',
    load: async () => makeHelpCommand(() => commands),
  },
  {
    name: 'version',
    summary: 'Print the version',
    load: async () => versionCommand,
  },
  {
    name: 'status',
    summary: 'Show linked workspaces, their freshness and the database',
    load: async () => statusCommand,
  },
  {
    name: 'link',
    summary: 'Link a directory as a workspace and index it',
    load: async () => linkCommand,
  },
  {
    name: 'unlink',
    summary: 'Remove a workspace and everything indexed from it',
    load: async () => unlinkCommand,
  },
  {
    name: 'sync',
    summary: 'Bring workspaces up to date with their directories',
    load: async () => syncCommand,
  },
  {
    name: 'find',
    summary: 'Find entities by name (simple, qualified or file:name)',
    load: async () => findCommand,
  },
  {
    name: 'show',
    summary: 'Show a relation of a target: callers, callees, imports, …',
    load: async () => showCommand,
  },
  {
    name: 'trace',
    summary: 'Trace the call tree of a target, callers or callees, to a depth',
    load: async () => traceCommand,
  },
  {
    name: 'path',
    summary: 'Shortest call paths from one entity to another',
    load: async () => pathCommand,
  },
  {
    name: 'context',
    summary: 'The context an LLM needs to work on a target, within a token budget',
    load: async () => contextCommand,
  },
  {
    name: 'export',
    summary: 'Export a workspace, or the neighbourhood of a target, as JSON, DOT or Mermaid',
    load: async () => exportCommand,
  },
  {
    name: 'server',
    summary: 'Run a server that owns the database: start, stop, restart, status',
    load: async () => serverCommand,
  },
  {
    name: 'ping',
    summary: 'Check that a server answers for the data directory',
    load: async () => pingCommand,
  },
  {
    name: 'mcp',
    summary: 'Serve the Model Context Protocol over stdio, for LLM agents',
    load: async () => mcpCommand,
  },
  {
    name: 'reindex',
    summary: 'Rebuild the name index from the stored blocks',
    load: async () => reindexCommand,
  },
];
