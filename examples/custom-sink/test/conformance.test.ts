// The shared sink conformance suite (@tapline/testing), plus a real recording
// through the recorder read back with @tapline/frames.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRecorder } from '@tapline/core';
import { readFrames, verifyRecording } from '@tapline/frames';
import { recordedSegmentMaker, testSink } from '@tapline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createSegmentDirectorySink, readSegmentDirectory } from '../src/index.js';

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});
function temporary(): string {
  const directory = mkdtempSync(join(tmpdir(), 'tapline-segment-sink-'));
  directories.push(directory);
  return directory;
}

async function readAll(location: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of readSegmentDirectory(location)) parts.push(part);
  return Buffer.concat(parts);
}

const suite = {
  factory: () => createSegmentDirectorySink({ directory: temporary() }),
  readBack: (receipt: { location: string }) => readAll(receipt.location),
  skip: {
    backpressure:
      'holds no buffer: write() resolves only once the segment is on disk and fsynced, so a stalled disk stalls write() itself',
  },
};

testSink({ name: 'segment directory sink', ...suite });
testSink({
  name: 'segment directory sink, real container segments',
  ...suite,
  makeSegments: recordedSegmentMaker(),
});

describe('segment directory sink behind the recorder', () => {
  it('stores a session that verifies and reads back frame for frame', async () => {
    const root = temporary();
    const recorder = createRecorder({
      sinks: [createSegmentDirectorySink({ directory: join(root, 'recordings') })],
      spool: { directory: join(root, 'spool') },
      segment: { segmentBytes: 4096 }, // several segments, so several files
    });
    const session = await recorder.start({
      protocol: 'ssh',
      user: { id: 'u-1' },
      accessRequestId: 'ar-1',
      resource: { id: 'r-1', type: 'ssh_server' },
    });
    const shell = session.openStream('ssh_shell', { cols: 80, rows: 24 });
    for (let i = 0; i < 200; i++)
      session.data(shell, 'target_to_client', Buffer.from(`line ${i} ${'x'.repeat(i)}\r\n`));
    session.command({ streamId: shell, text: 'seq 200', source: 'terminal' });
    session.closeStream(shell, { exitStatus: 0 });
    await session.end('client_closed');
    await recorder.close();

    const location = `${new URL(`file://${join(root, 'recordings', session.sessionId)}`).href}/`;
    const report = await verifyRecording(readSegmentDirectory(location));
    expect(report).toMatchObject({ intact: true, complete: true, sessionId: session.sessionId });
    expect(report.segments).toBeGreaterThan(1);
    const commands: string[] = [];
    for await (const frame of readFrames(readSegmentDirectory(location))) {
      if (frame.command) commands.push(frame.command.text ?? '');
    }
    expect(commands).toEqual(['seq 200']);
  });
});
