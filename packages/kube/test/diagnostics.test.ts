// The tapline:kube:* diagnostics channels: what the real kubectl makes the
// proxy publish matches the exported payload types at run time.
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { subscribeTapline } from '@tapline/core';
import { isTaplineError } from '@tapline/frames';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  createKubeProxy,
  type KubeChannelMessages,
  KubeErrorCode,
  type KubeRefusal,
  writeKubeconfig,
} from '../src/index.js';
import { type Harness, startHarness } from './harness.js';
import { MemoryRecorder } from './memory-recorder.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

type FieldType = 'string' | 'number';
// One entry per field of KubeRefusal: the compiler fails when a field is added to the type but not here.
const refusalFields: { [K in keyof KubeRefusal]-?: { type: FieldType; optional?: boolean } } = {
  time: { type: 'number' },
  clientAddress: { type: 'string' },
  method: { type: 'string' },
  path: { type: 'string' },
  userAgent: { type: 'string', optional: true },
  reason: { type: 'string' },
  code: { type: 'string' },
  statusCode: { type: 'number' },
  sessionId: { type: 'string', optional: true },
};

function refusalProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['not an object'];
  const record = value as Record<string, unknown>;
  const problems = Object.keys(record)
    .filter((key) => !(key in refusalFields))
    .map((key) => `${key}: not in KubeRefusal`);
  for (const [key, field] of Object.entries(refusalFields)) {
    if (record[key] === undefined) {
      if (!field.optional) problems.push(`${key}: missing`);
    } else if (typeof record[key] !== field.type) problems.push(`${key}: not a ${field.type}`);
  }
  return problems;
}

describe('tapline:kube:* diagnostics channels', () => {
  it('tapline:kube:refused carries a KubeRefusal', async () => {
    const seen: unknown[] = [];
    const stop = subscribeTapline('tapline:kube:refused', (refusal) => {
      expectTypeOf(refusal).toEqualTypeOf<KubeChannelMessages['tapline:kube:refused']>();
      seen.push(refusal);
    });
    try {
      const result = await h.kubectl(['get', 'pods'], { token: 'not-a-granted-token' });
      expect(result.code).not.toBe(0);
    } finally {
      stop();
    }
    expect(seen.length).toBeGreaterThan(0);
    for (const refusal of seen) expect(refusalProblems(refusal)).toEqual([]);
    expect(seen[0]).toMatchObject({
      reason: 'invalid_credentials',
      code: KubeErrorCode.UNAUTHORIZED,
      statusCode: 401,
      method: 'GET',
      userAgent: expect.stringContaining('kubectl'),
    });
  });

  it('tapline:kube:error carries { error: TaplineError }', async () => {
    // An upstream that accepts and hangs up: every request fails upstream.
    const dead: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const port = (dead.address() as { port: number }).port;
    const proxy = createKubeProxy({
      tls: { key: h.pki.serverKey, cert: h.pki.serverCert },
      authorize: () => ({
        context: {
          protocol: 'kubernetes',
          user: { id: 'u' },
          accessRequestId: 'r',
          resource: { id: 'c', type: 'kubernetes' },
        },
      }),
      upstream: { url: `https://127.0.0.1:${port}`, ca: h.pki.ca, token: 'x' },
      recorder: new MemoryRecorder(),
    });
    await proxy.listen();
    const seen: unknown[] = [];
    const stop = subscribeTapline('tapline:kube:error', (message) => {
      expectTypeOf(message.error.code).toEqualTypeOf<string>();
      seen.push(message);
    });
    try {
      const config = await writeKubeconfig(join(h.directory, 'kubeconfig-dead'), {
        server: proxy.url,
        certificateAuthority: h.pki.ca,
        token: 't',
      });
      const result = await h.kubectl(['--kubeconfig', config, 'get', 'pods', '--request-timeout=5s']);
      expect(result.code).not.toBe(0);
    } finally {
      stop();
      await proxy.close();
      await new Promise((resolve) => dead.close(resolve));
    }
    expect(seen.length).toBeGreaterThan(0);
    for (const message of seen) {
      expect(Object.keys(message as object)).toEqual(['error']);
      const { error } = message as { error: unknown };
      expect(isTaplineError(error, KubeErrorCode.UPSTREAM)).toBe(true);
    }
  });
});
