// Conversions between 32-character hex ids and the 16-character latin1 strings used inside keys,
// in plain JS: on the read path these run once per lookup, and a Buffer round trip per call
// (allocation, native call) cost more than the table lookups below.
const hexDigits = '0123456789abcdef';
const byteToHex: string[] = [];
for (let byte = 0; byte < 256; byte++)
  byteToHex.push((hexDigits[byte >>> 4] as string) + hexDigits[byte & 15]);

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

/** 16 latin1 characters of `text` starting at `start` → 32 lowercase hex characters. */
export function latin1ToHex(text: string, start: number): string {
  let result = '';
  for (let index = start; index < start + 16; index++) result += byteToHex[text.charCodeAt(index)] as string;
  return result;
}
