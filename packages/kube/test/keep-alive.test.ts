// API requests on kept-alive client connections: the proxy remembers which
// session a connection's credentials belong to (no token hash per request),
// so these tests switch credentials on one connection and check that every
// request still lands in its own session, with its own identity upstream.
import type { Socket } from 'node:net';
import type { PolicyAction, PolicyDecision } from '@tapline/core';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOB_TOKEN, type Harness, startHarness, USER_TOKEN } from './harness.js';
import type { MemorySession } from './memory-recorder.js';

const podPath = '/api/v1/namespaces/default/pods/web';

describe('kept-alive client connections', () => {
  let h: Harness;
  let client: Pool;
  const connections: Socket[] = [];
  beforeAll(async () => {
    h = await startHarness();
    h.proxy.server.on('connection', (socket: Socket) => connections.push(socket));
    client = new Pool(h.proxy.url, { connections: 1, pipelining: 1, connect: { ca: h.pki.ca } });
  });
  afterAll(async () => {
    await client?.close();
    await h?.close();
  });

  const get = async (token: string | undefined, path = podPath) => {
    const { statusCode, body } = await client.request({
      method: 'GET',
      path,
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    return { statusCode, body: Buffer.from(await body.arrayBuffer()) };
  };
  const sessionOf = (user: string): MemorySession =>
    h.recorder.sessions.find((session) => session.context.user.id === user && !session.ended)!;

  it('keeps each request in the session of the credentials it carries, on one connection', async () => {
    const seenBefore = h.api.requests.length;
    const answers = [];
    for (const token of [
      USER_TOKEN,
      USER_TOKEN,
      BOB_TOKEN,
      USER_TOKEN,
      undefined,
      'not-a-token',
      BOB_TOKEN,
    ]) {
      answers.push((await get(token)).statusCode);
    }
    expect(answers).toEqual([200, 200, 200, 200, 401, 401, 200]);
    // One connection carried all of them (the 401s are answered on it too).
    expect(connections.length).toBe(1);
    expect(sessionOf('alice@example.com').apiCalls().length).toBe(3);
    expect(sessionOf('bob@example.com').apiCalls().length).toBe(2);
    // Upstream, each as the user of its own credentials; the refused ones never arrived.
    const upstreamUsers = h.api.requests.slice(seenBefore).map((seen) => seen.headers['impersonate-user']);
    expect(upstreamUsers).toEqual([
      'alice@example.com',
      'alice@example.com',
      'bob@example.com',
      'alice@example.com',
      'bob@example.com',
    ]);
    expect(h.refusals.slice(-2).map((refusal) => refusal.reason)).toEqual([
      'missing_credentials',
      'invalid_credentials',
    ]);
  });

  it('has the ApiCall recorded, with status and sizes, when the client has the whole answer', async () => {
    const alice = sessionOf('alice@example.com');
    for (let i = 0; i < 5; i++) {
      const before = alice.apiCalls().length;
      const { statusCode, body } = await get(USER_TOKEN);
      expect(statusCode).toBe(200);
      expect(alice.apiCalls().length).toBe(before + 1);
      expect(alice.apiCalls().at(-1)).toMatchObject({
        verb: 'get',
        resource: 'pods',
        namespace: 'default',
        name: 'web',
        statusCode: 200,
        responseBytes: body.byteLength,
      });
      // Nothing of it is still in flight: the idle timeout can run again.
      const info = h.proxy.sessions().find((session) => session.sessionId === alice.sessionId);
      expect(info?.active).toBe(0);
    }
  });

  it('refuses the next request of a revoked session on a kept-alive connection', async () => {
    const alice = sessionOf('alice@example.com');
    const seenBefore = h.api.requests.length;
    h.recorder.sessions.find((session) => session === alice)!.revoke();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { statusCode } = await get(USER_TOKEN);
    expect(statusCode).toBe(401);
    expect(h.api.requests.length).toBe(seenBefore);
    // Bob's session goes on.
    expect((await get(BOB_TOKEN)).statusCode).toBe(200);
  });

  it('records a watch the client leaves with the status it was answered, and frees it', async () => {
    const bob = sessionOf('bob@example.com');
    const before = bob.apiCalls().length;
    const watcher = new Pool(h.proxy.url, { connections: 1, connect: { ca: h.pki.ca } });
    try {
      const { statusCode, body } = await watcher.request({
        method: 'GET',
        path: '/api/v1/namespaces/default/pods?watch=1',
        headers: { accept: 'application/json', authorization: `Bearer ${BOB_TOKEN}` },
      });
      expect(statusCode).toBe(200);
      const info = () => h.proxy.sessions().find((session) => session.sessionId === bob.sessionId);
      expect(info()?.active).toBe(1);
      body.destroy();
      await watcher.destroy();
      const deadline = Date.now() + 5000;
      while (bob.apiCalls().length === before && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(bob.apiCalls().at(-1)).toMatchObject({ verb: 'watch', statusCode: 200 });
      expect(info()?.active).toBe(0);
    } finally {
      await watcher.destroy().catch(() => {});
    }
  });
});

describe('idle timeout under steady requests', () => {
  it('does not end a session whose requests keep coming, and ends it once they stop', async () => {
    const h = await startHarness({ idleTimeoutMs: 1000 });
    const client = new Pool(h.proxy.url, { connections: 1, connect: { ca: h.pki.ca } });
    try {
      // Longer than the idle timeout in all, never idle for long.
      const until = Date.now() + 1600;
      while (Date.now() < until) {
        const { statusCode, body } = await client.request({
          method: 'GET',
          path: podPath,
          headers: { authorization: `Bearer ${USER_TOKEN}` },
        });
        await body.arrayBuffer();
        expect(statusCode).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(h.recorder.sessions.length).toBe(1);
      const session = h.recorder.sessions[0]!;
      expect(session.ended).toBeUndefined();
      const deadline = Date.now() + 5000;
      while (!session.ended && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(session.ended).toBe('client_closed');
      expect(session.events.at(-1)).toMatchObject({ type: 'end', detail: 'idle timeout' });
    } finally {
      await client.close();
      await h.close();
    }
  });
});

describe('policy on the kept-alive path', () => {
  for (const kind of ['synchronous', 'asynchronous', 'rejecting'] as const) {
    it(`a ${kind} policy's denial is answered 403 and never reaches the API server; allowed requests go on`, async () => {
      const policy = (action: PolicyAction): PolicyDecision | Promise<PolicyDecision> => {
        const decision: PolicyDecision =
          action.name === 'secret-pod' ? { allow: false, message: 'not this pod' } : { allow: true };
        if (kind === 'synchronous') return decision;
        if (kind === 'rejecting' && action.name === 'secret-pod') return Promise.reject(new Error('down'));
        return new Promise((resolve) => setTimeout(() => resolve(decision), 5));
      };
      const h = await startHarness({ policy });
      h.api.addPod('default', 'secret-pod');
      const client = new Pool(h.proxy.url, { connections: 1, connect: { ca: h.pki.ca } });
      try {
        const statuses: number[] = [];
        for (const name of ['web', 'secret-pod', 'web', 'secret-pod']) {
          const { statusCode, body } = await client.request({
            method: 'GET',
            path: `/api/v1/namespaces/default/pods/${name}`,
            headers: { authorization: `Bearer ${USER_TOKEN}` },
          });
          await body.arrayBuffer();
          statuses.push(statusCode);
        }
        expect(statuses).toEqual([200, 403, 200, 403]);
        const upstream = h.api.requests.filter((seen) =>
          seen.url.startsWith('/api/v1/namespaces/default/pods/'),
        );
        expect(upstream.map((seen) => seen.url)).toEqual([podPath, podPath]);
        const calls = h.recorder.sessions[0]!.apiCalls().map((call) => [call.name, call.statusCode]);
        expect(calls).toEqual([
          ['web', 200],
          ['secret-pod', 403],
          ['web', 200],
          ['secret-pod', 403],
        ]);
      } finally {
        await client.close();
        await h.close();
      }
    });
  }
});
