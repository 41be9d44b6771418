// Damaged spools, checkpoints that do not fit, hostile grants and the
// handles and directories failure paths leave behind (issue 12: 4, 5, 6, 9
// and the quota as a hard cap).
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { readFrames, SegmentParser, verifyRecording } from '@tapline/frames';
import { describe, expect, it } from 'vitest';
import {
  createFileSink,
  createJsonlMetadataEmitter,
  createRecorder,
  type SessionContext,
  type Sink,
} from '../src/index.js';
import { grant, readEvents, tempDirectory, until } from './helpers.js';

const openFds = () => readdirSync('/proc/self/fd').length;
/** What the open descriptors point at, for the failure message. */
const fdTargets = () =>
  readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return fd;
      }
    })
    .join(' ');

/** A sink that refuses every recording for good: what it is given stays in the spool. */
const refusingSink: Sink = {
  name: 'file',
  async open() {
    throw Object.assign(new Error('storage refused'), { code: 'TAPLINE_ERR_SINK_PERMANENT' });
  },
};

/**
 * Records `count` sessions into a spool whose sink refuses them, so they stay
 * there as a restart would find them. Returns their ids, sorted.
 */
async function spoolWith(spool: string, count: number, chunks = 4): Promise<string[]> {
  const recorder = createRecorder({
    sinks: [refusingSink],
    metadata: createJsonlMetadataEmitter({ path: join(spool, '..', 'events.jsonl'), fsync: false }),
    spool: { directory: spool, fsync: 'none' },
    segment: { codec: 'none', segmentBytes: 4096 },
  });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const session = await recorder.start(grant());
    const stream = session.openStream('ssh_exec');
    for (let c = 0; c < chunks; c++)
      session.data(stream, 'target_to_client', Buffer.alloc(5000, 65 + (c % 26)));
    await session.end('client_closed');
    ids.push(session.sessionId);
  }
  await recorder.idle();
  await recorder.close();
  return ids.sort();
}

function segmentLengths(path: string): number[] {
  const lengths: number[] = [];
  new SegmentParser().parse(readFileSync(path), (segment) => lengths.push(segment.bytes.length));
  return lengths;
}

function recorderOn(root: string, spool: string) {
  const eventsPath = join(root, 'events.jsonl');
  const recorder = createRecorder({
    sinks: [createFileSink({ directory: join(root, 'out') })],
    metadata: createJsonlMetadataEmitter({ path: eventsPath, fsync: false }),
    spool: { directory: spool, fsync: 'none' },
    segment: { codec: 'none', segmentBytes: 4096 },
  });
  return { recorder, eventsPath };
}

/** The delivered file, its manifest and the session.ended event describe the same recording. */
async function expectAgreement(root: string, eventsPath: string, sessionId: string) {
  const file = readFileSync(join(root, 'out', `${sessionId}.tapline`));
  const verified = await verifyRecording(file);
  expect(verified.intact).toBe(true);
  const manifest = JSON.parse(readFileSync(join(root, 'out', `${sessionId}.tapline.json`), 'utf8'));
  const ended = readEvents(eventsPath).filter(
    (event) => event.sessionId === sessionId && event.type === 'session.ended',
  );
  const recording = ended.at(-1)!.data.recording as { chainHash: string; segments: number };
  expect(verified.segments).toBe(manifest.segments);
  expect(recording.segments).toBe(manifest.segments);
  expect(verified.chainHash).toBe(manifest.chainHash);
  expect(recording.chainHash).toBe(manifest.chainHash);
  return { file, verified, manifest };
}

