// The id conversions under every key: 32 hex characters ↔ 16 latin1 characters, both ways, for
// every byte value, with and without a keyspace prefix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hexToLatin1, latin1ToHex } from './hex.js';

describe('hex ↔ latin1 ids', () => {
  it('round-trips every byte value, at any offset, to lowercase hex', () => {
    for (let first = 0; first < 256; first += 16) {
      const bytes = Array.from({ length: 16 }, (_, index) => (first + index * 17) & 0xff);
      const hex = Buffer.from(bytes).toString('hex');
      const latin1 = hexToLatin1(hex);
      assert.equal(latin1, Buffer.from(bytes).toString('latin1'));
      assert.equal(latin1ToHex(latin1, 0), hex);
      // Inside a key: a keyspace code first, other text after.
      const key = `${hexToLatin1(hex, 0x02)}tail`;
      assert.equal(key.charCodeAt(0), 0x02);
      assert.equal(latin1ToHex(key, 1), hex);
    }
  });
});
