import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SinkCheckpoint } from '@tapline/core';
import { isTaplineError } from '@tapline/frames';
import { concatBytes, makeRecordingInfo, makeTestSegments, summaryOf, writeSegments } from '@tapline/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createS3Sink,
  listRecordings,
  parseS3Url,
  readRecording,
  type S3CheckpointState,
  type S3SinkOptions,
  uploadRecording,
} from '../src/index.js';
import { collect, type S3rverProcess, startS3Proxy, startS3rver } from './s3-harness.js';

const MiB = 1024 * 1024;
let server: S3rverProcess;

beforeAll(async () => {
  server = await startS3rver(['recordings', 'other']);
});
afterAll(async () => {
  await server?.stop();
});

function options(extra: Partial<S3SinkOptions> = {}): S3SinkOptions {
  return {
    clientConfig: server.clientConfig(),
    bucket: 'recordings',
    prefix: 'tests',
    partSize: 5 * MiB,
    queueSize: 2,
    retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 100 },
    ...extra,
  };
}

async function readBack(location: string): Promise<Buffer> {
  return collect(await readRecording({ url: location, clientConfig: server.clientConfig() }));
}

function s3Client(): S3Client {
  return new S3Client(server.clientConfig());
}

describe('multipart upload', () => {
  it('uploads parts during the session and checkpoints upload id, parts, ETags and checksums', async () => {
    // One part in flight at a time: each new part waits for the one before, so
    // checkpoints appear during the session however fast the machine is.
    const sink = createS3Sink(options({ queueSize: 1 }));
    const recording = makeRecordingInfo();
    // 12 × 2 MiB + change: five full 5 MiB parts and a short last one.
    const segments = makeTestSegments(recording.sessionId, {
      sizes: Array.from({ length: 13 }, () => 2 * MiB),
    });
    const open = await sink.open(recording);
    const { all } = await writeSegments(open, segments, 0, segments.length);
    // Parts were durable before close(): a long session is mostly uploaded while it runs.
    expect(all.length).toBeGreaterThanOrEqual(3);
    const last = all[all.length - 1]!.state as S3CheckpointState;
    expect(last.uploadId).toMatch(/\S/);
    expect(last.parts.map((part) => part.n)).toEqual(last.parts.map((_, i) => i + 1));
    expect(last.parts.every((part) => part.etag.length > 0 && (part.checksum?.length ?? 0) > 0)).toBe(true);
    expect(last.bytes).toBe(last.parts.length * 5 * MiB);
    // The checkpoint's segment count and skip agree with the bytes in its parts.
    const starts = segments.map((_, i) => segments.slice(0, i).reduce((n, s) => n + s.bytes.length, 0));
    const cp = all[all.length - 1]!;
    expect(starts[cp.segments]! + last.skip).toBe(last.bytes);

    const receipt = await open.close(summaryOf(segments));
    expect(receipt.location).toMatch(/^s3:\/\/recordings\/tests\/2026\/03\/03\/[0-9a-f-]{36}\.tapline$/);
    const stored = await readBack(receipt.location);
    expect(stored.equals(Buffer.from(concatBytes(segments.map((s) => s.bytes))))).toBe(true);

    // Object metadata names the session, never its content.
    const { key } = parseS3Url(receipt.location);
    const client = s3Client();
    const head = await client.send(new HeadObjectCommand({ Bucket: 'recordings', Key: key }));
    client.destroy();
    expect(head.Metadata).toMatchObject({
      'tapline-session-id': recording.sessionId,
      'tapline-user-id': 'user-42',
      'tapline-access-request-id': recording.context.accessRequestId,
      'tapline-protocol': 'ssh',
    });
    expect(JSON.stringify(head.Metadata)).not.toMatch(/kubectl|SELECT|customers/);
    sink.destroy();
  });

  it('sends tags, SSE-S3 / SSE-KMS headers and a checksum with each part (seen on the wire)', async () => {
    const seen: Array<{
      method: string;
      path: string;
      query: Record<string, unknown>;
      headers: Record<string, string>;
    }> = [];
    for (const sse of [
      { serverSideEncryption: 'AES256' as const },
      {
        serverSideEncryption: 'aws:kms' as const,
        sseKmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/test',
      },
    ]) {
      const client = new S3Client(server.clientConfig());
      client.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as {
            method: string;
            path: string;
            query: Record<string, unknown>;
            headers: Record<string, string>;
          };
          seen.push({
            method: request.method,
            path: request.path,
            query: { ...request.query },
            headers: { ...request.headers },
          });
          // s3rver rejects SSE-KMS (no KMS behind it); what matters here is what the sink sends.
          if (request.headers['x-amz-server-side-encryption'] === 'aws:kms') {
            return {
              response: { statusCode: 200, headers: {}, body: undefined },
              output: { UploadId: 'kms-test', $metadata: {} },
            } as never;
          }
          return next(args);
        },
        { step: 'finalizeRequest', name: 'capture' },
      );
      const sink = createS3Sink(
        options({ client, ...sse, tags: { team: 'payments' }, metadata: { connector: 'eu-1' } }),
      );
      const recording = makeRecordingInfo();
      await sink.open(recording);
      client.destroy();
    }
    const creates = seen.filter((request) => request.method === 'POST' && 'uploads' in request.query);
    expect(creates).toHaveLength(2);
    const [s3, kms] = creates;
    expect(s3!.headers['x-amz-server-side-encryption']).toBe('AES256');
    expect(kms!.headers['x-amz-server-side-encryption']).toBe('aws:kms');
    expect(kms!.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe(
      'arn:aws:kms:eu-west-1:111122223333:key/test',
    );
    const tagging = new URLSearchParams(s3!.headers['x-amz-tagging']);
    expect(tagging.get('tapline-user-id')).toBe('user-42');
    expect(tagging.get('team')).toBe('payments');
    expect(tagging.get('tapline-session-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(s3!.headers['x-amz-meta-connector']).toBe('eu-1');
    expect(s3!.headers['x-amz-checksum-algorithm']).toBe('CRC32');

    // Each part carries its CRC32, computed by the sink over exactly the part's bytes.
    const partHeaders: Array<Record<string, string>> = [];
    const client = new S3Client(server.clientConfig());
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { query: Record<string, unknown>; headers: Record<string, string> };
        if ('partNumber' in request.query) partHeaders.push({ ...request.headers });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'capture-parts' },
    );
    const sink = createS3Sink(options({ client, queueSize: 1 }));
    const recording = makeRecordingInfo();
    const segments = makeTestSegments(recording.sessionId, { sizes: [6 * MiB, 6 * MiB] });
    const open = await sink.open(recording);
    const { all } = await writeSegments(open, segments, 0, segments.length);
    await open.close(summaryOf(segments));
    client.destroy();
    expect(partHeaders.length).toBe(3);
    const firstPart = Buffer.from(concatBytes(segments.map((s) => s.bytes))).subarray(0, 5 * MiB);
    const { crc32 } = await import('node:zlib');
    const expected = Buffer.alloc(4);
    expected.writeUInt32BE(crc32(firstPart) >>> 0);
    expect(partHeaders[0]!['x-amz-checksum-crc32']).toBe(expected.toString('base64'));
    expect((all[0]!.state as S3CheckpointState).parts[0]!.checksum).toBe(expected.toString('base64'));
  });

  it('abort() drops an upload that never finished a part, and keeps one that did', async () => {
    const deletes: string[] = [];
    const client = new S3Client(server.clientConfig());
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { method: string; path: string; query: Record<string, unknown> };
        if (request.method === 'DELETE' && 'uploadId' in request.query)
          deletes.push(String(request.query.uploadId));
        return next(args);
      },
      { step: 'finalizeRequest', name: 'capture-deletes' },
    );
    const sink = createS3Sink(options({ client, queueSize: 1 }));
    // A strict-mode style probe: open, then abort.
    const probe = await sink.open(makeRecordingInfo());
    await probe.abort(new Error('probe'));
    expect(deletes).toHaveLength(1);
    // An attempt with durable parts: abort keeps them for the resume.
    const recording = makeRecordingInfo();
    const segments = makeTestSegments(recording.sessionId, { sizes: [6 * MiB, 6 * MiB, 10] });
    const open = await sink.open(recording);
    const { latest } = await writeSegments(open, segments, 0, 2);
    expect(latest).toBeDefined();
    await open.abort(new Error('outage'));
    expect(deletes).toHaveLength(1);
    client.destroy();
  });

  it('rejects bad options with TAPLINE_ERR_SINK_CONFIG', () => {
    for (const bad of [{ partSize: 1024 }, { queueSize: 0 }, { sseKmsKeyId: 'k' }]) {
      expect(() => createS3Sink(options(bad))).toThrow(
        expect.objectContaining({ code: 'TAPLINE_ERR_SINK_CONFIG' }),
      );
    }
  });
});

