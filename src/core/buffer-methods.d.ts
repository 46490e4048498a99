// Node's Buffer has fast, undocumented-but-stable codec methods (used by Buffer#toString and
// Buffer#write themselves) that skip encoding-name dispatch. Hot paths call them directly.
export {};

declare global {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
    utf8Slice(start: number, end: number): string;
    latin1Write(text: string, offset: number, length?: number): number;
    utf8Write(text: string, offset: number, length?: number): number;
    hexWrite(text: string, offset: number, length?: number): number;
    hexSlice(start: number, end: number): string;
  }
}
