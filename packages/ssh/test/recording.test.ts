// The proxy with the real recorder (@tapline/core) and file sink: recordings
// are read back with @tapline/frames and verified.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder, type Recorder } from '@tapline/core';
import { frameToJson, readFrames, verifyRecording } from '@tapline/frames';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshErrorCode } from '../src/index.js';
import { ssh2 } from '../src/ssh2-runtime.js';
import { randomFile, userDirectory } from './helpers/files.js';
import { type Fixture, startFixture } from './helpers/fixture.js';
import { run, until, watch } from './helpers/processes.js';
import { TEST_USER } from './helpers/sshd.js';

type JsonFrame = Record<string, unknown> & { body: string };

describe('recordings made with the real recorder', () => {
  let fixture: Fixture;
  let recorder: Recorder;
  let root: string;
  let files: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tapline-recording-'));
    files = userDirectory('tapline-recording-files-');
    recorder = createRecorder({
      spool: { directory: join(root, 'spool') },
      sinks: [createFileSink({ directory: join(root, 'recordings') })],
    });
    fixture = await startFixture({
      recorder,
      contextFor: (username) => (username === 'short' ? { expiresAt: Date.now() + 1500 } : {}),
    });
    fixture.targets.set('short', fixture.targets.get(TEST_USER)!);
  });
  afterAll(async () => {
    await fixture?.close();
    await recorder?.close();
    if (root) rmSync(root, { recursive: true, force: true });
    if (files) rmSync(files, { recursive: true, force: true });
  });

  /** The last session the proxy ended, once its recording is delivered: verified and decoded. */
  async function lastRecording(): Promise<{ frames: JsonFrame[]; sessionId: string }> {
    let sessionId = '';
    await until(
      () => {
        const ended = fixture.events.filter((event) => event.type === 'session_ended');
        const last = ended.at(-1);
        if (last?.type !== 'session_ended') return false;
        sessionId = last.sessionId;
        return true;
      },
      20_000,
      'a session to end',
    );
    fixture.events.length = 0;
    await recorder.idle();
    const bytes = readFileSync(join(root, 'recordings', `${sessionId}.tapline`));
    const report = await verifyRecording(bytes);
    expect(report).toMatchObject({ complete: true, sessionId });
    const frames: JsonFrame[] = [];
    for await (const frame of readFrames(bytes)) frames.push(frameToJson(frame) as JsonFrame);
    return { frames, sessionId };
  }

  function bodies(frames: JsonFrame[], body: string): Array<Record<string, unknown>> {
    return frames
      .filter((frame) => frame.body === body)
      .map((frame) => frame[body] as Record<string, unknown>);
  }

  function dataText(frames: JsonFrame[], direction: string, channel = 0): string {
    return bodies(frames, 'data')
      .filter(
        (data) => data.direction === direction && ((data.channel as number | undefined) ?? 0) === channel,
      )
      .map((data) => Buffer.from(data.bytes as string, 'base64').toString('utf8'))
      .join('');
  }

  it('records an exec: grant, stream, command, stdout and stderr channels, exit status, end reason', async () => {
    const result = await run('ssh', [...fixture.sshArgs(), 'echo out; echo err >&2; exit 3'], {
      timeoutMs: 20_000,
    });
    expect(result.code).toBe(3);
    const { frames } = await lastRecording();
    expect(frames[0]?.body).toBe('sessionStart');
    expect(bodies(frames, 'sessionStart')[0]).toMatchObject({
      protocol: 'ssh',
      target: `127.0.0.1:${fixture.sshd.port}`,
    });
    expect(bodies(frames, 'annotation').map((a) => a.kind)).toContain('ANNOTATION_KIND_AUTH');
    expect(bodies(frames, 'streamOpen')[0]).toMatchObject({
      kind: 'STREAM_KIND_SSH_EXEC',
      details: { command: 'echo out; echo err >&2; exit 3' },
    });
    expect(bodies(frames, 'command')[0]).toMatchObject({
      text: 'echo out; echo err >&2; exit 3',
      source: 'exec',
    });
    expect(dataText(frames, 'DIRECTION_TARGET_TO_CLIENT')).toBe('out\n');
    expect(dataText(frames, 'DIRECTION_TARGET_TO_CLIENT', 1)).toBe('err\n');
    expect(bodies(frames, 'streamClose')[0]).toMatchObject({ exitStatus: 3, bytesTargetToClient: 8 });
    expect(bodies(frames, 'sessionEnd')[0]).toMatchObject({ reason: 'END_REASON_CLIENT_CLOSED' });
  }, 30_000);

  it('records a pty shell with its size, a resize and the exit status', async () => {
    const client = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      client.on('ready', resolve).on('error', reject);
      client.connect({
        host: '127.0.0.1',
        port: fixture.port,
        username: TEST_USER,
        privateKey: readFileSync(fixture.userKeyPath),
      });
    });
    const exitCode = await new Promise<number>((resolve, reject) => {
      client.shell({ rows: 24, cols: 80, term: 'xterm' }, (error, channel) => {
        if (error) return reject(error);
        let output = '';
        let typed = false;
        channel.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (typed) return;
          if (/\$ $/.test(output)) {
            typed = true;
            channel.setWindow(30, 100, 0, 0);
            channel.write('echo resized-$(stty size | tr " " x); exit 5\n');
          }
        });
        channel.on('exit', (code: number) => resolve(code));
      });
    });
    client.end();
    expect(exitCode).toBe(5);
    const { frames } = await lastRecording();
    expect(bodies(frames, 'streamOpen')[0]).toMatchObject({
      kind: 'STREAM_KIND_SSH_SHELL',
      cols: 80,
      rows: 24,
      details: { term: 'xterm' },
    });
    expect(bodies(frames, 'resize')[0]).toMatchObject({ cols: 100, rows: 30 });
    expect(dataText(frames, 'DIRECTION_TARGET_TO_CLIENT')).toContain('resized-30x100');
    expect(bodies(frames, 'streamClose')[0]).toMatchObject({ exitStatus: 5 });
    expect(
      bodies(frames, 'command'),
      JSON.stringify({
        annotations: bodies(frames, 'annotation'),
        input: dataText(frames, 'DIRECTION_CLIENT_TO_TARGET'),
        output: dataText(frames, 'DIRECTION_TARGET_TO_CLIENT'),
      }),
    ).toContainEqual(
      expect.objectContaining({
        source: 'terminal',
        text: 'echo resized-$(stty size | tr " " x); exit 5',
        program: 'echo',
      }),
    );
  }, 30_000);

  it('records sftp content and a forward with byte counts but no content', async () => {
    const source = join(files, 'sftp.bin');
    randomFile(source, 256 * 1024);
    const batch = join(files, 'batch');
    writeFileSync(batch, `put ${source} ${files}/copy.bin\n`);
    const sftp = await run(
      'sftp',
      [
        ...fixture.clientOptions(),
        '-o',
        'IdentitiesOnly=yes',
        '-i',
        fixture.userKeyPath,
        '-P',
        String(fixture.port),
        '-b',
        batch,
        `${TEST_USER}@127.0.0.1`,
      ],
      { timeoutMs: 30_000 },
    );
    expect(sftp.code).toBe(0);
    const sftpRecording = await lastRecording();
    expect(bodies(sftpRecording.frames, 'streamOpen')[0]).toMatchObject({
      kind: 'STREAM_KIND_SSH_SFTP',
      contentRecorded: true,
    });
    const uploaded = bodies(sftpRecording.frames, 'data')
      .filter((data) => data.direction === 'DIRECTION_CLIENT_TO_TARGET')
      .reduce((total, data) => total + Buffer.from(data.bytes as string, 'base64').length, 0);
    expect(uploaded).toBeGreaterThan(256 * 1024);
    expect(bodies(sftpRecording.frames, 'fileOperation')).toContainEqual(
      expect.objectContaining({
        kind: 'FILE_OPERATION_KIND_CLOSE',
        path: `${files}/copy.bin`,
        bytesWritten: 256 * 1024,
        status: 'ok',
      }),
    );

    // `ssh -W` is a stdio forward: one direct-tcpip channel to the target's own sshd port.
    const forward = await run(
      'ssh',
      [...fixture.sshArgs(undefined, ['-W', `127.0.0.1:${fixture.sshd.port}`])],
      {
        input: 'SSH-2.0-probe\r\n',
        timeoutMs: 20_000,
      },
    );
    expect(forward.stdout.toString()).toMatch(/^SSH-2\.0-OpenSSH/);
    const forwardRecording = await lastRecording();
    const open = bodies(forwardRecording.frames, 'streamOpen')[0];
    expect(open).toMatchObject({
      kind: 'STREAM_KIND_SSH_FORWARD',
      details: { destinationPort: String(fixture.sshd.port) },
    });
    expect(open?.contentRecorded ?? false).toBe(false);
    const recordedContent = bodies(forwardRecording.frames, 'data').filter(
      (data) => (data.bytes as string | undefined)?.length,
    );
    expect(recordedContent).toHaveLength(0);
    const close = bodies(forwardRecording.frames, 'streamClose')[0];
    expect(close?.bytesClientToTarget).toBe(15);
    expect(close?.bytesTargetToClient as number).toBeGreaterThan(15);
  }, 60_000);

  it('ends the session when the grant expires (the recorder timer), telling the user', async () => {
    const doomed = watch('ssh', [...fixture.sshArgs('short'), 'echo ready; sleep 30']);
    await doomed.waitFor('ready');
    const result = await doomed.done;
    expect(result.stderr).toMatch(/^tapline: your access grant has expired/);
    expect(result.code).toBe(255);
    const { frames } = await lastRecording();
    expect(bodies(frames, 'sessionEnd')[0]).toMatchObject({ reason: 'END_REASON_GRANT_EXPIRED' });
    expect(bodies(frames, 'annotation').map((a) => a.code)).toContain(SshErrorCode.SESSION_ABORTED);
  }, 30_000);

  it('ends the session on recorder.revoke(accessRequestId), telling the user', async () => {
    const doomed = watch('ssh', [...fixture.sshArgs(), 'echo ready; sleep 30']);
    await doomed.waitFor('ready');
    const live = [...recorder.sessions.values()];
    expect(live).toHaveLength(1);
    expect(recorder.revoke(live[0]!.context.accessRequestId, 'access revoked by an approver')).toBe(1);
    const result = await doomed.done;
    expect(result.stderr).toMatch(/^tapline: your access was revoked/);
    expect(result.code).toBe(255);
    const { frames } = await lastRecording();
    expect(bodies(frames, 'sessionEnd')[0]).toMatchObject({ reason: 'END_REASON_REVOKED' });
  }, 30_000);
});
