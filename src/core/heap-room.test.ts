// The heap check that stops a link or sync before V8's out-of-memory crash.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKausalError } from './errors.js';
import { checkHeapRoom, heapUse } from './heap-room.js';
import { limits } from './limits.js';

const MiB = 2 ** 20;

describe('checkHeapRoom', () => {
  it('lets work go on up to the share of the old generation, and this process is well below it', () => {
    const limit = 4144 * MiB; // Node 20's default here: 4096 MiB of old generation, 48 of young
    const edge = limits.heapUsedShareMax * (limit - limits.heapYoungGenerationBytes);
    checkHeapRoom('a link', { used: 0.5 * limit, limit });
    checkHeapRoom('a link', { used: edge, limit });
    assert.throws(() => checkHeapRoom('a link', { used: edge + MiB, limit }), /needs more memory/);
    checkHeapRoom('a link');
    const use = heapUse();
    assert.ok(use.used > 0 && use.limit > use.used);
  });

  it('stops work past it with what to do instead', () => {
    assert.throws(
      () => checkHeapRoom('the link of workspace "big"', { used: 3900 * MiB, limit: 4144 * MiB }),
      (error) =>
        isKausalError(error, 'LIMIT_EXCEEDED') &&
        error.message.startsWith('the link of workspace "big" needs more memory than this process may use') &&
        error.message.includes('(3900 of 4144 MiB of heap in use)') &&
        error.message.includes('a subdirectory as a workspace of its own') &&
        error.message.endsWith('NODE_OPTIONS=--max-old-space-size=9216'),
    );
  });
});
