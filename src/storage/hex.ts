// Conversions between 32-character hex ids and the 16-character latin1 strings used inside keys,
// in plain JS: on the read path these run once per lookup, and a Buffer round trip per call
// (allocation, native call) cost more than the table lookups below.
const hexDigits = '0123456789abcdef';
const byteToHex: string[] = [];
for (let byte = 0; byte < 256; byte++)
  byteToHex.push((hexDigits[byte >>> 4] as string) + hexDigits[byte & 15]);

const hexValue = new Int8Array(128).fill(-1);
for (let index = 0; index < 16; index++) hexValue[hexDigits.charCodeAt(index)] = index;

/** 32 lowercase hex characters (already validated) → 16 latin1 characters. */
export function hexToLatin1(hex: string): string {
  let result = '';
  for (let index = 0; index < 32; index += 2) {
    result += String.fromCharCode(
      ((hexValue[hex.charCodeAt(index)] as number) << 4) | (hexValue[hex.charCodeAt(index + 1)] as number),
    );
  }
  return result;
}

/** 16 latin1 characters of `text` starting at `start` → 32 lowercase hex characters. */
export function latin1ToHex(text: string, start: number): string {
  let result = '';
  for (let index = start; index < start + 16; index++) result += byteToHex[text.charCodeAt(index)] as string;
  return result;
}
