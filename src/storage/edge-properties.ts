// The stored form of an edge's properties. Nearly every edge carries the same few fields with small
// numbers and a handful of recurring strings (a call's line, resolution and confidence; a name
// index hit's workspace, kind and language). As JSON text, `{"line":238,"resolution":"name-only",
// "confidence":0.5}` took 54 bytes, stored twice (both directions), and every read paid a UTF-8
// decode and a JSON.parse. The compact form takes 11 bytes for it, and decodes into the same object
// without building a string for a known key or value.
//
//   value  = ''                       no properties
//          | '{' …                    UTF-8 JSON: databases written before this form, and the
//                                     fallback for properties it cannot express (nested objects or
//                                     arrays, undefined values, strings with lone surrogates)
//          | 0x01 · field*            compact
//   field  = key · value
//   key    = u8 i (i < 0x80)          knownKeys[i]
//          | 0xFF · uvarint n · n bytes of UTF-8
//   value  = 0x00 null | 0x01 false | 0x02 true
//          | 0x03 · uvarint n         n          (an integer 0 ≤ n ≤ 2^53 − 1)
//          | 0x04 · uvarint n         −n
//          | 0x05 · f64 LE            any other finite number
//          | 0x06 · uvarint n         n / 100    (exactly that double: confidences like 0.95)
//          | 0x07 · u8 i              knownStrings[i]
//          | 0x08 · uvarint n · n bytes of UTF-8
//
// uvarint: 7 bits per byte, least significant first, high bit set on all but the last byte.
// Decoding gives exactly what JSON.parse(JSON.stringify(properties)) gives: non-finite numbers
// become null, −0 becomes 0, keys keep their order. The two dictionaries are part of the format:
// entries may be appended, never changed or removed.
import { KausalError } from '../core/errors.js';
import type { JsonObject, JsonValue } from '../core/types.js';
import { parseJsonObject } from './value-codec.js';

const knownKeys: readonly string[] = [
  'line',
  'resolution',
  'confidence',
  'sites',
  'role',
  'specifier',
  'w',
  'k',
  'l',
  'n',
  'f',
  'q',
  'x',
  'version',
];

// Written out rather than taken from the kinds and languages of src/ingest and src/query: those
// lists may change, and storage sits below them; these indexes are on disk.
const knownStrings: readonly string[] = [
  // resolutions
  'lexical',
  'import',
  'receiver',
  'name-only',
  'dispatch',
  // reference roles
  'argument',
  'assignment',
  'return',
  'alias',
  // entity kinds
  'module',
  'function',
  'method',
  'constructor',
  'class',
  'struct',
  'interface',
  'trait',
  'enum',
  'union',
  'type_alias',
  'constant',
  'variable',
  // languages
  'typescript',
  'tsx',
  'javascript',
  'python',
  'go',
  'rust',
  'zig',
  'java',
  'c',
  'cpp',
];

const compactTag = 0x01;
const jsonTag = 0x7b; // '{'
const inlineKey = 0xff;
const valueNull = 0x00;
const valueFalse = 0x01;
const valueTrue = 0x02;
const valueUint = 0x03;
const valueNegative = 0x04;
const valueFloat = 0x05;
const valueHundredths = 0x06;
const valueKnownString = 0x07;
const valueString = 0x08;
/** Hundredths above this are stored as integers or doubles: the form is for small fractions. */
const hundredthsMax = 0x10_0000;

const keyIndex = new Map(knownKeys.map((key, index) => [key, index]));
const stringIndex = new Map(knownStrings.map((text, index) => [text, index]));
const loneSurrogate = /[\uD800-\uDFFF]/;

/**
 * Writes the stored form of `properties` at `offset` in `target` and returns the offset after it.
 * `json` is `JSON.stringify(properties)` ('' for none); the caller reserves 3 bytes per UTF-16
 * unit of it, which bounds both forms (see the test).
 */
export function writeEdgeProperties(
  target: Buffer,
  offset: number,
  properties: JsonObject | undefined,
  json: string,
): number {
  if (json.length === 0 || properties === undefined) return offset;
  const end = writeCompact(target, offset, properties);
  if (end >= 0) return end;
  return offset + target.utf8Write(json, offset);
}

/** Compact form at `offset`; −1 (with `target` partly written) when the properties need JSON. */
function writeCompact(target: Buffer, offset: number, properties: JsonObject): number {
  target[offset++] = compactTag;
  for (const key of Object.keys(properties)) {
    const value = properties[key];
    const known = keyIndex.get(key);
    if (known !== undefined) target[offset++] = known;
    else {
      // Assigning `__proto__` while decoding would set the prototype instead of a field.
      if (key === '__proto__' || loneSurrogate.test(key)) return -1;
      target[offset++] = inlineKey;
      offset = writeText(target, offset, key);
    }
    offset = writeValue(target, offset, value);
    if (offset < 0) return -1;
  }
  return offset;
}

