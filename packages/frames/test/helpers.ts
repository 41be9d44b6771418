import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { createRecordingWriter, type Frame, type RecordingWriterOptions, tapline } from '../src/index.js';

/** Writes `frames` through a writer and returns the segments it pushed. */
export async function writeRecording(
  frames: Frame[],
  options: Partial<RecordingWriterOptions> & { end?: boolean } = {},
): Promise<Buffer[]> {
  const { end = true, ...writerOptions } = options;
  const writer = createRecordingWriter({ sessionId: SESSION_ID, ...writerOptions });
  const segments: Buffer[] = [];
  writer.on('data', (segment: Buffer) => segments.push(segment));
  for (const frame of frames) {
    if (!writer.write(frame)) await new Promise((resolve) => writer.once('drain', resolve));
  }
  if (end) {
    await new Promise<void>((resolve, reject) => {
      writer.on('error', reject);
      writer.end(resolve);
    });
  } else {
    writer.cutSegment();
    await new Promise((resolve) => setTimeout(resolve, 50));
    while (writer.writableLength > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    writer.destroy();
  }
  return segments;
}

export const SESSION_ID = '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b';

export function randomSessionId(): string {
  return randomUUID();
}

/** A session-like list of frames: start, a shell stream with traffic, end. */
export function sampleFrames(dataFrames: number, payloadBytes = 64): Frame[] {
  const frames: Frame[] = [];
  let seq = 0;
  const at = () => seq * 1_000_000;
  frames.push({
    seq: seq,
    offsetNs: at(),
    sessionStart: {
      startedAtUnixMs: 1_790_000_000_000,
      sessionId: SESSION_ID,
      protocol: 'ssh',
      clientAddress: '127.0.0.1:50000',
      target: 'db.internal:22',
      grant: { user: { id: 'u-1', name: 'Ada', email: 'ada@example.com' }, accessRequestId: 'ar-1' },
    },
  });
  seq++;
  frames.push({
    seq,
    offsetNs: at(),
    streamOpen: { streamId: 1, kind: tapline.v1.StreamKind.STREAM_KIND_SSH_SHELL },
  });
  seq++;
  for (let i = 0; i < dataFrames; i++) {
    const bytes = Buffer.alloc(payloadBytes, `line ${i} of output\r\n`);
    frames.push({
      seq,
      offsetNs: at(),
      data: {
        streamId: 1,
        direction:
          i % 3 === 0
            ? tapline.v1.Direction.DIRECTION_CLIENT_TO_TARGET
            : tapline.v1.Direction.DIRECTION_TARGET_TO_CLIENT,
        bytes,
      },
    });
    seq++;
  }
  frames.push({
    seq,
    offsetNs: at(),
    sessionEnd: { reason: tapline.v1.EndReason.END_REASON_CLIENT_CLOSED, frames: seq + 1 },
  });
  return frames;
}

export function streamOf(chunks: Uint8Array[]): Readable {
  return Readable.from(chunks, { objectMode: false });
}

// ---- fast-check arbitraries for frames --------------------------------------

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const text = fc.string({ maxLength: 40 });
const stringMap = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), {
  maxKeys: 3,
});
const bytes = fc.uint8Array({ maxLength: 300 });
const enumOf = (max: number) => fc.integer({ min: 0, max });

