// The registry of CLI commands, in the order the overview lists them. Each entry loads its module
// on first use (see CommandEntry); index.test.ts checks every summary against its command.
import type { CommandEntry } from '../command.js';
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
    load: async () => (await import('./version.js')).versionCommand,
  },
  {
    name: 'status',
    summary: 'Show linked workspaces, their freshness and the database',
    load: async () => (await import('./status.js')).statusCommand,
  },
  {
    name: 'link',
    summary: 'Link a directory as a workspace and index it',
    load: async () => (await import('./link.js')).linkCommand,
  },
  {
    name: 'unlink',
    summary: 'Remove a workspace and everything indexed from it',
    load: async () => (await import('./unlink.js')).unlinkCommand,
  },
  {
    name: 'sync',
    summary: 'Bring workspaces up to date with their directories',
    load: async () => (await import('./sync.js')).syncCommand,
  },
  {
    name: 'find',
    summary: 'Find entities by name (simple, qualified or file:name)',
    load: async () => (await import('./find.js')).findCommand,
  },
  {
    name: 'show',
    summary: 'Show a relation of a target: callers, callees, imports, …',
    load: async () => (await import('./show.js')).showCommand,
  },
  {
    name: 'trace',
    summary: 'Trace the call tree of a target, callers or callees, to a depth',
    load: async () => (await import('./trace.js')).traceCommand,
  },
  {
    name: 'path',
    summary: 'Shortest call paths from one entity to another',
    load: async () => (await import('./path.js')).pathCommand,
  },
  {
    name: 'context',
    summary: 'The context an LLM needs to work on a target, within a token budget',
    load: async () => (await import('./context.js')).contextCommand,
  },
  {
    name: 'export',
    summary: 'Export a workspace, or the neighbourhood of a target, as JSON, DOT or Mermaid',
    load: async () => (await import('./export.js')).exportCommand,
  },
  {
    name: 'server',
    summary: 'Run a server that owns the database: start, stop, restart, status',
    load: async () => (await import('./server.js')).serverCommand,
  },
  {
    name: 'ping',
    summary: 'Check that a server answers for the data directory',
    load: async () => (await import('./ping.js')).pingCommand,
  },
  {
    name: 'mcp',
    summary: 'Serve the Model Context Protocol over stdio, for LLM agents',
    load: async () => (await import('./mcp.js')).mcpCommand,
  },
  {
    name: 'reindex',
    summary: 'Rebuild the name index from the stored blocks',
    load: async () => (await import('./reindex.js')).reindexCommand,
  },
];
