// `recoveryAnalyzers`: after a SIGKILL, recovery hands the recovered frames
// to the analyzers and appends the commands they return (redacted), before
// the crash note; a throwing analyzer does not stop recovery.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DecodedFrame, readFrames, verifyRecording } from '@tapline/frames';
import { describe, expect, it } from 'vitest';
import { createFileSink, createRecorder, type RecoveredRecording } from '../src/index.js';
import { recordThenKill, tempDirectory } from './helpers.js';

describe('recovery analyzers', () => {
  it('append what they derive from the recovered frames, redacted, before the crash note', async () => {
    const root = tempDirectory();
    const spool = join(root, 'spool');
    const recordings = join(root, 'recordings');
    const sessionId = randomUUID();
    await recordThenKill(spool, recordings, sessionId);

    const seen: RecoveredRecording[] = [];
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: recordings })],
      spool: { directory: spool },
      redact: { command: (text) => text.replace('hunter2', '***') },
      recoveryAnalyzers: [
        (recording) => {
          seen.push(recording);
          return [
            {
              streamId: 1,
              text: 'sleep 60 # hunter2',
              source: 'terminal',
              startedOffsetNs: 5,
              program: 'sleep',
            },
          ];
        },
        () => {
          throw new Error('a broken analyzer');
        },
        async () => [{ streamId: 1, text: 'second', source: 'terminal' }],
      ],
    });
    const report = await recorder.recover();
    await recorder.idle();
    await recorder.close();
    expect(report.recovered).toMatchObject([{ sessionId, complete: false }]);

    expect(seen).toHaveLength(1);
    expect(seen[0]!.sessionId).toBe(sessionId);
    expect(seen[0]!.frames[0]?.sessionStart?.sessionId).toBe(sessionId);
    expect(seen[0]!.frames.some((frame) => frame.data)).toBe(true);

    const file = readFileSync(join(recordings, `${sessionId}.tapline`));
    expect(await verifyRecording(file)).toMatchObject({ intact: true, complete: false });
    const frames: DecodedFrame[] = [];
    for await (const frame of readFrames(file)) frames.push(frame);
    const tail = frames.slice(-3);
    expect(tail[0]?.command).toMatchObject({
      streamId: 1,
      text: 'sleep 60 # ***',
      source: 'terminal',
      startedOffsetNs: 5,
      program: 'sleep',
    });
    expect(tail[1]?.command).toMatchObject({ text: 'second' });
    expect(tail[2]?.annotation?.code).toBe('TAPLINE_ERR_RECORDER_CRASHED');
    // Dense sequence numbers through the appended frames.
    expect(frames.map((frame) => Number(frame.seq))).toEqual(frames.map((_, index) => index));
  }, 60_000);
});