describe('resume', () => {
  it('a crash after CompleteMultipartUpload, resumed from the last checkpoint, is recognised as delivered', async () => {
    const sink = createS3Sink(options({ queueSize: 1 }));
    const recording = makeRecordingInfo();
    const segments = makeTestSegments(recording.sessionId, { sizes: [4 * MiB, 4 * MiB, 4 * MiB] });
    const first = await sink.open(recording);
    const { latest } = await writeSegments(first, segments, 0, segments.length);
    expect(latest).toBeDefined();
    await first.close(summaryOf(segments)); // ...and the spool dies before noting it
    const again = await sink.open(recording, latest);
    await writeSegments(again, segments, latest!.segments, segments.length, latest);
    const receipt = await again.close(summaryOf(segments));
    expect(receipt.bytes).toBe(summaryOf(segments).bytes);
    expect(
      (await readBack(receipt.location)).equals(Buffer.from(concatBytes(segments.map((s) => s.bytes)))),
    ).toBe(true);
    sink.destroy();
  });

  it('property: any crash point and any earlier checkpoint resume to the exact object', async () => {
    const sink = createS3Sink(options());
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 3 * MiB }), { minLength: 3, maxLength: 9 }),
        fc.nat(),
        fc.nat(),
        async (sizes, crashSeed, pickSeed) => {
          const recording = makeRecordingInfo();
          const segments = makeTestSegments(recording.sessionId, { sizes, seed: crashSeed });
          const crashAfter = 1 + (crashSeed % segments.length);
          const first = await sink.open(recording);
          const { all } = await writeSegments(first, segments, 0, crashAfter);
          const checkpoint: SinkCheckpoint | undefined = all.length ? all[pickSeed % all.length] : undefined;
          const again = await sink.open(recording, checkpoint);
          await writeSegments(again, segments, checkpoint?.segments ?? 0, segments.length, checkpoint);
          const receipt = await again.close(summaryOf(segments));
          const stored = await readBack(receipt.location);
          return stored.equals(Buffer.from(concatBytes(segments.map((s) => s.bytes))));
        },
      ),
      { numRuns: 6, seed: 20260303 },
    );
    sink.destroy();
  });

  it('garbage checkpoints are refused with TAPLINE_ERR_SINK_CHECKPOINT, never a crash', async () => {
    const sink = createS3Sink(options());
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 100 }), fc.anything(), async (segments, state) => {
        const error = await sink.open(makeRecordingInfo(), { segments: segments + 1, state }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isTaplineError(error, 'TAPLINE_ERR_SINK_CHECKPOINT')).toBe(true);
      }),
      { numRuns: 200 },
    );
    // A well-formed state for another bucket is refused too.
    const valid: S3CheckpointState = {
      v: 1,
      bucket: 'other',
      key: 'k',
      uploadId: 'u',
      partSize: 5 * MiB,
      parts: [],
      bytes: 0,
      skip: 0,
      token: 't',
      checksum: 'CRC32',
    };
    await expect(sink.open(makeRecordingInfo(), { segments: 0, state: valid })).rejects.toMatchObject({
      code: 'TAPLINE_ERR_SINK_CHECKPOINT',
    });
    sink.destroy();
  });

  it('refuses out-of-order segments and use after close', async () => {
    const sink = createS3Sink(options());
    const recording = makeRecordingInfo();
    const segments = makeTestSegments(recording.sessionId, { sizes: [10, 20, 30] });
    const open = await sink.open(recording);
    await open.write(segments[0]!.bytes, segments[0]!.info);
    await expect(open.write(segments[2]!.bytes, segments[2]!.info)).rejects.toMatchObject({
      code: 'TAPLINE_ERR_SINK_ORDER',
    });
    await open.write(segments[1]!.bytes, segments[1]!.info);
    await open.write(segments[2]!.bytes, segments[2]!.info);
    await open.close(summaryOf(segments));
    await expect(open.write(segments[2]!.bytes, segments[2]!.info)).rejects.toMatchObject({
      code: 'TAPLINE_ERR_SINK_CLOSED',
    });
    await expect(open.close(summaryOf(segments))).rejects.toMatchObject({ code: 'TAPLINE_ERR_SINK_CLOSED' });
    sink.destroy();
  });
});

