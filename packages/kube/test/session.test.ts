// Session lifecycle and the other credentials: client certificates on both
// legs, idle timeout, proxy shutdown.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeErrorCode, writeKubeconfig } from '../src/index.js';
import { type Harness, startHarness, USER_TOKEN } from './harness.js';
import { MemoryRecorder } from './memory-recorder.js';

describe('sessions', () => {
  let c: Harness;
  beforeAll(async () => {
    // The user presents a client certificate; the connector reaches the API
    // server with its own client certificate, without impersonation.
    c = await startHarness({
      authorize: (credentials) => {
        if (!credentials.certificateAuthorized || credentials.certificate?.subject?.CN !== 'connector')
          return undefined;
        return {
          context: {
            protocol: 'kubernetes',
            user: { id: 'cert-user' },
            accessRequestId: 'req-cert',
            resource: { id: 'cluster-1', type: 'kubernetes' },
          },
        };
      },
    });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('authenticates a client certificate and uses the connector certificate upstream', async () => {
    // A second proxy of the same harness shape, with client certificates required on the front.
    const { createKubeProxy } = await import('../src/index.js');
    const proxy = createKubeProxy({
      tls: {
        key: c.pki.serverKey,
        cert: c.pki.serverCert,
        ca: c.pki.ca,
        requestCert: true,
        rejectUnauthorized: false,
      },
      authorize: (credentials) =>
        credentials.certificateAuthorized && credentials.certificate?.subject?.CN === 'connector'
          ? {
              context: {
                protocol: 'kubernetes',
                user: { id: 'cert-user' },
                accessRequestId: 'req-cert',
                resource: { id: 'cluster-1', type: 'kubernetes' },
              },
            }
          : undefined,
      upstream: { url: c.api.url, ca: c.pki.ca, cert: c.pki.clientCert, key: c.pki.clientKey },
      recorder: c.recorder,
    });
    await proxy.listen();
    try {
      const config = await writeKubeconfig(join(c.directory, 'kubeconfig-cert'), {
        server: proxy.url,
        certificateAuthority: c.pki.ca,
        clientCertificate: c.pki.clientCert,
        clientKey: c.pki.clientKey,
      });
      const before = c.api.requests.length;
      const result = await c.kubectl(['--kubeconfig', config, 'get', 'pod', 'web', '-o', 'name']);
      expect(result.stdout.trim()).toBe('pod/web');
      const seen = c.api.requests.slice(before);
      expect(seen.length).toBeGreaterThan(0);
      for (const request of seen) {
        expect(request.clientCertificate).toBe('connector');
        expect(request.headers.authorization).toBeUndefined();
        expect(request.headers['impersonate-user']).toBeUndefined();
      }
      const session = c.recorder.sessions.find((s) => s.context.user.id === 'cert-user');
      expect(session?.apiCalls().some((call) => call.name === 'web' && call.statusCode === 200)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('answers 502 and records it when the API server cannot be reached', async () => {
    const { createKubeProxy } = await import('../src/index.js');
    const errors: Error[] = [];
    const recorder = new MemoryRecorder();
    const proxy = createKubeProxy({
      tls: { key: c.pki.serverKey, cert: c.pki.serverCert },
      authorize: () => ({
        context: {
          protocol: 'kubernetes',
          user: { id: 'u' },
          accessRequestId: 'r',
          resource: { id: 'c', type: 'kubernetes' },
        },
      }),
      upstream: { url: 'https://127.0.0.1:1', ca: c.pki.ca, token: 'x' },
      recorder,
      onEvent: (event) => event.type === 'error' && errors.push(event.error),
    });
    await proxy.listen();
    try {
      const config = await writeKubeconfig(join(c.directory, 'kubeconfig-down'), {
        server: proxy.url,
        certificateAuthority: c.pki.ca,
        token: 't',
      });
      const result = await c.kubectl(['--kubeconfig', config, 'get', 'pods', '--request-timeout=5s']);
      expect(result.code).not.toBe(0);
      expect(recorder.sessions[0]?.apiCalls().some((call) => call.statusCode === 502)).toBe(true);
      expect(errors.some((error) => (error as { code?: string }).code === KubeErrorCode.UPSTREAM)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('refuses a token when authorize takes only certificates', async () => {
    const first = await c.kubectl(['get', 'pods', '-o', 'name'], { token: USER_TOKEN });
    expect(first.code).not.toBe(0);
    expect(c.refusals.at(-1)).toMatchObject({ reason: 'invalid_credentials', statusCode: 401 });
  });

  it('ends an idle session (client_closed), starts a new one on the next request, ends it with shutdown on close', async () => {
    const d = await startHarness({ idleTimeoutMs: 250 });
    try {
      expect((await d.kubectl(['get', 'pods'])).code).toBe(0);
      const first = d.recorder.sessions[0]!;
      const deadline = Date.now() + 5000;
      while (!first.ended && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(first.ended).toBe('client_closed');
      expect(first.events.at(-1)).toMatchObject({
        type: 'end',
        reason: 'client_closed',
        detail: 'idle timeout',
      });
      expect((await d.kubectl(['get', 'pods'])).code).toBe(0);
      expect(d.recorder.sessions.length).toBe(2);
      expect(d.proxy.sessions()).toEqual([
        expect.objectContaining({ sessionId: d.recorder.sessions[1]!.sessionId, active: 0 }),
      ]);
      await d.proxy.close();
      expect(d.recorder.sessions[1]!.ended).toBe('shutdown');
    } finally {
      await d.close().catch(() => {});
    }
  });

  it('the option names used before docs/conventions.md still work, each with one deprecation warning', async () => {
    const codes: string[] = [];
    const onWarning = (warning: Error & { code?: string }) => codes.push(String(warning.code));
    process.on('warning', onWarning);
    const refused: string[] = [];
    const d = await startHarness({
      onRefused: (refusal) => refused.push(refusal.reason),
      commandExtractor: false,
      recordPortForwardContent: false,
    });
    try {
      const anonymous = await d.kubectl(['get', 'pods'], { token: 'not-a-token' });
      expect(anonymous.code).not.toBe(0);
      expect(refused).toContain('invalid_credentials');
      expect(d.proxy.sessionCount).toBe(d.proxy.sessions().length);
      await new Promise((resolve) => setImmediate(resolve));
      expect(codes.filter((code) => code.startsWith('TAPLINE_DEP_')).sort()).toEqual([
        'TAPLINE_DEP_CREATEKUBEPROXY_COMMANDEXTRACTOR',
        'TAPLINE_DEP_CREATEKUBEPROXY_ONREFUSED',
        'TAPLINE_DEP_CREATEKUBEPROXY_RECORDPORTFORWARDCONTENT',
        'TAPLINE_DEP_KUBEPROXY_SESSIONCOUNT',
      ]);
    } finally {
      process.off('warning', onWarning);
      await d.close().catch(() => {});
    }
  });
});
