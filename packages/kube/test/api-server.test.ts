// The test API server's wire behaviour, through the proxy: aggregated
// discovery, 429 with Retry-After (kubectl retries), watch bookmarks and 410
// Gone, PUT (replace) with resourceVersion conflicts, server-side dry run.

import { writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeProxy, writeKubeconfig } from '../src/index.js';
import { CONNECTOR_TOKEN, type Harness, startHarness, USER_TOKEN, VIEWER_TOKEN } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const calls = () => h.recorder.sessions.flatMap((s) => s.apiCalls());

/** A watch through the proxy: the JSON lines until `stop` returns true or the stream ends. */
function watchLines(path: string, stop: (lines: string[]) => boolean): Promise<string[]> {
  const url = new URL(h.proxy.url);
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let buffered = '';
    const req = https.request(
      {
        host: url.hostname,
        port: url.port,
        path,
        ca: h.pki.ca,
        headers: { authorization: `Bearer ${USER_TOKEN}` },
      },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          const parts = buffered.split('\n');
          buffered = parts.pop()!;
          lines.push(...parts);
          if (stop(lines)) {
            req.destroy();
            resolve(lines);
          }
        });
        res.on('end', () => resolve(lines));
      },
    );
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end();
  });
}

describe('the test API server through the proxy', () => {
  it('serves aggregated discovery: kubectl asks for it and needs no per-group lists', async () => {
    const before = h.api.requests.length;
    const result = await h.kubectl(['get', 'configmaps', '--cache-dir', join(h.directory, 'fresh-cache')]);
    expect(result.code).toBe(0);
    const seen = h.api.requests.slice(before);
    const api = seen.find((r) => r.url.startsWith('/api?') || r.url === '/api');
    expect(api?.headers.accept).toContain('as=APIGroupDiscoveryList');
    expect(seen.some((r) => r.url.startsWith('/api/v1?'))).toBe(false);
  });

  it('answers 429 with Retry-After; kubectl waits and retries; both calls are recorded', async () => {
    h.api.throttle(1, 1, '/api/v1/namespaces/default/pods/web');
    const result = await h.kubectl(['get', 'pod', 'web', '-o', 'name']);
    expect(result.stdout.trim()).toBe('pod/web');
    const statuses = calls()
      .filter((c) => c.name === 'web' && c.verb === 'get')
      .map((c) => c.statusCode);
    expect(statuses).toContain(429);
    expect(statuses.at(-1)).toBe(200);
  });

  it('sends watch bookmarks when asked, and 410 Gone for a compacted resourceVersion', async () => {
    const bookmarks = watchLines(
      '/api/v1/namespaces/default/pods?watch=true&allowWatchBookmarks=true',
      (lines) => {
        if (lines.filter((l) => l.includes('"BOOKMARK"')).length === 1) h.api.bookmark();
        return lines.filter((l) => l.includes('"BOOKMARK"')).length >= 2;
      },
    );
    const lines = await bookmarks;
    expect(lines.filter((l) => JSON.parse(l).type === 'BOOKMARK')).toHaveLength(2);
    h.api.compact();
    const gone = await watchLines(
      '/api/v1/namespaces/default/pods?watch=true&resourceVersion=1',
      () => false,
    );
    expect(JSON.parse(gone.at(-1)!)).toMatchObject({
      type: 'ERROR',
      object: { code: 410, reason: 'Expired' },
    });
  });

  it('PUT replaces (kubectl replace), a stale resourceVersion conflicts, dry run stores nothing', async () => {
    await h.kubectl(['create', 'configmap', 'replaced', '--from-literal=a=1']);
    const got = await h.kubectl(['get', 'configmap', 'replaced', '-o', 'json']);
    if (got.code !== 0) throw new Error(got.stderr);
    const current = JSON.parse(got.stdout);
    const file = join(h.directory, 'replace.json');
    writeFileSync(file, JSON.stringify({ ...current, data: { a: '2' } }));
    expect((await h.kubectl(['replace', '-f', file])).code).toBe(0);
    expect((await h.kubectl(['get', 'configmap', 'replaced', '-o', 'jsonpath={.data.a}'])).stdout).toBe('2');
    const stale = await h.kubectl(['replace', '-f', file]);
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toContain('the object has been modified');
    const dry = await h.kubectl(['create', 'configmap', 'dry', '--from-literal=a=1', '--dry-run=server']);
    expect(dry.stdout).toContain('configmap/dry created (server dry run)');
    expect((await h.kubectl(['get', 'configmap', 'dry'])).code).not.toBe(0);
    expect(calls().some((c) => c.method === 'PUT' && c.statusCode === 409)).toBe(true);
  });

  it('checks impersonation: a connector without the impersonate right, and system:masters, get 403', async () => {
    for (const [token, groups] of [
      [VIEWER_TOKEN, ['developers']],
      [undefined, ['system:masters']],
    ] as const) {
      const proxy = createKubeProxy({
        tls: { key: h.pki.serverKey, cert: h.pki.serverCert },
        authorize: () => ({
          context: {
            protocol: 'kubernetes',
            user: { id: 'imp@example.com' },
            accessRequestId: 'req-imp',
            resource: { id: 'cluster-1', type: 'kubernetes' },
          },
          impersonate: { user: 'imp@example.com', groups: [...groups] },
        }),
        upstream: { url: h.api.url, ca: h.pki.ca, token: token ?? 'connector-secret-token' },
        recorder: h.recorder,
      });
      await proxy.listen();
      try {
        const config = await writeKubeconfig(join(h.directory, `kubeconfig-imp-${groups[0]}`), {
          server: proxy.url,
          certificateAuthority: h.pki.ca,
          token: 'any',
        });
        const result = await h.kubectl(['--kubeconfig', config, 'get', 'pods', '--request-timeout=5s']);
        expect(result.code).not.toBe(0);
        // kubectl shows a discovery 403 as "Forbidden: unknown"; the recording has the 403s.
        expect(result.stderr).toContain('Forbidden');
        const recorded = h.recorder.sessions.filter(
          (session) => session.context.user.id === 'imp@example.com',
        );
        expect(
          recorded.flatMap((session) => session.apiCalls()).some((call) => call.statusCode === 403),
        ).toBe(true);
      } finally {
        await proxy.close();
      }
    }
  });

  it('offers HTTP/2 like kube-apiserver: kubectl straight to it speaks h2, the proxy upstream HTTP/1.1', async () => {
    const direct = await writeKubeconfig(join(h.directory, 'kubeconfig-direct'), {
      server: h.api.url,
      certificateAuthority: h.pki.ca,
      token: CONNECTOR_TOKEN,
      namespace: 'default',
    });
    let before = h.api.requests.length;
    expect((await h.kubectl(['--kubeconfig', direct, 'get', 'pod', 'web', '-o', 'name'])).stdout.trim()).toBe(
      'pod/web',
    );
    expect(new Set(h.api.requests.slice(before).map((r) => r.httpVersion))).toEqual(new Set(['2.0']));
    before = h.api.requests.length;
    expect((await h.kubectl(['get', 'pod', 'web', '-o', 'name'])).stdout.trim()).toBe('pod/web');
    expect(new Set(h.api.requests.slice(before).map((r) => r.httpVersion))).toEqual(new Set(['1.1']));
  });
});
