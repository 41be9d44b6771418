// The proxy with @tapline/core's real recorder and file sink: the recording
// holds the API calls and the exec stream, verifies, and holds no credential.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder, type Recorder } from '@tapline/core';
import { frameToJson, readFrames, verifyRecording } from '@tapline/frames';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTOR_TOKEN, type Harness, startHarness, USER_TOKEN } from './harness.js';

let h: Harness;
let recorder: Recorder;
let output: string;
beforeAll(async () => {
  output = mkdtempSync(join(tmpdir(), 'tapline-kube-recordings-'));
  recorder = createRecorder({
    spool: { directory: mkdtempSync(join(tmpdir(), 'tapline-kube-spool-')) },
    sinks: [createFileSink({ directory: output })],
  });
  h = await startHarness({}, recorder);
});
afterAll(async () => {
  await h?.close();
  await recorder?.close();
});

describe('with the real recorder', () => {
  it('records API calls and an exec stream into a verifiable recording without credentials', async () => {
    expect((await h.kubectl(['get', 'pods'])).code).toBe(0);
    const exec = await h.kubectl(['exec', 'web', '--', 'sh', '-c', 'echo recorded-output; exit 4']);
    expect(exec.stdout).toBe('recorded-output\n');
    expect(exec.code).toBe(4);
    expect(recorder.sessions.size).toBe(1);
    const [session] = [...recorder.sessions.values()];
    expect(recorder.revoke('req-alice@example.com')).toBe(1);
    // The proxy ends the session when its signal aborts; a later request is refused.
    const refused = await h.kubectl(['get', 'pods']);
    expect(refused.code).not.toBe(0);
    await recorder.idle();
    const deadline = Date.now() + 10_000;
    while (!readdirSync(output).some((f) => f.endsWith('.tapline')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const file = join(output, `${session!.sessionId}.tapline`);
    const bytes = readFileSync(file);
    const report = await verifyRecording(bytes);
    expect(report).toMatchObject({ intact: true, complete: true, sessionId: session!.sessionId });
    const frames: Record<string, unknown>[] = [];
    for await (const frame of readFrames(bytes)) frames.push(frameToJson(frame));
    const text = JSON.stringify(frames);
    expect(text).not.toContain(USER_TOKEN);
    expect(text).not.toContain(CONNECTOR_TOKEN);
    const apiCalls = frames.flatMap((f) => (f.apiCall ? [f.apiCall as Record<string, unknown>] : []));
    expect(apiCalls).toContainEqual(
      expect.objectContaining({ verb: 'list', resource: 'pods', namespace: 'default', statusCode: 200 }),
    );
    expect(apiCalls).toContainEqual(expect.objectContaining({ subresource: 'exec', statusCode: 101 }));
    const commands = frames.flatMap((f) => (f.command ? [f.command as Record<string, unknown>] : []));
    expect(commands).toContainEqual(
      expect.objectContaining({ text: "sh -c 'echo recorded-output; exit 4'", source: 'exec' }),
    );
    const closes = frames.flatMap((f) => (f.streamClose ? [f.streamClose as Record<string, unknown>] : []));
    expect(closes).toContainEqual(expect.objectContaining({ exitStatus: 4 }));
    const end = frames.find((f) => f.sessionEnd)?.sessionEnd as Record<string, unknown> | undefined;
    expect(end?.reason).toBe('END_REASON_REVOKED');
  });
});
