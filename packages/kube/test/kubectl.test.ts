// The real kubectl, through the proxy, against the test API server.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeErrorCode } from '../src/index.js';
import { CONNECTOR_TOKEN, FORBIDDEN_TOKEN, type Harness, startHarness, USER_TOKEN } from './harness.js';
import type { MemoryEvent, MemorySession } from './memory-recorder.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const sessionOf = (user: string): MemorySession => {
  const session = h.recorder.sessions.find((s) => s.context.user.id === user && !s.ended);
  if (!session) throw new Error(`no live session for ${user}`);
  return session;
};
const alice = (): MemorySession => sessionOf('alice@example.com');

async function until<T>(probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('kubectl through the proxy', () => {
  it('lists pods; the API server sees the connector token and impersonation, never the user token', async () => {
    const result = await h.kubectl(['get', 'pods']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^web\s/m);
    const seen = h.api.requests.filter((r) => r.url.startsWith('/api/v1/namespaces/default/pods'));
    expect(seen.length).toBeGreaterThan(0);
    for (const request of h.api.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${CONNECTOR_TOKEN}`);
      expect(request.headers['impersonate-user']).toBe('alice@example.com');
      expect(JSON.stringify(request.headers)).not.toContain(USER_TOKEN);
    }
    const calls = alice().apiCalls();
    const list = calls.find((c) => c.verb === 'list' && c.resource === 'pods');
    expect(list).toMatchObject({
      method: 'GET',
      namespace: 'default',
      apiGroup: '',
      apiVersion: 'v1',
      statusCode: 200,
    });
    expect(list?.durationNs).toBeGreaterThan(0);
    expect(list?.responseBytes).toBeGreaterThan(0);
    expect(calls.find((c) => c.path.startsWith('/api?'))).toMatchObject({ verb: 'get', statusCode: 200 });
    expect(JSON.stringify(alice().events)).not.toContain(USER_TOKEN);
  });

  it('applies, gets and deletes a pod; the create body is recorded', async () => {
    const manifest = join(h.directory, 'pod.json');
    writeFileSync(
      manifest,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'applied' },
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
      }),
    );
    const applied = await h.kubectl(['apply', '--validate=false', '-f', manifest]);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('pod/applied created');
    const got = await h.kubectl(['get', 'pod', 'applied', '-o', 'jsonpath={.metadata.name}']);
    expect(got.stdout).toBe('applied');
    const deleted = await h.kubectl(['delete', 'pod', 'applied', '--wait=false']);
    expect(deleted.stdout).toContain('pod "applied" deleted');
    const calls = alice().apiCalls();
    const create = calls.find((c) => c.verb === 'create' && c.resource === 'pods');
    expect(create).toMatchObject({ method: 'POST', statusCode: 201, namespace: 'default' });
    expect(Buffer.from(create!.requestBody!).toString()).toContain('"image":"nginx"');
    expect(calls.find((c) => c.verb === 'delete' && c.name === 'applied')).toMatchObject({ statusCode: 200 });
    expect(calls.find((c) => c.verb === 'get' && c.name === 'applied' && c.statusCode === 404)).toBeDefined();
  });

  it('streams a watch: the first event reaches kubectl before the watch ends', async () => {
    const child = spawn(
      'kubectl',
      [
        '--kubeconfig',
        h.kubeconfig,
        '--cache-dir',
        join(h.directory, 'cache'),
        'get',
        'pods',
        '-w',
        '--request-timeout=30s',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      await until(() => output.includes('web'));
      h.api.addPod('default', 'watched');
      await until(() => output.includes('watched'));
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
    const watch = await until(() =>
      alice()
        .apiCalls()
        .find((c) => c.verb === 'watch' && c.resource === 'pods'),
    );
    expect(watch.statusCode).toBe(200);
  });

  it('execs a command; output, exit code and the command are recorded', async () => {
    const result = await h.kubectl(['exec', 'web', '--', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(result.stdout).toBe('out\n');
    expect(result.stderr).toContain('err\n');
    expect(result.code).toBe(7);
    const session = alice();
    const open = session.events.find((e) => e.type === 'open' && e.kind === 'kube_exec');
    expect(open).toBeDefined();
    if (open?.type !== 'open') throw new Error('unreachable');
    expect(open.options?.details).toMatchObject({
      namespace: 'default',
      pod: 'web',
      container: 'main',
      tty: 'false',
    });
    const streamId = open.streamId;
    expect(session.events).toContainEqual(
      expect.objectContaining({
        type: 'command',
        event: expect.objectContaining({
          streamId,
          text: "sh -c 'echo out; echo err >&2; exit 7'",
          source: 'exec',
        }),
      }),
    );
    const out = session.events.filter((e) => e.type === 'data' && e.streamId === streamId && e.channel === 1);
    expect(Buffer.concat(out.map((e) => (e.type === 'data' ? e.bytes : Buffer.alloc(0)))).toString()).toBe(
      'out\n',
    );
    const err = session.events.filter((e) => e.type === 'data' && e.streamId === streamId && e.channel === 2);
    expect(err.every((e) => e.type === 'data' && e.direction === 'target_to_client')).toBe(true);
    const close = await until(() =>
      session.events.find((e) => e.type === 'close' && e.streamId === streamId),
    );
    expect(close.type === 'close' && close.options?.exitStatus).toBe(7);
    const call = session.apiCalls().find((c) => c.subresource === 'exec');
    expect(call).toMatchObject({ statusCode: 101, resource: 'pods', name: 'web', verb: 'get' });
  });

  it('passes stdin through exec -i (v5 close of stdin ends the process)', async () => {
    const child = spawn(
      'kubectl',
      [
        '--kubeconfig',
        h.kubeconfig,
        '--cache-dir',
        join(h.directory, 'cache'),
        'exec',
        '-i',
        'web',
        '--',
        'sh',
        '-c',
        'tr a-z A-Z',
      ],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stdin.end('hello stdin\n');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(output).toBe('HELLO STDIN\n');
    expect(code).toBe(0);
    const session = alice();
    const stdin = session.events.filter(
      (e) => e.type === 'data' && e.direction === 'client_to_target' && e.channel === 0,
    );
    expect(
      Buffer.concat(stdin.map((e) => (e.type === 'data' ? e.bytes : Buffer.alloc(0)))).toString(),
    ).toContain('hello stdin');
  });

  it('port-forwards through the SPDY tunnel and counts bytes per connection', async () => {
    const localPort = await freePort();
    const child = spawn(
      'kubectl',
      [
        '--kubeconfig',
        h.kubeconfig,
        '--cache-dir',
        join(h.directory, 'cache'),
        'port-forward',
        'pod/web',
        `${localPort}:8080`,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      await until(() => output.includes('Forwarding from'));
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(localPort, '127.0.0.1', () => socket.write('ping through the tunnel'));
        let received = '';
        socket.on('data', (chunk) => {
          received += chunk.toString();
          if (received.length >= 'ping through the tunnel'.length) {
            socket.end();
            resolve(received);
          }
        });
        socket.on('error', reject);
      });
      expect(reply).toBe('ping through the tunnel');
      const session = alice();
      const open = await until(() =>
        session.events.find(
          (e): e is Extract<MemoryEvent, { type: 'open' }> =>
            e.type === 'open' && e.kind === 'kube_port_forward',
        ),
      );
      expect(open.type === 'open' && open.options?.details).toMatchObject({
        port: '8080',
        pod: 'web',
        namespace: 'default',
      });
      expect(open.type === 'open' && open.options?.contentRecorded).toBe(false);
      const up = session.events.filter(
        (e) => e.type === 'data' && e.streamId === open.streamId && e.direction === 'client_to_target',
      );
      expect(up.reduce((n, e) => n + (e.type === 'data' ? e.bytes.byteLength : 0), 0)).toBe(23);
      const closed = await until(() =>
        session.events.find((e) => e.type === 'close' && e.streamId === open.streamId),
      );
      expect(closed.type === 'close' && closed.options?.detail).toBe(
        'port 8080: 23 bytes client→target, 23 bytes target→client',
      );
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('records a forbidden request with 403', async () => {
    const result = await h.kubectl(['get', 'pods', '-n', 'forbidden']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('forbidden');
    const call = alice()
      .apiCalls()
      .find((c) => c.namespace === 'forbidden' && c.resource === 'pods');
    expect(call).toMatchObject({ statusCode: 403, verb: 'list' });
  });

  it('refuses an invalid token with 401 and reports the attempt', async () => {
    const before = h.recorder.sessions.length;
    const result = await h.kubectl(['get', 'pods'], { token: 'not-a-real-token' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Unauthorized|must be logged in/);
    expect(h.recorder.sessions.length).toBe(before);
    expect(
      h.refusals.some(
        (r) =>
          r.reason === 'invalid_credentials' && r.statusCode === 401 && r.code === KubeErrorCode.UNAUTHORIZED,
      ),
    ).toBe(true);
    expect(h.api.requests.some((r) => JSON.stringify(r.headers).includes('not-a-real-token'))).toBe(false);
  });

  it('refuses SPDY with a message that tells the user to upgrade kubectl', async () => {
    const result = await h.kubectl(['exec', 'web', '--', 'true'], {
      env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' },
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('SPDY is not supported');
    expect(
      h.refusals.some((r) => r.reason === 'spdy_unsupported' && r.code === KubeErrorCode.SPDY_UNSUPPORTED),
    ).toBe(true);
  });

  it('records a forbidden user’s own session separately', async () => {
    const result = await h.kubectl(['get', 'pods'], { token: FORBIDDEN_TOKEN });
    expect(result.code).not.toBe(0);
    const mallory = sessionOf('mallory@example.com');
    expect(mallory.apiCalls().some((c) => c.statusCode === 403)).toBe(true);
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
