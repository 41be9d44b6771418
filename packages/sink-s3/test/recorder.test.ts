import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRecorder, type MetadataEvent } from '@tapline/core';
import { readFrames, verifyRecording } from '@tapline/frames';
import { createHttpMetadataEmitter, verifyMetadataSignature } from '@tapline/metadata-http';
import { createPrng, makeRecordingInfo } from '@tapline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Sink, readRecording } from '../src/index.js';
import { collect, type S3rverProcess, startS3rver } from './s3-harness.js';

const MiB = 1024 * 1024;
const OUTAGE_MS = Number(process.env.TAPLINE_S3_OUTAGE_MS ?? 2000);
const SECRET = 'whsec_e2e';

let server: S3rverProcess;
beforeAll(async () => {
  server = await startS3rver();
});
afterAll(async () => {
  await server?.stop();
});

describe('with the real recorder (@tapline/core), the HTTP emitter and an S3 outage mid-session', () => {
  it('the recording lands in S3 exactly once, verifies, and recording.delivered names it', async () => {
    const events: MetadataEvent[] = [];
    const receiver = http.createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      verifyMetadataSignature({ body, header: req.headers['tapline-signature'], secret: SECRET });
      events.push(...(JSON.parse(body) as { events: MetadataEvent[] }).events);
      res.writeHead(202).end();
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const spool = await mkdtemp(join(tmpdir(), 'tapline-spool-'));
    const outbox = await mkdtemp(join(tmpdir(), 'tapline-outbox-'));

    const sink = createS3Sink({
      clientConfig: server.clientConfig(),
      bucket: 'recordings',
      prefix: 'e2e',
      partSize: 5 * MiB,
      queueSize: 1,
      retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 50 },
    });
    const recorder = createRecorder({
      sinks: [sink],
      metadata: createHttpMetadataEmitter({
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`,
        secret: SECRET,
        directory: outbox,
        batch: { maxDelayMs: 10 },
      }),
      spool: { directory: spool, fsync: 'none' },
      segment: { segmentBytes: 256 * 1024 },
      bufferBytes: 64 * MiB,
      retry: { maxAttempts: 100 + Math.ceil(OUTAGE_MS / 100), initialDelayMs: 100, maxDelayMs: 300 },
    });
    const { context } = makeRecordingInfo();
    const session = await recorder.start({ ...context, sessionId: undefined });
    const streamId = session.openStream('ssh_shell', { cols: 80, rows: 24 });
    const random = createPrng(11);
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < 400; i++) {
      for (let j = 0; j < chunk.length; j++) chunk[j] = (random() * 256) | 0;
      session.data(streamId, i % 2 ? 'target_to_client' : 'client_to_target', chunk);
      sent += chunk.length;
      if (i === 150) await server.kill(); // S3 goes away mid-session...
      if (i === 250) setTimeout(() => void server.restart(), OUTAGE_MS); // ...and comes back later.
      await new Promise((resolve) => setImmediate(resolve));
    }
    session.closeStream(streamId, { exitStatus: 0 });
    const summary = await session.end('client_closed');
    expect(summary.bytesNotRecorded).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS + 500));
    await recorder.idle();
    await recorder.close({ timeoutMs: 30_000 });

    const delivered = events.find((event) => event.type === 'recording.delivered');
    expect(delivered?.data).toMatchObject({ sink: 's3', complete: true });
    const location = String(delivered!.data.location);
    expect(location).toContain(`/e2e/`);
    const stored = await collect(await readRecording({ url: location, clientConfig: server.clientConfig() }));
    expect(delivered!.data.bytes).toBe(stored.length);
    const report = await verifyRecording(stored);
    expect(report).toMatchObject({ intact: true, complete: true, sessionId: session.sessionId });
    let dataBytes = 0;
    for await (const frame of readFrames(stored)) {
      const data = (frame as { data?: { bytes?: Uint8Array } }).data;
      if (data?.bytes) dataBytes += data.bytes.length;
    }
    // Every byte exactly once: a duplicated or dropped segment would break the chain above, and this count.
    expect(dataBytes).toBe(sent);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['session.started', 'session.ended', 'recording.delivered']),
    );
    // The outage was seen by delivery: transient, retried, never final.
    const failures = events.filter((e) => e.type === 'recording.failed').map((e) => e.data);
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) {
      expect(failure).toMatchObject({
        sink: 's3',
        code: 'TAPLINE_ERR_SINK_TRANSIENT',
        permanent: false,
        willRetry: true,
      });
    }
    expect(String(failures[0]!.message)).toMatch(/ECONNREFUSED|ECONNRESET|socket/);
    sink.destroy();
    receiver.close();
    await rm(spool, { recursive: true, force: true });
    await rm(outbox, { recursive: true, force: true });
  });
});
