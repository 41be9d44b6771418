import { describe, expect, it } from 'vitest';
import { readFrames, readSegments } from '../src/index.js';
import { sampleFrames, writeRecording } from './helpers.js';

const frames = sampleFrames(2000, 64);
const segments = await writeRecording(frames, { segmentBytes: 4096 });

describe('seeking', () => {
  it('skips whole segments before a seq without decoding them', async () => {
    const from = 1500;
    const seen = [];
    for await (const segment of readSegments(segments, { fromSeq: from })) seen.push(segment);
    const decoded = seen.filter((segment) => segment.frames !== undefined);
    expect(seen.length).toBe(segments.length);
    expect(decoded.length).toBeLessThan(seen.length / 3);
    const first = [];
    for await (const frame of readFrames(segments, { fromSeq: from })) first.push(frame.seq);
    expect(first[0]).toBe(from);
    expect(first.length).toBe(frames.length - from);
  });

  it('starts at a time offset', async () => {
    const fromOffsetNs = 1_000 * 1_000_000;
    const seqs = [];
    for await (const frame of readFrames(segments, { fromOffsetNs })) seqs.push(frame.seq);
    expect(seqs[0]).toBe(1000);
  });
});
