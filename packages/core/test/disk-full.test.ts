// A full spool disk (issue 12, finding 3, the refused start of finding 9, and
// the disk-full soak). Each test mounts its own 20 MB tmpfs as the spool;
// mounting needs root.
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { readFrames, verifyRecording } from '@tapline/frames';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createFileSink,
  createJsonlMetadataEmitter,
  createRecorder,
  type RecordedSession,
  type Sink,
} from '../src/index.js';
import { grant, readEvents, tempDirectory } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const openFds = () => readdirSync('/proc/self/fd').length;
const mounts: string[] = [];
let ballasts = 0;

/** Mounts a fresh tmpfs of `megabytes` MB and returns its path; unmounted after the test. */
function mountTmpfs(megabytes = 20): string {
  const directory = join(tempDirectory('tapline-diskfull-'), 'spool-disk');
  mkdirSync(directory);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', directory]);
  mounts.push(directory);
  return directory;
}

afterEach(() => {
  for (const directory of mounts.splice(0)) {
    try {
      execFileSync('umount', [directory]);
    } catch {
      execFileSync('umount', ['-l', directory]);
    }
  }
});

/** Fills the file system of `directory` to the last byte; returns the ballast file. */
function fill(directory: string): string {
  const path = join(directory, `ballast-${++ballasts}`);
  const fd = openSync(path, 'a');
  const chunk = Buffer.alloc(256 * 1024);
  try {
    for (;;) {
      try {
        writeSync(fd, chunk);
      } catch (error) {
        if ((error as { code?: string }).code !== 'ENOSPC') throw error;
        // The last pages: fill with smaller writes until nothing fits.
        for (let size = 64 * 1024; size >= 512; size /= 2) {
          for (;;) {
            try {
              writeSync(fd, chunk.subarray(0, size));
            } catch {
              break;
            }
          }
        }
        return path;
      }
    }
  } finally {
    closeSync(fd);
  }
}

const noise = Buffer.alloc(256 * 1024, 'n');

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function gapsAndContent(file: Buffer) {
  let recorded = 0;
  const gaps: string[] = [];
  for await (const frame of readFrames(file)) {
    recorded += frame.data?.bytes?.length ?? 0;
    if (frame.annotation?.kind === 1 /* gap */) gaps.push(frame.annotation.code ?? '');
  }
  return { recorded, gaps };
}

