// Container throughput: writer + reader over frames of 64 B, 1 KiB and 32 KiB
// of terminal text, against raw gzip (same level, same 1 MiB blocks, on the
// same thread pool) over the same bytes. Also frame encoding alone at 64 B.
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { createRecordingWriter, type Frame, readFrames } from '@tapline/frames';
import { encodeFrameInto, FrameBuffer } from '../packages/frames/src/frame-codec.js';
import { terminalText } from './lib/corpus.js';
import { MB, measure, type Report } from './lib/harness.js';

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);
const SESSION_ID = '00000000-0000-4000-8000-000000000001';
const SEGMENT_BYTES = 1024 * 1024;

function framesOf(text: Buffer, payloadBytes: number): Frame[] {
  const frames: Frame[] = [];
  for (let offset = 0, seq = 0; offset + payloadBytes <= text.length; offset += payloadBytes, seq++) {
    frames.push({
      seq,
      offsetNs: seq * 1000,
      data: { streamId: 1, direction: 2, bytes: text.subarray(offset, offset + payloadBytes) },
    });
  }
  return frames;
}

async function writeAndRead(frames: Frame[]): Promise<number> {
  const writer = createRecordingWriter({
    sessionId: SESSION_ID,
    codec: 'gzip',
    level: 1,
    segmentBytes: SEGMENT_BYTES,
  });
  const reading = (async () => {
    let count = 0;
    for await (const _ of readFrames(writer)) count++;
    return count;
  })();
  for (const frame of frames) {
    if (!writer.write(frame)) await new Promise((resolve) => writer.once('drain', resolve));
  }
  writer.end();
  const count = await reading;
  if (count !== frames.length) throw new Error(`read ${count} of ${frames.length} frames`);
  return count;
}

async function rawGzipRoundTrip(text: Buffer): Promise<void> {
  // Two blocks in flight, as the writer keeps two segments compressing.
  const blocks: Promise<Buffer>[] = [];
  for (let offset = 0; offset < text.length; offset += SEGMENT_BYTES) {
    blocks.push(gzip(text.subarray(offset, offset + SEGMENT_BYTES), { level: 1 }).then((z) => gunzip(z)));
    if (blocks.length >= 2) await blocks.shift();
  }
  await Promise.all(blocks);
}

export async function containerBench(report: Report, options: { quick: boolean }): Promise<void> {
  const total = options.quick ? 16 * MB : 64 * MB;
  const text = terminalText(total);
  for (const size of [64, 1024, 32 * 1024]) {
    const group = `container ${size >= 1024 ? `${size / 1024} KiB` : `${size} B`} frames`;
    const frames = framesOf(text, size);
    const bytes = frames.length * size;
    const base = await measure(() => rawGzipRoundTrip(text.subarray(0, bytes)), options.quick ? 3 : 5);
    report.add({
      group,
      name: 'raw gzip-1 compress+decompress',
      value: bytes / MB / base.seconds,
      unit: 'MB/s',
    });
    const container = await measure(() => writeAndRead(frames), options.quick ? 3 : 5);
    report.add({
      group,
      name: 'container write+read (gzip-1)',
      value: bytes / MB / container.seconds,
      unit: 'MB/s',
      baseline: 'raw gzip-1 compress+decompress',
      goal: size === 32 * 1024 ? '≥ 0.80×' : undefined,
    });
    if (size === 64) {
      report.add({
        group,
        name: 'container write+read frames/s',
        value: frames.length / container.seconds / 1e6,
        unit: 'M frames/s',
      });
    }
  }
  await encodeBench(report, { sabotage: false });
}

/**
 * Frame encoding alone at 64 B frames (the writer's hot path before
 * compression), against copying the payloads only. `sabotage` adds a
 * per-frame copy of the payload, the kind of regression bench:ci must catch:
 * it runs this way as the gate's control.
 */
export async function encodeBench(
  report: Report,
  options: { sabotage: boolean; group?: string },
): Promise<void> {
  const group = options.group ?? 'frame encode 64 B';
  const frames = framesOf(terminalText(8 * MB), 64);
  const buffer = new FrameBuffer(SEGMENT_BYTES + 1024);
  const memcpy = Buffer.allocUnsafe(SEGMENT_BYTES + 1024);
  const copyOnly = await measure(() => {
    let position = 0;
    for (const frame of frames) {
      if (position > SEGMENT_BYTES) position = 0;
      memcpy.set(frame.data!.bytes!, position);
      position += 64;
    }
  }, 7);
  report.add({
    group,
    name: 'copy payloads only',
    value: frames.length / copyOnly.seconds / 1e6,
    unit: 'M frames/s',
  });
  const encode = await measure(() => {
    for (const frame of frames) {
      if (buffer.length > SEGMENT_BYTES) buffer.reset();
      encodeFrameInto(
        buffer,
        options.sabotage
          ? { ...frame, data: { ...frame.data, bytes: Buffer.from(frame.data!.bytes!) } }
          : frame,
      );
    }
  }, 7);
  report.add({
    group,
    name: 'encode into segment buffer',
    value: frames.length / encode.seconds / 1e6,
    unit: 'M frames/s',
    baseline: 'copy payloads only',
    goal: '≥ 1 M frames/s',
  });
}