describe('damaged spool entries never stop start-up (finding 4)', () => {
  const damages: Array<[string, (directory: string) => void, string]> = [
    [
      'segments.tapline is a directory',
      (directory) => {
        rmSync(join(directory, 'segments.tapline'));
        mkdirSync(join(directory, 'segments.tapline'));
      },
      'TAPLINE_ERR_SPOOL_CORRUPT',
    ],
    [
      'recording.json lacks its grant',
      (directory) => {
        const file = JSON.parse(readFileSync(join(directory, 'recording.json'), 'utf8'));
        delete file.info.context;
        writeFileSync(join(directory, 'recording.json'), JSON.stringify(file));
      },
      'TAPLINE_ERR_SPOOL_CORRUPT',
    ],
    [
      'recording.json has garbage fields',
      (directory) => {
        const file = JSON.parse(readFileSync(join(directory, 'recording.json'), 'utf8'));
        file.info.startedAt = 'yesterday';
        file.sinks = 'file';
        file.info.context.user = 42;
        writeFileSync(join(directory, 'recording.json'), JSON.stringify(file));
      },
      'TAPLINE_ERR_SPOOL_CORRUPT',
    ],
    [
      'the segments file is empty',
      (directory) => truncateSync(join(directory, 'segments.tapline'), 0),
      'TAPLINE_ERR_EMPTY',
    ],
    [
      'the segments file is missing',
      (directory) => rmSync(join(directory, 'segments.tapline')),
      'TAPLINE_ERR_SPOOL_CORRUPT',
    ],
  ];
  for (const [name, damage, code] of damages) {
    it(`${name}: quarantined, reported, the others delivered, no handle left`, async () => {
      const root = tempDirectory();
      const spool = join(root, 'spool');
      const ids = await spoolWith(spool, 4);
      // The damaged one sorts last, after handles for the others are open.
      const damaged = ids.at(-1)!;
      damage(join(spool, 'recordings', damaged));
      const before = openFds();
      const { recorder, eventsPath } = recorderOn(root, spool);
      const report = await recorder.recover();
      expect(report.quarantined.map((entry) => [entry.sessionId, entry.code])).toEqual([[damaged, code]]);
      expect(report.recovered.map((entry) => entry.sessionId)).toEqual(ids.slice(0, -1));
      await recorder.idle();
      await recorder.close();
      expect(existsSync(join(spool, 'recordings', damaged))).toBe(false);
      expect(existsSync(join(root, 'out', `${damaged}.tapline`))).toBe(false);
      const failed = readEvents(eventsPath).filter(
        (event) => event.type === 'recording.failed' && event.data.sink === 'spool',
      );
      expect(failed.map((event) => [event.sessionId, event.data.code])).toEqual([[damaged, code]]);
      for (const id of ids.slice(0, -1)) await expectAgreement(root, eventsPath, id);
      expect(openFds(), fdTargets()).toBeLessThanOrEqual(before);
    });
  }
});

describe('checkpoints never point past the recovered spool (finding 5)', () => {
  it('a checkpoint past the spool: delivered from the start, never a 0-segment file', async () => {
    const root = tempDirectory();
    const spool = join(root, 'spool');
    const [id] = await spoolWith(spool, 1);
    const directory = join(spool, 'recordings', id!);
    const spooled = segmentLengths(join(directory, 'segments.tapline')).length;
    writeFileSync(
      join(directory, 'sink-file.json'),
      JSON.stringify({ checkpoint: { segments: spooled + 20, state: { bytes: 0 } } }),
    );
    const { recorder, eventsPath } = recorderOn(root, spool);
    await recorder.recover();
    await recorder.idle();
    await recorder.close();
    const { verified } = await expectAgreement(root, eventsPath, id!);
    expect(verified).toMatchObject({ complete: true, segments: spooled });
    expect(readEvents(eventsPath).filter((event) => event.type === 'recording.delivered')).toHaveLength(1);
  });

  it('resuming a sink that holds more than recovery kept: the file, manifest and metadata agree', async () => {
    const root = tempDirectory();
    const spool = join(root, 'spool');
    const [id] = await spoolWith(spool, 1, 30);
    const directory = join(spool, 'recordings', id!);
    const segmentsPath = join(directory, 'segments.tapline');
    const lengths = segmentLengths(segmentsPath);
    expect(lengths.length).toBeGreaterThan(27);
    const offset = (count: number) => lengths.slice(0, count).reduce((sum, length) => sum + length, 0);
    // The sink stored 27 segments durably before the crash...
    mkdirSync(join(root, 'out'), { recursive: true });
    writeFileSync(
      join(root, 'out', `${id}.tapline.part`),
      readFileSync(segmentsPath).subarray(0, offset(27)),
    );
    writeFileSync(
      join(directory, 'sink-file.json'),
      JSON.stringify({ checkpoint: { segments: 27, state: { bytes: offset(27) } } }),
    );
    // ...and the spool lost everything after segment 19 (a torn write) and the end state.
    truncateSync(segmentsPath, offset(19) + 100);
    const file = JSON.parse(readFileSync(join(directory, 'recording.json'), 'utf8'));
    delete file.end;
    writeFileSync(join(directory, 'recording.json'), JSON.stringify(file));

    const { recorder, eventsPath } = recorderOn(root, spool);
    const report = await recorder.recover();
    expect(report.recovered).toEqual([
      { sessionId: id, segments: 20, complete: false, reason: 'TAPLINE_ERR_RECORDER_CRASHED' },
    ]);
    await recorder.idle();
    await recorder.close();
    const { file: delivered, verified, manifest } = await expectAgreement(root, eventsPath, id!);
    expect(verified).toMatchObject({ segments: 20, complete: false });
    expect(manifest).toMatchObject({ complete: false, incompleteReason: 'TAPLINE_ERR_RECORDER_CRASHED' });
    const frames = [];
    for await (const frame of readFrames(delivered)) frames.push(frame);
    expect(frames.at(-1)!.annotation?.code).toBe('TAPLINE_ERR_RECORDER_CRASHED');
  });

  it('an end state describing segments the spool lost is sealed again from what is there', async () => {
    const root = tempDirectory();
    const spool = join(root, 'spool');
    const [id] = await spoolWith(spool, 1, 10);
    const segmentsPath = join(spool, 'recordings', id!, 'segments.tapline');
    const lengths = segmentLengths(segmentsPath);
    truncateSync(
      segmentsPath,
      lengths.slice(0, 3).reduce((sum, length) => sum + length, 0),
    );
    const { recorder, eventsPath } = recorderOn(root, spool);
    await recorder.recover();
    await recorder.idle();
    await recorder.close();
    const { verified, manifest } = await expectAgreement(root, eventsPath, id!);
    expect(verified).toMatchObject({ segments: 4, complete: false });
    expect(manifest.incompleteReason).toBe('TAPLINE_ERR_RECORDER_CRASHED');
  });
});

