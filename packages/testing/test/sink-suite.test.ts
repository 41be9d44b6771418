import type { RecordingInfo, SegmentInfo, Sink, SinkCheckpoint, SinkRecording } from '@tapline/core';
import { verifyRecording } from '@tapline/frames';
import { describe, expect, it } from 'vitest';
import {
  createMemorySink,
  makeRecordingInfo,
  recordedSegmentMaker,
  runSinkCheck,
  type SinkCheckName,
  type SinkSuiteOptions,
  testSink,
} from '../src/index.js';

function memoryOptions(
  wrap: (sink: ReturnType<typeof createMemorySink>) => Sink = (sink) => sink,
): SinkSuiteOptions {
  let current: ReturnType<typeof createMemorySink> | undefined;
  return {
    name: 'memory',
    factory: () => {
      current = createMemorySink();
      return wrap(current);
    },
    readBack: async (receipt) => current!.read(receipt.location),
    throttled: {
      factory: (valve) => {
        current = createMemorySink({ valve, highWaterMark: 64 * 1024 });
        return wrap(current);
      },
      maxBufferedBytes: 64 * 1024,
      segmentBytes: 8 * 1024,
    },
    segmentCount: 10,
    largeSegmentBytes: 2 * 1024 * 1024,
  };
}

// The reference sink passes the whole suite.
testSink(memoryOptions());

/** Wraps every SinkRecording a sink opens. */
function wrapRecordings(
  sink: Sink,
  wrap: (open: SinkRecording, recording: RecordingInfo, resume?: SinkCheckpoint) => SinkRecording,
  openHook?: (recording: RecordingInfo, resume?: SinkCheckpoint) => SinkCheckpoint | undefined,
): Sink {
  return {
    name: 'broken',
    async open(recording, resume) {
      const inner = await sink.open(recording, openHook ? openHook(recording, resume) : resume);
      return wrap(inner, recording, resume);
    },
  };
}

