import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeDataFrame, encodeApiCallFrame, encodeFrameInto, FrameBuffer } from '../src/frame-codec.js';
import {
  type CodecName,
  encodeFrame,
  readFrames,
  readSegments,
  tapline,
  verifyRecording,
} from '../src/index.js';
import { readerFor } from '../src/schema.js';
import { framesArbitrary, writeRecording } from './helpers.js';

const codecArbitrary = fc.constantFrom<CodecName>('none', 'gzip', 'brotli');

function normalized(frame: tapline.v1.IFrame): unknown {
  return tapline.v1.Frame.toObject(tapline.v1.Frame.decode(encodeFrame(frame)), {
    longs: Number,
    bytes: String,
  });
}

describe('container round trip', () => {
  it('reads back exactly the frames written, for any frames, segment size and codec', async () => {
    await fc.assert(
      fc.asyncProperty(
        framesArbitrary,
        fc.integer({ min: 64, max: 4096 }),
        codecArbitrary,
        async (frames, segmentBytes, codec) => {
          const segments = await writeRecording(frames, { segmentBytes, codec });
          const back = [];
          for await (const frame of readFrames(segments))
            back.push(tapline.v1.Frame.toObject(frame, { longs: Number, bytes: String }));
          expect(back).toEqual(frames.map(normalized));
          const report = await verifyRecording(segments);
          expect(report.complete).toBe(true);
          expect(report.frames).toBe(frames.length);
          expect(report.segments).toBe(segments.length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('re-reads the same recording fed in chunks split at arbitrary points', async () => {
    await fc.assert(
      fc.asyncProperty(framesArbitrary, fc.array(fc.nat(), { maxLength: 8 }), async (frames, cuts) => {
        const whole = Buffer.concat(await writeRecording(frames, { segmentBytes: 256 }));
        const points = [...new Set(cuts.map((cut) => cut % (whole.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let previous = 0;
        for (const point of [...points, whole.length]) {
          chunks.push(whole.subarray(previous, point));
          previous = point;
        }
        let count = 0;
        for await (const _ of readFrames(chunks)) count++;
        expect(count).toBe(frames.length);
      }),
      { numRuns: 100 },
    );
  });
});

describe('Data fast path', () => {
  it('encodes byte-for-byte as the generated protobufjs encoder does', () => {
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          offsetNs: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          streamId: fc.integer({ min: 0, max: 0xffff_ffff }),
          direction: fc.integer({ min: 0, max: 2 }),
          channel: fc.integer({ min: 0, max: 0xffff_ffff }),
          bytes: fc.uint8Array({ maxLength: 600 }),
        }),
        ({ seq, offsetNs, ...data }) => {
          const frame = { seq, offsetNs, data };
          const fast = new FrameBuffer(8);
          encodeFrameInto(fast, frame);
          const generated = delimited(encodeFrame(frame));
          expect(Buffer.from(fast.view()).equals(Buffer.from(generated))).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  // What protobufjs makes of the same bytes, or the error it throws.
  const generatedDecode = (bytes: Buffer): unknown => {
    try {
      return tapline.v1.Frame.decode(readerFor(bytes));
    } catch (error) {
      return error;
    }
  };

  it('decodes data frames into the same objects as the generated decoder, or leaves them to it', () => {
    // Mostly the sizes sessions have, sometimes the extremes the hand decoder leaves alone.
    const upTo = (usual: number, extreme: number) =>
      fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 0, max: usual }) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: extreme }) },
      );
    const dataFrame = fc.record({
      seq: upTo(2 ** 30, Number.MAX_SAFE_INTEGER),
      offsetNs: upTo(2 ** 48, Number.MAX_SAFE_INTEGER),
      streamId: upTo(1000, 0xffff_ffff),
      direction: fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 0, max: 2 }) },
        { weight: 1, arbitrary: fc.integer({ min: -3, max: 300 }) },
      ),
      channel: upTo(5, 0xffff_ffff),
      bytes: fc.uint8Array({ maxLength: 300 }),
    });
    let decodedByHand = 0;
    fc.assert(
      fc.property(
        dataFrame,
        // Damage: none, or one byte changed, or the message cut short or lengthened with garbage.
        fc.oneof(
          fc.constant(undefined),
          fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
          fc.record({ cut: fc.nat() }),
          fc.record({ extra: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
        ),
        ({ seq, offsetNs, ...data }, damage) => {
          let bytes = Buffer.from(encodeFrame({ seq, offsetNs, data }));
          if (damage !== undefined && 'at' in damage && bytes.length > 0) {
            bytes = Buffer.from(bytes);
            bytes[damage.at % bytes.length] = damage.value;
          } else if (damage !== undefined && 'cut' in damage) {
            bytes = bytes.subarray(0, damage.cut % (bytes.length + 1));
          } else if (damage !== undefined && 'extra' in damage) {
            bytes = Buffer.concat([bytes, damage.extra]);
          }
          // Inside a bigger buffer, as in a segment body.
          const body = Buffer.concat([Buffer.from([1, 2, 3]), bytes, Buffer.from([4, 5])]);
          const fast = decodeDataFrame(body, 3, 3 + bytes.length);
          if (fast === undefined) return;
          decodedByHand++;
          expect(fast).toEqual(generatedDecode(bytes));
          expect(fast.body).toBe('data');
        },
      ),
      { numRuns: 5000 },
    );
    // The property must have exercised the hand decoder, not only the fallback.
    expect(decodedByHand).toBeGreaterThan(1000);
  });
});

describe('ApiCall fast path', () => {
  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    // Lone surrogates and every other code unit: protobufjs encodes these frames.
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constant(''),
  );
  const uint64 = fc.oneof(
    fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    fc.integer({ min: 0, max: 300 }),
  );
  const apiCallArbitrary = fc.record(
    {
      streamId: fc.integer({ min: 0, max: 0xffff_ffff }),
      verb: text,
      method: text,
      path: fc.oneof(text, fc.string({ maxLength: 300 })),
      apiGroup: text,
      apiVersion: text,
      resource: text,
      subresource: text,
      namespace: text,
      name: text,
      statusCode: fc.integer({ min: 0, max: 999 }),
      durationNs: uint64,
      requestBody: fc.uint8Array({ maxLength: 300 }),
      requestBodyTruncated: fc.boolean(),
      requestBytes: uint64,
      responseBytes: uint64,
      userAgent: text,
    },
    { requiredKeys: [] },
  );

  it('encodes byte-for-byte as the generated protobufjs encoder does', () => {
    fc.assert(
      fc.property(uint64, uint64, apiCallArbitrary, (seq, offsetNs, apiCall) => {
        const frame = { seq, offsetNs, apiCall };
        const fast = new FrameBuffer(8);
        encodeFrameInto(fast, frame);
        const generated = delimited(encodeFrame(frame));
        expect(Buffer.from(fast.view()).equals(Buffer.from(generated))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the frames the kube proxy records, and leaves odd values to protobufjs', () => {
    const call = {
      streamId: 1,
      verb: 'get',
      method: 'GET',
      path: '/api/v1/namespaces/default/pods/w\u00e9b?x=\u4e2d',
      apiGroup: '',
      apiVersion: 'v1',
      resource: 'pods',
      namespace: 'default',
      name: 'w\u00e9b',
      statusCode: 200,
      durationNs: 123_456,
      requestBytes: 0,
      responseBytes: 1234,
      userAgent: 'kubectl/v1.31.0 (linux/amd64) kubernetes/abc',
    };
    const target = new FrameBuffer(8);
    expect(encodeApiCallFrame(target, 7, 99, call)).toBe(true);
    expect(
      Buffer.from(target.view()).equals(
        Buffer.from(delimited(encodeFrame({ seq: 7, offsetNs: 99, apiCall: call }))),
      ),
    ).toBe(true);
    expect(encodeApiCallFrame(new FrameBuffer(8), 7, 99, { ...call, name: '\ud800' })).toBe(false);
    expect(encodeApiCallFrame(new FrameBuffer(8), 7, 99, { ...call, durationNs: 1.5 })).toBe(false);
    expect(encodeApiCallFrame(new FrameBuffer(8), 7, -1, call)).toBe(false);
    const refused = new FrameBuffer(8);
    encodeApiCallFrame(refused, 7, 99, { ...call, statusCode: 2 ** 32 });
    expect(refused.length).toBe(0);
  });
});

function delimited(message: Uint8Array): Uint8Array {
  const prefix: number[] = [];
  let length = message.length;
  while (length >= 0x80) {
    prefix.push((length & 0x7f) | 0x80);
    length = Math.floor(length / 128);
  }
  prefix.push(length);
  return Buffer.concat([Buffer.from(prefix), message]);
}

describe('incompressible segments', () => {
  it('stores random segments raw and compresses text, whichever came before', async () => {
    const text = Buffer.from(
      'make[2]: Entering directory /usr/src/app; cc -O2 -c main.c -o main.o\n'.repeat(2000),
    );
    const random = randomBytes(text.length);
    const kinds = ['text', 'text', 'random', 'random', 'text', 'random', 'text', 'text'] as const;
    const frames: tapline.v1.IFrame[] = [];
    for (const kind of kinds) {
      const source = kind === 'text' ? text : random;
      for (let offset = 0; offset < source.length; offset += 16 * 1024) {
        const seq = frames.length;
        frames.push({
          seq,
          offsetNs: seq,
          data: { streamId: 1, direction: 2, bytes: source.subarray(offset, offset + 16 * 1024) },
        });
      }
    }
    const segments = await writeRecording(frames, { segmentBytes: text.length, codec: 'gzip' });
    const codecs: string[] = [];
    let count = 0;
    for await (const segment of readSegments(segments)) {
      for (const _ of segment.frames ?? []) count++;
      if (segment.trailer.frameCount > 0) codecs.push(segment.header.codec);
    }
    expect(count).toBe(frames.length);
    expect(codecs).toEqual(kinds.map((kind) => (kind === 'text' ? 'gzip' : 'none')));
  });
});
