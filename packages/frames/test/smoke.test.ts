import { describe, expect, it } from 'vitest';
import { readFrames, verifyRecording } from '../src/index.js';
import { sampleFrames, writeRecording } from './helpers.js';

describe('smoke', () => {
  it('writes and reads back', async () => {
    const frames = sampleFrames(5000, 100);
    const segments = await writeRecording(frames, { segmentBytes: 64 * 1024 });
    expect(segments.length).toBeGreaterThan(3);
    const back = [];
    for await (const f of readFrames(segments)) back.push(f);
    expect(back.length).toBe(frames.length);
    const report = await verifyRecording(segments);
    expect(report).toMatchObject({ intact: true, complete: true, frames: frames.length });
  });
});
