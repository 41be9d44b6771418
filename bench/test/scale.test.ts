// The scaler: a scaled recording is a valid, complete recording whose Data is
// the source's repeated, with dense seq numbers, monotonic offsets and the
// closing counts scaled; and producing it does not hold the output in memory.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DecodedFrame, readFrames, verifyRecording } from '@tapline/frames';
import { describe, expect, it } from 'vitest';
import { dataOf, loadFrames, semanticSummary, totalBytes } from '../lib/recording.js';
import { passesFor, scaledData, scaleFrames, writeScaledRecording } from '../lib/scale.js';

describe('scaling corpus recordings', () => {
  it('repeats the Data with fresh dense seq and offsets, and scales the closing counts', async () => {
    const source = await loadFrames('shell-vi');
    const sourceData = dataOf(source);
    const perPass = totalBytes(sourceData);
    const frames = [...scaleFrames(source, { targetBytes: perPass * 3 })];
    expect(passesFor(source, perPass * 3)).toBe(3);
    expect(frames.map((frame) => frame.seq)).toEqual(frames.map((_, index) => index));
    const offsets = frames.map((frame) => Number(frame.offsetNs));
    expect(offsets.every((offset, index) => index === 0 || offset >= offsets[index - 1]!)).toBe(true);
    const data = frames.filter((frame) => frame.data?.bytes?.length);
    expect(data).toHaveLength(sourceData.length * 3);
    expect(Buffer.concat(data.map((frame) => frame.data!.bytes!))).toEqual(
      Buffer.concat([0, 1, 2].flatMap(() => sourceData.map((chunk) => chunk.bytes))),
    );
    // Commands, streams and the end are the source's, once.
    const end = frames.at(-1)!.sessionEnd!;
    expect(end.frames).toBe(frames.length);
    expect(Number(end.bytesClientToTarget) + Number(end.bytesTargetToClient)).toBe(perPass * 3);
    const close = frames.find((frame) => frame.streamClose)!.streamClose!;
    expect(Number(close.bytesClientToTarget) + Number(close.bytesTargetToClient)).toBe(perPass * 3);
  });

  it('scaledData yields only payloads, at least the target', async () => {
    const source = await loadFrames('build-log');
    let bytes = 0;
    for (const chunk of scaledData(source, { targetBytes: 10_000_000 })) bytes += chunk.bytes.length;
    expect(bytes).toBeGreaterThanOrEqual(10_000_000);
    expect(bytes).toBe(totalBytes(dataOf(source)) * passesFor(source, 10_000_000));
  });

  it('writes a scaled recording that verifies and means the same, with bounded memory', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tapline-scale-'));
    try {
      const source = await loadFrames('bulk-cat');
      const path = join(directory, 'scaled.tapline');
      const rssBefore = process.memoryUsage.rss();
      const target = 256 * 1024 * 1024;
      const result = await writeScaledRecording(source, path, { targetBytes: target });
      // 256 MiB of payload went through; the process did not keep it.
      expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(128 * 1024 * 1024);
      const bytes = readFileSync(path);
      expect(await verifyRecording(bytes)).toMatchObject({ complete: true, frames: result.frames });
      // Read back streaming: the payload bytes counted, the other frames kept.
      let payload = 0;
      const others: DecodedFrame[] = [];
      for await (const frame of readFrames(bytes)) {
        if (frame.data?.bytes?.length) payload += frame.data.bytes.length;
        else others.push(frame);
      }
      expect(payload).toBeGreaterThanOrEqual(target);
      expect(semanticSummary(others)).toEqual(semanticSummary(source));
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 60_000);
});