describe('hostile grant values at start() (finding 6)', () => {
  const long = 'x'.repeat(100_000);
  const hostile: Array<[string, Partial<SessionContext> | Record<string, unknown>]> = [
    ['expiresAt 9e15', { expiresAt: 9e15 }],
    ['expiresAt NaN', { expiresAt: Number.NaN }],
    ['expiresAt negative', { expiresAt: -1 }],
    ['expiresAt fractional', { expiresAt: Date.now() + 1000.5 }],
    ['expiresAt an invalid Date', { expiresAt: new Date('nonsense') }],
    ['expiresAt a string', { expiresAt: '2030-01-01' }],
    ['approvedAt 9e15', { approvers: [{ id: 'a', approvedAt: 9e15 }] }],
    ['a 100 kB user id', { user: { id: long } }],
    ['a 100 kB label', { labels: { region: long } }],
    ['a label that is not a string', { labels: { region: 7 } }],
    [
      '10 000 labels',
      { labels: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v'])) },
    ],
    ['permissions not a list', { permissions: 'all' }],
    ['user not an object', { user: 'root' }],
    ['a target that is not a string', { target: { host: 'x' } }],
  ];
  it('each is refused with TAPLINE_ERR_INVALID_CONTEXT: no session, no spool entry, no handle', async () => {
    const root = tempDirectory();
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: join(root, 'spool'), fsync: 'none' },
    });
    const warm = await recorder.start(grant());
    await warm.end('client_closed');
    await recorder.idle();
    await until(() => readdirSync(join(root, 'spool', 'recordings')).length === 0);
    const before = openFds();
    for (const [name, overrides] of hostile) {
      const error = await recorder.start(grant(overrides as Partial<SessionContext>)).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error, name).toMatchObject({ code: 'TAPLINE_ERR_INVALID_CONTEXT' });
    }
    expect(recorder.sessions.size).toBe(0);
    expect(readdirSync(join(root, 'spool', 'recordings'))).toEqual([]);
    expect(openFds()).toBeLessThanOrEqual(before);
    await recorder.close();
  });

  it('the largest valid grant still records and delivers', async () => {
    const root = tempDirectory();
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: join(root, 'spool'), fsync: 'none' },
    });
    const session = await recorder.start(
      grant({ expiresAt: 253_402_300_799_999, user: { id: 'u'.repeat(1024) } }),
    );
    await session.end('client_closed');
    await recorder.idle();
    await recorder.close();
    expect(
      (await verifyRecording(readFileSync(join(root, 'out', `${session.sessionId}.tapline`)))).complete,
    ).toBe(true);
  });
});

