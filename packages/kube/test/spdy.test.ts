import { createDeflate, deflateSync, inflateSync, constants as zlibConstants } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KubeErrorCode,
  type SpdyFrame,
  SpdyHeaderWriter,
  SpdyParser,
  type SpdyParserOptions,
  spdyDataFrame,
  spdyDictionary,
  spdyGoAwayFrame,
  spdyPingFrame,
  spdyRstStreamFrame,
  spdySynReplyFrame,
  spdySynStreamFrame,
} from '../src/index.js';

/** A frame as plain data; a data frame without its `endsFrame` (always true once joined). */
const plain = (frame: SpdyFrame): Record<string, unknown> => {
  if (frame.name !== 'data') return { ...frame };
  const { endsFrame: _, ...rest } = frame;
  return { ...rest, data: Buffer.from(frame.data).toString('latin1') };
};

/** A well-formed header block of one pair whose value is `length` NULs (the prober's 131 KB bomb once deflated). */
function nulHeaderBlock(length: number): Buffer {
  const block = Buffer.alloc(13 + length);
  block.writeUInt32BE(1, 0); // one name/value pair
  block.writeUInt32BE(1, 4);
  block.write('x', 8, 'latin1');
  block.writeUInt32BE(length, 9);
  return block;
}

/**
 * Parses the chunks, joining each data frame's pieces, and checks what every
 * piece promises: a view into the chunk being parsed, FIN only on the piece
 * that ends the frame, no empty piece but for an empty frame.
 */
function parseAll(
  chunks: Uint8Array[],
  parser = new SpdyParser(),
  out: Record<string, unknown>[] = [],
): Record<string, unknown>[] {
  let pieces: Buffer[] = [];
  for (const chunk of chunks) {
    parser.parse(chunk, (frame) => {
      if (frame.name !== 'data') {
        expect(pieces).toEqual([]);
        out.push(plain(frame));
        return;
      }
      if (frame.data.byteLength > 0) {
        expect(frame.data.buffer).toBe(chunk.buffer);
        expect(frame.data.byteOffset).toBeGreaterThanOrEqual(chunk.byteOffset);
        expect(frame.data.byteOffset + frame.data.byteLength).toBeLessThanOrEqual(
          chunk.byteOffset + chunk.byteLength,
        );
      } else expect(frame.endsFrame && pieces.length === 0).toBe(true);
      if (frame.fin) expect(frame.endsFrame).toBe(true);
      pieces.push(Buffer.from(frame.data));
      if (!frame.endsFrame) return;
      const { endsFrame: _, ...whole } = frame;
      out.push(plain({ ...whole, endsFrame: true, data: Buffer.concat(pieces) }));
      pieces = [];
    });
  }
  return out;
}

/** The frames of a parse of `chunks`, and the code of the error that ended it, if one did. */
function outcome(chunks: Uint8Array[], options: SpdyParserOptions): { frames: unknown[]; code?: string } {
  const frames: Record<string, unknown>[] = [];
  try {
    parseAll(chunks, new SpdyParser(options), frames);
    return { frames };
  } catch (error) {
    return { frames, code: (error as { code?: string }).code ?? String(error) };
  }
}

