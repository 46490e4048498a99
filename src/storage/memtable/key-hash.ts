// Hashing and comparison of keys held as bytes (in the arena) against keys held as latin1
// strings (from callers), with identical results for identical keys, so one hash table serves
// writes (bytes) and reads (strings). FNV-1a with a final avalanche.

export function hashBytes(bytes: Uint8Array, offset: number, length: number): number {
  let hash = 0x811c9dc5;
  for (let index = offset; index < offset + length; index++) {
    hash = Math.imul(hash ^ (bytes[index] as number), 0x01000193);
  }
  return finish(hash);
}

export function hashString(text: string, length: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return finish(hash);
}

function finish(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> 0;
}

export function bytesMatch(
  a: Uint8Array,
  aOffset: number,
  b: Uint8Array,
  bOffset: number,
  length: number,
): boolean {
  for (let index = 0; index < length; index++) {
    if (a[aOffset + index] !== b[bOffset + index]) return false;
  }
  return true;
}

/** True when the first `length` bytes at `offset` equal the first `length` characters of `text`. */
export function bytesEqualString(bytes: Uint8Array, offset: number, text: string, length: number): boolean {
  for (let index = 0; index < length; index++) {
    if (bytes[offset + index] !== text.charCodeAt(index)) return false;
  }
  return true;
}

/** Orders the `length` bytes at `offset` against a latin1 string as the two strings would order. */
export function compareBytesToString(
  bytes: Uint8Array,
  offset: number,
  length: number,
  text: string,
): number {
  const shared = Math.min(length, text.length);
  for (let index = 0; index < shared; index++) {
    const difference = (bytes[offset + index] as number) - text.charCodeAt(index);
    if (difference !== 0) return difference;
  }
  return length - text.length;
}
