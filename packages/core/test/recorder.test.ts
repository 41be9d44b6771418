import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFrames, verifyRecording } from '@tapline/frames';
import { describe, expect, it } from 'vitest';
import { createFileSink, createJsonlMetadataEmitter, createRecorder } from '../src/index.js';
import { grant, readEvents, tempDirectory } from './helpers.js';

function setup() {
  const root = tempDirectory();
  const eventsPath = join(root, 'events.jsonl');
  const recorder = createRecorder({
    sinks: [createFileSink({ directory: join(root, 'recordings') })],
    metadata: createJsonlMetadataEmitter({ path: eventsPath }),
    spool: { directory: join(root, 'spool') },
  });
  return { root, eventsPath, recorder };
}

describe('recorder', () => {
  it('records a session end to end into a verifiable file, with metadata events', async () => {
    const { root, eventsPath, recorder } = setup();
    const session = await recorder.start(grant({ accessRequestId: 'ar-42' }));
    const shell = session.openStream('ssh_shell', { cols: 80, rows: 24, details: { term: 'xterm' } });
    session.data(shell, 'target_to_client', Buffer.from('$ '));
    session.data(shell, 'client_to_target', Buffer.from('ls\r'));
    session.data(shell, 'target_to_client', Buffer.from('ls\r\nfile\r\n$ '));
    session.command({ streamId: shell, text: 'ls', source: 'terminal' });
    session.resize(shell, 120, 40);
    session.closeStream(shell, { exitStatus: 0 });
    const summary = await session.end('client_closed');
    expect(summary).toMatchObject({
      reason: 'client_closed',
      commands: 1,
      bytesClientToTarget: 3,
      streams: 1,
    });
    await recorder.idle();
    const file = join(root, 'recordings', `${session.sessionId}.tapline`);
    const report = await verifyRecording(readFileSync(file));
    expect(report).toMatchObject({ complete: true, frames: summary.frames, sessionId: session.sessionId });
    const bodies = [];
    for await (const frame of readFrames(readFileSync(file))) bodies.push(frame.body);
    expect(bodies).toEqual([
      'sessionStart',
      'streamOpen',
      'data',
      'data',
      'data',
      'command',
      'resize',
      'streamClose',
      'sessionEnd',
    ]);
    const manifest = JSON.parse(readFileSync(`${file}.json`, 'utf8'));
    expect(manifest).toMatchObject({ complete: true, chainHash: report.chainHash });
    const events = readEvents(eventsPath);
    expect(events.map((event) => event.type)).toEqual([
      'session.started',
      'session.ended',
      'recording.delivered',
    ]);
    expect(events.map((event) => event.sequence)).toEqual([0, 1, 2]);
    expect(events[1]!.data).toMatchObject({
      reason: 'client_closed',
      complete: true,
      counts: { commands: 1 },
      recording: { chainHash: report.chainHash },
    });
    // Metadata never carries content.
    expect(readFileSync(eventsPath, 'utf8')).not.toContain('file\\r\\n');
    await recorder.close();
  });

  it('refuses an invalid grant with every problem listed', async () => {
    const { recorder } = setup();
    await expect(recorder.start({ ...grant(), user: { id: '' }, accessRequestId: '' })).rejects.toMatchObject(
      {
        code: 'TAPLINE_ERR_INVALID_CONTEXT',
        details: { problems: ['user.id is required', 'accessRequestId is required'] },
      },
    );
    await expect(recorder.start(grant({ expiresAt: Date.now() - 1 }))).rejects.toMatchObject({
      code: 'TAPLINE_ERR_GRANT_EXPIRED',
    });
    await recorder.close();
  });
});