/** `bytes` cut at the given offsets, each chunk in memory of its own. */
function cut(bytes: Uint8Array, points: number[]): Buffer[] {
  const sorted = [...new Set(points.map((p) => p % (bytes.byteLength + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let last = 0;
  for (const point of sorted) {
    chunks.push(Buffer.from(bytes.subarray(last, point)));
    last = point;
  }
  chunks.push(Buffer.from(bytes.subarray(last)));
  return chunks;
}

// A port-forward connection as kubectl opens it: error stream, data stream, data, FINs.
function connection(): Buffer {
  const writer = new SpdyHeaderWriter();
  return Buffer.concat([
    spdySynStreamFrame(writer, 1, { streamtype: 'error', port: '8080', requestid: '0' }),
    spdyDataFrame(1, Buffer.alloc(0), true),
    spdySynStreamFrame(writer, 3, { streamtype: 'data', port: '8080', requestid: '0' }),
    spdyDataFrame(3, Buffer.from('GET / HTTP/1.1\r\n\r\n')),
    spdyPingFrame(7),
    spdyDataFrame(3, Buffer.alloc(0), true),
    spdyRstStreamFrame(3, 5),
    spdyGoAwayFrame(3),
  ]);
}

const expected = [
  {
    name: 'syn_stream',
    streamId: 1,
    fin: false,
    headers: { streamtype: ['error'], port: ['8080'], requestid: ['0'] },
  },
  { name: 'data', streamId: 1, fin: true, data: '' },
  {
    name: 'syn_stream',
    streamId: 3,
    fin: false,
    headers: { streamtype: ['data'], port: ['8080'], requestid: ['0'] },
  },
  { name: 'data', streamId: 3, fin: false, data: 'GET / HTTP/1.1\r\n\r\n' },
  { name: 'ping', id: 7 },
  { name: 'data', streamId: 3, fin: true, data: '' },
  { name: 'rst_stream', streamId: 3, status: 5 },
  { name: 'goaway', lastGoodStreamId: 3, status: 0 },
];

/** A SYN_STREAM frame around an already compressed header block. */
function synStream(streamId: number, block: Buffer): Buffer {
  const body = Buffer.alloc(10 + block.byteLength);
  body.writeUInt32BE(streamId, 0);
  block.copy(body, 10);
  const frame = Buffer.alloc(8 + body.byteLength);
  frame.writeUInt32BE(0x80030001, 0);
  frame.writeUInt32BE(body.byteLength, 4);
  body.copy(frame, 8);
  return frame;
}

/** The uncompressed name/value block (SPDY/3 §2.6.10). */
function headerBlockBytes(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [Buffer.alloc(4)];
  parts[0]!.writeUInt32BE(Object.keys(headers).length, 0);
  for (const [name, value] of Object.entries(headers)) {
    for (const field of [name, value]) {
      const bytes = Buffer.from(field, 'latin1');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.byteLength, 0);
      parts.push(length, bytes);
    }
  }
  return Buffer.concat(parts);
}

/** Compresses blocks as Go's and zlib's SPDY peers do: one deflate stream with the dictionary, a sync flush after each. */
async function compressedBlocks(raw: Buffer[]): Promise<Buffer[]> {
  const deflate = createDeflate({ dictionary: spdyDictionary });
  const out: Buffer[] = [];
  let pending: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => pending.push(chunk));
  for (const block of raw) {
    deflate.write(block);
    await new Promise<void>((resolve) => deflate.flush(zlibConstants.Z_SYNC_FLUSH, () => resolve()));
    await new Promise((resolve) => setImmediate(resolve));
    out.push(Buffer.concat(pending));
    pending = [];
  }
  deflate.destroy();
  return out;
}

describe('SpdyParser (SPDY/3.1 as tunnelled by kubectl port-forward)', () => {
  it('uses the 1423-byte SPDY/3 dictionary whose zlib id kubectl sends (0xe3c6a7c2)', () => {
    expect(spdyDictionary.byteLength).toBe(1423);
    // A header block as kubectl 1.32 compressed it (captured), inflated with our dictionary.
    const captured = Buffer.from(
      '78f9e3c6a7c202253a703a2b294a4dcc8516' +
        '25aca9a08086' +
        '14cb45e01c606160' +
        '61c0c0c0c05904' +
        '89c64c50f2663400' +
        '0000ffff',
      'hex',
    );
    const headers = inflateSync(captured, { dictionary: spdyDictionary, finishFlush: 2 });
    expect(headers.toString('latin1')).toContain('streamtype');
  });

  it('decodes frames and header blocks that share one zlib stream', () => {
    expect(parseAll([connection()])).toEqual(expected);
  });

  it('decodes the same when split at every offset', () => {
    const bytes = connection();
    for (let offset = 0; offset <= bytes.byteLength; offset++) {
      expect(parseAll([bytes.subarray(0, offset), bytes.subarray(offset)])).toEqual(expected);
    }
  });

  it('decodes SYN_REPLY, and a byte-at-a-time feed', () => {
    const writer = new SpdyHeaderWriter();
    const bytes = Buffer.concat([
      spdySynReplyFrame(writer, 1, {}),
      spdySynReplyFrame(writer, 3, { a: ['1', '2'] }),
    ]);
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    expect(parseAll(chunks)).toEqual([
      { name: 'syn_reply', streamId: 1, fin: false, headers: {} },
      { name: 'syn_reply', streamId: 3, fin: false, headers: { a: ['1', '2'] } },
    ]);
  });

  it('hands out data in pieces that stay intact while many later chunks are parsed', () => {
    const writer = new SpdyHeaderWriter();
    const frames: Buffer[] = [];
    const expectedData: string[] = [];
    for (let i = 0; i < 30; i++) {
      const data = Buffer.alloc(3000 + i, 0x41 + (i % 26));
      frames.push(spdyDataFrame(1 + 2 * i, data));
      expectedData.push(data.toString('latin1'));
      // control frames gathered across chunks in between (the parser's own buffer)
      frames.push(
        spdySynStreamFrame(writer, 101 + 2 * i, { streamtype: 'data', port: '80', requestid: `${i}` }),
      );
      frames.push(spdyPingFrame(i));
    }
    const wire = Buffer.concat(frames);
    for (const size of [1, 7, 1001, 16384]) {
      const kept: Uint8Array[] = [];
      const parser = new SpdyParser();
      for (let offset = 0; offset < wire.byteLength; offset += size) {
        parser.parse(Buffer.from(wire.subarray(offset, offset + size)), (frame) => {
          if (frame.name === 'data') kept.push(frame.data);
        });
      }
      // joined only now, after every chunk was parsed
      const joined: string[] = [];
      let current = '';
      for (const piece of kept) {
        current += Buffer.from(piece).toString('latin1');
        if (current.length === expectedData[joined.length]!.length) {
          joined.push(current);
          current = '';
        }
      }
      expect(joined).toEqual(expectedData);
    }
  });

  it('hands out what a truncated data frame holds so far, and holds a truncated control frame', () => {
    const frame = spdyDataFrame(3, Buffer.from('abcdef'));
    for (let length = 0; length < frame.byteLength; length++) {
      const seen: string[] = [];
      const parser = new SpdyParser();
      for (const chunk of cut(frame.subarray(0, length), [5, 9]))
        parser.parse(chunk, (piece) => {
          if (piece.name === 'data') {
            expect(piece.endsFrame).toBe(false);
            expect(piece.fin).toBe(false);
            seen.push(Buffer.from(piece.data).toString());
          }
        });
      expect(seen.join('')).toBe('abcdef'.slice(0, Math.max(0, length - 8)));
      expect(parser.pendingBytes).toBe(length);
    }
    const ping = spdyPingFrame(9);
    const parser = new SpdyParser();
    expect(parseAll([ping.subarray(0, ping.byteLength - 1)], parser)).toEqual([]);
    expect(parser.pendingBytes).toBe(ping.byteLength - 1);
    expect(parseAll([ping.subarray(ping.byteLength - 1)], parser)).toEqual([{ name: 'ping', id: 9 }]);
    expect(parser.pendingBytes).toBe(0);
  });

  it('refuses oversized, malformed and garbage input with coded errors', () => {
    const tooBig = spdyDataFrame(3, Buffer.alloc(2048));
    expect(() => parseAll([tooBig], new SpdyParser({ maxFrameLength: 1024 }))).toThrow(
      expect.objectContaining({ code: KubeErrorCode.PORT_FORWARD_PROTOCOL }),
    );
    const badVersion = Buffer.from([0x80, 0x02, 0x00, 0x06, 0, 0, 0, 4, 0, 0, 0, 1]);
    const shortPing = Buffer.from([0x80, 0x03, 0x00, 0x06, 0, 0, 0, 2, 0, 0]);
    const badHeaders = Buffer.from([
      0x80, 0x03, 0x00, 0x01, 0, 0, 0, 14, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4,
    ]);
    for (const bytes of [badVersion, shortPing, badHeaders]) {
      expect(() => parseAll([bytes])).toThrow(
        expect.objectContaining({ code: KubeErrorCode.PORT_FORWARD_PROTOCOL }),
      );
    }
    // the same error after the same frames, wherever the input is split
    for (const [bytes, options] of [
      [Buffer.concat([connection(), tooBig]), { maxFrameLength: 1024 }],
      [Buffer.concat([connection(), badVersion]), {}],
      [Buffer.concat([connection(), shortPing]), {}],
      [Buffer.concat([connection(), badHeaders]), {}],
    ] as const) {
      const whole = outcome([bytes], options);
      expect(whole.code).toBe(KubeErrorCode.PORT_FORWARD_PROTOCOL);
      expect(whole.frames).toEqual(expected);
      for (let offset = 0; offset <= bytes.byteLength; offset++)
        expect(outcome(cut(bytes, [offset, offset + 3]), options)).toEqual(whole);
    }
  });

  it('inflates blocks that a real zlib compressor made, matching back into earlier blocks and past 32 KiB of history', async () => {
    const blocks = await compressedBlocks(
      Array.from({ length: 40 }, (_, i) =>
        headerBlockBytes({
          streamtype: i % 2 === 0 ? 'data' : 'error',
          port: '8080',
          requestid: String(i >> 1),
          filler: 'x'.repeat(1000 + i) + String(i).repeat(300),
        }),
      ),
    );
    const parser = new SpdyParser();
    const headers: Record<string, string[]>[] = [];
    for (const [i, block] of blocks.entries()) {
      parser.parse(synStream(2 * i + 1, block), (frame) => {
        if (frame.name === 'syn_stream') headers.push(frame.headers);
      });
    }
    expect(headers).toHaveLength(40);
    expect(headers[39]).toEqual({
      streamtype: ['error'],
      port: ['8080'],
      requestid: ['19'],
      filler: ['x'.repeat(1039) + '39'.repeat(300)],
    });
    // Later blocks are mostly back-references: they compress far below their inflated size.
    expect(blocks[39]!.byteLength).toBeLessThan(200);
  });

  it('ends with a coded error, not an abort, on a 131 KB header block of NULs that inflates to 135 MB', () => {
    const bomb = deflateSync(nulHeaderBlock(135_000_000), {
      dictionary: spdyDictionary,
      level: 9,
      finishFlush: zlibConstants.Z_SYNC_FLUSH,
    });
    expect(bomb.byteLength).toBeGreaterThan(130_000);
    const parser = new SpdyParser();
    expect(() => parseAll([synStream(1, bomb)], parser)).toThrow(
      expect.objectContaining({ code: KubeErrorCode.SPDY_HEADER_LIMIT }),
    );
    // Stopped while inflating: nothing past one block's cap was kept or counted.
    expect(parser.inflatedHeaderBytes).toBe(0);
    // The parser stays failed; a fresh one (another connection) is unaffected.
    expect(() => parseAll([spdyPingFrame(1)], parser)).toThrow(
      expect.objectContaining({ code: KubeErrorCode.SPDY_HEADER_LIMIT }),
    );
    expect(parseAll([connection()])).toEqual(expected);
  });

  it('inflates each block once: 20 small SYN_STREAMs after a large one cost their own size, not the history', () => {
    const writer = new SpdyHeaderWriter();
    const large = { streamtype: 'data', port: '80', requestid: '0', filler: '\0'.repeat(60_000) };
    const small = (i: number) => ({ streamtype: 'data', port: '80', requestid: String(i) });
    const parser = new SpdyParser();
    let expectedBytes = 0;
    const wire: Buffer[] = [spdySynStreamFrame(writer, 1, large)];
    expectedBytes += headerBlockBytes(large).byteLength;
    for (let i = 1; i <= 20; i++) {
      wire.push(spdySynStreamFrame(writer, 2 * i + 1, small(i)));
      expectedBytes += headerBlockBytes(small(i)).byteLength;
    }
    const frames = parseAll(wire, parser);
    expect(frames).toHaveLength(21);
    expect(frames[20]).toMatchObject({ headers: { requestid: ['20'] } });
    expect(parser.inflatedHeaderBytes).toBe(expectedBytes);
  });

  it('caps one block and one direction with TAPLINE_ERR_KUBE_SPDY_HEADER_LIMIT', () => {
    const writer = new SpdyHeaderWriter();
    expect(() =>
      parseAll(
        [spdySynStreamFrame(writer, 1, { filler: 'y'.repeat(5000) })],
        new SpdyParser({ maxHeaderBlockBytes: 4096 }),
      ),
    ).toThrow(expect.objectContaining({ code: KubeErrorCode.SPDY_HEADER_LIMIT }));

    const perDirection = new SpdyParser({ maxInflatedHeaderBytes: 1000 });
    const seen: number[] = [];
    const many = new SpdyHeaderWriter();
    expect(() => {
      for (let i = 0; i < 100; i++) {
        perDirection.parse(
          spdySynStreamFrame(many, 2 * i + 1, { streamtype: 'data', port: '80', requestid: String(i) }),
          (frame) => seen.push(frame.name === 'syn_stream' ? frame.streamId : -1),
        );
      }
    }).toThrow(expect.objectContaining({ code: KubeErrorCode.SPDY_HEADER_LIMIT }));
    expect(seen.length).toBeGreaterThan(5);
    expect(perDirection.inflatedHeaderBytes).toBeLessThanOrEqual(1000);
  });

  it('refuses a header stream primed with another dictionary', () => {
    const other = deflateSync(Buffer.from([0, 0, 0, 0]), {
      dictionary: Buffer.from('not the spdy dictionary'),
      finishFlush: zlibConstants.Z_SYNC_FLUSH,
    });
    expect(() => parseAll([synStream(1, other)])).toThrow(
      expect.objectContaining({ code: KubeErrorCode.PORT_FORWARD_PROTOCOL }),
    );
  });

  it('turns garbage into frames or a coded error, the same however it is split (fast-check)', () => {
    const options = { maxFrameLength: 4096 };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
        const whole = outcome([bytes], options);
        if (whole.code !== undefined)
          expect([KubeErrorCode.PORT_FORWARD_PROTOCOL, KubeErrorCode.SPDY_HEADER_LIMIT]).toContain(
            whole.code,
          );
        expect(outcome(cut(bytes, cuts), options)).toEqual(whole);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips data frames however they are chunked (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            streamId: fc.integer({ min: 1, max: 0x7fffffff }),
            data: fc.uint8Array({ maxLength: 100 }),
            fin: fc.boolean(),
          }),
          { maxLength: 10 },
        ),
        fc.array(fc.nat(), { maxLength: 12 }),
        (frames, cuts) => {
          const bytes = Buffer.concat(frames.map((f) => spdyDataFrame(f.streamId, f.data, f.fin)));
          expect(parseAll(cut(bytes, cuts))).toEqual(
            frames.map((f) => ({
              name: 'data',
              streamId: f.streamId,
              fin: f.fin,
              data: Buffer.from(f.data).toString('latin1'),
            })),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
