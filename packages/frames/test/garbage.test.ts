import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTaplineError, readFrames, SegmentParser, TRAILER_LENGTH, verifyRecording } from '../src/index.js';
import { sampleFrames, writeRecording } from './helpers.js';

async function readAll(chunks: Uint8Array[]): Promise<{ frames: number; error: unknown }> {
  let frames = 0;
  try {
    for await (const _ of readFrames(chunks)) frames++;
    return { frames, error: undefined };
  } catch (error) {
    return { frames, error };
  }
}

const good = await writeRecording(sampleFrames(30, 40), { segmentBytes: 400 });
const whole = Buffer.concat(good);

describe('reader on bad input', () => {
  it('turns arbitrary bytes into coded errors, never another exception', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 6 }), async (chunks) => {
        const { error } = await readAll(chunks);
        if (error !== undefined) expect(isTaplineError(error)).toBe(true);
        const report = await verifyRecording(chunks);
        expect(report.intact && report.complete).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('turns a valid prefix followed by garbage into a coded error after the good frames', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: good.length - 1 }),
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        async (keep, junk) => {
          const prefix = good.slice(0, keep);
          const expectedFrames = prefix.reduce(
            (sum, segment) => sum + segment.readUInt32BE(segment.length - TRAILER_LENGTH),
            0,
          );
          const { frames, error } = await readAll([...prefix, junk]);
          expect(frames).toBe(expectedFrames);
          expect(isTaplineError(error)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads a recording split at every offset into two chunks identically', async () => {
    for (let cut = 0; cut <= whole.length; cut++) {
      const { frames, error } = await readAll([whole.subarray(0, cut), whole.subarray(cut)]);
      expect(error).toBeUndefined();
      expect(frames).toBe(33);
    }
  });

  it('yields every good segment before damage that arrives in the same chunk', async () => {
    const damaged = Buffer.from(whole);
    const lastStart = whole.length - good.at(-1)!.length;
    damaged[lastStart + 100]! ^= 0xff;
    const { frames, error } = await readAll([damaged]);
    expect(frames).toBe(33 - good.at(-1)!.readUInt32BE(good.at(-1)!.length - TRAILER_LENGTH));
    expect(error).toMatchObject({ code: 'TAPLINE_ERR_HASH_MISMATCH', segmentIndex: good.length - 1 });
    const report = await verifyRecording(damaged);
    expect(report).toMatchObject({ segments: good.length - 1, intact: false });
  });

  it('reports a truncated recording with a coded error after every whole segment', async () => {
    const { frames, error } = await readAll([whole.subarray(0, whole.length - 5)]);
    expect(frames).toBe(33 - good.at(-1)!.readUInt32BE(good.at(-1)!.length - TRAILER_LENGTH));
    expect(error).toMatchObject({ code: 'TAPLINE_ERR_TRUNCATED', segmentIndex: good.length - 1 });
  });

  it('refuses an oversized body length before buffering it', () => {
    const header = Buffer.from(good[0]!.subarray(0, 92));
    header.writeUInt32BE(0x7fff_ffff, 88);
    const parser = new SegmentParser({ maxBodyLength: 1024 * 1024 });
    expect(() => parser.parse(header, () => {})).toThrow(
      expect.objectContaining({ code: 'TAPLINE_ERR_SEGMENT_TOO_LARGE' }),
    );
  });

  it('names the problem for a wrong magic, version and codec', async () => {
    const cases: Array<[number, number, string]> = [
      [0, 0x00, 'TAPLINE_ERR_BAD_MAGIC'],
      [4, 0x09, 'TAPLINE_ERR_UNSUPPORTED_VERSION'],
      [5, 0x07, 'TAPLINE_ERR_UNKNOWN_CODEC'],
      [7, 0x80, 'TAPLINE_ERR_BAD_HEADER'],
    ];
    for (const [offset, value, code] of cases) {
      const damaged = Buffer.from(whole);
      damaged[offset] = value;
      expect((await readAll([damaged])).error).toMatchObject({ code, segmentIndex: 0 });
    }
  });
});
