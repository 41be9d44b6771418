import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  closePayload,
  isValidCloseCode,
  KubeErrorCode,
  serializeFrame,
  type WebSocketFrame,
  WebSocketOpcode,
  type WebSocketOpcodeValue,
  WebSocketParser,
  type WebSocketParserOptions,
} from '../src/index.js';

interface Seen {
  fin: boolean;
  opcode: number;
  masked: boolean;
  payload: string;
  closeCode?: number;
  closeReason?: string;
}

interface Collected {
  /** Whole frames, their pieces joined. */
  frames: Seen[];
  /** The pieces of a frame not finished yet. */
  partial: string;
  unfinished: { pieces: Buffer[]; first: WebSocketFrame | undefined; received: number };
}

const collected = (): Collected => ({
  frames: [],
  partial: '',
  unfinished: { pieces: [], first: undefined, received: 0 },
});

/** Whether two views share any byte of memory. */
function overlaps(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.buffer === b.buffer &&
    a.byteOffset < b.byteOffset + b.byteLength &&
    b.byteOffset < a.byteOffset + a.byteLength
  );
}

/**
 * Parses the chunks and joins each frame's pieces, checking on the way what
 * every piece promises: offsets that follow on, the same header fields on
 * every piece, `endsFrame` exactly on the last, control frames in one piece,
 * unmasked pieces as views into the chunk they came from.
 */
function collectPieces(
  parser: WebSocketParser,
  chunks: Uint8Array[],
  result: Collected = collected(),
): Collected {
  const { frames } = result;
  let { pieces, first, received } = result.unfinished;
  let current: Uint8Array = new Uint8Array(0);
  const onFrame = (frame: WebSocketFrame): void => {
    if (first === undefined) first = frame;
    expect(frame.payloadOffset).toBe(received);
    expect([frame.fin, frame.opcode, frame.masked, frame.payloadLength, frame.wireLength]).toEqual([
      first.fin,
      first.opcode,
      first.masked,
      first.payloadLength,
      first.wireLength,
    ]);
    if (frame.payloadLength > 0 && !(frame.opcode >= 8)) expect(frame.payload.byteLength).toBeGreaterThan(0);
    if (!frame.masked && frame.payload.byteLength > 0 && frame.opcode < 8) {
      // in place: a view into the chunk being parsed
      expect(frame.payload.buffer).toBe(current.buffer);
      expect(frame.payload.byteOffset).toBeGreaterThanOrEqual(current.byteOffset);
      expect(frame.payload.byteOffset + frame.payload.byteLength).toBeLessThanOrEqual(
        current.byteOffset + current.byteLength,
      );
    }
    if (frame.masked && frame.payload.byteLength > 0) expect(overlaps(frame.payload, current)).toBe(false);
    received += frame.payload.byteLength;
    pieces.push(Buffer.from(frame.payload));
    expect(frame.endsFrame).toBe(received === frame.payloadLength);
    if (frame.opcode >= 8) expect(frame.endsFrame).toBe(true);
    if (!frame.endsFrame) return;
    const entry: Seen = {
      fin: frame.fin,
      opcode: frame.opcode,
      masked: frame.masked,
      payload: Buffer.concat(pieces).toString('hex'),
    };
    if (frame.closeCode !== undefined) entry.closeCode = frame.closeCode;
    if (frame.closeReason !== undefined) entry.closeReason = frame.closeReason;
    frames.push(entry);
    pieces = [];
    first = undefined;
    received = 0;
  };
  for (const chunk of chunks) {
    current = chunk;
    parser.parse(chunk, onFrame);
    result.unfinished = { pieces, first, received };
  }
  result.partial = Buffer.concat(pieces).toString('hex');
  return result;
}

function collect(parser: WebSocketParser, chunks: Uint8Array[]): Seen[] {
  return collectPieces(parser, chunks).frames;
}

/** The whole frames of a parse of `chunks` and the code of the error that ended it, if one did. */
function outcome(chunks: Uint8Array[], options: WebSocketParserOptions): { frames: Seen[]; code?: string } {
  const result = collected();
  try {
    collectPieces(new WebSocketParser(options), chunks, result);
    return { frames: result.frames };
  } catch (error) {
    return { frames: result.frames, code: (error as { code?: string }).code ?? String(error) };
  }
}

