import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeapLimitError } from '../core/heap-room.js';
import { KausalError } from '../core/errors.js';
import { heapRaisedVariable, largerHeapMiB } from './larger-heap.js';

const GiB = 2 ** 30;
const shortOfHeap = new HeapLimitError('the link needs more memory', 4 * GiB);

describe('largerHeapMiB', () => {
  it('offers 60% of the machine after a heap that ran short, when that is well above it', () => {
    assert.equal(largerHeapMiB(shortOfHeap, {}, 24 * GiB), Math.floor(24 * 1024 * 0.6));
  });

  it('does not run a command again for any other error, twice, or for little gain', () => {
    const otherLimit = new KausalError('LIMIT_EXCEEDED', 'batch is too large');
    assert.equal(largerHeapMiB(otherLimit, {}, 24 * GiB), undefined);
    assert.equal(largerHeapMiB(shortOfHeap, { [heapRaisedVariable]: '14745' }, 24 * GiB), undefined);
    // 60% of 8 GiB is 4.8 GiB: not worth a second run after a 4 GiB heap.
    assert.equal(largerHeapMiB(shortOfHeap, {}, 8 * GiB), undefined);
  });
});
