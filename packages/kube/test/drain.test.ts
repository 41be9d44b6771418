// proxy.close({ drainMs }) with the real kubectl against the test API server and
// @tapline/core's real recorder: an exec that finishes during the drain is
// recorded whole with its normal end; one that outlives the drain (and a watch
// of the same session) is ended as `shutdown` and its user is told why.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder, type Recorder } from '@tapline/core';
import { frameToJson, readFrames, verifyRecording } from '@tapline/frames';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeErrorCode } from '../src/index.js';
import { BOB_TOKEN, type Harness, startHarness, USER_TOKEN } from './harness.js';

let h: Harness;
let recorder: Recorder;
let output: string;
let spool: string;
beforeAll(async () => {
  output = mkdtempSync(join(tmpdir(), 'tapline-kube-drain-out-'));
  spool = mkdtempSync(join(tmpdir(), 'tapline-kube-drain-spool-'));
  recorder = createRecorder({ spool: { directory: spool }, sinks: [createFileSink({ directory: output })] });
  h = await startHarness({}, recorder);
});
afterAll(async () => {
  await h?.close();
  await recorder?.close();
});

async function until<T>(probe: () => T | undefined | false | null, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

async function kubectl(token: string, args: string[]): Promise<Running> {
  const config = await h.kubeconfigFor(token);
  const child = spawn('kubectl', [
    '--kubeconfig',
    config,
    '--cache-dir',
    join(h.directory, `cache-${token}`),
    ...args,
  ]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

type Frame = Record<string, Record<string, unknown> | undefined>;

async function recordingOf(
  user: string,
): Promise<{ frames: Frame[]; report: Awaited<ReturnType<typeof verifyRecording>> }> {
  for (const name of readdirSync(output).filter((file) => file.endsWith('.tapline'))) {
    const bytes = readFileSync(join(output, name));
    const frames: Frame[] = [];
    for await (const frame of readFrames(bytes)) frames.push(frameToJson(frame) as Frame);
    if (JSON.stringify(frames.find((f) => f.sessionStart)).includes(user)) {
      return { frames, report: await verifyRecording(bytes) };
    }
  }
  throw new Error(`no recording for ${user}`);
}

describe('proxy.close({ drainMs })', () => {
  it('lets an exec finish during the drain (recorded whole, normal end); ends the one that outlives it as shutdown', async () => {
    // Alice's exec waits for a line on stdin, so it finishes when the test says, during the drain.
    const finishing = await kubectl(USER_TOKEN, [
      'exec',
      '-i',
      'web',
      '--',
      'sh',
      '-c',
      'echo ready; read line; echo "finished $line"',
    ]);
    // Bob's exec and watch outlive any drain.
    const lingering = await kubectl(BOB_TOKEN, ['exec', 'web', '--', 'sh', '-c', 'echo ready; sleep 60']);
    const watch = await kubectl(BOB_TOKEN, ['get', 'pods', '-w', '--request-timeout=60s']);
    await until(() => finishing.stdout().includes('ready'));
    await until(() => lingering.stdout().includes('ready'));
    // The watch is open once an object added now shows up through it.
    await until(() => watch.stdout().includes('web'));
    h.api.addPod('default', 'drain-watched');
    await until(() => watch.stdout().includes('drain-watched'));
    expect(recorder.sessions.size).toBe(2);

    let resolved = false;
    const closed = h.proxy.close({ drainMs: 8_000 }).then(() => {
      resolved = true;
    });
    // Alice's exec finishes during the drain, untouched; meanwhile nothing new gets in.
    finishing.child.stdin.end('now\n');
    const refused = await kubectl(USER_TOKEN, ['get', 'pods', '--request-timeout=10s']);
    expect(await refused.exit).not.toBe(0);
    expect(await finishing.exit).toBe(0);
    expect(finishing.stdout()).toBe('ready\nfinished now\n');
    expect(finishing.stderr()).toBe('');
    // Bob's exec and watch still hold the drain open.
    expect(resolved).toBe(false);

    await closed;
    // Bob's exec was ended at the deadline, with a message on its stderr; his watch's stream was ended.
    expect(await lingering.exit).not.toBe(0);
    expect(lingering.stderr()).toContain('tapline: the proxy is shutting down; the session is closed');
    expect(await watch.exit).toBe(0);
    // close() resolved after every recording ended; recorder.close() then delivers and cleans the spool.
    await recorder.close();
    expect(readdirSync(join(spool, 'recordings'))).toEqual([]);

    const alice = await recordingOf('alice@example.com');
    expect(alice.report).toMatchObject({ intact: true, complete: true });
    const aliceData = alice.frames
      .flatMap((f) => (f.data ? [Buffer.from(String(f.data.bytes), 'base64').toString()] : []))
      .join('');
    expect(aliceData).toContain('ready\n');
    expect(aliceData).toContain('finished now\n');
    const aliceClose = alice.frames.flatMap((f) => (f.streamClose ? [f.streamClose] : []));
    expect(aliceClose).toContainEqual(expect.objectContaining({ exitStatus: 0 }));
    expect(alice.frames.find((f) => f.sessionEnd)?.sessionEnd).toMatchObject({
      reason: 'END_REASON_CLIENT_CLOSED',
    });

    const bob = await recordingOf('bob@example.com');
    expect(bob.report).toMatchObject({ intact: true, complete: true });
    expect(bob.frames.find((f) => f.sessionEnd)?.sessionEnd).toMatchObject({
      reason: 'END_REASON_SHUTDOWN',
    });
    const bobCloses = bob.frames.flatMap((f) => (f.streamClose ? [f.streamClose] : []));
    expect(bobCloses).toContainEqual(expect.objectContaining({ detail: KubeErrorCode.SESSION_ENDED }));
    const bobCalls = bob.frames.flatMap((f) => (f.apiCall ? [f.apiCall] : []));
    expect(bobCalls).toContainEqual(expect.objectContaining({ verb: 'watch', statusCode: 200 }));
  }, 60_000);
});
