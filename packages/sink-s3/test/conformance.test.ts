import { recordedSegmentMaker, testSink } from '@tapline/testing';
import { afterAll, beforeAll } from 'vitest';
import { createS3Sink, readRecording, type S3Sink } from '../src/index.js';
import { collect, type S3rverProcess, startS3Proxy, startS3rver } from './s3-harness.js';

const MiB = 1024 * 1024;
let server: S3rverProcess;
const proxies: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  server = await startS3rver();
});
afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  await server?.stop();
});

const sinkOptions = () => ({
  clientConfig: server.clientConfig(),
  bucket: 'recordings',
  prefix: 'conformance',
  partSize: 5 * MiB,
  queueSize: 2,
  retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 200 },
});

testSink({
  name: 's3 (s3rver)',
  factory: () => createS3Sink(sinkOptions()),
  readBack: async (receipt) =>
    collect(await readRecording({ url: receipt.location, clientConfig: server.clientConfig() })),
  cleanup: (sink) => (sink as S3Sink).destroy(),
  // Segments up to 3 MiB so ordinary recordings span several 5 MiB parts and
  // checkpoints carry real multipart state.
  segmentCount: 14,
  segmentBytes: 3 * MiB,
  largeSegmentBytes: 6 * MiB,
  throttled: {
    factory: async (valve) => {
      const proxy = await startS3Proxy(server.port, { valve });
      proxies.push(proxy);
      return createS3Sink({
        ...sinkOptions(),
        clientConfig: server.clientConfig(proxy.endpoint),
        queueSize: 1,
      });
    },
    // One part stuck uploading, one filling, plus the segment that fills it.
    maxBufferedBytes: 2 * 5 * MiB + MiB,
    segmentBytes: MiB,
  },
  timeoutMs: 90_000,
});

// Again over real container segments from @tapline/frames' writer.
testSink({
  name: 's3 (s3rver), real container segments',
  factory: () => createS3Sink(sinkOptions()),
  readBack: async (receipt) =>
    collect(await readRecording({ url: receipt.location, clientConfig: server.clientConfig() })),
  cleanup: (sink) => (sink as S3Sink).destroy(),
  makeSegments: recordedSegmentMaker(),
  segmentCount: 8,
  segmentBytes: 2 * MiB,
  skip: {
    backpressure: 'covered above with fixture segments',
    'large-segments': 'covered above with fixture segments',
  },
  timeoutMs: 90_000,
});