describe('permanent failures reject at once with a coded error', () => {
  it('NoSuchBucket at open(), after one request', async () => {
    const proxy = await startS3Proxy(server.port);
    const sink = createS3Sink(
      options({ clientConfig: server.clientConfig(proxy.endpoint), bucket: 'no-such-bucket' }),
    );
    const error = await sink.open(makeRecordingInfo()).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'TAPLINE_ERR_SINK_PERMANENT',
      details: expect.objectContaining({ s3Code: 'NoSuchBucket', retryable: false }),
    });
    expect(proxy.requests).toHaveLength(1);
    sink.destroy();
    await proxy.close();
  });

  it('AccessDenied (a real S3 error document) at open() and in the middle of an upload, without retries', async () => {
    const proxy = await startS3Proxy(server.port, { mode: 'deny' });
    const sink = createS3Sink(
      options({ clientConfig: server.clientConfig(proxy.endpoint), retry: { maxAttempts: 5 } }),
    );
    const started = performance.now();
    const error = await sink.open(makeRecordingInfo()).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'TAPLINE_ERR_SINK_PERMANENT',
      details: expect.objectContaining({ s3Code: 'AccessDenied', httpStatus: 403 }),
    });
    expect(proxy.requests).toHaveLength(1);

    // Allowed at open, then the policy changes mid-session.
    proxy.setMode('forward');
    const recording = makeRecordingInfo();
    const segments = makeTestSegments(recording.sessionId, {
      sizes: Array.from({ length: 8 }, () => 2 * MiB),
    });
    const open = await sink.open(recording);
    proxy.setMode('deny');
    proxy.requests.length = 0;
    const failure = await (async () => {
      for (const segment of segments) await open.write(segment.bytes, segment.info);
      await open.close(summaryOf(segments));
    })().catch((e: unknown) => e);
    expect(failure).toMatchObject({
      code: 'TAPLINE_ERR_SINK_PERMANENT',
      details: expect.objectContaining({ s3Code: 'AccessDenied' }),
    });
    // One refused UploadPart, not five attempts.
    expect(proxy.requests.filter((r) => r.includes('partNumber=')).length).toBe(1);
    expect(performance.now() - started).toBeLessThan(30_000);
    await open.abort(new Error('test'));
    sink.destroy();
    await proxy.close();
  });
});

