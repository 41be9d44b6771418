import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SinkCheckpoint } from '@tapline/core';
import {
  concatBytes,
  makeRecordingInfo,
  makeTestSegments,
  summaryOf,
  type TestSegment,
} from '@tapline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LargeUploadResult } from '../bench/large-upload.js';
import { createS3Sink, readRecording, type S3SinkOptions } from '../src/index.js';
import { collect, type S3rverProcess, startS3rver } from './s3-harness.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
/** Outage length; the real thing may last minutes, tests keep it short. */
const OUTAGE_MS = Number(process.env.TAPLINE_S3_OUTAGE_MS ?? 2000);
/** Size of the large-recording test; the bench script does 1 GiB. */
const LARGE_MIB = Number(process.env.TAPLINE_S3_LARGE_MIB ?? 256);

let server: S3rverProcess;
beforeAll(async () => {
  server = await startS3rver();
});
afterAll(async () => {
  await server?.stop();
});

function options(extra: Partial<S3SinkOptions>): S3SinkOptions {
  return {
    clientConfig: server.clientConfig(),
    bucket: 'recordings',
    prefix: 'outage',
    partSize: 5 * MiB,
    queueSize: 1,
    ...extra,
  };
}

async function expectObject(location: string, segments: TestSegment[]): Promise<void> {
  const stored = await collect(await readRecording({ url: location, clientConfig: server.clientConfig() }));
  expect(stored.length).toBe(summaryOf(segments).bytes);
  expect(stored.equals(Buffer.from(concatBytes(segments.map((s) => s.bytes))))).toBe(true);
}

describe('S3 outage in the middle of an upload', () => {
  it(`retries run out → a retryable coded rejection; after the server is back (${OUTAGE_MS} ms) a resume from the last checkpoint gives every segment once`, async () => {
    const sink = createS3Sink(options({ retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 100 } }));
    const recording = makeRecordingInfo();
    const segments = makeTestSegments(recording.sessionId, { sizes: Array.from({ length: 24 }, () => MiB) });
    const open = await sink.open(recording);
    let latest: SinkCheckpoint | undefined;
    let index = 0;
    // Until two parts are durable (queueSize 1: each part waits for the one before).
    while (!latest || (latest.state as { parts: unknown[] }).parts.length < 2) {
      latest = (await open.write(segments[index]!.bytes, segments[index]!.info)) ?? latest;
      index++;
    }
    const outageStarted = performance.now();
    await server.kill();
    const failure = await (async () => {
      for (; index < segments.length; index++)
        await open.write(segments[index]!.bytes, segments[index]!.info);
      await open.close(summaryOf(segments));
    })().catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'TAPLINE_ERR_SINK_TRANSIENT',
      details: expect.objectContaining({ retryable: true }),
    });
    await open.abort(failure as Error);

    const remaining = OUTAGE_MS - (performance.now() - outageStarted);
    if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
    await server.restart();
    // The spool reopens with the checkpoint it persisted and replays from there.
    const again = await sink.open(recording, latest);
    for (let i = latest.segments; i < segments.length; i++)
      await again.write(segments[i]!.bytes, segments[i]!.info);
    const receipt = await again.close(summaryOf(segments));
    await expectObject(receipt.location, segments);
    sink.destroy();
  });

  it(`retries that outlast the outage (${OUTAGE_MS} ms) hide it from the caller`, async () => {
    const sink = createS3Sink(
      // Enough attempts to outlast the outage however long it is set to be.
      options({
        retry: { maxAttempts: 100 + Math.ceil(OUTAGE_MS / 100), initialDelayMs: 100, maxDelayMs: 250 },
      }),
    );
    const recording = makeRecordingInfo();
    const segments = makeTestSegments(recording.sessionId, { sizes: Array.from({ length: 16 }, () => MiB) });
    const open = await sink.open(recording);
    for (let i = 0; i < 6; i++) await open.write(segments[i]!.bytes, segments[i]!.info);
    await server.kill();
    const back = new Promise<void>((resolve, reject) =>
      setTimeout(() => server.restart().then(resolve, reject), OUTAGE_MS),
    );
    for (let i = 6; i < segments.length; i++) await open.write(segments[i]!.bytes, segments[i]!.info);
    const receipt = await open.close(summaryOf(segments));
    await back;
    await expectObject(receipt.location, segments);
    sink.destroy();
  });
});

describe('large recording', () => {
  it(`${LARGE_MIB} MiB through 8 MiB parts keeps the sink's memory bounded (RSS measured in a fresh process)`, async () => {
    // The bench script in its own process (with its own s3rver), so RSS is the sink's, not the test runner's.
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=source',
        'bench/large-upload.ts',
        '--mib',
        String(LARGE_MIB),
        '--part-mib',
        '8',
        '--queue',
        '4',
      ],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), maxBuffer: 1 << 20 },
    );
    const result = JSON.parse(stdout) as LargeUploadResult;
    console.log(
      `sink-s3 large upload: ${LARGE_MIB} MiB in ${result.seconds.toFixed(2)} s = ${result.mibPerSecond.toFixed(1)} MiB/s; ` +
        `RSS ${result.rssBaselineMib.toFixed(0)} → peak ${result.rssPeakMib.toFixed(0)} MiB (+${result.rssGrowthMib.toFixed(0)} MiB); ` +
        `${result.parts} parts, ${result.checkpoints} checkpoints`,
    );
    expect(result.verified).toBe(true);
    expect(result.bytes).toBe(LARGE_MIB * MiB);
    expect(result.checkpoints).toBeGreaterThan(0);
    // (queueSize + 1) parts of 8 MiB plus SDK and socket buffers, whatever the recording's size.
    expect(result.rssGrowthMib).toBeLessThan(Math.min(160, LARGE_MIB / 2 + 60));
  });
});
