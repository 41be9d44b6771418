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

function collect(parser: WebSocketParser, chunks: Uint8Array[]): Seen[] {
  const seen: Seen[] = [];
  const onFrame = (frame: WebSocketFrame): void => {
    const entry: Seen = {
      fin: frame.fin,
      opcode: frame.opcode,
      masked: frame.masked,
      payload: Buffer.from(frame.payload).toString('hex'),
    };
    if (frame.closeCode !== undefined) entry.closeCode = frame.closeCode;
    if (frame.closeReason !== undefined) entry.closeReason = frame.closeReason;
    seen.push(entry);
  };
  for (const chunk of chunks) parser.parse(chunk, onFrame);
  return seen;
}

const mask = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
const sample = (): Buffer =>
  Buffer.concat([
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
  ]);

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

  it('gives the same frames when the input is split at every offset', () => {
    const bytes = sample().subarray(0, 400); // the frames before the large one, plus a partial one
    const whole = sample();
    const expected = collect(new WebSocketParser({ from: 'client' }), [whole]);
    for (let offset = 0; offset <= whole.byteLength; offset += offset < 500 ? 1 : 997) {
      const parser = new WebSocketParser({ from: 'client' });
      const got = collect(parser, [whole.subarray(0, offset), whole.subarray(offset)]);
      expect(got).toEqual(expected);
      expect(parser.pendingBytes).toBe(0);
    }
    const partial = new WebSocketParser({ from: 'client' });
    collect(partial, [bytes]);
    expect(partial.pendingBytes).toBeGreaterThan(0);
  });

  it('never writes into the chunk it is given (the proxy relays the same chunk)', () => {
    const whole = sample();
    const copy = Buffer.from(whole);
    const parser = new WebSocketParser({ from: 'client' });
    for (let offset = 0; offset < whole.byteLength; offset += 7)
      parser.parse(whole.subarray(offset, offset + 7), () => {});
    expect(whole.equals(copy)).toBe(true);
  });

  it('with stablePayloads, payloads stay intact after later chunks (and without it they may not)', () => {
    const frames = [
      serializeFrame({ opcode: WebSocketOpcode.binary, payload: Buffer.alloc(5000, 0x41), mask }),
      serializeFrame({ opcode: WebSocketOpcode.binary, payload: Buffer.alloc(5000, 0x42), mask }),
      serializeFrame({ opcode: WebSocketOpcode.binary, payload: Buffer.alloc(5000, 0x43) }),
      serializeFrame({ opcode: WebSocketOpcode.binary, payload: Buffer.alloc(5000, 0x44) }),
    ];
    const wire = Buffer.concat(frames);
    const keep = (stable: boolean): string[] => {
      const kept: Uint8Array[] = [];
      const parser = new WebSocketParser({ stablePayloads: stable });
      for (let offset = 0; offset < wire.byteLength; offset += 3001) {
        parser.parse(wire.subarray(offset, offset + 3001), (frame) => kept.push(frame.payload));
      }
      return kept.map(
        (payload) =>
          Buffer.from(payload).toString('latin1', 0, 1) + Buffer.from(payload).toString('latin1', 4999),
      );
    };
    expect(keep(true)).toEqual(['AA', 'BB', 'CC', 'DD']);
    expect(keep(false)).not.toEqual(['AA', 'BB', 'CC', 'DD']);
  });

  it('holds a truncated frame without emitting it', () => {
    const frame = serializeFrame({ opcode: WebSocketOpcode.binary, payload: Buffer.alloc(1000, 1), mask });
    for (const cut of [1, 2, 3, 5, 8, 500, frame.byteLength - 1]) {
      const parser = new WebSocketParser({ from: 'client' });
      expect(collect(parser, [frame.subarray(0, cut)])).toEqual([]);
      expect(parser.pendingBytes).toBe(cut);
    }
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
    }
  });

  it('turns garbage into a coded error or frames, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const parser = new WebSocketParser({ maxFramePayload: 4096 });
        try {
          parser.parse(bytes, () => {});
        } catch (error) {
          expect([KubeErrorCode.WS_PROTOCOL, KubeErrorCode.WS_FRAME_TOO_LARGE]).toContain(
            (error as { code?: string }).code,
          );
        }
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
        fc.array(fc.nat(), { maxLength: 6 }),
        (frames, cuts) => {
          const legal = frames.map((f) =>
            f.opcode >= 8 ? { ...f, payload: f.payload.subarray(0, 125) } : f,
          );
          const wire = Buffer.concat(
            legal.map((f) => serializeFrame({ opcode: f.opcode, payload: f.payload, mask: f.masked })),
          );
          const points = [...new Set(cuts.map((c) => c % (wire.byteLength + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let last = 0;
          for (const point of points) {
            chunks.push(wire.subarray(last, point));
            last = point;
          }
          chunks.push(wire.subarray(last));
          const got = collect(new WebSocketParser(), chunks);
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
