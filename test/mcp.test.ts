// End to end: `node bin/kausal.js mcp` spawned over stdio and driven by the official SDK client —
// the handshake, every tool on a linked fixture, paging, tool errors, and client mode against a
// server running in this process. Run `npm run build` first (npm test does).
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Database } from '../src/database.js';
import { KausalServer } from '../src/server/server.js';
import { makeTempDir } from '../src/testing/temp-dir.js';
import { kausal } from './helpers/kausal.js';

const binary = fileURLToPath(new URL('../bin/kausal.js', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/typescript/acceptance', import.meta.url));

interface Session {
  readonly client: Client;
  readonly stderr: () => string;
  call(name: string, args?: Record<string, unknown>): Promise<{ text: string; isError: boolean }>;
  close(): Promise<void>;
}

async function startMcp(dataDirectory: string, env: Record<string, string> = {}): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [binary, 'mcp', '--data-dir', dataDirectory],
    env: { ...(process.env as Record<string, string>), KAUSAL_EMBEDDED: '', ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'kausal-test', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    stderr: () => stderr,
    async call(name, args = {}) {
      const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
      const text = result.content.map((item) => (item.type === 'text' ? item.text : '')).join('');
      return { text, isError: result.isError === true };
    },
    close: () => client.close(),
  };
}

describe('kausal mcp', () => {
  let root = '';
  let dataDirectory = '';
  let mcp!: Session;

  const temporary: string[] = [];

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'kausal-mcp-root-'));
    temporary.push(root);
    cpSync(fixture, root, { recursive: true });
    // Two functions of one name, for the ambiguous-target answer.
    writeFileSync(join(root, 'a.ts'), 'export function dup(): number {\n  return 1;\n}\n');
    writeFileSync(join(root, 'b.ts'), 'export function dup(): number {\n  return 2;\n}\n');
    const data = mkdtempSync(join(tmpdir(), 'kausal-mcp-data-'));
    temporary.push(data);
    dataDirectory = join(data, 'db');
    const link = kausal(['link', '--path', root, '--name', 'demo', '--data-dir', dataDirectory]);
    assert.equal(link.code, 0, link.stderr);
    mcp = await startMcp(dataDirectory);
  });

  after(async () => {
    await mcp?.close();
    for (const directory of temporary) rmSync(directory, { recursive: true, force: true });
  });

  it('lists the tools, with descriptions and input schemas', async () => {
    const { tools } = await mcp.client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), [
      'call_paths',
      'context_bundle',
      'find_symbol',
      'relations',
      'status',
      'sync',
      'trace',
    ]);
    for (const tool of tools) {
      assert.ok((tool.description ?? '').length > 80, tool.name);
      assert.equal(tool.inputSchema.type, 'object');
    }
    const relations = tools.find((tool) => tool.name === 'relations');
    assert.deepEqual(relations?.inputSchema.required, ['target', 'relation']);
    assert.match(mcp.client.getInstructions() ?? '', /find_symbol/);
  });

  it('answers find_symbol, relations, trace, call_paths, context_bundle and status', async () => {
    const find = await mcp.call('find_symbol', { name: 'helper_function' });
    assert.equal(find.isError, false, find.text);
    assert.match(find.text, /^freshness: demo fresh \(synced [^)]+\) · unresolved call sites in scope: 0/);
    assert.match(find.text, /answered by: embedded database\n/);
    assert.match(find.text, /\nhelper_function {2}function {2}main\.ts:8\n/);

    const callers = await mcp.call('relations', { target: 'helper_function', relation: 'callers' });
    assert.equal(callers.isError, false, callers.text);
    assert.match(callers.text, /callers of helper_function \(function, main\.ts:8\): showing 1-1 of 1\n/);
    assert.match(
      callers.text,
      /\nmain {2}function {2}main\.ts:14 {2}\[call at main\.ts:15 · lexical 1\.00\]\n/,
    );

    const deep = await mcp.call('relations', { target: 'main', relation: 'callees', depth: 2 });
    assert.match(
      deep.text,
      /\ncalculate_value {2}function {2}main\.ts:4 {2}\[.*depth 2 via helper_function\]/,
    );
    assert.match(deep.text, /\nadd_numbers {2}function {2}utils\.ts:2 {2}\[.*depth 2 via utility_function\]/);

    const importers = await mcp.call('relations', { target: 'utils.ts:add_numbers', relation: 'importers' });
    assert.equal(importers.isError, false, importers.text);
    assert.match(importers.text, /\nmain {2}module {2}main\.ts:1/);

    const trace = await mcp.call('trace', { target: 'main', direction: 'callees', depth: 2 });
    assert.equal(trace.isError, false, trace.text);
    assert.match(
      trace.text,
      /\nmain {2}function {2}main\.ts:14\n {2}helper_function {2}function {2}main\.ts:8 .*\n {4}calculate_value {2}function {2}main\.ts:4 .*\n {2}utility_function {2}function {2}utils\.ts:6 .*\n {4}add_numbers {2}function {2}utils\.ts:2 /,
    );
    assert.match(trace.text, /caps: depth limit 2 reached/);

    const paths = await mcp.call('call_paths', { from: 'main', to: 'add_numbers' });
    assert.equal(paths.isError, false, paths.text);
    assert.match(paths.text, /\npath 1: main → utility_function → add_numbers\n/);
    const none = await mcp.call('call_paths', { from: 'add_numbers', to: 'main' });
    assert.equal(none.isError, false);
    assert.match(none.text, /no call path from add_numbers .* within depth 8/);

    const context = await mcp.call('context_bundle', { target: 'helper_function', budget_tokens: 2000 });
    assert.equal(context.isError, false, context.text);
    assert.match(
      context.text,
      /context for helper_function \(function, main\.ts:8\): about \d+ of 2000 tokens/,
    );
    assert.match(context.text, /const value = calculate_value\(21\);/);
    assert.match(context.text, /## Called by\n- main \(function\) main\.ts:14/);

    const status = await mcp.call('status');
    assert.equal(status.isError, false, status.text);
    assert.match(status.text, /answered by: embedded database \(no server running\)/);
    assert.match(status.text, /\ndemo {2}fresh {2}root /);
    assert.match(status.text, /files 4 · blocks \d+ · edges \d+ · unresolved call sites 0/);

    // Nothing is held between calls: another process (here, this one) can open the database.
    Database.open(dataDirectory).close();
  });

  it('pages long answers with limit and offset', async () => {
    const first = await mcp.call('find_symbol', { name: 'mai', match: 'prefix', limit: 1 });
    assert.match(first.text, /: showing 1-1 of 2 matches\nmain {2}module {2}main\.ts:1 {2}\[prefix\]\n/);
    assert.match(first.text, /more matches: call again with offset 1\n$/);
    const second = await mcp.call('find_symbol', { name: 'mai', match: 'prefix', limit: 1, offset: 1 });
    assert.match(second.text, /: showing 2-2 of 2 matches\nmain {2}function {2}main\.ts:14 {2}\[prefix\]\n$/);
    const lines = await mcp.call('trace', { target: 'main', direction: 'callees', limit: 2, offset: 2 });
    assert.match(
      lines.text,
      /showing 3-4 of 5 lines\n {4}calculate_value .*\n {2}utility_function .*\nmore lines: call again with offset 4\n$/,
    );
  });

  it('answers bad arguments, unknown and ambiguous targets with tool errors, not crashes', async () => {
    const badRelation = await mcp.call('relations', { target: 'main', relation: 'friends' });
    assert.equal(badRelation.isError, true);
    assert.match(
      badRelation.text,
      /Invalid arguments for tool relations: .*expected one of "callers"\|"callees".* at relation/,
    );
    const badDepth = await mcp.call('trace', { target: 'main', direction: 'callees', depth: 1000 });
    assert.equal(badDepth.isError, true);
    assert.match(
      badDepth.text,
      /Invalid arguments for tool trace: Too big: expected number to be <=100 at depth/,
    );
    const missing = await mcp.call('find_symbol', {});
    assert.equal(missing.isError, true);
    assert.match(missing.text, /at name/);
    const blank = await mcp.call('find_symbol', { name: '   ' });
    assert.equal(blank.isError, true);
    assert.match(blank.text, /^Error \[INVALID_ARGUMENT\]: name must not be empty/);
    const workspace = await mcp.call('find_symbol', { name: 'main', workspace: 'nope' });
    assert.equal(workspace.isError, true);
    assert.match(workspace.text, /no workspace named 'nope' \(linked: demo\)/);

    const unknown = await mcp.call('relations', { target: 'helper', relation: 'callers' });
    assert.equal(unknown.isError, true);
    assert.match(unknown.text, /no entity matches target "helper"; did you mean "helper_function"\?/);
    const ambiguous = await mcp.call('context_bundle', { target: 'dup' });
    assert.equal(ambiguous.isError, true);
    assert.match(ambiguous.text, /"dup" matches 2 entities; call again with target set to one of these/);
    assert.match(
      ambiguous.text,
      /\n {2}target: "a\.ts:dup" {2}function {2}a\.ts:1\n {2}target: "b\.ts:dup" {2}function {2}b\.ts:1\n/,
    );
    const chosen = await mcp.call('context_bundle', { target: 'b.ts:dup', budget_tokens: 500 });
    assert.equal(chosen.isError, false, chosen.text);
    assert.match(chosen.text, /return 2;/);
    const side = await mcp.call('call_paths', { from: 'main', to: 'nothing_like_this' });
    assert.equal(side.isError, true);
    assert.match(side.text, /no entity matches to "nothing_like_this"/);

    // The process is still serving.
    assert.equal((await mcp.call('find_symbol', { name: 'main' })).isError, false);
    assert.match(mcp.stderr(), /kausal mcp: v\d+\.\d+\.\d+ serving /);
  });

  it('reports a stale workspace and syncs it', async () => {
    // An edited file is what every answer's quick freshness check sees (a new file only status sees).
    const utils = join(root, 'utils.ts');
    writeFileSync(
      utils,
      `${readFileSync(utils, 'utf8')}\nexport function extra_function(): number {\n  return add_numbers(2, 3);\n}\n`,
    );
    const stale = await mcp.call('status');
    assert.match(stale.text, /\ndemo {2}STALE \(1 modified, 0 added, 0 deleted since the sync; call sync\)/);
    const answer = await mcp.call('find_symbol', { name: 'main' });
    assert.match(answer.text, /^freshness: demo STALE \(1 file changed since the sync at [^)]+; call sync\)/);
    const progress: string[] = [];
    const synced = (await mcp.client.callTool({ name: 'sync', arguments: {} }, undefined, {
      onprogress: (event) => progress.push(event.message ?? ''),
    })) as CallToolResult;
    const sync = { text: synced.content.map((item) => (item.type === 'text' ? item.text : '')).join('') };
    assert.equal(synced.isError, undefined, sync.text);
    assert.match(progress[0] ?? '', /^demo: \w+ \d+/);
    assert.match(sync.text, /\nsynced demo in [\d.]+ s: 0 added, 1 changed, 0 deleted of 4 files/);
    const callers = await mcp.call('relations', { target: 'add_numbers', relation: 'callers' });
    assert.match(callers.text, /^freshness: demo fresh/);
    assert.match(callers.text, /\nextra_function {2}function {2}utils\.ts:\d+ /);
  });

  it('answers the handshake without opening the database', async (t) => {
    const nowhere = join(makeTempDir(t), 'not-yet');
    const session = await startMcp(nowhere);
    t.after(() => session.close());
    const { tools } = await session.client.listTools();
    assert.equal(tools.length, 7);
    assert.equal(existsSync(nowhere), false, 'the handshake must not create the database');
    const status = await session.call('status');
    assert.equal(status.isError, true);
    assert.match(
      status.text,
      /^Error \[NOT_FOUND\]: no database at .*not-yet; run 'kausal link --path <dir>' first/,
    );
    assert.equal(existsSync(nowhere), false, 'a query must not create the database');
  });

  it('goes through a running server (client mode), and back to embedded when it stops', async (t) => {
    const server = await KausalServer.start({ dataDirectory, port: 0 });
    let stopped = false;
    t.after(async () => {
      if (!stopped) await server.stop();
    });
    const session = await startMcp(dataDirectory);
    try {
      const callers = await session.call('relations', { target: 'helper_function', relation: 'callers' });
      assert.equal(callers.isError, false, callers.text);
      assert.match(callers.text, /answered by: kausal server\n/);
      assert.match(callers.text, /\nmain {2}function {2}main\.ts:14 /);
      const status = await session.call('status');
      assert.match(status.text, new RegExp(`answered by: kausal server v[\\d.]+ \\(pid ${process.pid}, `));
      const bad = await session.call('relations', { target: 'main', relation: 'callers', depth: 0 });
      assert.equal(bad.isError, true);
      assert.match(bad.text, /Too small: expected number to be >=1 at depth/);
      const unknown = await session.call('trace', { target: 'helper', direction: 'callers' });
      assert.equal(unknown.isError, true);
      assert.match(unknown.text, /answered by: kausal server\nno entity matches target "helper"/);

      await server.stop();
      stopped = true;
      const embedded = await session.call('relations', { target: 'helper_function', relation: 'callers' });
      assert.equal(embedded.isError, false, embedded.text);
      assert.match(embedded.text, /answered by: embedded database\n/);
      assert.match(embedded.text, /\nmain {2}function {2}main\.ts:14 /);
      assert.match(session.stderr(), /client mode: a kausal server owns /);
    } finally {
      await session.close();
    }
  });

  it('prints the client configuration with absolute paths', (t) => {
    const cwd = makeTempDir(t);
    const run = kausal(['mcp', '--print-config', '--data-dir', 'rel/db'], {}, cwd);
    assert.equal(run.code, 0, run.stderr);
    const config = JSON.parse(run.stdout) as { mcpServers: { kausal: { command: string; args: string[] } } };
    assert.equal(config.mcpServers.kausal.command, process.execPath);
    assert.deepEqual(config.mcpServers.kausal.args, [binary, 'mcp', '--data-dir', join(cwd, 'rel/db')]);
    const fromEnv = kausal(['mcp', '--print-config'], { KAUSAL_DATA_DIR: dataDirectory }, cwd);
    assert.deepEqual((JSON.parse(fromEnv.stdout) as typeof config).mcpServers.kausal.args.slice(2), [
      '--data-dir',
      dataDirectory,
    ]);
  });
});
