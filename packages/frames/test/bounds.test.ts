// Recordings read back are untrusted: a forger with write access recomputes
// every hash, so the trailer's counts and lengths must be checked before they
// are believed (issue #12, finding 2).
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createRecordingWriter,
  encodeFrame,
  isTaplineError,
  MAX_SEGMENT_RAW_BYTES,
  readFrames,
  readSegments,
  tapline,
  verifyRecording,
} from '../src/index.js';
import { forgeRecording, SESSION_ID, sampleFrames, writeRecording } from './helpers.js';

async function readError(chunks: Uint8Array[]): Promise<unknown> {
  try {
    for await (const _ of readFrames(chunks));
  } catch (error) {
    return error;
  }
  return undefined;
}

/** A one-segment recording (start, shell, 20 lines, end) as written, gzip. */
const good = await writeRecording(sampleFrames(20), { codec: 'gzip' });
const zeros = (bytes: number) => Buffer.alloc(bytes);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a forged trailer is not believed', () => {
  it('refuses a raw length above the cap before inflating anything (gzip and brotli)', async () => {
    for (const [codec, body] of [
      ['gzip', gzipSync(zeros(1024 * 1024))],
      ['brotli', brotliCompressSync(zeros(1024 * 1024))],
    ] as const) {
      const forged = forgeRecording(good, { 0: { codec, body, rawLength: 2 ** 32 - 1 } });
      const report = await verifyRecording(forged);
      expect(report.error).toMatchObject({ code: 'TAPLINE_ERR_SEGMENT_TOO_LARGE', segmentIndex: 0 });
      expect(await readError(forged)).toMatchObject({ code: 'TAPLINE_ERR_SEGMENT_TOO_LARGE' });
    }
  });

  it('stops a bomb the moment it inflates past the promised raw length', async () => {
    for (const [codec, body] of [
      ['gzip', gzipSync(zeros(8 * 1024 * 1024))],
      ['brotli', brotliCompressSync(zeros(8 * 1024 * 1024))],
    ] as const) {
      const forged = forgeRecording(good, { 0: { codec, body, rawLength: 1000, frameCount: 1 } });
      const error = await readError(forged);
      expect(error).toMatchObject({ code: 'TAPLINE_ERR_DECOMPRESS', segmentIndex: 0 });
      expect((error as Error).message).toContain('inflates past the 1000 bytes');
    }
  });

  it('refuses a body that inflates to less than its trailer says', async () => {
    const forged = forgeRecording(good, { 0: { codec: 'gzip', body: gzipSync(zeros(10)), rawLength: 5000 } });
    expect(await readError(forged)).toMatchObject({ code: 'TAPLINE_ERR_DECOMPRESS' });
  });

  it('refuses a frame count larger than the raw bytes could hold, without decoding a frame', async () => {
    const decode = vi.spyOn(tapline.v1.Frame, 'decode');
    const forged = forgeRecording(good, { 0: { frameCount: 0xffff_ffff } });
    const report = await verifyRecording(forged);
    expect(report.error).toMatchObject({ code: 'TAPLINE_ERR_FRAME_DECODE', segmentIndex: 0 });
    expect(report.error!.message).toContain('4294967295 frames in');
    expect(decode).not.toHaveBeenCalled();
  });

  it('stops at the first frame beyond the trailer count instead of decoding them all', async () => {
    // 1 MiB of zeros: a million empty frames. The old reader decoded every
    // one of them into an array before comparing the count.
    const decode = vi.spyOn(tapline.v1.Frame, 'decode');
    const forged = forgeRecording(good, {
      0: { codec: 'gzip', body: gzipSync(zeros(1024 * 1024)), rawLength: 1024 * 1024, frameCount: 1 },
    });
    const error = await readError(forged);
    expect(error).toMatchObject({ code: 'TAPLINE_ERR_FRAME_DECODE', segmentIndex: 0 });
    expect((error as Error).message).toContain('more frames than the 1');
    expect(decode.mock.calls.length).toBeLessThanOrEqual(1);
  });

  it('reports a length prefix longer than what remains as a coded error', async () => {
    // One frame claiming 2^28 bytes in a 10-byte body.
    const raw = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00]);
    const forged = forgeRecording(good, {
      0: { codec: 'none', body: raw, rawLength: raw.length, frameCount: 1 },
    });
    const error = await readError(forged);
    expect(error).toMatchObject({ code: 'TAPLINE_ERR_FRAME_DECODE', segmentIndex: 0 });
    expect((error as Error).message).toContain('claims 268435456 bytes, only 5 remain');
  });

  it('reads a forged segment of millions of tiny frames one frame at a time (memory stays flat)', async () => {
    // 3 million frames carrying only their seq: ~15 MB raw. Decoded into one
    // array (the old reader) they take hundreds of MB of heap.
    const count = 3_000_000;
    const raw = Buffer.alloc(count * 6);
    let length = 0;
    for (let seq = 0; seq < count; seq++) {
      const start = length++;
      if (seq !== 0) {
        raw[length++] = 0x08;
        let value = seq;
        while (value >= 0x80) {
          raw[length++] = (value & 0x7f) | 0x80;
          value = Math.floor(value / 128);
        }
        raw[length++] = value;
      }
      raw[start] = length - start - 1;
    }
    const body = gzipSync(raw.subarray(0, length));
    const forged = forgeRecording(good, { 0: { codec: 'gzip', body, rawLength: length, frameCount: count } });
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let frames = 0;
    for await (const segment of readSegments(forged)) {
      for (const _frame of segment.frames ?? []) {
        if (++frames % 100_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      }
    }
    expect(frames).toBe(count);
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  });

  it('holds every frame offset to the header range, so no time read back is unbounded', async () => {
    // The header says the segment spans 0..20 ms; one frame claims 2^60 ns.
    const encoded = encodeFrame({ seq: 0, offsetNs: 2 ** 60, sessionStart: { protocol: 'ssh' } });
    const raw = Buffer.concat([Buffer.from([encoded.length]), encoded]);
    const forged = forgeRecording(good, {
      0: { codec: 'none', body: raw, rawLength: raw.length, frameCount: 1 },
    });
    const error = await readError(forged);
    expect(error).toMatchObject({ code: 'TAPLINE_ERR_TIME_REVERSED', segmentIndex: 0 });
    expect((await verifyRecording(forged)).error?.code).toBe('TAPLINE_ERR_TIME_REVERSED');
  });

  it('accepts a raw length at the cap and none above it', async () => {
    const atCap = forgeRecording(good, { 0: { rawLength: MAX_SEGMENT_RAW_BYTES } });
    expect((await verifyRecording(atCap)).error?.code).not.toBe('TAPLINE_ERR_SEGMENT_TOO_LARGE');
    const above = forgeRecording(good, { 0: { rawLength: MAX_SEGMENT_RAW_BYTES + 1 } });
    expect((await verifyRecording(above)).error?.code).toBe('TAPLINE_ERR_SEGMENT_TOO_LARGE');
    expect(isTaplineError(await readError(above), 'TAPLINE_ERR_SEGMENT_TOO_LARGE')).toBe(true);
  });
});

describe('the writer stays within what readers accept', () => {
  it('starts a new segment rather than let a frame carry one past the cap, and refuses a frame above it', async () => {
    const big = Buffer.alloc(40 * 1024 * 1024, 0x61);
    const frames = [0, 1].map((seq) => ({
      seq,
      offsetNs: seq,
      data: { streamId: 1, direction: 2, bytes: big },
    }));
    const segments = await writeRecording(frames, { codec: 'none', segmentBytes: 64 * 1024 * 1024 });
    expect(segments).toHaveLength(2); // frame 1 starts the second segment, which ends the recording
    for (const segment of segments) expect(segment.length).toBeLessThan(MAX_SEGMENT_RAW_BYTES);
    expect(await verifyRecording(segments)).toMatchObject({ complete: true, frames: 2 });

    const writer = createRecordingWriter({ sessionId: SESSION_ID, codec: 'none' });
    const failed = new Promise((resolve) => writer.on('error', resolve));
    writer.write({ seq: 0, data: { streamId: 1, direction: 2, bytes: Buffer.alloc(MAX_SEGMENT_RAW_BYTES) } });
    expect(await failed).toMatchObject({ code: 'TAPLINE_ERR_FRAME_ENCODE' });
  });
});
