// Scales a recording up to any size: the frames before the first Data frame,
// the recorded section once as it was, then its Data frames again and again
// with fresh dense seq numbers and offsets that keep the recorded rhythm, then
// the closing frames with their byte counts adjusted. Frames are produced
// lazily and share the payload buffers of the source, so memory stays bounded
// by the source recording whatever the target size.
//
//   pnpm exec tsx --conditions=source bench/lib/scale.ts --from bulk-cat --gib 4 --to /tmp/big.tapline
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createRecordingWriter, type DecodedFrame, type Frame } from '@tapline/frames';
import { CLIENT_TO_TARGET, loadFrames, payloadOf } from './recording.js';

export interface ScaleOptions {
  /** Payload bytes of Data frames to produce, at least (whole passes of the source). */
  targetBytes: number;
}

/** Where a source recording's Data section starts and ends, and its payload per pass. */
interface Layout {
  firstData: number;
  lastData: number;
  bytesPerPass: number;
  /** Offset span of one pass, plus one mean gap so passes don't collide. */
  passSpanNs: number;
}

function layoutOf(frames: readonly DecodedFrame[]): Layout {
  let firstData = -1;
  let lastData = -1;
  let bytesPerPass = 0;
  for (const [index, frame] of frames.entries()) {
    const data = payloadOf(frame);
    if (!data) continue;
    if (firstData === -1) firstData = index;
    lastData = index;
    bytesPerPass += data.bytes.length;
  }
  if (firstData === -1) throw new Error('the recording has no Data frames to scale');
  const dataFrames = frames.slice(firstData, lastData + 1).filter((frame) => payloadOf(frame));
  const span = Number(frames[lastData]!.offsetNs) - Number(frames[firstData]!.offsetNs);
  const meanGap = dataFrames.length > 1 ? span / (dataFrames.length - 1) : 1_000_000;
  return { firstData, lastData, bytesPerPass, passSpanNs: Math.max(1, Math.round(span + meanGap)) };
}

/** How many passes over the Data section reach `targetBytes`. */
export function passesFor(frames: readonly DecodedFrame[], targetBytes: number): number {
  return Math.max(1, Math.ceil(targetBytes / layoutOf(frames).bytesPerPass));
}

/**
 * The Data payloads only, repeated to `targetBytes` (what a proxy hands the
 * recorder). Offsets continue across passes.
 */
export function* scaledData(
  frames: readonly DecodedFrame[],
  options: ScaleOptions,
): Generator<{ streamId: number; direction: number; channel: number; offsetNs: number; bytes: Uint8Array }> {
  const layout = layoutOf(frames);
  const passes = Math.max(1, Math.ceil(options.targetBytes / layout.bytesPerPass));
  for (let pass = 0; pass < passes; pass++) {
    const shift = pass * layout.passSpanNs;
    for (let index = layout.firstData; index <= layout.lastData; index++) {
      const frame = frames[index]!;
      const data = payloadOf(frame);
      if (!data) continue;
      yield { ...data, offsetNs: Number(frame.offsetNs) + shift };
    }
  }
}

/**
 * The whole recording scaled: a valid frame sequence (dense seq from 0,
 * non-decreasing offsets) whose Data payload totals at least `targetBytes`.
 * StreamClose and SessionEnd carry the scaled byte and frame counts.
 */
export function* scaleFrames(frames: readonly DecodedFrame[], options: ScaleOptions): Generator<Frame> {
  const layout = layoutOf(frames);
  const passes = Math.max(1, Math.ceil(options.targetBytes / layout.bytesPerPass));
  let seq = 0;
  // Per stream [client→target, target→client] bytes, and the session's totals.
  const streamBytes = new Map<number, [number, number]>();
  const count = (data: { streamId: number; direction: number; bytes: Uint8Array }) => {
    const totals = streamBytes.get(data.streamId) ?? [0, 0];
    totals[data.direction === CLIENT_TO_TARGET ? 0 : 1] += data.bytes.length;
    streamBytes.set(data.streamId, totals);
  };
  // Before and during the first pass: every frame as recorded.
  for (let index = 0; index <= layout.lastData; index++) {
    const frame = frames[index]!;
    const data = payloadOf(frame);
    if (data) count(data);
    yield { ...frame, seq: seq++, offsetNs: Number(frame.offsetNs) };
  }
  // Further passes: the Data frames only.
  for (let pass = 1; pass < passes; pass++) {
    const shift = pass * layout.passSpanNs;
    for (let index = layout.firstData; index <= layout.lastData; index++) {
      const frame = frames[index]!;
      const data = payloadOf(frame);
      if (!data) continue;
      count(data);
      yield { seq: seq++, offsetNs: Number(frame.offsetNs) + shift, data: frame.data };
    }
  }
  // The closing frames, after the last pass, with the counts they report scaled.
  const tailShift = (passes - 1) * layout.passSpanNs;
  const total = seq + (frames.length - 1 - layout.lastData);
  for (let index = layout.lastData + 1; index < frames.length; index++) {
    const frame = frames[index]!;
    const shifted: Frame = { ...frame, seq: seq++, offsetNs: Number(frame.offsetNs) + tailShift };
    if (frame.streamClose) {
      const totals = streamBytes.get(frame.streamClose.streamId ?? 0) ?? [0, 0];
      shifted.streamClose = {
        ...frame.streamClose,
        bytesClientToTarget: totals[0],
        bytesTargetToClient: totals[1],
      };
    }
    if (frame.sessionEnd) {
      let clientToTarget = 0;
      let targetToClient = 0;
      for (const [c2t, t2c] of streamBytes.values()) {
        clientToTarget += c2t;
        targetToClient += t2c;
      }
      shifted.sessionEnd = {
        ...frame.sessionEnd,
        frames: total,
        bytesClientToTarget: clientToTarget,
        bytesTargetToClient: targetToClient,
      };
    }
    yield shifted;
  }
}

/**
 * Writes a scaled recording to `path` through the container writer, with
 * backpressure end to end (frames are produced only as fast as the file takes
 * them). Returns the frames and bytes written.
 */
export async function writeScaledRecording(
  frames: readonly DecodedFrame[],
  path: string,
  options: ScaleOptions & { level?: number },
): Promise<{ frames: number; fileBytes: number }> {
  const sessionId = frames.find((frame) => frame.sessionStart)?.sessionStart?.sessionId;
  if (!sessionId) throw new Error('the recording has no SessionStart');
  const writer = createRecordingWriter({ sessionId, codec: 'gzip', level: options.level ?? 1 });
  const file = createWriteStream(path);
  writer.pipe(file);
  let written = 0;
  for (const frame of scaleFrames(frames, options)) {
    written++;
    if (!writer.write(frame)) await once(writer, 'drain');
  }
  writer.end();
  await once(file, 'close');
  return { frames: written, fileBytes: file.bytesWritten };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      from: { type: 'string', default: 'bulk-cat' },
      gib: { type: 'string', default: '1' },
      to: { type: 'string' },
      level: { type: 'string', default: '1' },
    },
  });
  if (!values.to) throw new Error('--to PATH is required');
  const frames = await loadFrames(values.from);
  const started = performance.now();
  const result = await writeScaledRecording(frames, values.to, {
    targetBytes: Number(values.gib) * 2 ** 30,
    level: Number(values.level),
  });
  console.log(
    `${values.to}: ${result.frames} frames, ${result.fileBytes} bytes in ${((performance.now() - started) / 1000).toFixed(1)} s, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
  );
}
