// Fuzzing a live server: random bytes, mutated valid frames, lying length fields, hostile JSON,
// all written in random pieces over several connections at once. Afterwards the server must
// still answer `ping` and a query correctly on a fresh connection, and no bad input may have
// changed the data. Seeded, so a failure replays: the seed is in the test name.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { SeededRng, type Rng } from '../core/rng.js';
import { KausalClient } from './client.js';
import { FrameDecoder } from './protocol/frame-decoder.js';
import { encodeFrame, encodeJsonFrame, MessageType } from './protocol/frame.js';
import { KausalServer } from './server.js';

const fixture = fileURLToPath(new URL('../../test/fixtures/typescript', import.meta.url));
const seeds = [1, 2, 3, 4];
const connectionsPerSeed = 12;
const messagesPerConnection = 40;

const validRequests: readonly unknown[] = [
  { kind: 'ping', params: {} },
  { kind: 'find', params: { name: 'main' } },
  { kind: 'show', params: { target: 'helper_function', relation: 'callers' } },
  { kind: 'trace', params: { target: 'main', direction: 'callees', depth: 3 } },
  { kind: 'path', params: { from: 'main', to: 'add_numbers' } },
  { kind: 'context', params: { target: 'main', budgetTokens: 500 } },
  { kind: 'status', params: {} },
];

const hostilePayloads: readonly unknown[] = [
  null,
  42,
  'ping',
  [],
  [{ kind: 'ping' }],
  { kind: 'ping', params: [] },
  { kind: 'ping', params: null },
  { kind: '__proto__', params: {} },
  { kind: 'constructor' },
  { kind: 'find', params: { name: { toString: 'x' } } },
  { kind: 'find', params: { name: 'x', maxResults: -1 } },
  { kind: 'find', params: { name: 'x', maxResults: 1.5 } },
  { kind: 'show', params: { target: '', relation: 'callers' } },
  { kind: 'show', params: { target: '\u0000\u001b[31m', relation: 'callers' } },
  { kind: 'trace', params: { target: 'main', direction: 'sideways' } },
  { kind: 'export', params: { maxNodes: 1e12 } },
  { kind: 'link', params: { root: '/nonexistent/definitely', name: 'evil' } },
  { kind: 'unlink', params: { name: 'ts; rm -rf /' } },
  { kind: 'find', params: { name: 'x'.repeat(1_001) } },
];

/** JSON nested `depth` levels deep, as text (stringifying such a value would overflow our stack). */
function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}`;
}

function randomBytes(rng: Rng, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = rng.below(256);
  return bytes;
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.below(items.length)] as T;
}

/** One message a fuzzing client sends: valid, mutated, or garbage. */
function fuzzMessage(rng: Rng, id: number, framed: boolean): Buffer {
  const valid = encodeJsonFrame(MessageType.request, id, pick(rng, validRequests));
  // A well-framed stream keeps the connection open (every frame gets an answer); a chaotic one
  // breaks framing, so the server must answer what it can and close.
  switch (framed ? pick(rng, [0, 5, 6, 7, 8]) : rng.below(9)) {
    case 0:
      return valid;
    case 1: {
      const mutated = Buffer.from(valid);
      const flips = rng.between(1, 4);
      for (let i = 0; i < flips; i++) mutated[rng.below(mutated.length)] = rng.below(256);
      return mutated;
    }
    case 2:
      return valid.subarray(0, rng.below(valid.length));
    case 3: {
      const lying = Buffer.from(valid);
      lying.writeUInt32BE(rng.chance(0.5) ? rng.below(0xffffffff) : valid.length + rng.between(1, 100), 12);
      return lying;
    }
    case 4:
      return randomBytes(rng, rng.between(1, 300));
    case 5:
      return encodeJsonFrame(MessageType.request, id, pick(rng, hostilePayloads));
    case 6: {
      const params = nestedJson(rng.between(10, 8_000));
      return encodeFrame(MessageType.request, id, Buffer.from(`{"kind":"find","params":${params}}`));
    }
    case 7:
      return encodeFrame(rng.below(256) as 1, id, randomBytes(rng, rng.below(64)));
    default:
      return encodeFrame(MessageType.request, id, randomBytes(rng, rng.between(0, 200)));
  }
}

/** Sends a sequence of fuzz messages in random pieces, reads whatever comes back, then closes. */
function fuzzConnection(port: number, rng: Rng, tally: Map<number, number>): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const decoder = new FrameDecoder(64 * 1024 * 1024);
    const framed = rng.chance(0.5);
    socket.on('error', () => undefined);
    socket.on('data', (bytes: Buffer) => {
      for (const item of decoder.push(bytes)) {
        if (item.kind === 'frame') tally.set(item.frame.type, (tally.get(item.frame.type) ?? 0) + 1);
      }
    });
    socket.on('close', () => resolve());
    socket.once('connect', () => {
      const stream = Buffer.concat(
        Array.from({ length: messagesPerConnection }, (_, i) => fuzzMessage(rng, i + 1, framed)),
      );
      let offset = 0;
      const writeSome = (): void => {
        if (socket.destroyed) return;
        if (offset >= stream.length) {
          setTimeout(() => socket.end(), 20);
          return;
        }
        const piece = rng.between(1, 2_000);
        socket.write(stream.subarray(offset, offset + piece));
        offset += piece;
        setImmediate(writeSome);
      };
      writeSome();
    });
    // A server that neither answers nor closes would hang the test: bound it.
    setTimeout(() => socket.destroy(), 10_000).unref();
  });
}

describe('kausal server under fuzzing', () => {
  let server: KausalServer;
  let dataDirectory = '';
  let baseline = '';

  before(async () => {
    dataDirectory = mkdtempSync(join(tmpdir(), 'kausal-fuzz-'));
    server = await KausalServer.start({ dataDirectory, port: 0, advertise: false });
    const client = await KausalClient.connect({ host: '127.0.0.1', port: server.endpoint.port });
    await client.request('link', { root: fixture, name: 'ts', workers: 0 });
    baseline = JSON.stringify(
      await client.request('show', { target: 'helper_function', relation: 'callers' }),
    );
    await client.close();
  });
  after(async () => {
    await server.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  });

  for (const seed of seeds) {
    it(`survives random and mutated frames (seed ${seed})`, async () => {
      const rng = new SeededRng(seed);
      const tally = new Map<number, number>();
      await Promise.all(
        Array.from({ length: connectionsPerSeed }, () =>
          fuzzConnection(server.endpoint.port, rng.fork(), tally),
        ),
      );
      // Both paths ran: some requests were answered, some were refused with error frames.
      assert.ok((tally.get(MessageType.result) ?? 0) > 0, 'no request was answered');
      assert.ok((tally.get(MessageType.error) ?? 0) > connectionsPerSeed, 'too few error frames');
      const client = await KausalClient.connect({ host: '127.0.0.1', port: server.endpoint.port });
      const pong = await client.request('ping', { echo: `after seed ${seed}` });
      assert.equal(pong.echo, `after seed ${seed}`);
      const answer = await client.request('show', { target: 'helper_function', relation: 'callers' });
      assert.equal(JSON.stringify(answer), baseline, 'the data changed under fuzzing');
      await client.close();
    });
  }
});