function writeValue(target: Buffer, offset: number, value: JsonValue | undefined): number {
  switch (typeof value) {
    case 'number':
      return writeNumber(target, offset, value);
    case 'string': {
      const known = stringIndex.get(value);
      if (known !== undefined) {
        target[offset] = valueKnownString;
        target[offset + 1] = known;
        return offset + 2;
      }
      if (loneSurrogate.test(value)) return -1; // UTF-8 cannot carry it; JSON escapes it
      target[offset] = valueString;
      return writeText(target, offset + 1, value);
    }
    case 'boolean':
      target[offset] = value ? valueTrue : valueFalse;
      return offset + 1;
    case 'object':
      if (value !== null) return -1; // nested object or array
      target[offset] = valueNull;
      return offset + 1;
    default:
      return -1; // undefined (JSON leaves the key out)
  }
}

function writeNumber(target: Buffer, offset: number, value: number): number {
  if (!Number.isFinite(value)) {
    target[offset] = valueNull; // what JSON.stringify writes for it
    return offset + 1;
  }
  if (Number.isSafeInteger(value)) {
    target[offset] = value < 0 ? valueNegative : valueUint;
    return writeUvarint(target, offset + 1, Math.abs(value));
  }
  const hundredths = Math.round(value * 100);
  if (hundredths > 0 && hundredths <= hundredthsMax && hundredths / 100 === value) {
    target[offset] = valueHundredths;
    return writeUvarint(target, offset + 1, hundredths);
  }
  target[offset] = valueFloat;
  target.writeDoubleLE(value, offset + 1);
  return offset + 9;
}

function writeText(target: Buffer, offset: number, text: string): number {
  const bytes = Buffer.byteLength(text, 'utf8');
  offset = writeUvarint(target, offset, bytes);
  return offset + (bytes === 0 ? 0 : target.utf8Write(text, offset, bytes));
}

function writeUvarint(target: Buffer, offset: number, value: number): number {
  while (value >= 0x80) {
    target[offset++] = value % 0x80 | 0x80;
    value = Math.floor(value / 0x80);
  }
  target[offset] = value;
  return offset + 1;
}

/** The properties stored in `bytes[start, end)`; undefined when the edge has none. */
export function readEdgeProperties(
  bytes: Buffer,
  start: number,
  end: number,
  where: string,
): JsonObject | undefined {
  if (start === end) return undefined;
  const tag = bytes[start];
  if (tag === compactTag) return new CompactReader(bytes, start + 1, end, where).object();
  if (tag === jsonTag) return parseJsonObject(bytes.utf8Slice(start, end), where);
  throw malformed(where);
}

class CompactReader {
  constructor(
    private readonly bytes: Buffer,
    private offset: number,
    private readonly end: number,
    private readonly where: string,
  ) {}

  object(): JsonObject {
    const result: JsonObject = {};
    while (this.offset < this.end) {
      const key = this.key();
      result[key] = this.value();
    }
    return result;
  }

  private key(): string {
    const code = this.byte();
    if (code === inlineKey) {
      const key = this.text();
      if (key === '__proto__') throw malformed(this.where);
      return key;
    }
    const known = knownKeys[code];
    if (known === undefined) throw malformed(this.where);
    return known;
  }

  private value(): JsonValue {
    switch (this.byte()) {
      case valueNull:
        return null;
      case valueFalse:
        return false;
      case valueTrue:
        return true;
      case valueUint:
        return this.uvarint();
      case valueNegative: {
        const magnitude = this.uvarint();
        if (magnitude === 0) throw malformed(this.where); // never written: 0 is stored as 0x03
        return -magnitude;
      }
      case valueFloat: {
        if (this.offset + 8 > this.end) throw malformed(this.where);
        const value = this.bytes.readDoubleLE(this.offset);
        this.offset += 8;
        // Never written: non-finite numbers are stored as null, −0 as the integer 0.
        if (!Number.isFinite(value) || Object.is(value, -0)) throw malformed(this.where);
        return value;
      }
      case valueHundredths:
        return this.uvarint() / 100;
      case valueKnownString: {
        const known = knownStrings[this.byte()];
        if (known === undefined) throw malformed(this.where);
        return known;
      }
      case valueString:
        return this.text();
      default:
        throw malformed(this.where);
    }
  }

  private byte(): number {
    if (this.offset >= this.end) throw malformed(this.where);
    return this.bytes[this.offset++] as number;
  }

  private uvarint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.byte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
      scale *= 0x80;
      if (scale > Number.MAX_SAFE_INTEGER) throw malformed(this.where);
    }
    if (value > Number.MAX_SAFE_INTEGER) throw malformed(this.where);
    return value;
  }

  private text(): string {
    const length = this.uvarint();
    const start = this.offset;
    if (length > this.end - start) throw malformed(this.where);
    this.offset = start + length;
    return length === 0 ? '' : this.bytes.utf8Slice(start, start + length);
  }
}

function malformed(where: string): KausalError {
  return new KausalError('CORRUPTION', `malformed edge properties in ${where}`);
}
