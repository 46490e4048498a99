// A growable byte array with a logical size. Invariant: every byte at or past `size` is zero, so
// growing never needs to clear and a crash may lay new sectors past the end before fixing the size.

export class ByteStore {
  bytes = new Uint8Array(0);
  size = 0;

  /** Sets the size; shrinking clears the bytes cut off, growing exposes zeros. */
  resize(size: number): void {
    if (size < this.size) this.bytes.fill(0, size, this.size);
    else this.reserve(size);
    this.size = size;
  }

  /** Copies `source[start, end)` to the same offsets here, without changing the size. */
  copyRange(source: ByteStore, start: number, end: number): void {
    this.reserve(end);
    this.bytes.set(source.bytes.subarray(start, end), start);
  }

  replaceWith(source: ByteStore): void {
    this.bytes = source.bytes.slice(0, source.size);
    this.size = source.size;
  }

  snapshot(): Uint8Array {
    return this.bytes.slice(0, this.size);
  }

  private reserve(capacity: number): void {
    if (capacity <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(capacity, this.bytes.length * 2, 64));
    grown.set(this.bytes);
    this.bytes = grown;
  }
}
