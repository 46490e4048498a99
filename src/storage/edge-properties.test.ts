import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KausalError } from '../core/errors.js';
import { SeededRng, type Rng } from '../core/rng.js';
import type { JsonObject, JsonValue } from '../core/types.js';
import { Database } from '../database.js';
import { edgeOf, idOf } from '../testing/fixtures.js';
import { makeTempDir } from '../testing/temp-dir.js';
import { readEdgeProperties, writeEdgeProperties } from './edge-properties.js';

/** Stores `properties` as the WAL encoder does (3 bytes reserved per UTF-16 unit of the JSON). */
function stored(properties: JsonObject): Buffer {
  const json = JSON.stringify(properties);
  const target = Buffer.alloc(3 * json.length);
  return target.subarray(0, writeEdgeProperties(target, 0, properties, json));
}

function roundTrip(properties: JsonObject): JsonObject | undefined {
  const bytes = stored(properties);
  return readEdgeProperties(bytes, 0, bytes.length, 'test');
}

const pickFrom = <T>(rng: Rng, items: readonly T[]): T => items[rng.below(items.length)] as T;

function randomText(rng: Rng): string {
  const pieces = [
    'a',
    'line',
    'é',
    '日本',
    '😀',
    '"',
    '\\',
    '\n',
    '\u0000',
    '\uD800',
    '\uDC00',
    '__proto__',
    '',
  ];
  let text = '';
  for (let count = rng.below(4); count > 0; count--) text += pickFrom(rng, pieces);
  return text;
}

function randomValue(rng: Rng, depth: number): JsonValue | undefined {
  switch (rng.below(12)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.below(1000);
    case 3:
      return pickFrom(rng, [0, -0, 1, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 2 ** 60, 1e300, -1e-300]);
    case 4:
      return pickFrom(rng, [0.5, 0.95, 0.01, 0.1 + 0.2, 1 / 3, -0.5, 10485.76, 10485.77, 123.45]);
    case 5:
      return pickFrom(rng, [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    case 6:
      return pickFrom(rng, ['lexical', 'name-only', 'typescript', 'cpp', 'function']);
    case 7:
    case 8:
      return randomText(rng);
    case 9:
      return depth > 1 ? 'deep' : [randomValue(rng, depth + 1) ?? null, 1];
    case 10:
      return depth > 1 ? 7 : (randomObject(rng, depth + 1) as JsonValue);
    default:
      return undefined;
  }
}

function randomObject(rng: Rng, depth = 0): JsonObject {
  const object: Record<string, JsonValue | undefined> = {};
  const keys = ['line', 'resolution', 'confidence', 'sites', 'w', 'q', 'version', '10', '2', 'other'];
  for (let count = rng.below(6); count > 0; count--) {
    const key = rng.chance(0.7) ? pickFrom(rng, keys) : randomText(rng);
    // `__proto__` as a plain field, the way JSON.parse makes it
    Object.defineProperty(object, key, {
      value: randomValue(rng, depth),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return object as JsonObject;
}

describe('edge properties', () => {
  it('read back exactly as a JSON round trip would give them, in no more room than the WAL reserves', () => {
    const rng = new SeededRng(20261124);
    for (let run = 0; run < 20_000; run++) {
      const properties = randomObject(rng);
      const json = JSON.stringify(properties);
      const bytes = stored(properties);
      assert.ok(bytes.length <= 3 * json.length, `${json}: ${bytes.length} bytes`);
      const read = readEdgeProperties(bytes, 0, bytes.length, 'test');
      assert.equal(JSON.stringify(read), json);
      assert.deepEqual(read, JSON.parse(json));
      assert.equal(Object.getPrototypeOf(read), Object.prototype);
    }
  });

  it('takes a few bytes for the fields edges carry, and keeps JSON for what it cannot express', () => {
    const call = { line: 238, resolution: 'name-only', confidence: 0.5 };
    assert.equal(stored(call).length, 11);
    assert.deepEqual(roundTrip(call), call);
    const hit = { w: 'app', k: 'method', l: 'typescript', n: 12, f: 'src/db.ts', q: 'Store.get' };
    assert.equal(stored(hit).length, 40); // 80 as JSON: the file and the qualified name stay text
    assert.equal(stored({}).length, 1);
    for (const needsJson of [{ list: [1, 2] }, { nested: { a: 1 } }, { text: 'x\uD800' }]) {
      const bytes = stored(needsJson);
      assert.equal(bytes.toString('utf8'), JSON.stringify(needsJson));
      assert.deepEqual(readEdgeProperties(bytes, 0, bytes.length, 'test'), needsJson);
    }
  });

  it('reads the JSON that databases written before the compact form hold', () => {
    const json = Buffer.from('{"line":4,"resolution":"lexical","confidence":1,"sites":2}');
    assert.deepEqual(readEdgeProperties(json, 0, json.length, 'test'), {
      line: 4,
      resolution: 'lexical',
      confidence: 1,
      sites: 2,
    });
    assert.equal(readEdgeProperties(json, 3, 3, 'test'), undefined);
  });

  it('answers damaged bytes with a CORRUPTION error, whatever they hold', () => {
    const rng = new SeededRng(7);
    const good = stored({
      line: 4,
      resolution: 'lexical',
      q: 'Store.get',
      confidence: 1.25,
      n: 300,
      r: 1 / 3,
    });
    let corrupt = 0;
    for (let run = 0; run < 20_000; run++) {
      const bytes = Buffer.from(good);
      for (let flips = 1 + rng.below(3); flips > 0; flips--) bytes[rng.below(bytes.length)] = rng.below(256);
      const end = rng.chance(0.3) ? rng.below(bytes.length + 1) : bytes.length;
      let read;
      try {
        read = readEdgeProperties(bytes, 0, end, 'table-1.sst');
      } catch (error) {
        assert.ok(error instanceof KausalError && error.code === 'CORRUPTION', String(error));
        assert.match(error.message, /table-1\.sst/);
        corrupt++;
        continue;
      }
      // Damage that still decodes gives plain JSON data: exactly what a JSON round trip of it gives.
      if (read !== undefined) {
        assert.deepEqual(read, JSON.parse(JSON.stringify(read)));
        assert.equal(Object.getPrototypeOf(read), Object.prototype);
      }
    }
    assert.ok(corrupt > 1000);
    // A double the encoder never writes (−0 is stored as the integer 0) is damage too.
    const negativeZero = Buffer.from([0x01, 0x00, 0x05, 0, 0, 0, 0, 0, 0, 0, 0x80]);
    assert.throws(() => readEdgeProperties(negativeZero, 0, negativeZero.length, 'x'), /malformed/);
  });

  it('survive a write, a restart and a compaction in a database', (t) => {
    const directory = makeTempDir(t);
    const properties = [
      { line: 7, resolution: 'receiver', confidence: 0.9 },
      { w: 'ws', k: 'class', l: 'java', n: 3, f: 'a/B.java', q: 'B' },
      { specifier: './util', line: 1 },
      { deep: { list: [1, 'two'] } },
      {},
    ];
    const edges = properties.map((props, index) => ({ ...edgeOf(1, 10 + index), properties: props }));
    let db = Database.open(directory);
    db.write(edges.map((edge) => ({ kind: 'put_edge', edge })));
    db.close();
    db = Database.open(directory);
    const read = (): JsonObject[] =>
      edges.map(
        (edge) => db.outgoingEdges(idOf(1)).find((stored) => stored.target === edge.target)?.properties ?? {},
      );
    assert.deepEqual(read(), properties);
    db.flush();
    db.compact();
    assert.deepEqual(read(), properties);
    db.close();
  });
});