describe('failure paths leave no handle behind (finding 9)', () => {
  it('50 starts the spool refuses leave no handle open', async () => {
    const root = tempDirectory();
    const spool = join(root, 'spool');
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: spool, fsync: 'none' },
    });
    const warm = await recorder.start(grant());
    await warm.end('client_closed');
    await recorder.idle();
    const before = openFds();
    for (let i = 0; i < 50; i++) {
      const sessionId = randomUUID();
      // Something in the way of recording.json (as a full disk would refuse it).
      mkdirSync(join(spool, 'recordings', sessionId, `recording.json.${process.pid}.tmp`), {
        recursive: true,
      });
      await expect(recorder.start(grant({ sessionId }))).rejects.toMatchObject({
        code: 'TAPLINE_ERR_SPOOL_UNWRITABLE',
      });
    }
    expect(recorder.sessions.size).toBe(0);
    expect(openFds(), fdTargets()).toBeLessThanOrEqual(before);
    await recorder.close();
  });

  it('a file sink refusing a checkpoint that does not fit closes what it opened', async () => {
    const root = tempDirectory();
    const sink = createFileSink({ directory: join(root, 'out') });
    const info = { sessionId: randomUUID(), startedAt: Date.now(), context: grant() };
    (await sink.open(info)).abort(new Error('warm up'));
    const before = openFds();
    for (const bytes of [1e20, -1, 'abc', 10_000]) {
      await expect(sink.open(info, { segments: 3, state: { bytes } })).rejects.toMatchObject({
        code: 'TAPLINE_ERR_SINK_CHECKPOINT',
      });
    }
    expect(openFds()).toBeLessThanOrEqual(before);
  });

  it('a recording whose checkpoint the sink refuses is delivered from the start', async () => {
    const root = tempDirectory();
    const spool = join(root, 'spool');
    const [id] = await spoolWith(spool, 1);
    writeFileSync(
      join(spool, 'recordings', id!, 'sink-file.json'),
      JSON.stringify({ checkpoint: { segments: 1, state: { bytes: 1e20 } } }),
    );
    const { recorder, eventsPath } = recorderOn(root, spool);
    await recorder.recover();
    await recorder.idle();
    await recorder.close();
    await expectAgreement(root, eventsPath, id!);
  });
});

describe('the quota is a hard cap', () => {
  for (const policy of ['stop_content', 'end_session'] as const) {
    it(`${policy}: no spooled or delivered byte past the session quota, and the gap is recorded`, async () => {
      const root = tempDirectory();
      const quota = 256 * 1024;
      const recorder = createRecorder({
        sinks: [createFileSink({ directory: join(root, 'out') })],
        spool: { directory: join(root, 'spool'), fsync: 'none', maxSessionBytes: quota, quotaPolicy: policy },
        segment: { codec: 'none', segmentBytes: 64 * 1024 },
      });
      const session = await recorder.start(grant());
      const stream = session.openStream('ssh_exec');
      // A burst in one turn of the event loop, as a fast target delivers it.
      const chunk = Buffer.alloc(60 * 1024, 'z');
      for (let i = 0; i < 40; i++) session.data(stream, 'target_to_client', chunk);
      const summary = await session.end(policy === 'end_session' ? 'quota_exceeded' : 'target_closed');
      await recorder.idle();
      await recorder.close();
      const path = join(root, 'out', `${session.sessionId}.tapline`);
      expect(statSync(path).size).toBeLessThanOrEqual(quota);
      const file = readFileSync(path);
      expect(await verifyRecording(file)).toMatchObject({ intact: true, complete: true });
      let recorded = 0;
      let gaps = 0;
      for await (const frame of readFrames(file)) {
        recorded += frame.data?.bytes?.length ?? 0;
        if (frame.annotation?.kind === 1 /* gap */) gaps++;
      }
      expect(gaps).toBeGreaterThan(0);
      expect(recorded + summary.bytesNotRecorded).toBe(40 * chunk.length);
    });
  }
});
