// What a table reader needs before it reads a data block: the bloom filter and the sparse index.
// Both are loaded piece by piece on first use and kept (until the metadata budget unloads them):
// in a table of format 2, one filter page and one index partition of a few KiB per lookup, plus
// the small top level of the index; in a table of format 1, the whole filter and the whole index,
// each read as the single page or partition it is. Every piece is checked (CRC-32 and shape)
// when it is read; damage is a CORRUPTION error naming the file and offset.
import { corruption } from '../../core/errors.js';
import {
  BloomPage,
  bloomHeaderBytes,
  decodeBloomHeader,
  hashPair,
  pageOf,
  type BloomLayout,
} from './bloom.js';
import { verifySection, type TableFooter } from './table-format.js';
import { TableIndex } from './table-index.js';

/** How the metadata reaches the file. */
export interface MetadataSource {
  readonly path: string;
  readonly footer: TableFooter;
  /** False only under the test-only planted bug `ignoreChecksums`. */
  readonly verifyChecksums: boolean;
  readExact(offset: number, length: number): Buffer;
}

export class TableMetadata {
  private bloomLayout: BloomLayout | undefined;
  private bloomPages: (BloomPage | undefined)[] = [];
  /** Format 2: the partitions' index; undefined until loaded, and always in format 1. */
  private top: TableIndex | undefined;
  private partitions: (TableIndex | undefined)[] = [];
  private bytes = 0;
  /** Format 1: one index block over every data block, one whole filter. */
  private readonly legacy: boolean;

  constructor(private readonly source: MetadataSource) {
    this.legacy = source.footer.version === 1;
  }

  /** Bytes held now, for the metadata budget. */
  get loadedBytes(): number {
    return this.bytes;
  }

  unload(): void {
    this.bloomLayout = undefined;
    this.bloomPages = [];
    this.top = undefined;
    this.partitions = [];
    this.bytes = 0;
  }

  /** False when the table certainly holds no key equal to `key` (a block key or an adjacency prefix). */
  mayContain(key: string): boolean {
    const [first, step] = hashPair(key);
    if (this.legacy) return this.bloomPage(0).mayContain(first, step);
    const layout = this.bloomLayout ?? this.loadBloomLayout();
    return this.bloomPage(pageOf(first, step, layout.pageCount)).mayContain(first, step);
  }

  /** How many partitions the index has (1 in format 1). */
  partitionCount(): number {
    return this.legacy ? 1 : this.topLevel().blockCount;
  }

  /** The first partition whose last key is >= `key` (partitionCount() when none). */
  partitionFor(key: string): number {
    return this.legacy ? 0 : this.topLevel().lowerBoundByLastKey(key);
  }

  /** True when partition `partition` and all after it sort past every key starting with `prefix`. */
  partitionIsPast(partition: number, prefix: string): boolean {
    return !this.legacy && this.topLevel().firstKeyIsPast(partition, prefix);
  }

  /** The index of one partition's data blocks, loaded on first use. */
  partition(partition: number): TableIndex {
    return this.partitions[partition] ?? this.loadPartition(partition);
  }

  private topLevel(): TableIndex {
    if (this.top !== undefined) return this.top;
    // The partitions lie contiguously between the data blocks and the top level.
    const top = this.footerIndex(undefined);
    this.top = top;
    this.bytes += top.costBytes;
    return top;
  }

  /**
   * The index block the footer points at: the top level in format 2, the whole index in format 1.
   * Its entries are contiguous and end where it starts; `firstOffset` pins the first one.
   */
  private footerIndex(firstOffset: number | undefined): TableIndex {
    const { indexOffset, indexLength } = this.source.footer;
    const body = this.verified(indexOffset, indexLength, 'table index');
    return TableIndex.decode(body, this.source.path, indexOffset, {
      firstOffset,
      end: indexOffset,
      endIsExact: true,
      firstEntry: 0,
    });
  }

  private loadPartition(partition: number): TableIndex {
    const { path, footer } = this.source;
    let index: TableIndex;
    if (this.legacy) {
      // Its data blocks start at offset 0.
      index = this.footerIndex(0);
      if (index.blockCount !== footer.blockCount)
        throw corruption(path, footer.indexOffset, 'index block count');
    } else {
      const top = this.topLevel();
      const offset = top.offset(partition);
      const body = this.verified(offset, top.length(partition), 'table index partition');
      if (body.length < 4) throw corruption(path, offset, 'table index partition is truncated');
      const firstBlock = body.readUInt32LE(0);
      index = TableIndex.decode(body.subarray(4), path, offset, {
        firstOffset: undefined,
        // The data blocks end where the first partition starts.
        end: top.offset(0),
        endIsExact: false,
        firstEntry: firstBlock,
      });
      if (firstBlock + index.blockCount > footer.blockCount)
        throw corruption(path, offset, 'index partition lists blocks past the table');
    }
    this.partitions[partition] = index;
    this.bytes += index.costBytes;
    return index;
  }

  private loadBloomLayout(): BloomLayout {
    const { path, footer } = this.source;
    const header = this.verified(footer.bloomOffset, bloomHeaderBytes, 'bloom filter header');
    const layout = decodeBloomHeader(header, footer.bloomLength);
    if (layout === undefined) throw corruption(path, footer.bloomOffset, 'malformed bloom filter');
    this.bloomLayout = layout;
    return layout;
  }

  private bloomPage(page: number): BloomPage {
    const loaded = this.bloomPages[page];
    if (loaded !== undefined) return loaded;
    const { path, footer } = this.source;
    let bloomPage: BloomPage | undefined;
    if (this.legacy) {
      const body = this.verified(footer.bloomOffset, footer.bloomLength, 'bloom filter');
      bloomPage = BloomPage.whole(body);
      if (bloomPage === undefined) throw corruption(path, footer.bloomOffset, 'malformed bloom filter');
    } else {
      const { pageBits, hashCount } = this.bloomLayout as BloomLayout;
      const stride = pageBits / 8 + 4;
      const offset = footer.bloomOffset + bloomHeaderBytes + page * stride;
      // Reads return memory of their own (both Vfs implementations), so the page keeps a view.
      bloomPage = new BloomPage(this.verified(offset, stride, 'bloom filter page'), 0, pageBits, hashCount);
    }
    this.bloomPages[page] = bloomPage;
    this.bytes += bloomPage.byteLength;
    return bloomPage;
  }

  private verified(offset: number, length: number, what: string): Buffer {
    const { path, verifyChecksums } = this.source;
    return verifySection(this.source.readExact(offset, length), path, offset, what, verifyChecksums);
  }
}
