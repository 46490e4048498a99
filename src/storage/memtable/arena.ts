// Slab arena for memtable bytes. Values are copied into large slabs instead of living as millions
// of small objects; when the memtable is flushed the whole arena is released at once and its slabs
// return to a pool for the next memtable. A slab goes back to the pool only when the arena's last
// holder releases it (reads in progress retain it), so no reader ever sees reused bytes.
import { assert } from '../../core/assert.js';
import { copyBytes } from '../bytes.js';

export class SlabPool {
  private readonly free: Buffer[] = [];

  constructor(
    readonly slabBytes: number,
    private readonly keepMax: number,
    /** Test-only planted bug: arenas hand slabs back on release even while a reader holds them. */
    readonly reuseWhileHeld = false,
  ) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.slabBytes);
  }

  give(slab: Buffer): void {
    if (slab.length === this.slabBytes && this.free.length < this.keepMax) this.free.push(slab);
  }
}

export class Arena {
  private readonly slabs: Buffer[] = [];
  private current: Buffer | undefined;
  /** Index of `current` in `slabs`: not always the last, since oversized values append their own. */
  private currentIndex = -1;
  private offset = 0;
  private holders = 1;
  private bytesUsedTotal = 0;
  /** Set once the slabs went back to the pool early (only under the planted bug). */
  private returnedEarly = false;

  constructor(private readonly pool: SlabPool) {}

  get bytesUsed(): number {
    return this.bytesUsedTotal;
  }

  get slabCount(): number {
    return this.slabs.length;
  }

  /** Copies `source[start, end)` in; returns the location as slab index and offset. */
  copyIn(source: Uint8Array, start: number, end: number): { slab: number; offset: number } {
    assert(this.holders > 0, 'arena used after release');
    const length = end - start;
    if (length > this.pool.slabBytes) {
      // An oversized value gets a slab of its own, never pooled.
      const own = Buffer.allocUnsafeSlow(length);
      own.set(source.subarray(start, end), 0);
      this.slabs.push(own);
      this.bytesUsedTotal += length;
      return { slab: this.slabs.length - 1, offset: 0 };
    }
    if (this.current === undefined || this.offset + length > this.current.length) {
      this.current = this.pool.take();
      this.currentIndex = this.slabs.push(this.current) - 1;
      this.offset = 0;
    }
    copyBytes(source, start, end, this.current, this.offset);
    const location = { slab: this.currentIndex, offset: this.offset };
    this.offset += length;
    this.bytesUsedTotal += length;
    return location;
  }

  slab(index: number): Buffer {
    assert(this.holders > 0, 'arena read after release');
    const slab = this.slabs[index];
    assert(slab !== undefined, 'arena slab index out of range');
    return slab;
  }

  retain(): void {
    assert(this.holders > 0, 'arena retained after release');
    this.holders += 1;
  }

  /** Drops one holder; the last one returns every slab to the pool at once. */
  release(afterFlush = false): void {
    assert(this.holders > 0, 'arena released twice');
    this.holders -= 1;
    if (this.pool.reuseWhileHeld && afterFlush && this.holders > 0 && !this.returnedEarly) {
      // The planted bug (test-only): once flushed, the slabs return to the pool while a scan still
      // holds this arena, so the next memtable overwrites bytes that scan has yet to decode.
      this.returnedEarly = true;
      for (const slab of this.slabs) this.pool.give(slab);
    }
    if (this.holders > 0) return;
    if (!this.returnedEarly) for (const slab of this.slabs) this.pool.give(slab);
    this.slabs.length = 0;
    this.current = undefined;
    this.currentIndex = -1;
  }
}
