// What the `policy` option adds to a kube request: two proxies in one run,
// one without a policy and one with a small rule set (a synchronous function,
// as a compiled rule list would be), each in front of its own test API server;
// rounds interleaved. Reported: each proxy's added latency over its API server
// direct, and the difference at p50 and p99.
//   pnpm exec tsx --conditions=source packages/kube/bench/policy.ts [--requests=4000] [--rounds=8]
import type { PolicyAction, PolicyDecision } from '@tapline/core';
import { Pool } from 'undici';
import { CONNECTOR_TOKEN, type Harness, startHarness, USER_TOKEN } from '../test/harness.js';

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value ?? 'true'];
  }),
);
const requests = Number(args.requests ?? 4000);
const rounds = Number(args.rounds ?? 8);

const protectedNamespaces = new Set(['kube-system', 'prod']);
function policy(action: PolicyAction): PolicyDecision {
  if (action.verb === 'delete' && action.resource === 'namespaces') {
    return {
      allow: false,
      message: 'namespaces are not deleted through this connector',
      rule: 'no-ns-delete',
    };
  }
  if (
    action.namespace !== undefined &&
    protectedNamespaces.has(action.namespace) &&
    action.verb !== 'get' &&
    action.verb !== 'list' &&
    action.verb !== 'watch'
  ) {
    return { allow: false, message: `${action.namespace} is read-only`, rule: 'protected-ro' };
  }
  if (action.resource === 'secrets' && action.context.labels?.env === 'prod') {
    return { allow: false, message: 'no secrets in prod', rule: 'no-prod-secrets' };
  }
  if (action.subresource === 'exec' && action.command?.includes('rm ')) {
    return { allow: false, message: 'no rm', rule: 'no-rm' };
  }
  return { allow: true };
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function timeRequests(pool: Pool, token: string, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    const { statusCode, body } = await pool.request({
      method: 'GET',
      path: '/api/v1/namespaces/default/pods/web',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    await body.arrayBuffer();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (statusCode !== 200) throw new Error(`status ${statusCode}`);
  }
  return samples;
}

interface Leg {
  h: Harness;
  direct: Pool;
  proxied: Pool;
  directSamples: number[];
  proxySamples: number[];
}

async function leg(withPolicy: boolean): Promise<Leg> {
  const h = await startHarness(withPolicy ? { policy } : {});
  return {
    h,
    direct: new Pool(h.api.url, { connections: 1, connect: { ca: h.pki.ca } }),
    proxied: new Pool(h.proxy.url, { connections: 1, connect: { ca: h.pki.ca } }),
    directSamples: [],
    proxySamples: [],
  };
}

const plain = await leg(false);
const gated = await leg(true);
try {
  for (const l of [plain, gated]) {
    await timeRequests(l.direct, CONNECTOR_TOKEN, 300);
    await timeRequests(l.proxied, USER_TOKEN, 300);
  }
  const perRound = Math.ceil(requests / rounds);
  for (let round = 0; round < rounds; round++) {
    for (const l of round % 2 === 0 ? [plain, gated] : [gated, plain]) {
      l.directSamples.push(...(await timeRequests(l.direct, CONNECTOR_TOKEN, perRound)));
      l.proxySamples.push(...(await timeRequests(l.proxied, USER_TOKEN, perRound)));
    }
  }
  const added = (l: Leg, p: number): number => {
    const d = [...l.directSamples].sort((a, b) => a - b);
    const x = [...l.proxySamples].sort((a, b) => a - b);
    return percentile(x, p) - percentile(d, p);
  };
  console.log('GET pod (keep-alive, sequential), memory recorder');
  for (const [name, l] of [
    ['proxy, no policy', plain],
    ['proxy, policy', gated],
  ] as const) {
    const x = [...l.proxySamples].sort((a, b) => a - b);
    console.log(
      `${name.padEnd(18)} p50 ${percentile(x, 50).toFixed(3)} ms  p99 ${percentile(x, 99).toFixed(3)} ms  added over direct p50 ${added(l, 50).toFixed(3)} ms  (${x.length} requests)`,
    );
  }
  console.log(
    `policy adds        p50 ${(added(gated, 50) - added(plain, 50)).toFixed(3)} ms  p99 ${(added(gated, 99) - added(plain, 99)).toFixed(3)} ms`,
  );
  // The gate alone, no I/O: what a request pays for the decision itself.
  const { createPolicyGate, policyContextOf } = await import('@tapline/core');
  const gate = createPolicyGate({ policy });
  const context = policyContextOf({
    protocol: 'kubernetes',
    user: { id: 'u' },
    accessRequestId: 'r',
    resource: { id: 'c', type: 'kubernetes' },
  });
  const action: PolicyAction = {
    protocol: 'kubernetes',
    type: 'api_call',
    verb: 'get',
    resource: 'pods',
    namespace: 'default',
    name: 'web',
    apiGroup: '',
    path: '/api/v1/namespaces/default/pods/web',
    context,
  };
  const n = 1_000_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) gate.check(action, undefined);
  console.log(
    `gate.check alone    ${(Number(process.hrtime.bigint() - start) / n / 1e6).toFixed(6)} ms per call (${n} calls)`,
  );
} finally {
  for (const l of [plain, gated]) {
    await l.direct.close();
    await l.proxied.close();
    await l.h.close();
  }
}
