// Black-box tests of `kausal server` with the built binary: a detached server found automatically
// by every command (same output as without it), refusals, ping, clean stop, and a foreground
// server shut down by SIGTERM with exit code 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { processExists } from '../src/vfs/node-lock.js';
import { kausal } from './helpers/kausal.js';
import { freePort } from '../src/testing/free-port.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const binary = fileURLToPath(new URL('../bin/kausal.js', import.meta.url));

const queries: readonly (readonly string[])[] = [
  ['find', '--name', 'helper_function'],
  ['find', '--name', 'add', '--match', 'prefix', '--format', 'csv'],
  ['show', '--relation', 'callers', '--target', 'helper_function'],
  ['show', '--relation', 'callers', '--target', 'helper_function', '--json'],
  ['trace', '--direction', 'callees', '--target', 'main', '--depth', '2'],
  ['path', '--from', 'main', '--to', 'add_numbers'],
  ['context', '--target', 'main', '--budget-tokens', '800'],
  ['export', '--format', 'dot'],
  ['show', '--relation', 'callers', '--target', 'no_such_function'],
  ['show', '--relation', 'callers', '--target', 'x', '--workspace', 'nope'],
  ['trace', '--direction', 'callees', '--target', 'main', '--depth', '0'],
  ['status', '--no-check'],
];

describe('kausal server (CLI)', () => {
  let root = '';
  let data = '';
  let port = 0;
  const withData = (args: readonly string[]): string[] => [...args, '--data-dir', data];
  const embeddedAnswers = new Map<string, ReturnType<typeof kausal>>();

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'kausal-server-cli-'));
    data = join(root, 'db');
    port = await freePort();
    const linked = kausal(withData(['link', '--path', join(fixtures, 'typescript'), '--name', 'ts']));
    assert.equal(linked.code, 0, linked.stderr);
    for (const query of queries) embeddedAnswers.set(query.join(' '), kausal(withData(query)));
  });
  after(() => {
    kausal(withData(['server', 'stop']));
    rmSync(root, { recursive: true, force: true });
  });

  it('starts detached, writes its pid file, and answers ping', () => {
    const started = kausal(withData(['server', 'start', '--port', String(port)]));
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, new RegExp(`Server started \\(pid \\d+\\) on 127\\.0\\.0\\.1:${port}`));
    assert.ok(existsSync(join(data, 'server.pid')));
    const ping = kausal(withData(['ping']));
    assert.equal(ping.code, 0, ping.stderr);
    assert.match(ping.stdout, /pong from kausal server/);
  });

  it('gives every query the same output through the server as in-process', () => {
    for (const query of queries) {
      const expected = embeddedAnswers.get(query.join(' '));
      const actual = kausal(withData(query));
      assert.deepEqual(
        { code: actual.code, stdout: actual.stdout, stderr: actual.stderr },
        { code: expected?.code, stdout: expected?.stdout, stderr: expected?.stderr },
        query.join(' '),
      );
    }
  });

  it('refuses to start twice on the same data directory', () => {
    const again = kausal(withData(['server', 'start', '--port', String(port + 1)]));
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already running for .* \(pid \d+ on 127\.0\.0\.1:\d+\)/);
  });

  it('links and syncs through the server, and reports its state', () => {
    const linked = kausal(withData(['link', '--path', join(fixtures, 'python'), '--name', 'py', '--json']));
    assert.equal(linked.code, 0, linked.stderr);
    assert.equal(JSON.parse(linked.stdout).workspace, 'py');
    const found = kausal(withData(['find', '--name', 'add_numbers', '--workspace', 'py']));
    assert.equal(found.code, 0, found.stderr);
    assert.match(found.stdout, /add_numbers/);
    const synced = kausal(withData(['sync', '--all', '--json']));
    assert.equal(synced.code, 0, synced.stderr);
    assert.deepEqual(
      JSON.parse(synced.stdout)
        .map((report: { workspace: string }) => report.workspace)
        .sort(),
      ['py', 'ts'],
    );
    const ambiguous = kausal(withData(['sync']));
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.stderr, /several workspaces are linked \((ts, py|py, ts)\)/);
    const status = kausal(withData(['server', 'status', '--json']));
    assert.equal(status.code, 0, status.stderr);
    const parsed = JSON.parse(status.stdout);
    assert.equal(parsed.running, true);
    assert.equal(parsed.port, port);
    assert.ok(parsed.server.requests > 0);
  });

  it('restarts on the same port, and recovers from a server killed with SIGKILL', async () => {
    const restarted = kausal(withData(['server', 'restart']));
    assert.equal(restarted.code, 0, restarted.stderr);
    assert.match(
      restarted.stdout,
      new RegExp(`Server stopped[\\s\\S]*Server started \\(pid \\d+\\) on 127\\.0\\.0\\.1:${port}`),
    );
    const pid = Number(readFileSync(join(data, 'server.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    while (processExists(pid)) await new Promise((resolve) => setTimeout(resolve, 20));
    // The stale endpoint and lock are recognised: commands work in-process, and a server starts.
    const found = kausal(withData(['find', '--name', 'main']));
    assert.equal(found.code, 0, found.stderr);
    assert.match(found.stdout, /main/);
    const started = kausal(withData(['server', 'start', '--port', String(port)]));
    assert.equal(started.code, 0, started.stderr);
  });

  it('stops cleanly: pid file removed, lock released, commands work in-process again', () => {
    const stopped = kausal(withData(['server', 'stop']));
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.ok(!existsSync(join(data, 'server.pid')));
    assert.ok(!existsSync(join(data, 'server.json')));
    const found = kausal(withData(['find', '--name', 'add_numbers', '--workspace', 'py']));
    assert.equal(found.code, 0, found.stderr);
    const ping = kausal(withData(['ping']));
    assert.equal(ping.code, 1);
    assert.match(ping.stderr, /no kausal server is running for/);
    const status = kausal(withData(['server', 'status']));
    assert.match(status.stdout, /No kausal server is running/);
    assert.equal(kausal(withData(['server', 'stop'])).code, 1);
  });

  it('rejects bad server arguments as usage errors', () => {
    assert.equal(kausal(withData(['server'])).code, 2);
    assert.equal(kausal(withData(['server', 'explode'])).code, 2);
    const badPort = kausal(withData(['server', 'start', '--port', '70000']));
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /--port must be an integer between 1 and 65535/);
  });

  it('runs in the foreground and exits 0 on SIGTERM after a clean shutdown', async () => {
    const foregroundData = join(root, 'fg');
    const foregroundPort = await freePort();
    const child = spawn(
      process.execPath,
      [
        binary,
        'server',
        'start',
        '--foreground',
        '--port',
        String(foregroundPort),
        '--data-dir',
        foregroundData,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (bytes: Buffer) => {
      stderr += bytes.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 15_000;
    while (!existsSync(join(foregroundData, 'server.json'))) {
      if (Date.now() > deadline) throw new Error(`the server did not start: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(kausal(['ping', '--data-dir', foregroundData]).code, 0);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /SIGTERM received/);
    assert.ok(!existsSync(join(foregroundData, 'server.pid')));
    assert.ok(!existsSync(join(foregroundData, 'LOCK')), 'the lock was not released');
  });
});
