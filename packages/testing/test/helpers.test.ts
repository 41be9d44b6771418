import { createRequire } from 'node:module';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import {
  arbFrame,
  arbFrames,
  arbMetadataEvent,
  arbSessionContext,
  chunkBytes,
  createSlowWritable,
  createValve,
  describeMismatch,
  isPendingAfter,
  makeTestSegments,
  readTestSegmentHeader,
  splitAtEveryOffset,
  TEST_SEGMENT_OVERHEAD,
} from '../src/index.js';

const require = createRequire(import.meta.url);
const root = protobuf.loadSync(require.resolve('@tapline/frames/proto/tapline/v1/frame.proto'));
const Frame = root.lookupType('tapline.v1.Frame');
const longsAsNumbers = { longs: Number, enums: Number, bytes: Uint8Array, defaults: false } as const;

describe('frame arbitraries', () => {
  it('produce frames the real schema accepts and round-trips', () => {
    fc.assert(
      fc.property(arbFrame(), (frame) => {
        expect(Frame.verify(frame)).toBeNull();
        const decoded = Frame.toObject(
          Frame.decode(Frame.encode(Frame.fromObject(frame)).finish()),
          longsAsNumbers,
        );
        const bodyName = Object.keys(frame).find((key) => key !== 'seq' && key !== 'offsetNs')!;
        expect(decoded[bodyName]).toBeDefined();
        expect(Number(decoded.seq ?? 0)).toBe(frame.seq);
      }),
      { numRuns: 300 },
    );
  });

  it('produce sessions with dense seq, a start frame and non-decreasing offsets', () => {
    fc.assert(
      fc.property(arbFrames({ complete: true }), (frames) => {
        expect(frames[0]!.sessionStart).toBeDefined();
        expect(frames[frames.length - 1]!.sessionEnd).toBeDefined();
        frames.forEach((frame, i) => {
          expect(frame.seq).toBe(i);
          if (i > 0) expect(frame.offsetNs).toBeGreaterThanOrEqual(frames[i - 1]!.offsetNs);
          expect(Frame.verify(frame)).toBeNull();
        });
      }),
      { numRuns: 100 },
    );
  });

  it('produce session contexts and metadata events that survive JSON', () => {
    fc.assert(
      fc.property(arbSessionContext(), arbMetadataEvent(), (context, event) => {
        expect(context.user.id.length).toBeGreaterThan(0);
        expect(context.accessRequestId.length).toBeGreaterThan(0);
        expect(JSON.parse(JSON.stringify(event))).toEqual(event);
        expect(event.version).toBe(1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('test segments', () => {
  it('carry their session id and index, chain by hash, and are deterministic per seed', () => {
    const sessionId = '0b5c7a9e-1d2f-4a3b-8c4d-5e6f7a8b9c0d';
    const a = makeTestSegments(sessionId, { sizes: [10, 2000, 0], seed: 3 });
    const b = makeTestSegments(sessionId, { sizes: [10, 2000, 0], seed: 3 });
    expect(a.map((s) => Buffer.from(s.bytes).toString('hex'))).toEqual(
      b.map((s) => Buffer.from(s.bytes).toString('hex')),
    );
    a.forEach((segment, i) => {
      expect(readTestSegmentHeader(segment.bytes)).toEqual({
        sessionId,
        segmentIndex: i,
        totalBytes: segment.bytes.length,
      });
      expect(segment.bytes.length).toBe([10, 2000, 0][i]! + TEST_SEGMENT_OVERHEAD);
      if (i > 0) {
        const previousHash = Buffer.from(segment.bytes.subarray(36, 68)).toString('hex');
        expect(previousHash).toBe(a[i - 1]!.info.hash);
      }
    });
    expect(a[2]!.info.final).toBe(true);
    expect(a[1]!.info.firstSeq).toBe(a[0]!.info.frameCount);
  });

  it('describeMismatch names a duplicated segment', () => {
    const segments = makeTestSegments(crypto.randomUUID(), { sizes: [5, 6, 7] });
    const duplicated = Buffer.concat([
      segments[0]!.bytes,
      segments[1]!.bytes,
      segments[1]!.bytes,
      segments[2]!.bytes,
    ]);
    expect(describeMismatch(segments, duplicated)).toMatch(/#1, .*#1, .*#2/);
    expect(describeMismatch(segments, Buffer.concat(segments.map((s) => s.bytes)))).toBeUndefined();
  });
});

describe('helpers', () => {
  it('splitAtEveryOffset yields every cut, and each pair rejoins to the input', () => {
    const input = Uint8Array.of(1, 2, 3, 4);
    const cuts = [...splitAtEveryOffset(input)];
    expect(cuts).toHaveLength(5);
    for (const [head, tail] of cuts) expect(Buffer.concat([head, tail])).toEqual(Buffer.from(input));
    expect(chunkBytes(Uint8Array.of(1, 2, 3, 4, 5), 2).map((c) => [...c])).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('createSlowWritable holds writes while its valve is paused (backpressure reaches the producer)', async () => {
    const valve = createValve({ paused: true });
    const slow = createSlowWritable({ valve, highWaterMark: 1024 });
    let accepted = 0;
    while (slow.write(Buffer.alloc(256))) accepted++;
    // A producer that honours write()'s false stops at the high-water mark...
    expect(accepted).toBeLessThan(8);
    const drained = new Promise((resolve) => slow.once('drain', resolve));
    expect(await isPendingAfter(drained, 50)).toBe(true);
    expect(slow.bytesAcknowledged).toBe(0);
    valve.resume();
    await drained;
    expect(slow.bytesAcknowledged).toBe((accepted + 1) * 256);
    // ...while one that ignores it (the broken control) swells past it.
    valve.pause();
    for (let i = 0; i < 64; i++) slow.write(Buffer.alloc(256));
    expect(slow.writableLength).toBeGreaterThan(8 * 1024);
    valve.resume();
  });

  it('createSlowWritable delays each chunk and keeps order', async () => {
    const slow = createSlowWritable({ delayMs: 2 });
    for (let i = 0; i < 5; i++) slow.write(Buffer.of(i));
    await new Promise((resolve) => slow.end(resolve));
    expect([...slow.collected()]).toEqual([0, 1, 2, 3, 4]);
  });
});