const bodyArbitrary: fc.Arbitrary<Partial<Frame>> = fc.oneof(
  fc.record({ data: fc.record({ streamId: u32, direction: enumOf(2), bytes, channel: enumOf(3) }) }),
  fc.record({ resize: fc.record({ streamId: u32, cols: u32, rows: u32 }) }),
  fc.record({
    sessionStart: fc.record({
      startedAtUnixMs: fc.integer({ min: 0, max: 2 ** 45 }),
      sessionId: text,
      protocol: text,
      clientAddress: text,
      target: text,
      labels: stringMap,
      grant: fc.record({
        user: fc.record({ id: text, name: text, email: text }),
        approvers: fc.array(fc.record({ id: text, name: text }), { maxLength: 3 }),
        accessRequestId: text,
        permissions: fc.array(text, { maxLength: 3 }),
        expiresAtUnixMs: fc.integer({ min: 0, max: 2 ** 45 }),
      }),
    }),
  }),
  fc.record({ sessionEnd: fc.record({ reason: enumOf(8), detail: text, frames: fc.nat() }) }),
  fc.record({
    streamOpen: fc.record({ streamId: u32, kind: enumOf(5), details: stringMap, cols: u32, rows: u32 }),
  }),
  fc.record({
    streamClose: fc.record({
      streamId: u32,
      exitStatus: fc.integer({ min: -255, max: 255 }),
      exitSignal: text,
    }),
  }),
  fc.record({ command: fc.record({ streamId: u32, text, source: text, startedOffsetNs: fc.nat() }) }),
  fc.record({
    query: fc.record({
      streamId: u32,
      text,
      parameters: fc.array(fc.record({ value: text, isNull: fc.boolean(), type: text }), { maxLength: 3 }),
      rows: fc.nat(),
    }),
  }),
  fc.record({
    apiCall: fc.record({
      verb: text,
      path: text,
      statusCode: fc.integer({ min: 100, max: 599 }),
      requestBody: bytes,
    }),
  }),
  fc.record({
    fileOperation: fc.record({
      kind: enumOf(16),
      path: text,
      flags: fc.array(text, { maxLength: 3 }),
      bytesWritten: fc.nat(),
    }),
  }),
  fc.record({
    annotation: fc.record({ kind: enumOf(6), code: text, message: text, bytesNotRecorded: fc.nat() }),
  }),
);

/** A list of frames with dense seqs and non-decreasing offsets. */
export const framesArbitrary: fc.Arbitrary<Frame[]> = fc
  .array(fc.tuple(bodyArbitrary, fc.integer({ min: 0, max: 5_000_000_000 })), { maxLength: 60 })
  .map((items) => {
    let offsetNs = 0;
    return items.map(([body, step], seq) => {
      offsetNs += step;
      return { seq, offsetNs, ...body } as Frame;
    });
  });

export interface SegmentEdit {
  /** A new body (the header's body length follows it). */
  body?: Uint8Array;
  codec?: 'none' | 'gzip' | 'brotli' | 'zstd';
  frameCount?: number;
  rawLength?: number;
}

/**
 * Rebuilds segments with edits and recomputes every hash and previous-hash
 * link, as a forger with write access would: only checks beyond the hashes
 * can catch what comes out.
 */
export function forgeRecording(segments: Buffer[], edits: Record<number, SegmentEdit>): Buffer[] {
  let previousHash = Buffer.alloc(32);
  return segments.map((segment, index) => {
    const edit = edits[index] ?? {};
    const extensionLength = segment.readUInt16BE(84);
    const bodyStart = 92 + extensionLength;
    const oldBodyLength = segment.readUInt32BE(88);
    const oldTrailer = segment.subarray(bodyStart + oldBodyLength);
    const body = edit.body ?? segment.subarray(bodyStart, bodyStart + oldBodyLength);
    const out = Buffer.alloc(bodyStart + body.length + 48);
    segment.copy(out, 0, 0, bodyStart);
    if (edit.codec) out[5] = { none: 0, gzip: 1, brotli: 2, zstd: 3 }[edit.codec];
    previousHash.copy(out, 52);
    out.writeUInt32BE(body.length, 88);
    out.set(body, bodyStart);
    const trailerStart = bodyStart + body.length;
    out.writeUInt32BE(edit.frameCount ?? oldTrailer.readUInt32BE(0), trailerStart);
    const rawLength = edit.rawLength ?? oldTrailer.readUInt32BE(4) * 2 ** 32 + oldTrailer.readUInt32BE(8);
    out.writeUInt32BE(Math.floor(rawLength / 2 ** 32), trailerStart + 4);
    out.writeUInt32BE(rawLength >>> 0, trailerStart + 8);
    previousHash = createHash('sha256')
      .update(out.subarray(0, trailerStart + 12))
      .digest();
    previousHash.copy(out, trailerStart + 12);
    oldTrailer.copy(out, trailerStart + 44, 44, 48);
    return out;
  });
}
