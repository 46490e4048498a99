import type { Command } from '../command.js';
import { resolveDataDirectory } from '../data-dir.js';
import { jsonText } from '../output-format.js';
import { flag, optionalString, parseOptions } from '../options.js';

export const mcpCommand: Command = {
  name: 'mcp',
  summary: 'Serve the Model Context Protocol over stdio, for LLM agents',
  help: `Usage: kausal mcp [--data-dir DIR] [--print-config]

Serves the Model Context Protocol on stdin/stdout for an MCP client (Claude Desktop, Claude Code,
Cursor, …) to start. Tools: find_symbol, relations, trace, call_paths, context_bundle, status,
sync. Each tool call goes to the kausal server when one runs for DIR, otherwise it opens DIR for
that call only, so CLIs and other agents can use the database in between. Logs go to stderr.

  --data-dir DIR     database directory (resolved now: --data-dir, $KAUSAL_DATA_DIR, the nearest
                     .kausal directory, else ./.kausal)
  --print-config     print the snippet to paste into an MCP client's configuration and exit
`,
  async run(args, context) {
    const parsed = parseOptions(args, {
      'data-dir': { type: 'string' },
      'print-config': { type: 'boolean' },
    });
    const dataDirectory = resolveDataDirectory(optionalString(parsed, 'data-dir'), context.env, context.cwd);
    if (flag(parsed, 'print-config')) {
      const { mcpClientConfig } = await import('../../mcp/config.js');
      context.io.stdout(jsonText(mcpClientConfig(dataDirectory)));
      return 0;
    }
    const { serveStdio } = await import('../../mcp/server.js');
    await serveStdio({
      dataDirectory,
      env: context.env,
      log: (line) => context.io.stderr(`kausal mcp: ${line}\n`),
    });
    // Whatever still holds the event loop (a socket a peer left half-open) must not keep a
    // client's process list busy after the session ended.
    setTimeout(() => process.exit(0), 1_000).unref();
    return 0;
  },
};
