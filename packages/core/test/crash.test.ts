import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFrames, SegmentParser, verifyRecording } from '@tapline/frames';
import { describe, expect, it } from 'vitest';
import { createFileSink, createJsonlMetadataEmitter, createRecorder } from '../src/index.js';
import { readEvents, recordThenKill, tempDirectory } from './helpers.js';

function wholeSegmentsIn(path: string): number {
  const parser = new SegmentParser();
  let count = 0;
  try {
    parser.parse(readFileSync(path), () => count++);
  } catch {
    // a damaged tail stops the count, as it stops recovery
  }
  return count;
}

describe('crash recovery (SIGKILL)', () => {
  for (const runMs of [150, 600]) {
    it(`delivers every whole segment exactly once after a kill ${runMs} ms into a busy session`, async () => {
      const root = tempDirectory();
      const spool = join(root, 'spool');
      const recordings = join(root, 'recordings');
      const sessionId = randomUUID();
      await recordThenKill(spool, recordings, sessionId, runMs);

      const spooledSegments = wholeSegmentsIn(join(spool, 'recordings', sessionId, 'segments.tapline'));
      expect(spooledSegments).toBeGreaterThan(2);

      const eventsPath = join(root, 'events.jsonl');
      const recorder = createRecorder({
        sinks: [createFileSink({ directory: recordings })],
        metadata: createJsonlMetadataEmitter({ path: eventsPath }),
        spool: { directory: spool },
      });
      const report = await recorder.recover();
      expect(report.recovered).toEqual([
        { sessionId, segments: spooledSegments + 1, complete: false, reason: 'TAPLINE_ERR_RECORDER_CRASHED' },
      ]);
      await recorder.idle();
      await recorder.close();

      const file = readFileSync(join(recordings, `${sessionId}.tapline`));
      const verified = await verifyRecording(file);
      // Whole segments, in order, none twice (a duplicate would break the chain), plus the recovery note.
      expect(verified).toMatchObject({ intact: true, complete: false, segments: spooledSegments + 1 });
      expect(verified.error?.code).toBe('TAPLINE_ERR_INCOMPLETE');
      const frames = [];
      for await (const frame of readFrames(file)) frames.push(frame);
      const note = frames.at(-1)!;
      expect(note.annotation?.code).toBe('TAPLINE_ERR_RECORDER_CRASHED');
      expect(frames[0]!.sessionStart?.sessionId).toBe(sessionId);
      // The sidecar and the metadata say the same.
      const manifest = JSON.parse(readFileSync(join(recordings, `${sessionId}.tapline.json`), 'utf8'));
      expect(manifest).toMatchObject({ complete: false, incompleteReason: 'TAPLINE_ERR_RECORDER_CRASHED' });
      const events = readEvents(eventsPath);
      expect(events.map((event) => event.type)).toEqual(['session.ended', 'recording.delivered']);
      expect(events[0]!.data).toMatchObject({
        complete: false,
        incompleteReason: 'TAPLINE_ERR_RECORDER_CRASHED',
      });
    }, 60_000);
  }

  it('quarantines a spool recording it cannot read, reports it, and goes on', async () => {
    const root = tempDirectory();
    const spool = join(root, 'spool');
    const { mkdirSync, writeFileSync, existsSync, readdirSync } = await import('node:fs');
    const broken = join(spool, 'recordings', randomUUID());
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'recording.json'), '{ not json');
    writeFileSync(join(broken, 'segments.tapline'), 'garbage');
    const eventsPath = join(root, 'events.jsonl');
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'recordings') })],
      metadata: createJsonlMetadataEmitter({ path: eventsPath }),
      spool: { directory: spool },
    });
    const report = await recorder.recover();
    expect(report.quarantined).toHaveLength(1);
    expect(report.quarantined[0]!.code).toBe('TAPLINE_ERR_SPOOL_CORRUPT');
    expect(existsSync(broken)).toBe(false);
    expect(readdirSync(join(spool, 'quarantine'))).toHaveLength(1);
    // Not retried on the next start: it is no longer in the spool.
    expect((await recorder.recover()).quarantined).toHaveLength(0);
    await recorder.close();
    expect(readEvents(eventsPath).map((event) => [event.type, event.data.code])).toEqual([
      ['recording.failed', 'TAPLINE_ERR_SPOOL_CORRUPT'],
    ]);
  });
});
