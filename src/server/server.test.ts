// The server in-process: answers, pipelining, streaming of large answers, progress, limits, and
// every kind of malformed input answered with an error frame while other clients keep working.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { isKausalError } from '../core/errors.js';
import { makeTempDir } from '../testing/temp-dir.js';
import { KausalClient } from './client.js';
import { FrameDecoder } from './protocol/frame-decoder.js';
import { encodeFrame, encodeJsonFrame, MessageType, type Frame } from './protocol/frame.js';
import { readServerEndpoint } from './server-files.js';
import { KausalServer } from './server.js';

const fixture = fileURLToPath(new URL('../../test/fixtures/typescript', import.meta.url));

/** A raw connection that collects every frame the server sends, and notices the close. */
class RawPeer {
  readonly frames: Frame[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder(64 * 1024 * 1024);
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (bytes: Buffer) => {
      for (const item of this.decoder.push(bytes)) if (item.kind === 'frame') this.frames.push(item.frame);
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(new RawPeer(socket)));
      socket.once('error', reject);
    });
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  async until(test: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  errorFor(id: number): { code: string; reason?: string; message: string } | undefined {
    const frame = this.frames.find((f) => f.type === MessageType.error && f.requestId === id);
    return frame === undefined ? undefined : JSON.parse(frame.payload.toString('utf8'));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

function header(fields: {
  magic?: string;
  version?: number;
  type?: number;
  flags?: number;
  id?: number;
  length: number;
}): Buffer {
  const bytes = Buffer.alloc(16);
  bytes.write(fields.magic ?? 'KAUL', 0, 'latin1');
  bytes.writeUInt8(fields.version ?? 1, 4);
  bytes.writeUInt8(fields.type ?? MessageType.request, 5);
  bytes.writeUInt16BE(fields.flags ?? 0, 6);
  bytes.writeUInt32BE(fields.id ?? 1, 8);
  bytes.writeUInt32BE(fields.length, 12);
  return bytes;
}

/** Waits until the server has seen every earlier test's connections close. */
async function settled(server: KausalServer): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (server.stats.connections > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('kausal server', () => {
  let server: KausalServer;
  let dataDirectory = '';
  let port = 0;

  before(async () => {
    dataDirectory = mkdtempSync(join(tmpdir(), 'kausal-server-'));
    server = await KausalServer.start({
      dataDirectory,
      port: 0,
      connectionsMax: 8,
      connectionLimits: { responseFrameBytesMax: 4096, idleTimeoutMs: 400 },
    });
    port = server.endpoint.port;
    const client = await KausalClient.connect({ host: '127.0.0.1', port });
    await client.request('link', { root: fixture, name: 'ts', workers: 0 });
    await client.close();
  });
  after(async () => {
    await server.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  });

  it('records where it listens and answers ping with its data directory', async () => {
    const endpoint = readServerEndpoint(dataDirectory);
    assert.equal(endpoint?.port, port);
    assert.equal(endpoint?.pid, process.pid);
    const client = await KausalClient.connect({ host: '127.0.0.1', port });
    const pong = await client.request('ping', { echo: 'hello' });
    assert.equal(pong.echo, 'hello');
    assert.equal(pong.mode, 'server');
    assert.equal(pong.dataDirectory, dataDirectory);
    assert.ok((pong.server?.requests ?? 0) >= 1);
    await client.close();
  });

  it('answers queries with the same results an in-process service gives', async () => {
    const client = await KausalClient.connect({ host: '127.0.0.1', port });
    const answer = await client.request('show', { target: 'helper_function', relation: 'callers' });
    assert.equal(answer.status, 'ok');
    if (answer.status !== 'ok') return;
    assert.deepEqual(
      answer.results.map((item) => item.entity.name),
      ['main'],
    );
    const traced = await client.request('trace', { target: 'main', direction: 'callees', depth: 2 });
    assert.equal(traced.status, 'ok');
    await client.close();
  });

  it('pipelines requests: many in flight on one connection, each answered under its own id', async () => {
    const client = await KausalClient.connect({ host: '127.0.0.1', port });
    const names = ['main', 'helper_function', 'calculate_value', 'utility_function', 'add_numbers'];
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        client.request('find', { name: names[i % names.length] as string }),
      ),
    );
    answers.forEach((answer, i) => {
      assert.equal(answer.results[0]?.entity.name, names[i % names.length]);
    });
    await client.close();
  });

  it('streams an answer larger than one frame as chunk frames and reassembles it', async () => {
    const peer = await RawPeer.open(port);
    peer.send(encodeJsonFrame(MessageType.request, 7, { kind: 'export', params: {} }));
    await peer.until(
      () => peer.frames.some((f) => f.type === MessageType.result && f.requestId === 7),
      'result',
    );
    const chunks = peer.frames.filter((f) => f.type === MessageType.chunk && f.requestId === 7);
    assert.ok(chunks.length >= 2, `expected chunk frames, got ${chunks.length}`);
    for (const chunk of chunks) assert.equal(chunk.payload.length, 4096);
    const all = Buffer.concat(peer.frames.filter((f) => f.requestId === 7).map((f) => f.payload));
    const graph = JSON.parse(all.toString('utf8')) as { nodes: unknown[] };
    assert.ok(graph.nodes.length > 10);
    peer.socket.destroy();
  });

  it('streams progress frames while a sync runs, then the result', async () => {
    const client = await KausalClient.connect({ host: '127.0.0.1', port });
    const phases: string[] = [];
    const reports = await client.request(
      'sync',
      { force: true, workers: 0 },
      {
        onProgress: (event) => phases.push(event.phase),
      },
    );
    assert.equal(reports.length, 1);
    assert.equal(reports[0]?.workspace, 'ts');
    // Nothing changed, so nothing is written: the phases that ran are scan, parse and resolve.
    assert.ok(phases.includes('parse') && phases.includes('resolve'), `phases: ${phases.join(',')}`);
    await client.close();
  });

  it('keeps answering queries while a write runs', async (t) => {
    // A tree large enough that its link takes many yield budgets (a tiny one may finish in one).
    const tree = makeTempDir(t, 'kausal-server-tree-');
    for (let i = 0; i < 300; i++) {
      const next = (i + 1) % 300;
      writeFileSync(
        join(tree, `m${i}.ts`),
        `import { f${next} } from './m${next}';\nexport function f${i}(n: number): number {\n  return n > 0 ? f${next}(n - 1) : ${i};\n}\n`,
      );
    }
    const writer = await KausalClient.connect({ host: '127.0.0.1', port });
    const reader = await KausalClient.connect({ host: '127.0.0.1', port });
    // Queries answered after the link's write phase began and before its answer arrived: only
    // a link that hands the thread back between its write steps lets any through.
    let phase = '';
    let linkDone = false;
    const link = writer
      .request(
        'link',
        { root: tree, name: 'tree', workers: 0 },
        { onProgress: (event) => (phase = event.phase) },
      )
      .then(() => {
        linkDone = true;
      });
    let answeredWhileWriting = 0;
    while (!linkDone) {
      const sentWhileWriting = phase === 'write';
      await reader.request('find', { name: 'f7' });
      if (sentWhileWriting && !linkDone) answeredWhileWriting++;
    }
    await link;
    assert.ok(answeredWhileWriting > 0, 'no query was answered while the link wrote');
    assert.equal((await reader.request('find', { name: 'f7', workspace: 'tree' })).results.length, 1);
    await writer.request('unlink', { name: 'tree' });
    await writer.close();
    await reader.close();
  });

  it('runs writes one at a time, in order', async () => {
    const client = await KausalClient.connect({ host: '127.0.0.1', port });
    const order: string[] = [];
    await Promise.all([
      client.request('sync', { workers: 0 }).then(() => order.push('sync')),
      client.request('reindex', {}).then(() => order.push('reindex')),
      client.request('sync', { workers: 0, force: true }).then(() => order.push('force')),
    ]);
    assert.deepEqual(order, ['sync', 'reindex', 'force']);
    await client.close();
  });

  it('answers bad parameters and unknown kinds with typed errors and keeps the connection', async () => {
    const client = await KausalClient.connect({ host: '127.0.0.1', port });
    const cases: [string, unknown, string][] = [
      ['find', { name: 42 }, 'INVALID_ARGUMENT'],
      ['find', { name: 'x', maxResults: 1e9 }, 'INVALID_ARGUMENT'],
      ['find', { name: 'x', __proto__: { polluted: true }, constructor: 1 }, 'INVALID_ARGUMENT'],
      ['show', { target: 'x', relation: 'toString' }, 'INVALID_ARGUMENT'],
      ['link', { root: 'relative/path', name: 'x' }, 'INVALID_ARGUMENT'],
      ['show', { target: 'no_such_thing', relation: 'callers', workspace: 'nope' }, 'NOT_FOUND'],
      ['bogus', {}, 'INVALID_ARGUMENT'],
    ];
    for (const [kind, params, code] of cases) {
      await assert.rejects(
        client.request(kind as 'find', params as never),
        (error: unknown) => isKausalError(error) && error.code === code,
        `${kind} ${JSON.stringify(params)}`,
      );
    }
    assert.equal((await client.request('ping', {})).pong, true);
    await client.close();
  });

  it('skips a frame of unknown type or with flags set, answering with its id, and keeps serving', async () => {
    const peer = await RawPeer.open(port);
    peer.send(Buffer.concat([header({ type: 99, id: 5, length: 3 }), Buffer.from('abc')]));
    peer.send(Buffer.concat([header({ flags: 1, id: 6, length: 2 }), Buffer.from('{}')]));
    peer.send(Buffer.concat([header({ type: MessageType.result, id: 8, length: 2 }), Buffer.from('{}')]));
    peer.send(encodeFrame(MessageType.request, 9, Buffer.from('{not json')));
    peer.send(encodeJsonFrame(MessageType.request, 10, { kind: 'ping', params: {} }));
    await peer.until(() => peer.frames.some((f) => f.requestId === 10), 'ping answer');
    assert.equal(peer.errorFor(5)?.reason, 'unknown_type');
    assert.equal(peer.errorFor(6)?.reason, 'bad_flags');
    assert.equal(peer.errorFor(8)?.reason, 'unexpected_type');
    assert.equal(peer.errorFor(9)?.reason, 'invalid_payload');
    assert.equal(peer.frames.find((f) => f.requestId === 10)?.type, MessageType.result);
    assert.equal(peer.closed, false);
    peer.socket.destroy();
  });

  for (const [label, bytes, reason] of [
    ['bad magic', Buffer.concat([header({ magic: 'HTTP', length: 0 })]), 'bad_magic'],
    ['an unknown version', header({ version: 9, length: 0 }), 'unsupported_version'],
    ['an oversized frame', header({ length: 64 * 1024 + 1 }), 'frame_too_large'],
    ['plain text', Buffer.from('GET / HTTP/1.1\r\n\r\n'), 'bad_magic'],
  ] as const) {
    it(`answers ${label} with an error frame and closes only that connection`, async () => {
      const bystander = await KausalClient.connect({ host: '127.0.0.1', port });
      const peer = await RawPeer.open(port);
      peer.send(bytes);
      await peer.until(() => peer.closed, 'close');
      assert.equal(
        peer.errorFor(reason === 'frame_too_large' ? 1 : reason === 'unsupported_version' ? 1 : 0)?.reason,
        reason,
      );
      assert.equal((await bystander.request('ping', {})).pong, true);
      await bystander.close();
    });
  }

  it('refuses a request frame over the limit from the client side too', async () => {
    const client = await KausalClient.connect({ host: '127.0.0.1', port });
    await assert.rejects(client.request('find', { name: 'x'.repeat(70_000) }), (error: unknown) =>
      isKausalError(error, 'LIMIT_EXCEEDED'),
    );
    await client.close();
  });

  it('refuses connections beyond the maximum with a typed error frame', async () => {
    await settled(server);
    const held: KausalClient[] = [];
    for (let i = 0; i < 8; i++) held.push(await KausalClient.connect({ host: '127.0.0.1', port }));
    // Make sure the server has accepted all of them before the extra one arrives.
    await Promise.all(held.map((client) => client.request('ping', {})));
    const extra = await RawPeer.open(port);
    await extra.until(() => extra.closed, 'refusal');
    assert.equal(extra.errorFor(0)?.reason, 'too_many_connections');
    assert.equal(extra.errorFor(0)?.code, 'LIMIT_EXCEEDED');
    await Promise.all(held.map((client) => client.close()));
  });

  it('closes an idle connection with a timeout error frame', async () => {
    await settled(server);
    const peer = await RawPeer.open(port);
    await peer.until(() => peer.closed, 'idle close', 5_000);
    assert.equal(peer.errorFor(0)?.code, 'TIMEOUT');
    assert.equal(peer.errorFor(0)?.reason, 'idle_timeout');
  });
});

describe('kausal server start', () => {
  it('refuses a second server on the same data directory, and a port in use, with clear messages', async (t) => {
    const dataDirectory = makeTempDir(t, 'kausal-server-twice-');
    const first = await KausalServer.start({ dataDirectory, port: 0, advertise: false });
    t.after(() => first.stop());
    await assert.rejects(KausalServer.start({ dataDirectory, port: 0, advertise: false }), (error: unknown) =>
      isKausalError(error, 'LOCKED'),
    );
    const other = makeTempDir(t, 'kausal-server-port-');
    await assert.rejects(
      KausalServer.start({ dataDirectory: other, port: first.endpoint.port, advertise: false }),
      (error: unknown) => isKausalError(error, 'ALREADY_EXISTS') && /already in use/.test(error.message),
    );
    // The failed start released the other directory's lock: it can be opened now.
    const again = await KausalServer.start({ dataDirectory: other, port: 0, advertise: false });
    await again.stop();
  });
});