describe('reader and lib-storage uploader', () => {
  it('lists recordings by prefix and reads a byte range', async () => {
    const sink = createS3Sink(options({ prefix: 'listing' }));
    const recordings = [makeRecordingInfo(), makeRecordingInfo()];
    for (const recording of recordings) {
      const segments = makeTestSegments(recording.sessionId, { sizes: [100, 200] });
      const open = await sink.open(recording);
      await writeSegments(open, segments, 0, segments.length);
      await open.close(summaryOf(segments));
    }
    const found = [];
    for await (const object of listRecordings({
      clientConfig: server.clientConfig(),
      bucket: 'recordings',
      prefix: 'listing',
    })) {
      found.push(object);
    }
    expect(found.map((o) => o.sessionId).sort()).toEqual(recordings.map((r) => r.sessionId).sort());
    expect(found.every((o) => o.size === 300 + 2 * 108)).toBe(true);
    const range = await collect(
      await readRecording({ url: found[0]!.location, clientConfig: server.clientConfig(), start: 4, end: 7 }),
    );
    expect(range).toHaveLength(4);
    await expect(
      readRecording({ url: 's3://recordings/listing/missing.tapline', clientConfig: server.clientConfig() }),
    ).rejects.toMatchObject({
      code: 'TAPLINE_ERR_SINK_PERMANENT',
      details: expect.objectContaining({ s3Code: 'NoSuchKey' }),
    });
    sink.destroy();
  });

  it('uploadRecording streams a finished recording through lib-storage', async () => {
    const recording = makeRecordingInfo();
    const body = Buffer.from(
      concatBytes(makeTestSegments(recording.sessionId, { sizes: [7 * MiB, 5 * MiB] }).map((s) => s.bytes)),
    );
    const { Readable } = await import('node:stream');
    const result = await uploadRecording({
      clientConfig: server.clientConfig(),
      bucket: 'recordings',
      prefix: 'backfill',
      recording,
      body: Readable.from([body.subarray(0, 3 * MiB), body.subarray(3 * MiB)]),
      partSize: 5 * MiB,
    });
    expect(result.location).toContain(`backfill/2026/03/03/${recording.sessionId}.tapline`);
    expect((await readBack(result.location)).equals(body)).toBe(true);
  });
});
