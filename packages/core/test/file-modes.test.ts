// Session content on disk is private by default: whoever else has an account
// on the connector's machine must not read recordings, spool or metadata.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileSink, createJsonlMetadataEmitter, createRecorder } from '../src/index.js';
import { grant, tempDirectory } from './helpers.js';

const modeOf = (path: string): number => statSync(path).mode & 0o777;

async function recordOne(root: string, modes: { fileMode?: number; directoryMode?: number } = {}) {
  const recorder = createRecorder({
    sinks: [createFileSink({ directory: join(root, 'recordings'), ...modes })],
    metadata: createJsonlMetadataEmitter({
      path: join(root, 'events.jsonl'),
      ...(modes.fileMode ? { fileMode: modes.fileMode } : {}),
    }),
    spool: { directory: join(root, 'spool'), ...modes },
  });
  const session = await recorder.start(grant());
  const stream = session.openStream('ssh_shell');
  session.data(stream, 'target_to_client', Buffer.from('secret output\r\n'));
  await new Promise((resolve) => setTimeout(resolve, 50));
  // While the session is live: the spool's files.
  const spoolRecordings = join(root, 'spool', 'recordings');
  const live = join(spoolRecordings, readdirSync(spoolRecordings)[0]!);
  const spool = {
    root: modeOf(join(root, 'spool')),
    recordingDirectory: modeOf(live),
    files: readdirSync(live).map((name) => modeOf(join(live, name))),
  };
  await session.end('client_closed');
  await recorder.close();
  const recording = join(root, 'recordings', `${session.sessionId}.tapline`);
  return {
    spool,
    recordings: modeOf(join(root, 'recordings')),
    recording: modeOf(recording),
    manifest: modeOf(`${recording}.json`),
    events: modeOf(join(root, 'events.jsonl')),
  };
}

describe('file modes', () => {
  it('are 0600 for files and 0700 for directories by default, whatever the umask allows', async () => {
    const previous = process.umask(0o022);
    try {
      const modes = await recordOne(tempDirectory());
      expect(modes.spool.root).toBe(0o700);
      expect(modes.spool.recordingDirectory).toBe(0o700);
      expect(modes.spool.files.length).toBeGreaterThan(0);
      for (const mode of modes.spool.files) expect(mode).toBe(0o600);
      expect(modes).toMatchObject({ recordings: 0o700, recording: 0o600, manifest: 0o600, events: 0o600 });
    } finally {
      process.umask(previous);
    }
  });

  it('are configurable (fileMode, directoryMode)', async () => {
    const previous = process.umask(0o022);
    try {
      const modes = await recordOne(tempDirectory(), { fileMode: 0o640, directoryMode: 0o750 });
      expect(modes.spool.root).toBe(0o750);
      for (const mode of modes.spool.files) expect(mode).toBe(0o640);
      expect(modes).toMatchObject({ recordings: 0o750, recording: 0o640, manifest: 0o640, events: 0o640 });
    } finally {
      process.umask(previous);
    }
  });
});
