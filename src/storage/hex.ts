// Conversions between 32-character hex ids and the 16-character latin1 strings used inside keys,
// in plain JS: on the read path these run once per lookup, and a Buffer round trip per call
// (allocation, native call) cost more than the table lookups below.
const hexDigits = '0123456789abcdef';

const hexValue = new Int8Array(128).fill(-1);
for (let index = 0; index < 16; index++) hexValue[hexDigits.charCodeAt(index)] = index;

const codes = new Array<number>(17).fill(0);

/**
 * `prefix` (a keyspace code, or -1 for none) followed by the 16 bytes of a 32-character hex id
 * (already validated), as one flat latin1 string: a single allocation, no concatenation chain.
 */
export function hexToLatin1(hex: string, prefix = -1): string {
  let at = 0;
  if (prefix >= 0) codes[at++] = prefix;
  for (let index = 0; index < 32; index += 2) {
    codes[at++] =
      ((hexValue[hex.charCodeAt(index)] as number) << 4) | (hexValue[hex.charCodeAt(index + 1)] as number);
  }
  codes.length = at;
  const text = String.fromCharCode.apply(null, codes);
  codes.length = 17;
  return text;
}

const hexCodes = Array.from(hexDigits, (digit) => digit.charCodeAt(0));
const idCodes = new Array<number>(32).fill(0);

/**
 * 16 latin1 characters of `text` starting at `start` → 32 lowercase hex characters, as one flat
 * string. Built by `+=`, it was a rope of sixteen pieces that every use as a map key (the query
 * caches look up each id they meet) had to flatten first: a conversion and a map lookup took
 * 1.6–1.8 µs that way, 0.9–1.1 µs flat.
 */
export function latin1ToHex(text: string, start: number): string {
  for (let index = 0; index < 16; index++) {
    const byte = text.charCodeAt(start + index);
    idCodes[2 * index] = hexCodes[byte >>> 4] as number;
    idCodes[2 * index + 1] = hexCodes[byte & 15] as number;
  }
  return String.fromCharCode.apply(null, idCodes);
}
