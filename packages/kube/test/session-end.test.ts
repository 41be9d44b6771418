// How a user learns their access ended: a grant already expired at first use
// is refused as grant_expired (no error report, a clear message), and an open
// watch gets a watch ERROR event carrying a Status when the session ends.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder, type Recorder } from '@tapline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStatus, decodeWatchFrames, KubeErrorCode } from '../src/index.js';
import { BOB_TOKEN, CAROL_TOKEN, type Harness, startHarness, USER_TOKEN } from './harness.js';

async function until<T>(probe: () => T | undefined | false | null, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a grant already expired at first use', () => {
  let h: Harness;
  let recorder: Recorder;
  beforeAll(async () => {
    recorder = createRecorder({
      spool: { directory: mkdtempSync(join(tmpdir(), 'tapline-kube-spool-')) },
      sinks: [createFileSink({ directory: mkdtempSync(join(tmpdir(), 'tapline-kube-out-')) })],
    });
    h = await startHarness(
      {
        authorize: (credentials) =>
          credentials.token === USER_TOKEN
            ? {
                context: {
                  protocol: 'kubernetes',
                  user: { id: 'late@example.com' },
                  accessRequestId: 'req-late',
                  resource: { id: 'cluster-1', type: 'kubernetes' },
                  expiresAt: Date.now() - 60_000,
                },
              }
            : undefined,
      },
      recorder,
    );
  });
  afterAll(async () => {
    await h?.close();
    await recorder?.close();
  });

  it('is refused as grant_expired with a clear message, and reported as no error', async () => {
    const result = await h.kubectl(['get', 'pods']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('this access has expired');
    expect(h.refusals.length).toBeGreaterThan(0);
    for (const refusal of h.refusals) {
      expect(refusal).toMatchObject({
        reason: 'grant_expired',
        code: KubeErrorCode.GRANT_EXPIRED,
        statusCode: 401,
      });
    }
    expect(h.errors).toEqual([]);
    expect(recorder.sessions.size).toBe(0);
  });
});

describe('an open watch when the session ends', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('gets a watch ERROR event with a Status saying why (raw client)', async () => {
    const url = new URL(h.proxy.url);
    const lines: string[] = [];
    let buffered = '';
    const ended = new Promise<void>((resolve, reject) => {
      const req = https.request(
        {
          host: url.hostname,
          port: url.port,
          path: '/api/v1/namespaces/default/pods?watch=true',
          ca: h.pki.ca,
          agent: false,
          headers: { authorization: `Bearer ${USER_TOKEN}` },
        },
        (res) => {
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffered += chunk;
            const parts = buffered.split('\n');
            buffered = parts.pop()!;
            lines.push(...parts);
          });
          res.on('end', resolve);
          res.on('error', reject);
          res.on('aborted', () => reject(new Error('aborted')));
        },
      );
      req.on('error', reject);
      req.end();
    });
    await until(() => lines.some((line) => line.includes('"web"')));
    const session = await until(() =>
      h.recorder.sessions.find((s) => s.context.user.id === 'alice@example.com'),
    );
    session.revoke('grant_expired');
    await ended;
    const last = JSON.parse(lines.at(-1)!) as { type: string; object: Record<string, unknown> };
    expect(last.type).toBe('ERROR');
    expect(last.object).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      code: 401,
      reason: 'Unauthorized',
    });
    expect(String(last.object.message)).toContain('this access has expired');
  });

  it('a protobuf watch (client-go) gets a protobuf ERROR frame with the Status', async () => {
    const url = new URL(h.proxy.url);
    const chunks: Buffer[] = [];
    let contentType = '';
    await new Promise<void>((resolve, reject) => {
      const req = https.request(
        {
          host: url.hostname,
          port: url.port,
          path: '/api/v1/namespaces/default/secrets?watch=true',
          ca: h.pki.ca,
          agent: false,
          headers: {
            authorization: `Bearer ${CAROL_TOKEN}`,
            accept: 'application/vnd.kubernetes.protobuf;stream=watch',
          },
        },
        (res) => {
          contentType = String(res.headers['content-type']);
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          // The watch streams (its 200 came through the proxy): end the session now.
          h.recorder.sessions.find((s) => s.context.user.id === 'carol@example.com')!.revoke('revoked');
          res.on('end', resolve);
          res.on('aborted', () => reject(new Error('aborted')));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(contentType).toContain('protobuf;stream=watch');
    const frames = decodeWatchFrames(Buffer.concat(chunks));
    const last = frames.at(-1)!;
    expect(last.type).toBe('ERROR');
    expect(last.object.kind).toBe('Status');
    expect(decodeStatus(last.object.raw)).toMatchObject({
      status: 'Failure',
      code: 401,
      reason: 'Unauthorized',
      message: expect.stringContaining('this access was revoked'),
    });
  });

  it('kubectl get -w shows the reason instead of ending silently', async () => {
    const config = await h.kubeconfigFor(BOB_TOKEN);
    const watch = spawn(
      'kubectl',
      ['--kubeconfig', config, '--cache-dir', join(h.directory, 'cache-watch'), 'get', 'pods', '-w'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    watch.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exit = new Promise<number | null>((resolve) => watch.on('close', resolve));
    try {
      await until(() => stdout.includes('web'));
      // The LIST is printed before the WATCH opens: wait for the watch to stream.
      h.api.addPod('default', 'web-watch');
      await until(() => stdout.includes('web-watch'));
      const session = await until(() =>
        h.recorder.sessions.find((s) => s.context.user.id === 'bob@example.com'),
      );
      session.revoke('revoked');
      await exit;
      // kubectl prints a watch ERROR's Status as a table row (and exits 0 whatever the Status says).
      expect(stdout).toMatch(/Failure\s+Unauthorized\s+Tapline: this access was revoked/);
    } finally {
      watch.kill('SIGKILL');
    }
  });
});
