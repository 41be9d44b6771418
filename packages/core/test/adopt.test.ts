import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { verifyRecording } from '@tapline/frames';
import { describe, expect, it } from 'vitest';
import { createFileSink, createRecorder, type RecorderOptions, type Sink } from '../src/index.js';
import { grant, tempDirectory, until } from './helpers.js';

/** Records a session of `segments` segments or so; returns what the spool's file was while it ran. */
async function recordSession(recorder: ReturnType<typeof createRecorder>, spool: string, segments = 40) {
  const session = await recorder.start(grant());
  const stream = session.openStream('ssh_exec', { details: { command: 'cat build.log' } });
  const line = Buffer.from(`${'compiling module '.repeat(40)}\n`);
  for (let i = 0; i < segments * 8; i++) session.data(stream, 'target_to_client', line);
  const spooled = join(spool, 'recordings', session.sessionId, 'segments.tapline');
  await until(() => existsSync(spooled) && statSync(spooled).size > 0);
  const inode = statSync(spooled).ino;
  const summary = await session.end('client_closed');
  return { session, summary, inode };
}

function options(root: string, sink: Sink, extra: Partial<RecorderOptions> = {}): RecorderOptions {
  return {
    sinks: [sink],
    spool: { directory: join(root, 'spool') },
    segment: { segmentBytes: 4096, maxSegmentAgeMs: 10 },
    retry: { initialDelayMs: 5, maxDelayMs: 20 },
    ...extra,
  };
}

describe("the file sink takes the spool's file", () => {
  it('links it on the same file system: the recording is written once, and verifies', async () => {
    const root = tempDirectory();
    const out = join(root, 'out');
    const recorder = createRecorder(options(root, createFileSink({ directory: out })));
    const { session, summary, inode } = await recordSession(recorder, join(root, 'spool'));
    // While the session ran, the sink wrote nothing: the spool's file is the only copy.
    expect(existsSync(join(out, `${session.sessionId}.tapline.part`))).toBe(false);
    await recorder.idle();
    await recorder.close();
    const delivered = join(out, `${session.sessionId}.tapline`);
    expect(statSync(delivered).ino).toBe(inode);
    expect(statSync(delivered).mode & 0o777).toBe(0o600);
    expect(existsSync(join(root, 'spool', 'recordings', session.sessionId))).toBe(false);
    expect(existsSync(`${delivered}.part`)).toBe(false);
    const verified = await verifyRecording(readFileSync(delivered));
    expect(verified).toMatchObject({ complete: true, frames: summary.frames });
    expect(verified.segments).toBeGreaterThan(10);
    expect(JSON.parse(readFileSync(`${delivered}.json`, 'utf8'))).toMatchObject({
      sessionId: session.sessionId,
      segments: verified.segments,
      complete: true,
    });
  });

  it('copies it across file systems (no link possible), and the copy verifies', async () => {
    const root = tempDirectory();
    // /dev/shm is a tmpfs: another file system than the spool's.
    const out = mkdtempSync('/dev/shm/tapline-adopt-');
    try {
      expect(statSync(out).dev).not.toBe(statSync(root).dev);
      const recorder = createRecorder(options(root, createFileSink({ directory: out, fileMode: 0o640 })));
      const { session, summary, inode } = await recordSession(recorder, join(root, 'spool'));
      await recorder.idle();
      await recorder.close();
      const delivered = join(out, `${session.sessionId}.tapline`);
      expect(statSync(delivered).ino).not.toBe(inode);
      expect(statSync(delivered).mode & 0o777).toBe(0o640);
      expect(await verifyRecording(readFileSync(delivered))).toMatchObject({
        complete: true,
        frames: summary.frames,
      });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('a sink waiting to take the file is not behind: no lag in stats, a strict session goes on', async () => {
    const root = tempDirectory();
    const out = join(root, 'out');
    const recorder = createRecorder(
      options(root, createFileSink({ directory: out }), { mode: 'strict', strict: { maxLagSegments: 4 } }),
    );
    const session = await recorder.start(grant());
    const stream = session.openStream('ssh_exec', { details: { command: 'cat build.log' } });
    const line = Buffer.from(`${'linking target '.repeat(40)}\n`);
    for (let i = 0; i < 400; i++) session.data(stream, 'target_to_client', line);
    await until(() => recorder.stats().spool.segmentsSpooled > 20);
    expect(recorder.stats().sinks.file).toMatchObject({ running: 1, lagSegments: 0 });
    const summary = await session.end('client_closed');
    await recorder.idle();
    await recorder.close();
    expect(summary.reason).toBe('client_closed');
    const verified = await verifyRecording(readFileSync(join(out, `${session.sessionId}.tapline`)));
    expect(verified).toMatchObject({ complete: true, frames: summary.frames });
  });

  it('a sink that declines the file gets the segments instead; a failed adopt is retried', async () => {
    const root = tempDirectory();
    const out = join(root, 'out');
    const files = createFileSink({ directory: out });
    const calls: string[] = [];
    let failNext = true;
    const picky: Sink = {
      ...files,
      async adopt() {
        calls.push('adopt');
        if (failNext) {
          failNext = false;
          throw Object.assign(new Error('disk busy'), { code: 'EBUSY' });
        }
        throw Object.assign(new Error('not this one'), { code: 'TAPLINE_ERR_SINK_ADOPT_UNSUPPORTED' });
      },
      async open(recording, resume) {
        calls.push('open');
        return files.open(recording, resume);
      },
    };
    const recorder = createRecorder(options(root, picky));
    const { session, summary, inode } = await recordSession(recorder, join(root, 'spool'));
    await recorder.idle();
    await recorder.close();
    expect(calls).toEqual(['adopt', 'adopt', 'open']);
    const delivered = join(out, `${session.sessionId}.tapline`);
    expect(statSync(delivered).ino).not.toBe(inode);
    expect(await verifyRecording(readFileSync(delivered))).toMatchObject({
      complete: true,
      frames: summary.frames,
    });
  });
});
