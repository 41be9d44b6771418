import { describe, expect, it } from 'vitest';
import { verifyRecording } from '../src/index.js';
import { sampleFrames, writeRecording } from './helpers.js';

// A small recording of five segments, tampered with in every way the issue lists.
const segments = await writeRecording(sampleFrames(40, 48), { segmentBytes: 512 });
const whole = Buffer.concat(segments);
const starts = segments.map((_, index) => segments.slice(0, index).reduce((sum, s) => sum + s.length, 0));
const segmentAt = (offset: number) => starts.findLastIndex((start) => start <= offset);

describe('tamper evidence', () => {
  it('has a few segments to tamper with', async () => {
    expect(segments.length).toBeGreaterThanOrEqual(4);
    expect((await verifyRecording(whole)).complete).toBe(true);
  });

  it('detects every single flipped byte, in the segment that holds it', async () => {
    let cases = 0;
    for (let offset = 0; offset < whole.length; offset++) {
      const damaged = Buffer.from(whole);
      damaged[offset]! ^= 0x01;
      const report = await verifyRecording(damaged);
      expect(report.intact, `byte ${offset}`).toBe(false);
      expect(report.error?.segmentIndex, `byte ${offset}`).toBe(segmentAt(offset));
      expect(report.error?.code).toMatch(
        /^TAPLINE_ERR_(HASH_MISMATCH|BAD_MAGIC|BAD_TRAILER|BAD_HEADER|UNSUPPORTED_VERSION|UNKNOWN_CODEC|SEGMENT_TOO_LARGE|TRUNCATED)$/,
      );
      cases++;
    }
    expect(cases).toBe(whole.length);
    console.log(`tamper: ${cases} single-byte flips over ${segments.length} segments, all detected`);
  });

  it('detects a dropped segment at the segment after it, or as incomplete when the last is dropped', async () => {
    for (let drop = 0; drop < segments.length; drop++) {
      const report = await verifyRecording(segments.filter((_, index) => index !== drop));
      expect(report.complete).toBe(false);
      if (drop === segments.length - 1) {
        expect(report.error).toMatchObject({ code: 'TAPLINE_ERR_INCOMPLETE', segmentIndex: drop });
        expect(report.intact).toBe(true);
      } else {
        expect(report.error).toMatchObject({ code: 'TAPLINE_ERR_CHAIN_BROKEN', segmentIndex: drop });
      }
    }
  });

  it('detects a duplicated segment where the copy stands', async () => {
    for (let dup = 0; dup < segments.length; dup++) {
      const copy = [...segments.slice(0, dup + 1), segments[dup]!, ...segments.slice(dup + 1)];
      const report = await verifyRecording(copy);
      expect(report.intact).toBe(false);
      const code = dup === segments.length - 1 ? 'TAPLINE_ERR_DATA_AFTER_END' : 'TAPLINE_ERR_CHAIN_BROKEN';
      expect(report.error).toMatchObject({ code, segmentIndex: dup + 1 });
    }
  });

  it('detects every swap of two segments at the first moved one', async () => {
    for (let a = 0; a < segments.length; a++) {
      for (let b = a + 1; b < segments.length; b++) {
        const swapped = [...segments];
        [swapped[a], swapped[b]] = [swapped[b]!, swapped[a]!];
        const report = await verifyRecording(swapped);
        expect(report.error).toMatchObject({ code: 'TAPLINE_ERR_CHAIN_BROKEN', segmentIndex: a });
      }
    }
  });

  it('reports truncation at every offset: mid-segment as truncated, at a boundary as incomplete', async () => {
    for (let length = 0; length < whole.length; length++) {
      const report = await verifyRecording(whole.subarray(0, length));
      expect(report.complete, `length ${length}`).toBe(false);
      if (length === 0) {
        expect(report.error?.code).toBe('TAPLINE_ERR_EMPTY');
      } else if (starts.includes(length)) {
        expect(report.error).toMatchObject({
          code: 'TAPLINE_ERR_INCOMPLETE',
          segmentIndex: starts.indexOf(length),
        });
        expect(report.intact).toBe(true);
      } else {
        expect(report.error).toMatchObject({
          code: 'TAPLINE_ERR_TRUNCATED',
          segmentIndex: segmentAt(length),
        });
      }
    }
  });

  it('rejects a segment spliced in from another session', async () => {
    const { randomUUID } = await import('node:crypto');
    const other = await writeRecording(sampleFrames(40, 48), { segmentBytes: 512, sessionId: randomUUID() });
    const report = await verifyRecording([segments[0]!, other[1]!]);
    expect(report.error).toMatchObject({ code: 'TAPLINE_ERR_SESSION_MISMATCH', segmentIndex: 1 });
  });
});
