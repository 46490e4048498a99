import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';
import { SeededRng } from '../../core/rng.js';
import { FrameDecoder, type DecodedItem } from './frame-decoder.js';
import { encodeFrame, encodeJsonFrame, encodeTextFrame, frameHeaderBytes, MessageType } from './frame.js';

function frames(items: readonly DecodedItem[]): { type: number; id: number; payload: string }[] {
  return items.map((item) => {
    assert.equal(item.kind, 'frame');
    if (item.kind !== 'frame') throw new Error('unreachable');
    return { type: item.frame.type, id: item.frame.requestId, payload: item.frame.payload.toString('utf8') };
  });
}

describe('frame decoder', () => {
  it('decodes the same frames however the stream is cut into pieces', () => {
    const rng = new SeededRng(7);
    for (let round = 0; round < 50; round++) {
      const sent = Array.from({ length: rng.between(1, 20) }, (_, i) => ({
        type: MessageType.result,
        id: i + 1,
        payload: 'x'.repeat(rng.below(3_000)) + '✓',
      }));
      const stream = Buffer.concat(sent.map((f) => encodeFrame(f.type, f.id, Buffer.from(f.payload))));
      const decoder = new FrameDecoder(1 << 20);
      const received: DecodedItem[] = [];
      for (let offset = 0; offset < stream.length; ) {
        const piece = rng.between(1, 700);
        received.push(...decoder.push(stream.subarray(offset, offset + piece)));
        offset += piece;
      }
      assert.deepEqual(frames(received), sent);
      assert.equal(decoder.bufferedBytes, 0);
    }
  });

  it('encodes text straight into a frame exactly as from its UTF-8 bytes', () => {
    for (const text of ['', 'plain', 'déjà vu · 函数 · 🙂', '"\\u0000"'.repeat(100)]) {
      assert.deepEqual(
        encodeTextFrame(MessageType.result, 77, text),
        encodeFrame(MessageType.result, 77, Buffer.from(text, 'utf8')),
      );
    }
  });

  it('refuses bad magic as soon as the first byte differs', () => {
    const decoder = new FrameDecoder(1024);
    const items = decoder.push(Buffer.from('X'));
    assert.equal(items.length, 1);
    assert.deepEqual(items[0]?.kind === 'violation' && items[0].violation.reason, 'bad_magic');
    assert.deepEqual(
      decoder.push(encodeJsonFrame(MessageType.request, 1, {})),
      [],
      'a failed stream stays failed',
    );
  });

  it('refuses a payload over the limit from the header alone, naming the request', () => {
    const frame = encodeFrame(MessageType.request, 77, Buffer.alloc(2_000));
    const items = new FrameDecoder(1_000).push(frame.subarray(0, frameHeaderBytes));
    assert.equal(items[0]?.kind, 'violation');
    if (items[0]?.kind !== 'violation') return;
    assert.equal(items[0].violation.reason, 'frame_too_large');
    assert.equal(items[0].violation.requestId, 77);
    assert.equal(items[0].violation.fatal, true);
  });

  it('skips a frame of unknown type and goes on with the next', () => {
    const unknown = encodeFrame(MessageType.request, 3, Buffer.from('abc'));
    unknown.writeUInt8(200, 5);
    const decoder = new FrameDecoder(1024);
    const items = decoder.push(Buffer.concat([unknown, encodeJsonFrame(MessageType.request, 4, { ok: 1 })]));
    assert.equal(items.length, 2);
    assert.equal(items[0]?.kind === 'violation' && items[0].violation.fatal, false);
    assert.deepEqual(frames(items.slice(1)), [{ type: MessageType.request, id: 4, payload: '{"ok":1}' }]);
  });
});
