import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyRecording } from '@tapline/frames';
import { describe, expect, it } from 'vitest';
import {
  createFileSink,
  createJsonlMetadataEmitter,
  createRecorder,
  type Sink,
  type SinkRecording,
} from '../src/index.js';
import { grant, readEvents, tempDirectory, until } from './helpers.js';

/** Wraps a sink so writes fail while `failing()` says so. */
function flaky(inner: Sink, failing: () => boolean, permanent = false): Sink & { failures: number } {
  const sink = {
    name: inner.name,
    failures: 0,
    locate: inner.locate,
    async open(recording, resume): Promise<SinkRecording> {
      const attempt = await inner.open(recording, resume);
      return {
        write: async (segment, info) => {
          if (failing()) {
            sink.failures++;
            const error = Object.assign(new Error('storage unavailable'), {
              code: permanent ? 'TAPLINE_ERR_SINK_PERMANENT' : 'TAPLINE_ERR_SINK_UNAVAILABLE',
            });
            throw error;
          }
          return attempt.write(segment, info);
        },
        close: (summary) => attempt.close(summary),
        abort: (reason) => attempt.abort(reason),
      };
    },
  } satisfies Sink & { failures: number };
  return sink;
}

describe('delivery', () => {
  it('survives a sink outage: nothing lost, failed then delivered reported as they happened', async () => {
    const root = tempDirectory();
    let outage = true;
    const sink = flaky(createFileSink({ directory: join(root, 'out') }), () => outage);
    const eventsPath = join(root, 'events.jsonl');
    const recorder = createRecorder({
      sinks: [sink],
      metadata: createJsonlMetadataEmitter({ path: eventsPath }),
      spool: { directory: join(root, 'spool') },
      segment: { segmentBytes: 4096, maxSegmentAgeMs: 10 },
      retry: { initialDelayMs: 10, maxDelayMs: 40, maxAttempts: 1000 },
    });
    const session = await recorder.start(grant());
    const stream = session.openStream('ssh_exec', { details: { command: 'yes' } });
    for (let i = 0; i < 2000; i++) session.data(stream, 'target_to_client', Buffer.from(`y ${i}\n`));
    await until(() => sink.failures >= 3);
    outage = false;
    const summary = await session.end('target_closed');
    await recorder.idle();
    await recorder.close();
    const file = readFileSync(join(root, 'out', `${session.sessionId}.tapline`));
    expect(await verifyRecording(file)).toMatchObject({ complete: true, frames: summary.frames });
    const types = readEvents(eventsPath).map((event) => event.type);
    const firstFailure = types.indexOf('recording.failed');
    expect(firstFailure).toBeGreaterThan(0);
    expect(types.at(-1)).toBe('recording.delivered');
    expect(types.filter((type) => type === 'recording.delivered')).toHaveLength(1);
    const failures = readEvents(eventsPath).filter((event) => event.type === 'recording.failed');
    expect(failures[0]!.data).toMatchObject({
      sink: 'file',
      code: 'TAPLINE_ERR_SINK_UNAVAILABLE',
      willRetry: true,
    });
  });

  it('reports a permanent failure at once, keeps the data in the spool, and delivers after retryFailed()', async () => {
    const root = tempDirectory();
    let denied = true;
    const sink = flaky(createFileSink({ directory: join(root, 'out') }), () => denied, true);
    const eventsPath = join(root, 'events.jsonl');
    const recorder = createRecorder({
      sinks: [sink],
      metadata: createJsonlMetadataEmitter({ path: eventsPath }),
      spool: { directory: join(root, 'spool') },
      retry: { initialDelayMs: 10 },
    });
    const session = await recorder.start(grant());
    session.annotation({ kind: 'note', message: 'hello' });
    await session.end('client_closed');
    await recorder.idle();
    expect(sink.failures).toBe(1);
    const failed = readEvents(eventsPath).filter((event) => event.type === 'recording.failed');
    expect(
      failed.map((event) => event.data),
      JSON.stringify(failed),
    ).toHaveLength(1);
    expect(failed[0]!.data).toMatchObject({
      permanent: true,
      willRetry: false,
      code: 'TAPLINE_ERR_SINK_PERMANENT',
    });
    denied = false;
    recorder.retryFailed();
    await recorder.idle();
    await recorder.close();
    expect(
      (await verifyRecording(readFileSync(join(root, 'out', `${session.sessionId}.tapline`)))).complete,
    ).toBe(true);
  });

  it('delivers to several sinks with independent progress', async () => {
    const root = tempDirectory();
    let slowDown = true;
    const slow = flaky(createFileSink({ directory: join(root, 'b'), name: 'b' }), () => slowDown);
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'a'), name: 'a' }), slow],
      spool: { directory: join(root, 'spool') },
      retry: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 1000 },
    });
    const session = await recorder.start(grant());
    session.annotation({ kind: 'note', message: 'x' });
    await session.end('client_closed');
    const fast = join(root, 'a', `${session.sessionId}.tapline`);
    await until(async () => {
      try {
        return (await verifyRecording(readFileSync(fast))).complete;
      } catch {
        return false;
      }
    });
    slowDown = false;
    await recorder.idle();
    await recorder.close();
    expect(
      (await verifyRecording(readFileSync(join(root, 'b', `${session.sessionId}.tapline`)))).complete,
    ).toBe(true);
  });
});
