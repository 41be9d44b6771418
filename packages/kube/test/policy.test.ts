// The `policy` option with the real kubectl: a denied request never reaches the
// API server and kubectl prints the policy's message from a 403 Status.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyAction } from '@tapline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
const asked: PolicyAction[] = [];
beforeAll(async () => {
  h = await startHarness({
    policy: (action) => {
      asked.push(action);
      if (action.verb === 'delete' && action.resource === 'namespaces' && action.name?.startsWith('prod-')) {
        return {
          allow: false,
          message: 'deleting prod namespaces is not allowed',
          rule: 'no-prod-ns-delete',
        };
      }
      if (action.subresource === 'exec' && action.command?.includes('rm ')) {
        return { allow: false, message: 'rm in pods is not allowed', rule: 'no-rm' };
      }
      if (action.subresource === 'portforward') return { allow: false, message: 'no port-forward here' };
      if (action.verb === 'list' && action.resource === 'configmaps')
        return { allow: true, rule: 'audited-read' };
      return { allow: true };
    },
  });
});
afterAll(async () => {
  await h?.close();
});

describe('kube policy', () => {
  it('kubectl delete ns prod-x gets 403 with the message; the namespace survives; the API server sees no DELETE', async () => {
    const manifest = join(h.directory, 'prod-x.json');
    writeFileSync(
      manifest,
      JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod-x' } }),
    );
    const created = await h.kubectl(['create', '-f', manifest]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const result = await h.kubectl(['delete', 'namespace', 'prod-x', '--wait=false']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Error from server (Forbidden): deleting prod namespaces is not allowed');
    expect(h.api.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    const still = await h.kubectl(['get', 'namespace', 'prod-x', '-o', 'name']);
    expect(still.stdout.trim()).toBe('namespace/prod-x');

    const session = h.recorder.sessions.find((s) => s.context.user.id === 'alice@example.com' && !s.ended);
    const denied = session?.apiCalls().find((c) => c.method === 'DELETE');
    expect(denied).toMatchObject({ verb: 'delete', resource: 'namespaces', name: 'prod-x', statusCode: 403 });
    const annotation = session?.events.find(
      (e) => e.type === 'annotation' && e.event.code === 'TAPLINE_ERR_POLICY_DENIED',
    );
    expect(annotation).toMatchObject({
      event: {
        kind: 'refused',
        message: 'deleting prod namespaces is not allowed',
        details: { rule: 'no-prod-ns-delete' },
      },
    });
    expect(h.refusals.find((r) => r.reason === 'policy_denied')).toMatchObject({
      statusCode: 403,
      method: 'DELETE',
    });
    const action = asked.find((a) => a.verb === 'delete');
    expect(action).toMatchObject({
      protocol: 'kubernetes',
      type: 'api_call',
      apiGroup: '',
      context: { user: { id: 'alice@example.com' }, resource: { id: 'cluster-1' } },
    });
  });

  it('an allow that names a rule is recorded; other requests pass', async () => {
    const result = await h.kubectl(['get', 'configmaps']);
    expect(result.code).toBe(0);
    const session = h.recorder.sessions.find((s) => s.context.user.id === 'alice@example.com' && !s.ended);
    expect(
      session?.events.some(
        (e) =>
          e.type === 'annotation' &&
          e.event.code === 'TAPLINE_POLICY_MATCHED' &&
          e.event.details?.rule === 'audited-read',
      ),
    ).toBe(true);
  });

  it('exec is refused before the upgrade with the message; the command never runs', async () => {
    const before = h.api.requests.filter((r) => r.url.includes('/exec')).length;
    const result = await h.kubectl(['exec', 'web', '--', 'sh', '-c', 'rm -rf /tmp/x']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('rm in pods is not allowed');
    expect(h.api.requests.filter((r) => r.url.includes('/exec')).length).toBe(before);
    expect(asked.find((a) => a.subresource === 'exec')?.command).toBe('sh -c rm -rf /tmp/x');
    const allowed = await h.kubectl(['exec', 'web', '--', 'sh', '-c', 'echo fine']);
    expect(allowed.stdout).toContain('fine');
  });

  it('port-forward is refused the same way', async () => {
    const before = h.api.requests.filter((r) => r.url.includes('/portforward')).length;
    const result = await h.kubectl(['port-forward', 'pod/web', '0:8080'], { timeoutMs: 15_000 });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('no port-forward here');
    expect(h.api.requests.filter((r) => r.url.includes('/portforward')).length).toBe(before);
  });
});