describe.skipIf(!isRoot)('a full spool disk (needs root to mount a tmpfs; skipped otherwise)', () => {
  it('a session that fills the disk ends with its gap recorded and is delivered; the recorder keeps serving', async () => {
    const disk = mountTmpfs();
    const root = tempDirectory();
    const eventsPath = join(root, 'events.jsonl');
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out'), fsync: 'close' })],
      metadata: createJsonlMetadataEmitter({ path: eventsPath, fsync: false }),
      spool: { directory: disk },
      segment: { segmentBytes: 256 * 1024 },
    });
    const session = await recorder.start(grant());
    const ballast = fill(disk);
    const stream = session.openStream('ssh_exec');
    let sent = 0;
    for (let i = 0; i < 16; i++) {
      session.data(stream, 'target_to_client', noise);
      sent += noise.length;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const summary = await withTimeout(session.end('target_closed'), 10_000, 'end()');
    // Old code: sealing threw before waking the delivery, which then waited forever.
    await withTimeout(recorder.idle(), 15_000, 'the delivery');
    const file = readFileSync(join(root, 'out', `${session.sessionId}.tapline`));
    expect(await verifyRecording(file)).toMatchObject({ intact: true, complete: true });
    const { recorded, gaps } = await gapsAndContent(file);
    expect(gaps).toContain('TAPLINE_ERR_SPOOL_FULL');
    expect(recorded + summary.bytesNotRecorded).toBe(sent);
    expect(
      readEvents(eventsPath)
        .filter((event) => event.type === 'recording.failed')
        .map((event) => event.data.code),
    ).toContain('TAPLINE_ERR_SPOOL_FULL');

    // The delivery freed the session's space: fill the disk again. While it is
    // full, a start is refused cleanly: coded, no handle, no directory.
    const moreBallast = fill(disk);
    const before = openFds();
    for (let i = 0; i < 50; i++) {
      await expect(recorder.start(grant())).rejects.toMatchObject({ code: 'TAPLINE_ERR_SPOOL_FULL' });
    }
    expect(openFds()).toBeLessThanOrEqual(before);
    expect(readdirSync(join(disk, 'recordings'))).toEqual([]);
    expect(recorder.sessions.size).toBe(0);

    // Space returns: sessions are recorded again.
    rmSync(ballast);
    rmSync(moreBallast);
    const next = await recorder.start(grant());
    next.data(next.openStream('ssh_exec'), 'target_to_client', Buffer.from('back\n'));
    await next.end('client_closed');
    await recorder.idle();
    await recorder.close();
    expect(
      (await verifyRecording(readFileSync(join(root, 'out', `${next.sessionId}.tapline`)))).complete,
    ).toBe(true);
  });

  it('a restart on a full disk resolves, leaves the torn recording in place, and delivers it once space returns', async () => {
    const disk = mountTmpfs();
    const root = tempDirectory();
    // A crashed session: segments on disk, no end, a torn tail to quarantine.
    const refusing: Sink = {
      name: 'file',
      open: async () => {
        throw Object.assign(new Error('storage refused'), { code: 'TAPLINE_ERR_SINK_PERMANENT' });
      },
    };
    const first = createRecorder({
      sinks: [refusing],
      spool: { directory: disk, fsync: 'none' },
      segment: { codec: 'none', segmentBytes: 16 * 1024 },
    });
    const session = await first.start(grant());
    const stream = session.openStream('ssh_exec');
    for (let i = 0; i < 8; i++) session.data(stream, 'target_to_client', noise.subarray(0, 16 * 1024));
    await session.end('client_closed');
    await first.idle();
    await first.close();
    const directory = join(disk, 'recordings', session.sessionId);
    const state = JSON.parse(readFileSync(join(directory, 'recording.json'), 'utf8'));
    delete state.end; // the crash came before the session ended
    writeFileSync(join(directory, 'recording.json'), JSON.stringify(state));
    const segmentsPath = join(directory, 'segments.tapline');
    const fd = openSync(segmentsPath, 'a');
    writeSync(fd, Buffer.alloc(3000, 7)); // the torn write of a crash
    closeSync(fd);
    const ballast = fill(disk);

    const eventsPath = join(root, 'events.jsonl');
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out'), fsync: 'close' })],
      metadata: createJsonlMetadataEmitter({ path: eventsPath, fsync: false }),
      spool: { directory: disk, fsync: 'none' },
      segment: { codec: 'none', segmentBytes: 16 * 1024 },
    });
    const report = await withTimeout(recorder.recover(), 10_000, 'recover()');
    expect(report.quarantined).toMatchObject([
      { sessionId: session.sessionId, code: 'TAPLINE_ERR_SPOOL_FULL', deferred: true },
    ]);
    expect(existsSync(segmentsPath)).toBe(true);
    rmSync(ballast);
    // No second recover() call: the first start that finds room recovers what was left.
    const next = await recorder.start(grant());
    await next.end('client_closed');
    await recorder.idle();
    await recorder.close();
    const recovered = readEvents(eventsPath).filter(
      (event) => event.sessionId === session.sessionId && event.type === 'recording.delivered',
    );
    // Its last whole segment carries the end marker: only the bookkeeping was lost.
    expect(recovered.map((event) => event.data.complete)).toEqual([true]);
    const file = readFileSync(join(root, 'out', `${session.sessionId}.tapline`));
    expect(await verifyRecording(file)).toMatchObject({ intact: true, complete: true });
    expect(readdirSync(join(disk, 'quarantine')).some((name) => name.endsWith('tail.bin'))).toBe(true);
  });

  it('soak: 50 sessions overflow a 20 MB spool; each is recorded or ended by policy with its gap, all delivered once space frees', async () => {
    const disk = mountTmpfs(20);
    const root = tempDirectory();
    // Storage is down while the sessions run, so the spool fills and stays full.
    let openGate: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const gated = (inner: Sink): Sink => ({
      name: inner.name,
      locate: inner.locate,
      async open(recording, resume) {
        await gate;
        return inner.open(recording, resume);
      },
    });
    const eventsPath = join(root, 'events.jsonl');
    const before = openFds();
    const recorders = (['stop_content', 'end_session'] as const).map((quotaPolicy) =>
      createRecorder({
        sinks: [gated(createFileSink({ directory: join(root, 'out'), fsync: 'close' }))],
        metadata: createJsonlMetadataEmitter({ path: eventsPath, fsync: false }),
        spool: { directory: join(disk, quotaPolicy), quotaPolicy, fsync: 'none' },
        segment: { codec: 'none', segmentBytes: 256 * 1024 },
        bufferBytes: 2 * 1024 * 1024,
      }),
    );
    const perSession = 24 * 1024 * 1024; // each one alone overflows the disk
    const sessions: Array<{ session: RecordedSession; policy: string; sent: number }> = [];
    for (let i = 0; i < 50; i++) {
      const recorder = recorders[i % 2]!;
      sessions.push({
        session: await recorder.start(grant()),
        policy: i % 2 === 0 ? 'stop_content' : 'end_session',
        sent: 0,
      });
    }
    const began = Date.now();
    const summaries = await Promise.all(
      sessions.map(async (entry) => {
        const { session } = entry;
        const stream = session.openStream('ssh_exec');
        while (entry.sent < perSession && !session.signal.aborted) {
          session.data(stream, 'target_to_client', noise);
          entry.sent += noise.length;
          await new Promise((resolve) => setImmediate(resolve));
        }
        return session.end(session.signal.aborted ? 'quota_exceeded' : 'target_closed');
      }),
    );
    // What the spool counts as written is really on the 20 MB disk (short writes are not whole segments).
    const spooled = sessions.reduce(
      (sum, { session }) => sum + (session as unknown as { recording: { bytes: number } }).recording.bytes,
      0,
    );
    expect(spooled).toBeLessThanOrEqual(20 * 2 ** 20);
    openGate();
    await withTimeout(Promise.all(recorders.map((recorder) => recorder.idle())), 30_000, 'deliveries');
    // Space is back: a new session records in full.
    const after = await recorders[0]!.start(grant());
    after.data(after.openStream('ssh_exec'), 'target_to_client', Buffer.from('after\n'));
    await after.end('client_closed');
    await Promise.all(recorders.map((recorder) => recorder.idle()));
    await Promise.all(recorders.map((recorder) => recorder.close()));
    const seconds = (Date.now() - began) / 1000;

    let ended = 0;
    let recordedTotal = 0;
    let gapTotal = 0;
    for (const [index, { session, policy, sent }] of sessions.entries()) {
      const summary = summaries[index]!;
      const file = readFileSync(join(root, 'out', `${session.sessionId}.tapline`));
      const verified = await verifyRecording(file);
      const manifest = readFileSync(join(root, 'out', `${session.sessionId}.tapline.json`), 'utf8');
      expect(verified, manifest).toMatchObject({ intact: true, complete: true });
      const { recorded, gaps } = await gapsAndContent(file);
      expect(recorded + summary.bytesNotRecorded).toBe(sent);
      recordedTotal += recorded;
      gapTotal += summary.bytesNotRecorded;
      if (policy === 'end_session') {
        expect(session.signal.reason).toMatchObject({ endReason: 'quota_exceeded' });
        ended++;
      } else {
        expect(session.signal.aborted).toBe(false);
      }
      // Every session overflowed the disk, so every recording carries its gap.
      expect(summary.bytesNotRecorded).toBeGreaterThan(0);
      expect(gaps.length).toBeGreaterThan(0);
    }
    expect(ended).toBe(25);
    console.log(
      `disk-full soak: 50 sessions on a 20 MB spool in ${seconds.toFixed(1)} s; ` +
        `${(recordedTotal / 2 ** 20).toFixed(1)} MiB recorded, ${(gapTotal / 2 ** 20).toFixed(0)} MiB counted as gaps; fds ${before} -> ${openFds()}`,
    );
    expect(
      (await verifyRecording(readFileSync(join(root, 'out', `${after.sessionId}.tapline`)))).complete,
    ).toBe(true);
    for (const policy of ['stop_content', 'end_session']) {
      expect(readdirSync(join(disk, policy, 'recordings'))).toEqual([]);
    }
    expect(openFds()).toBeLessThanOrEqual(before);
  }, 60_000);
});
