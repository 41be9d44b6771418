// The frame pipeline on corpus data (terminal output the proxies recorded):
// encode, container write+read against raw gzip-1 on the same bytes, the
// recorded frames as they came, the primitives (gzip, gunzip, SHA-256,
// AES-256-GCM), and envelope encryption on against off.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import {
  type CodecName,
  compress,
  createLocalKeyWrapper,
  createRecordingWriter,
  decompress,
  type Frame,
  type KeyWrapper,
  readSegments,
} from '@tapline/frames';
import { encodeFrameInto, FrameBuffer } from '../packages/frames/src/frame-codec.js';
import { corpusOutput } from './lib/corpus.js';
import { comparePair, MB, measure, type Report } from './lib/harness.js';
import { loadFrames } from './lib/recording.js';
import { scaledData } from './lib/scale.js';

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

async function writeAndRead(
  frames: Frame[],
  keyWrapper?: KeyWrapper,
  codec: CodecName = 'gzip',
  stored?: { bytes: number },
): Promise<number> {
  const writer = createRecordingWriter({
    sessionId: SESSION_ID,
    codec,
    level: 1,
    segmentBytes: SEGMENT_BYTES,
    ...(keyWrapper ? { keyWrapper } : {}),
  });
  if (stored) writer.on('data', (segment: Buffer) => (stored.bytes += segment.length));
  // readSegments: the bulk reader `tapline inspect`/`export` use (a segment's
  // frames iterate synchronously; readFrames adds an async step per frame).
  const reading = (async () => {
    let count = 0;
    for await (const segment of readSegments(writer, keyWrapper ? { keyWrapper } : {})) {
      for (const _ of segment.frames ?? []) count++;
    }
    return count;
  })();
  // appendFrame(): the recorder's own path into the writer.
  for (const frame of frames) {
    if (!writer.appendFrame(frame)) await new Promise((resolve) => writer.once('drain', resolve));
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

async function rawZstdRoundTrip(text: Buffer): Promise<void> {
  // Two blocks in flight on the same worker pool the writer uses.
  const blocks: Promise<unknown>[] = [];
  for (let offset = 0; offset < text.length; offset += SEGMENT_BYTES) {
    const block = text.subarray(offset, offset + SEGMENT_BYTES);
    blocks.push(
      compress(block, { codec: 'zstd', level: 1 }).then((z) => decompress(z, 'zstd', block.length, 0)),
    );
    if (blocks.length >= 2) await blocks.shift();
  }
  await Promise.all(blocks);
}

const size = (bytes: number) => (bytes >= 1024 ? `${bytes / 1024} KiB` : `${bytes} B`);

export async function containerBench(report: Report, options: { quick: boolean }): Promise<void> {
  const total = options.quick ? 16 * MB : 64 * MB;
  const runs = options.quick ? 5 : 7;
  const text = await corpusOutput(total);
  report.note(
    `container groups: ${total / MB} MB of corpus output (build-log + bulk-cat, target→client), 1 MiB segments, gzip level 1`,
  );
  for (const payload of [64, 1024, 32 * 1024]) {
    const group = `container ${size(payload)} frames (corpus output)`;
    const frames = framesOf(text, payload);
    const bytes = frames.length * payload;
    const pair = await comparePair(
      () => rawGzipRoundTrip(text.subarray(0, bytes)),
      () => writeAndRead(frames),
      runs,
    );
    addGzipPair(report, group, bytes, pair, payload === 32 * 1024 ? '≥ 0.80×' : undefined);
    if (payload === 64) {
      report.add({
        group,
        name: 'container write+read frames/s',
        value: frames.length / pair.subject.seconds / 1e6,
        unit: 'M frames/s',
      });
    }
  }

  // zstd, the default codec since issue 16: the container against raw zstd-1
  // through the same worker pool, and the bytes each codec stores.
  for (const payload of [64, 32 * 1024]) {
    const group = `container ${size(payload)} frames, zstd (corpus output)`;
    const frames = framesOf(text, payload);
    const bytes = frames.length * payload;
    const pair = await comparePair(
      () => rawZstdRoundTrip(text.subarray(0, bytes)),
      () => writeAndRead(frames, undefined, 'zstd'),
      runs,
    );
    report.add({
      group,
      name: 'raw zstd-1 compress+decompress',
      value: bytes / MB / pair.baseline.seconds,
      unit: 'MB/s',
    });
    report.add({
      group,
      name: 'container write+read (zstd-1)',
      value: bytes / MB / pair.subject.seconds,
      unit: 'MB/s',
      baseline: 'raw zstd-1 compress+decompress',
      ratio: pair.ratio,
      goal: payload === 64 ? undefined : '≥ 0.90×',
    });
    if (payload === 64) {
      report.add({
        group,
        name: 'container write+read frames/s (zstd-1)',
        value: frames.length / pair.subject.seconds / 1e6,
        unit: 'M frames/s',
        goal: '≥ 2 M frames/s',
      });
    } else {
      const zstdStored = { bytes: 0 };
      const gzipStored = { bytes: 0 };
      await writeAndRead(frames, undefined, 'zstd', zstdStored);
      await writeAndRead(frames, undefined, 'gzip', gzipStored);
      report.add({ group, name: 'stored / raw bytes (gzip-1)', value: gzipStored.bytes / bytes, unit: '×' });
      report.add({
        group,
        name: 'stored / raw bytes (zstd-1)',
        value: zstdStored.bytes / bytes,
        unit: '×',
        goal: '≤ 0.25×',
      });
    }
  }

  // The Data frames exactly as the proxies cut them (the bulk cat and the build log), scaled.
  {
    const frames: Frame[] = [];
    let bytes = 0;
    for (const name of ['bulk-cat', 'build-log'] as const) {
      for (const chunk of scaledData(await loadFrames(name), { targetBytes: total / 2 })) {
        frames.push({
          seq: frames.length,
          offsetNs: frames.length * 1000,
          data: { streamId: 1, direction: chunk.direction, bytes: chunk.bytes, channel: chunk.channel },
        });
        bytes += chunk.bytes.length;
      }
    }
    const joined = Buffer.concat(frames.map((frame) => frame.data!.bytes!));
    const group = 'container, recorded frames (bulk-cat + build-log)';
    report.note(
      `recorded frames: ${frames.length} Data frames as the SSH proxy cut them, ${(bytes / MB).toFixed(0)} MB, ${Math.round(bytes / frames.length)} B average`,
    );
    const pair = await comparePair(
      () => rawGzipRoundTrip(joined),
      () => writeAndRead(frames),
      runs,
    );
    addGzipPair(report, group, bytes, pair, undefined);
  }

  // Envelope encryption on and off, same frames.
  {
    const group = 'container encryption (32 KiB frames, corpus output)';
    const frames = framesOf(text, 32 * 1024);
    const bytes = frames.length * 32 * 1024;
    const keyWrapper = createLocalKeyWrapper({ key: randomBytes(32), keyId: 'local:bench' });
    const pair = await comparePair(
      () => writeAndRead(frames),
      () => writeAndRead(frames, keyWrapper),
      runs,
    );
    report.add({
      group,
      name: 'write+read, encryption off',
      value: bytes / MB / pair.baseline.seconds,
      unit: 'MB/s',
    });
    report.add({
      group,
      name: 'write+read, AES-256-GCM envelope',
      value: bytes / MB / pair.subject.seconds,
      unit: 'MB/s',
      baseline: 'write+read, encryption off',
      ratio: pair.ratio,
    });
  }

  // What a segment costs, primitive by primitive, on 1 MiB blocks (one thread).
  {
    const group = 'segment primitives (1 MiB blocks, corpus output, one thread)';
    const blocks: Buffer[] = [];
    for (let offset = 0; offset + SEGMENT_BYTES <= text.length; offset += SEGMENT_BYTES)
      blocks.push(text.subarray(offset, offset + SEGMENT_BYTES));
    const bytes = blocks.length * SEGMENT_BYTES;
    const compressed = blocks.map((block) => zlib.gzipSync(block, { level: 1 }));
    const key = randomBytes(32);
    const primitives: Array<[string, () => void]> = [
      [
        'SHA-256',
        () => {
          for (const block of blocks) createHash('sha256').update(block).digest();
        },
      ],
      [
        'AES-256-GCM seal',
        () => {
          for (const block of blocks) {
            const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
            cipher.update(block);
            cipher.final();
            cipher.getAuthTag();
          }
        },
      ],
      [
        'gunzip',
        () => {
          for (const block of compressed) zlib.gunzipSync(block);
        },
      ],
    ];
    const gzipAll = () => {
      for (const block of blocks) zlib.gzipSync(block, { level: 1 });
    };
    const base = await measure(gzipAll, runs);
    report.add({ group, name: 'gzip-1 compress', value: bytes / MB / base.seconds, unit: 'MB/s' });
    for (const [name, fn] of primitives) {
      const pair = await comparePair(gzipAll, fn, runs);
      report.add({
        group,
        name,
        value: bytes / MB / pair.subject.seconds,
        unit: 'MB/s',
        baseline: 'gzip-1 compress',
        ratio: pair.ratio,
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
  const group = options.group ?? 'frame encode 64 B (corpus output)';
  const frames = framesOf(await corpusOutput(8 * MB), 64);
  const buffer = new FrameBuffer(SEGMENT_BYTES + 1024);
  const memcpy = Buffer.allocUnsafe(SEGMENT_BYTES + 1024);
  // Eight passes over the 125,000 frames per timed run: long enough to time.
  const passes = 8;
  const pair = await comparePair(
    () => {
      let position = 0;
      for (let pass = 0; pass < passes; pass++) {
        for (const frame of frames) {
          if (position > SEGMENT_BYTES) position = 0;
          memcpy.set(frame.data!.bytes!, position);
          position += 64;
        }
      }
    },
    () => {
      for (let pass = 0; pass < passes; pass++) {
        for (const frame of frames) {
          if (buffer.length > SEGMENT_BYTES) buffer.reset();
          encodeFrameInto(
            buffer,
            options.sabotage
              ? { ...frame, data: { ...frame.data, bytes: Buffer.from(frame.data!.bytes!) } }
              : frame,
          );
        }
      }
    },
    7,
  );
  report.add({
    group,
    name: 'copy payloads only',
    value: (passes * frames.length) / pair.baseline.seconds / 1e6,
    unit: 'M frames/s',
  });
  report.add({
    group,
    name: 'encode into segment buffer',
    value: (passes * frames.length) / pair.subject.seconds / 1e6,
    unit: 'M frames/s',
    baseline: 'copy payloads only',
    ratio: pair.ratio,
    goal: '≥ 1 M frames/s',
  });
}

/** The two rows every container group reports: raw gzip-1 as the baseline, the container against it. */
function addGzipPair(
  report: Report,
  group: string,
  bytes: number,
  pair: Awaited<ReturnType<typeof comparePair>>,
  goal: string | undefined,
): void {
  report.add({
    group,
    name: 'raw gzip-1 compress+decompress',
    value: bytes / MB / pair.baseline.seconds,
    unit: 'MB/s',
  });
  report.add({
    group,
    name: 'container write+read (gzip-1)',
    value: bytes / MB / pair.subject.seconds,
    unit: 'MB/s',
    baseline: 'raw gzip-1 compress+decompress',
    ratio: pair.ratio,
    goal,
  });
}