// Broken controls: each must fail the check that targets its defect, proving the suite has teeth.
const controls: Array<{
  check: SinkCheckName;
  defect: string;
  wrap: (sink: ReturnType<typeof createMemorySink>) => Sink;
}> = [
  {
    check: 'round-trip',
    defect: 'drops segment 2',
    wrap: (sink) =>
      wrapRecordings(sink, (open) => ({
        ...open,
        write: (segment: Uint8Array, info: SegmentInfo) =>
          info.segmentIndex === 2 ? Promise.resolve(undefined) : open.write(segment, info),
      })),
  },
  {
    check: 'round-trip',
    defect: 'close() resolves before the data is durable',
    wrap: (sink) =>
      wrapRecordings(sink, (open, recording) => ({
        ...open,
        async close(summary) {
          const stash = sink.stored.get(recording.sessionId)!.splice(0);
          const receipt = await open.close(summary);
          const durable = sink.stored.get(recording.sessionId)!;
          const late = durable.splice(0);
          setTimeout(() => durable.push(...stash, ...late), 50);
          return receipt;
        },
      })),
  },
  {
    check: 'resume-latest',
    defect: 'ignores the resume checkpoint (starts over)',
    wrap: (sink) =>
      wrapRecordings(
        sink,
        (open) => open,
        () => undefined,
      ),
  },
  {
    check: 'resume-older',
    defect: 'appends on resume instead of cutting back to the checkpoint',
    wrap: (sink) =>
      wrapRecordings(
        sink,
        (open) => open,
        (recording, resume) =>
          resume ? { segments: sink.stored.get(recording.sessionId)?.length ?? 0 } : resume,
      ),
  },
  {
    check: 'checkpoints',
    defect: 'claims progress it has not made',
    wrap: (sink) =>
      wrapRecordings(sink, (open) => ({
        ...open,
        write: async (segment: Uint8Array, info: SegmentInfo) => {
          await open.write(segment, info);
          return { segments: info.segmentIndex + 2 };
        },
      })),
  },
  {
    check: 'checkpoints',
    defect: 'returns a checkpoint that is not JSON',
    wrap: (sink) =>
      wrapRecordings(sink, (open) => ({
        ...open,
        write: async (segment: Uint8Array, info: SegmentInfo) => {
          const checkpoint = await open.write(segment, info);
          return checkpoint && { ...checkpoint, state: new Map([['uploadId', 'x']]) };
        },
      })),
  },
  {
    check: 'abort-keeps-durable',
    defect: 'abort() deletes durable data',
    wrap: (sink) =>
      wrapRecordings(sink, (open, recording) => ({
        ...open,
        async abort(reason) {
          await open.abort(reason);
          sink.stored.delete(recording.sessionId);
        },
      })),
  },
  {
    check: 'concurrent',
    defect: 'writes every recording into the first one opened',
    wrap: (sink) => {
      let first: SinkRecording | undefined;
      return wrapRecordings(sink, (open) => {
        first ??= open;
        const target = first;
        return {
          ...open,
          write: (segment: Uint8Array, info: SegmentInfo) =>
            open === target ? open.write(segment, info) : Promise.resolve(undefined),
        };
      });
    },
  },
  {
    check: 'no-mutation',
    defect: 'scribbles on the caller’s buffer',
    wrap: (sink) =>
      wrapRecordings(sink, (open) => ({
        ...open,
        write: async (segment: Uint8Array, info: SegmentInfo) => {
          const result = await open.write(segment, info);
          segment[segment.length - 1] = (segment[segment.length - 1] ?? 0) ^ 0xff;
          return result;
        },
      })),
  },
  {
    check: 'backpressure',
    defect: 'buffers without limit (write() never waits for storage)',
    wrap: (sink) =>
      wrapRecordings(sink, (open) => {
        let chain: Promise<unknown> = Promise.resolve();
        return {
          ...open,
          write: (segment: Uint8Array, info: SegmentInfo) => {
            chain = chain.then(() => open.write(segment, info));
            return Promise.resolve(undefined);
          },
          close: async (summary) => {
            await chain;
            return open.close(summary);
          },
        };
      }),
  },
  {
    check: 'empty',
    defect: 'writes a header into empty recordings',
    wrap: (sink) =>
      wrapRecordings(sink, (open, recording) => ({
        ...open,
        async close(summary) {
          const receipt = await open.close(summary);
          sink.stored.get(recording.sessionId)!.push(Uint8Array.of(1, 2, 3));
          return { ...receipt, bytes: receipt.bytes + 3 };
        },
      })),
  },
];

describe('broken sinks fail the suite', () => {
  for (const control of controls) {
    it(`${control.check}: a sink that ${control.defect}`, async () => {
      await expect(runSinkCheck(control.check, memoryOptions(control.wrap))).rejects.toThrow();
    });
  }

  it('the same checks pass on the unbroken reference sink (the controls are not vacuous)', async () => {
    for (const check of new Set(controls.map((c) => c.check))) await runSinkCheck(check, memoryOptions());
  });
});

// The same suite over real container segments from @tapline/frames' writer.
testSink({
  ...memoryOptions(),
  name: 'memory, real container segments',
  makeSegments: recordedSegmentMaker(),
});

describe('makeRecordedSegments', () => {
  it('produces a chained, verifiable recording whose SegmentInfo matches the headers', async () => {
    const recording = makeRecordingInfo();
    const segments = await recordedSegmentMaker()(recording, [5000, 5000, 5000], 3);
    expect(segments.length).toBeGreaterThan(1);
    segments.forEach((segment, i) => {
      expect(segment.info.segmentIndex).toBe(i);
      expect(segment.info.sessionId).toBe(recording.sessionId);
      expect(segment.info.final).toBe(i === segments.length - 1);
    });
    const report = await verifyRecording(segments.map((s) => s.bytes));
    expect(report).toMatchObject({
      intact: true,
      complete: true,
      sessionId: recording.sessionId,
      segments: segments.length,
    });
  });
});