/** `bytes` cut at the given offsets. */
function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const sorted = [...new Set(points.map((p) => p % (bytes.byteLength + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let last = 0;
  for (const point of sorted) {
    // each chunk in memory of its own, as a socket hands them out
    chunks.push(Buffer.from(bytes.subarray(last, point)));
    last = point;
  }
  chunks.push(Buffer.from(bytes.subarray(last)));
  return chunks;
}

const mask = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
const sample = (): Buffer => Buffer.concat(sampleFrames());
const sampleFrames = (): Buffer[] => [
  serializeFrame({ opcode: WebSocketOpcode.binary, payload: Buffer.from('\x01hello'), mask }),
  serializeFrame({ opcode: WebSocketOpcode.text, payload: Buffer.from('part one '), fin: false, mask }),
  serializeFrame({ opcode: WebSocketOpcode.ping, payload: Buffer.from('are you there'), mask }),
  serializeFrame({
    opcode: WebSocketOpcode.continuation,
    payload: Buffer.alloc(300, 0x61),
    mask,
    fin: false,
  }),
  serializeFrame({
    opcode: WebSocketOpcode.continuation,
    payload: Buffer.alloc(70000, 0x62),
    mask,
    fin: true,
  }),
  serializeFrame({ opcode: WebSocketOpcode.binary, payload: Buffer.alloc(0), mask }),
  serializeFrame({ opcode: WebSocketOpcode.close, payload: closePayload(1000, 'bye'), mask }),
];
/** What an API server sends: unmasked, 64 KiB stdout frames, a status split over two frames, a close. */
const serverFrames = (): Buffer[] => [
  serializeFrame({ opcode: WebSocketOpcode.binary, payload: Buffer.alloc(65536, 0x31) }),
  serializeFrame({ opcode: WebSocketOpcode.binary, payload: Buffer.from('\x02warning\n') }),
  serializeFrame({ opcode: WebSocketOpcode.binary, payload: Buffer.from('\x03{"status":'), fin: false }),
  serializeFrame({ opcode: WebSocketOpcode.pong, payload: Buffer.from('pong') }),
  serializeFrame({ opcode: WebSocketOpcode.continuation, payload: Buffer.from('"Success"}') }),
  serializeFrame({ opcode: WebSocketOpcode.binary, payload: Buffer.alloc(0) }),
  serializeFrame({ opcode: WebSocketOpcode.binary, payload: Buffer.alloc(200, 0x32) }),
  serializeFrame({ opcode: WebSocketOpcode.close, payload: closePayload(1000, 'done') }),
];

function expectCode(fn: () => void, code: string): void {
  try {
    fn();
  } catch (error) {
    expect((error as { code?: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('WebSocketParser', () => {
  it('parses masked client frames: data, fragmentation with an interleaved ping, 16- and 64-bit lengths, close', () => {
    const frames = collect(new WebSocketParser({ from: 'client' }), [sample()]);
    expect(frames.map((f) => [f.opcode, f.fin, f.payload.length / 2])).toEqual([
      [2, true, 6],
      [1, false, 9],
      [9, true, 13],
      [0, false, 300],
      [0, true, 70000],
      [2, true, 0],
      [8, true, 5],
    ]);
    expect(Buffer.from(frames[0]!.payload, 'hex').toString()).toBe('\x01hello');
    expect(frames[6]).toMatchObject({ closeCode: 1000, closeReason: 'bye', masked: true });
  });

  it('gives the same frames when the input is split at every offset, and knows where frames end', () => {
    for (const [frames, options] of [
      [sampleFrames(), { from: 'client' }],
      [serverFrames(), { from: 'server' }],
    ] as const) {
      const whole = Buffer.concat(frames);
      const boundaries = new Set<number>([0]);
      let at = 0;
      for (const frame of frames) {
        at += frame.byteLength;
        boundaries.add(at);
      }
      const expected = collect(new WebSocketParser(options), [whole]);
      expect(expected).toHaveLength(frames.length);
      for (let offset = 0; offset <= whole.byteLength; offset += offset < 600 ? 1 : 997) {
        const parser = new WebSocketParser(options);
        const first = collectPieces(parser, [whole.subarray(0, offset)]);
        // pendingBytes: the bytes of the unfinished frame, 0 exactly at a boundary
        let lastBoundary = 0;
        for (const boundary of boundaries)
          if (boundary <= offset) lastBoundary = Math.max(lastBoundary, boundary);
        expect(parser.pendingBytes).toBe(offset - lastBoundary);
        const got = collectPieces(parser, [whole.subarray(offset)], first);
        expect(got.frames).toEqual(expected);
        expect(parser.pendingBytes).toBe(0);
      }
      // and a byte at a time, every split at once (the large payloads' middles in one chunk)
      const single = (from: number, to: number): Buffer[] =>
        Array.from({ length: to - from }, (_, i) => whole.subarray(from + i, from + i + 1));
      const end = whole.byteLength;
      const chunks = [...single(0, 2000), whole.subarray(2000, end - 2000), ...single(end - 2000, end)];
      expect(collect(new WebSocketParser(options), chunks)).toEqual(expected);
    }
  });

  it('never writes into the chunk it is given (the proxy relays the same chunk)', () => {
    const whole = sample();
    const copy = Buffer.from(whole);
    const parser = new WebSocketParser({ from: 'client' });
    for (let offset = 0; offset < whole.byteLength; offset += 7)
      parser.parse(whole.subarray(offset, offset + 7), () => {});
    expect(whole.equals(copy)).toBe(true);
  });

  it('hands out pieces that stay intact while many later chunks are parsed', () => {
    // masked and unmasked, data spanning chunks, control frames spanning chunks (gathered by the parser)
    const frames: Array<{ opcode: WebSocketOpcodeValue; payload: Buffer; fin?: boolean; masked: boolean }> =
      [];
    for (let i = 0; i < 40; i++) {
      const masked = i % 2 === 0;
      frames.push({
        opcode: WebSocketOpcode.binary,
        payload: Buffer.alloc(5000 + i, 0x41 + (i % 26)),
        masked,
      });
      frames.push({ opcode: WebSocketOpcode.ping, payload: Buffer.alloc(100, 0x61 + (i % 26)), masked });
      frames.push({ opcode: WebSocketOpcode.text, payload: Buffer.alloc(3, 0x30 + (i % 10)), masked });
    }
    const wire = Buffer.concat(
      frames.map((f) =>
        serializeFrame({ opcode: f.opcode, payload: f.payload, mask: f.masked ? mask : false }),
      ),
    );
    for (const size of [1, 7, 100, 3001, 16384]) {
      const kept: Array<{ opcode: number; payload: Uint8Array }> = [];
      const parser = new WebSocketParser();
      // each chunk fresh, as a socket hands them out; the test's own reference to it is dropped
      for (let offset = 0; offset < wire.byteLength; offset += size)
        parser.parse(Buffer.from(wire.subarray(offset, offset + size)), (frame) =>
          kept.push({ opcode: frame.opcode, payload: frame.payload }),
        );
      // join per frame only now, after every chunk was parsed
      const joined: Buffer[] = [];
      let pieces: Uint8Array[] = [];
      let total = 0;
      for (const piece of kept) {
        pieces.push(piece.payload);
        total += piece.payload.byteLength;
        const expected = frames[joined.length]!.payload;
        if (total === expected.byteLength) {
          joined.push(Buffer.concat(pieces));
          pieces = [];
          total = 0;
        }
      }
      expect(joined.length).toBe(frames.length);
      for (const [i, payload] of joined.entries()) expect(payload.equals(frames[i]!.payload)).toBe(true);
    }
  });

  it('hands out what a truncated frame holds so far, and not its end', () => {
    const payload = Buffer.from(Array.from({ length: 1000 }, (_, i) => i & 0xff));
    for (const masked of [true, false]) {
      const frame = serializeFrame({ opcode: WebSocketOpcode.binary, payload, mask: masked ? mask : false });
      const headerLength = masked ? 8 : 4;
      for (const length of [1, 2, 3, 5, 8, 500, frame.byteLength - 1]) {
        const parser = new WebSocketParser();
        const got = collectPieces(parser, cut(frame.subarray(0, length), [3, 250]));
        expect(got.frames).toEqual([]);
        expect(got.partial).toBe(payload.subarray(0, Math.max(0, length - headerLength)).toString('hex'));
        expect(parser.pendingBytes).toBe(length);
      }
    }
    // a truncated control frame yields nothing: it is handed out whole
    const ping = serializeFrame({ opcode: WebSocketOpcode.ping, payload: Buffer.alloc(100, 1), mask });
    const parser = new WebSocketParser();
    expect(collectPieces(parser, [ping.subarray(0, 50)])).toMatchObject({ frames: [], partial: '' });
    expect(parser.pendingBytes).toBe(50);
  });

  it('refuses an oversized frame from its header, before buffering it', () => {
    const parser = new WebSocketParser({ maxFramePayload: 1024 });
    const header = serializeFrame({ opcode: WebSocketOpcode.binary, payload: Buffer.alloc(2048) }).subarray(
      0,
      4,
    );
    expectCode(() => parser.parse(header, () => {}), KubeErrorCode.WS_FRAME_TOO_LARGE);
    // and stays failed
    expectCode(() => parser.parse(Buffer.alloc(1), () => {}), KubeErrorCode.WS_FRAME_TOO_LARGE);
    const huge = Buffer.from([0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0]);
    expectCode(() => new WebSocketParser().parse(huge, () => {}), KubeErrorCode.WS_PROTOCOL);
  });

  it('refuses protocol violations with coded errors', () => {
    const cases: Array<[Buffer, WebSocketParserOptions]> = [
      [Buffer.from([0xc2, 0x00]), {}], // RSV1 without an extension
      [Buffer.from([0x83, 0x00]), {}], // reserved opcode 3
      [Buffer.from([0x8b, 0x00]), {}], // reserved control opcode 0xb
      [Buffer.from([0x09, 0x00]), {}], // fragmented ping
      [Buffer.from([0x89, 0x7e, 0x00, 0x7e]), {}], // ping longer than 125
      [Buffer.from([0x80, 0x00]), {}], // continuation with no message
      [Buffer.concat([Buffer.from([0x02, 0x00]), Buffer.from([0x82, 0x00])]), {}], // new message mid-message
      [Buffer.from([0x82, 0x00]), { from: 'client' }], // unmasked client frame
      [Buffer.from([0x82, 0x80, 1, 2, 3, 4]), { from: 'server' }], // masked server frame
      [Buffer.from([0x88, 0x01, 0x03]), {}], // close with a 1-byte body
      [Buffer.concat([Buffer.from([0x88, 0x02]), Buffer.from([0x03, 0xed])]), {}], // close code 1005
      [Buffer.concat([Buffer.from([0x88, 0x03, 0x03, 0xe8, 0xff])]), {}], // reason not UTF-8
    ];
    for (const [bytes, options] of cases) {
      expectCode(() => new WebSocketParser(options).parse(bytes, () => {}), KubeErrorCode.WS_PROTOCOL);
      // the same error, after the same frames, wherever the input is split
      const whole = outcome([bytes], options);
      for (let a = 0; a <= bytes.byteLength; a++)
        for (let b = a; b <= bytes.byteLength; b++)
          expect(outcome(cut(bytes, [a, b]), options)).toEqual(whole);
    }
    // and after good frames, split anywhere
    const good = Buffer.concat(serverFrames().slice(0, 3));
    const bad = Buffer.concat([good, Buffer.from([0x82, 0x00])]); // new message mid-message
    const whole = outcome([bad], { from: 'server' });
    expect(whole.code).toBe(KubeErrorCode.WS_PROTOCOL);
    expect(whole.frames).toHaveLength(3);
    for (let offset = 0; offset <= bad.byteLength; offset += offset < 20 || offset > 65540 ? 1 : 499)
      expect(outcome(cut(bad, [offset]), { from: 'server' })).toEqual(whole);
  });

  it('turns garbage into a coded error or frames, the same however it is split (fast-check)', () => {
    const options = { maxFramePayload: 4096 };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
        const whole = outcome([bytes], options);
        if (whole.code !== undefined)
          expect([KubeErrorCode.WS_PROTOCOL, KubeErrorCode.WS_FRAME_TOO_LARGE]).toContain(whole.code);
        expect(outcome(cut(bytes, cuts), options)).toEqual(whole);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any frame sequence through serializeFrame, however it is chunked (fast-check)', () => {
    const frameArb = fc.record({
      opcode: fc.constantFrom<WebSocketOpcodeValue>(
        WebSocketOpcode.binary,
        WebSocketOpcode.text,
        WebSocketOpcode.ping,
        WebSocketOpcode.pong,
      ),
      payload: fc.uint8Array({ maxLength: 400 }),
      masked: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (frames, cuts) => {
          const legal = frames.map((f) =>
            f.opcode >= 8 ? { ...f, payload: f.payload.subarray(0, 125) } : f,
          );
          const wire = Buffer.concat(
            legal.map((f) => serializeFrame({ opcode: f.opcode, payload: f.payload, mask: f.masked })),
          );
          const got = collect(new WebSocketParser(), cut(wire, cuts));
          expect(got.map((f) => [f.opcode, f.payload, f.masked])).toEqual(
            legal.map((f) => [f.opcode, Buffer.from(f.payload).toString('hex'), f.masked]),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('knows which close codes are valid on the wire', () => {
    expect([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4999].every(isValidCloseCode)).toBe(
      true,
    );
    expect([0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000].some(isValidCloseCode)).toBe(false);
  });
});
