import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileSink, createRecorder, type Sink } from '../src/index.js';
import { grant, tempDirectory } from './helpers.js';

/** A sink that takes `delayMs` per segment: storage far slower than the session. */
function slowSink(inner: Sink, delayMs: number): Sink {
  return {
    name: inner.name,
    async open(recording, resume) {
      const attempt = await inner.open(recording, resume);
      return {
        write: async (segment, info) => {
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          return attempt.write(segment, info);
        },
        close: (summary) => attempt.close(summary),
        abort: (reason) => attempt.abort(reason),
      };
    },
  };
}

// Incompressible output, as from `cat /dev/urandom`: the worst case for the pipeline.
const noise = randomBytes(1024 * 1024);

/**
 * Pushes `totalBytes` of output through a session as fast as the event loop
 * allows or, `paced`, at the pipeline's pace (pausing like a TCP window while
 * the recorder's queue is long), so that only the sink can fall behind.
 */
async function flood(
  session: Awaited<ReturnType<ReturnType<typeof createRecorder>['start']>>,
  totalBytes: number,
  paced = false,
) {
  const live = session as unknown as { queuedBytes: number };
  const stream = session.openStream('ssh_exec', { details: { command: 'cat /dev/urandom' } });
  const chunk = 32 * 1024;
  let peakRss = process.memoryUsage().rss;
  let longestCallMs = 0;
  const began = performance.now();
  for (let sent = 0; sent < totalBytes && !session.signal.aborted; sent += chunk) {
    const start = performance.now();
    session.data(
      stream,
      'target_to_client',
      noise.subarray(sent % noise.length, (sent % noise.length) + chunk),
    );
    longestCallMs = Math.max(longestCallMs, performance.now() - start);
    while (paced && live.queuedBytes > 4 * 1024 * 1024 && !session.signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    // Yield like a socket does between reads, so the pipeline can run.
    await new Promise((resolve) => setImmediate(resolve));
    if (sent % (1024 * 1024) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  return { peakRss, longestCallMs, seconds: (performance.now() - began) / 1000 };
}

describe('a slow sink and a fast session', () => {
  it('best effort: memory stays bounded and the producer is never blocked', async () => {
    const root = tempDirectory();
    const recorder = createRecorder({
      sinks: [slowSink(createFileSink({ directory: join(root, 'out') }), 200)],
      spool: { directory: join(root, 'spool'), fsync: 'none' },
      bufferBytes: 8 * 1024 * 1024,
    });
    const session = await recorder.start(grant());
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    const total = 256 * 1024 * 1024;
    const { peakRss, longestCallMs, seconds } = await flood(session, total);
    const summary = await session.end('target_closed');
    const growthMiB = (peakRss - baseline) / 2 ** 20;
    console.log(
      `slow sink, 256 MiB of noise: RSS grew ${growthMiB.toFixed(0)} MiB; ` +
        `${(summary.bytesNotRecorded / 2 ** 20).toFixed(0)} MiB counted as not recorded; longest call ${longestCallMs.toFixed(2)} ms; offered at ${(total / 2 ** 20 / seconds).toFixed(0)} MiB/s`,
    );
    expect(summary.bytesTargetToClient).toBe(total);
    // Bounded: the 8 MiB buffer, a few segments in flight, the spool's segment cache.
    expect(growthMiB).toBeLessThan(160);
    expect(session.signal.aborted).toBe(false);
    await recorder.close({ timeoutMs: 100 });
  }, 120_000);

  it("best effort: a producer at the pipeline's pace loses nothing, even with a slow sink", async () => {
    const root = tempDirectory();
    const recorder = createRecorder({
      sinks: [slowSink(createFileSink({ directory: join(root, 'out') }), 50)],
      spool: { directory: join(root, 'spool'), fsync: 'none' },
    });
    const session = await recorder.start(grant());
    const stream = session.openStream('ssh_exec');
    const total = 128 * 1024 * 1024;
    const chunk = 32 * 1024;
    const live = session as unknown as { queuedBytes: number };
    for (let sent = 0; sent < total; sent += chunk) {
      session.data(
        stream,
        'target_to_client',
        noise.subarray(sent % noise.length, (sent % noise.length) + chunk),
      );
      // A socket read loop: one chunk per turn, pausing like a TCP window when the recorder queue is long.
      while (live.queuedBytes > 4 * 1024 * 1024) await new Promise((resolve) => setTimeout(resolve, 1));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const summary = await session.end('target_closed');
    expect(summary.bytesNotRecorded).toBe(0);
    expect(summary.bytesTargetToClient).toBe(total);
    await recorder.close({ timeoutMs: 100 });
  }, 120_000);

  it('strict: a sink that falls behind ends the session with a coded reason', async () => {
    const root = tempDirectory();
    const recorder = createRecorder({
      sinks: [slowSink(createFileSink({ directory: join(root, 'out') }), 200)],
      spool: { directory: join(root, 'spool'), fsync: 'none' },
      segment: { segmentBytes: 64 * 1024 },
      mode: 'strict',
      strict: { maxLagSegments: 4 },
    });
    const session = await recorder.start(grant());
    const ended = new Promise((resolve) =>
      session.signal.addEventListener('abort', () => resolve(session.signal.reason)),
    );
    // Paced: on a loaded machine an unpaced flood can outrun compression first
    // and end the session as TAPLINE_ERR_RECORDER_BEHIND; here only the sink lags.
    await flood(session, 64 * 1024 * 1024, true);
    expect(await ended).toMatchObject({ code: 'TAPLINE_ERR_SINK_LAGGING', endReason: 'recording_failed' });
    const summary = await session.end('recording_failed');
    expect(summary.reason).toBe('recording_failed');
    await recorder.close({ timeoutMs: 100 });
  }, 60_000);

  it('strict: a session that outruns the recorder ends with a coded reason instead of losing content', async () => {
    const root = tempDirectory();
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: join(root, 'spool'), fsync: 'none' },
      mode: 'strict',
      bufferBytes: 1024 * 1024,
    });
    const session = await recorder.start(grant());
    const stream = session.openStream('ssh_exec');
    // Far more than the buffer, in one turn of the event loop: the writer cannot keep up.
    for (let i = 0; i < 256 && !session.signal.aborted; i++) {
      session.data(stream, 'target_to_client', noise.subarray(0, 32 * 1024));
    }
    expect(session.signal.reason).toMatchObject({
      code: 'TAPLINE_ERR_RECORDER_BEHIND',
      endReason: 'recording_failed',
    });
    expect((await session.end('recording_failed')).reason).toBe('recording_failed');
    await recorder.close({ timeoutMs: 100 });
  });

  it('strict: a session cannot start when a sink cannot record', async () => {
    const root = tempDirectory();
    const broken: Sink = {
      name: 'broken',
      open: async () => {
        throw Object.assign(new Error('no bucket'), { code: 'NoSuchBucket' });
      },
    };
    const recorder = createRecorder({
      sinks: [broken],
      spool: { directory: join(root, 'spool') },
      mode: 'strict',
    });
    await expect(recorder.start(grant())).rejects.toMatchObject({ code: 'TAPLINE_ERR_SINK_UNAVAILABLE' });
    expect(recorder.sessions.size).toBe(0);
    await recorder.close({ timeoutMs: 100 });
  });

  it('strict: a session cannot start without a writable spool', async () => {
    const root = tempDirectory();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(root, 'not-a-directory'), '');
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: join(root, 'not-a-directory') },
      mode: 'strict',
    });
    await expect(recorder.start(grant())).rejects.toMatchObject({ code: 'TAPLINE_ERR_SPOOL_UNWRITABLE' });
    await recorder.close({ timeoutMs: 100 });
  });
});
