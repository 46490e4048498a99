// `kausal mcp`: the Model Context Protocol over stdio. The handshake is answered at once — nothing
// opens the database or loads a parser before the first tool call — and each call goes through a
// BackendSession: to the kausal server when one owns the data directory, otherwise to the directory
// opened for that call alone. stdout carries the protocol and nothing else; logs go to stderr.
import { Writable } from 'node:stream';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { version } from '../version.js';
import { BackendSession, type SessionOptions } from './session.js';
import { registerTools } from './tools.js';

export const mcpInstructions = `KausalDB answers questions about a codebase indexed as a graph of entities (modules, functions, methods, types) and their relations (calls, imports, contains, extends, implements, references).
- find_symbol locates entities by name; relations lists callers, callees, importers, … of one; trace draws a call tree; call_paths finds how one entity reaches another; context_bundle gathers source and neighbours within a token budget; status and sync report and restore freshness.
- Targets are names (helper), qualified names (Store.get), file-scoped names (src/store.ts:get) or block ids. A name matching several entities answers with the exact target of each candidate: call again with one.
- Every answer starts with the graph's freshness and the call sites it could not resolve; if a workspace is STALE or INTERRUPTED, call sync before trusting the answer. Long answers are paged: call again with the offset given.`;

export interface McpServerOptions extends Pick<SessionOptions, 'dataDirectory' | 'env'> {
  readonly log: (line: string) => void;
}

/** The MCP server with KausalDB's tools, not yet connected; `close` releases the backend. */
export function createKausalMcpServer(options: McpServerOptions): {
  server: McpServer;
  session: BackendSession;
} {
  const session = new BackendSession(options);
  const server = new McpServer({ name: 'kausal', version }, { instructions: mcpInstructions });
  registerTools(server, { session, log: options.log });
  return { server, session };
}

/**
 * Serves MCP on stdin/stdout until stdin ends (the client went away) or a signal arrives.
 * Anything else in the process that writes to stdout — a stray log line, a worker's output — is
 * sent to stderr instead, so it can never corrupt the protocol stream.
 */
export async function serveStdio(options: McpServerOptions): Promise<void> {
  const protocolOut = guardStdout();
  const { server, session } = createKausalMcpServer(options);
  const transport = new StdioServerTransport(process.stdin, protocolOut);
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let closing = false;
  const shutdown = async (why: string): Promise<void> => {
    if (closing) return;
    closing = true;
    options.log(`shutting down (${why})`);
    await session.close();
    await server.close().catch(() => undefined);
    finish();
  };
  transport.onerror = (error) => options.log(`transport error: ${error.message}`);
  server.server.onclose = () => void shutdown('connection closed');
  // The client closed our stdout (it went away): nothing more can be said.
  protocolOut.on('error', (error) => void shutdown(`stdout: ${error.message}`));
  process.stdout.on('error', (error) => void shutdown(`stdout: ${error.message}`));
  process.stdin.once('end', () => void shutdown('stdin closed'));
  process.stdin.once('close', () => void shutdown('stdin closed'));
  const onSignal = (signal: NodeJS.Signals) => void shutdown(signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await server.connect(transport);
  options.log(`v${version} serving ${options.dataDirectory} on stdio`);
  await finished;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.stdin.destroy();
}

/**
 * Redirects `process.stdout.write` to stderr and returns a stream that writes to the real stdout:
 * the only writer of the protocol is the transport.
 */
function guardStdout(): Writable {
  const stdout = process.stdout;
  const writeToStdout = stdout.write.bind(stdout);
  const protocolOut = new Writable({
    write(chunk: Buffer | string, encoding: BufferEncoding, callback: (error?: Error | null) => void) {
      writeToStdout(chunk, encoding, callback);
    },
  });
  stdout.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) =>
    process.stderr.write(
      chunk as string,
      encoding as BufferEncoding,
      callback as ((error?: Error | null) => void) | undefined,
    )) as typeof stdout.write;
  return protocolOut;
}
