import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFrames, verifyRecording } from '@tapline/frames';
import { describe, expect, it } from 'vitest';
import { createFileSink, createRecorder } from '../src/index.js';
import { grant, tempDirectory } from './helpers.js';

const chunk = Buffer.alloc(16 * 1024, 'q');

describe('spool quota', () => {
  it('stop_content: the session goes on, content stops, the gap is recorded and counted', async () => {
    const root = tempDirectory();
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: join(root, 'spool'), maxSessionBytes: 64 * 1024, quotaPolicy: 'stop_content' },
      segment: { codec: 'none', segmentBytes: 16 * 1024 },
    });
    const session = await recorder.start(grant());
    const stream = session.openStream('ssh_exec');
    for (let i = 0; i < 20; i++) {
      session.data(stream, 'target_to_client', chunk);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    session.command({ streamId: stream, text: 'still recorded', source: 'exec' });
    const summary = await session.end('target_closed');
    expect(session.signal.aborted).toBe(false);
    expect(summary.bytesTargetToClient).toBe(20 * chunk.length);
    expect(summary.bytesNotRecorded).toBeGreaterThan(0);
    await recorder.idle();
    await recorder.close();
    const file = readFileSync(join(root, 'out', `${session.sessionId}.tapline`));
    expect((await verifyRecording(file)).complete).toBe(true);
    let recordedBytes = 0;
    const gaps = [];
    let command: string | undefined;
    let end: { bytesNotRecorded?: number } | undefined;
    for await (const frame of readFrames(file)) {
      if (frame.data) recordedBytes += frame.data.bytes?.length ?? 0;
      if (frame.annotation?.code === 'TAPLINE_ERR_QUOTA_EXCEEDED') gaps.push(frame.annotation);
      if (frame.command) command = frame.command.text ?? undefined;
      if (frame.sessionEnd) end = { bytesNotRecorded: frame.sessionEnd.bytesNotRecorded ?? 0 };
    }
    expect(gaps).toHaveLength(1);
    expect(command).toBe('still recorded');
    expect(recordedBytes + summary.bytesNotRecorded).toBe(20 * chunk.length);
    expect(end?.bytesNotRecorded).toBe(summary.bytesNotRecorded);
  });

  it('end_session: the session is ended with reason quota_exceeded; others go on', async () => {
    const root = tempDirectory();
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: join(root, 'spool'), maxSessionBytes: 64 * 1024, quotaPolicy: 'end_session' },
      segment: { codec: 'none', segmentBytes: 16 * 1024 },
    });
    const session = await recorder.start(grant());
    const bystander = await recorder.start(grant());
    const stream = session.openStream('ssh_exec');
    for (let i = 0; i < 20 && !session.signal.aborted; i++) {
      session.data(stream, 'target_to_client', chunk);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(session.signal.reason).toMatchObject({
      code: 'TAPLINE_ERR_QUOTA_EXCEEDED',
      endReason: 'quota_exceeded',
    });
    expect((await session.end('quota_exceeded')).reason).toBe('quota_exceeded');
    expect(bystander.signal.aborted).toBe(false);
    await bystander.end('client_closed');
    await recorder.close();
  });
});
