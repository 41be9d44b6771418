import type { RecordingInfo } from '@tapline/core';
import {
  createRecordingWriter,
  type Frame,
  parseHeader,
  parseTrailer,
  type RecordingWriterOptions,
  TRAILER_LENGTH,
} from '@tapline/frames';
import type { FrameObject } from './arbitraries.js';
import type { TestSegment } from './segments.js';

/**
 * Real container segments: `frames` through @tapline/frames' writer, each
 * segment with the SegmentInfo the recorder would hand a sink. Use as the
 * conformance suite's `makeSegments` to run it on real recordings.
 */
export async function makeRecordedSegments(
  sessionId: string,
  frames: readonly FrameObject[],
  options: Omit<RecordingWriterOptions, 'sessionId'> = {},
): Promise<TestSegment[]> {
  const writer = createRecordingWriter({ segmentBytes: 4096, ...options, sessionId });
  const segments: TestSegment[] = [];
  writer.on('data', (bytes: Uint8Array) => {
    const segmentIndex = segments.length;
    const header = parseHeader(bytes, segmentIndex);
    const trailer = parseTrailer(bytes.subarray(bytes.length - TRAILER_LENGTH), segmentIndex);
    segments.push({
      bytes,
      info: {
        sessionId,
        segmentIndex: header.segmentIndex,
        firstSeq: header.firstSeq,
        frameCount: trailer.frameCount,
        final: header.final,
        hash: trailer.hash,
      },
    });
  });
  const finished = new Promise<void>((resolve, reject) => {
    writer.on('end', resolve);
    writer.on('error', reject);
  });
  for (const frame of frames) {
    if (!writer.write(frame as unknown as Frame))
      await new Promise((resolve) => writer.once('drain', resolve));
  }
  writer.end();
  await finished;
  return segments;
}

/**
 * A `makeSegments` for the sink suite that records terminal-like Data frames
 * through the real writer until each segment's body is about the size asked.
 */
export function recordedSegmentMaker(): (
  recording: RecordingInfo,
  bodySizes: number[],
  seed: number,
) => Promise<TestSegment[]> {
  return async (recording, bodySizes, seed) => {
    const total = bodySizes.reduce((a, b) => a + b, 0);
    const frames: FrameObject[] = [
      {
        seq: 0,
        offsetNs: 0,
        sessionStart: {
          startedAtUnixMs: recording.startedAt,
          sessionId: recording.sessionId,
          protocol: recording.context.protocol,
          clientAddress: '',
          target: '',
          grant: {
            user: { id: recording.context.user.id, name: '', email: '' },
            approvers: [],
            accessFlow: { id: '', name: '' },
            accessRequestId: recording.context.accessRequestId,
            accessRequestStatus: 'approved',
            resource: {
              id: recording.context.resource.id,
              type: recording.context.resource.type,
              name: '',
              integration: '',
            },
            permissions: [],
            expiresAtUnixMs: 0,
          },
          labels: {},
        },
      } as FrameObject,
    ];
    let produced = 0;
    let state = seed >>> 0 || 1;
    while (produced < total) {
      state = (state * 1103515245 + 12345) >>> 0;
      const size = Math.min(total - produced, 256 + (state % 8192));
      const bytes = new Uint8Array(size);
      // Incompressible enough that compressed segments track the sizes asked.
      for (let i = 0; i < size; i++) {
        state = (state * 1664525 + 1013904223) >>> 0;
        bytes[i] = state >>> 24;
      }
      frames.push({
        seq: frames.length,
        offsetNs: frames.length * 1000,
        data: { streamId: 1, direction: 2, bytes, channel: 0 },
      } as FrameObject);
      produced += size;
    }
    const average = Math.max(64, Math.floor(total / Math.max(1, bodySizes.length)));
    return makeRecordedSegments(recording.sessionId, frames, {
      segmentBytes: Math.min(64 * 1024 * 1024, average),
    });
  };
}
