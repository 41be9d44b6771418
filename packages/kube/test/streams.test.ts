// Streaming through the proxy: tty exec in a real terminal (tmux), malformed
// WebSocket frames, revocation, follow-mode logs and response backpressure.
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as https from 'node:https';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closePayload,
  encodeChannelMessage,
  KubeErrorCode,
  serializeFrame,
  WebSocketOpcode,
  WebSocketParser,
} from '../src/index.js';
import { BOB_TOKEN, type Harness, startHarness, USER_TOKEN } from './harness.js';
import type { MemoryEvent, MemorySession } from './memory-recorder.js';

let h: Harness;
beforeAll(async () => {
  // tty commands go through @tapline/terminal (the proxy's default extractor).
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function until<T>(probe: () => T | undefined | false | null, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const sessionOf = (user: string): MemorySession => {
  const session = h.recorder.sessions.find((s) => s.context.user.id === user && !s.ended);
  if (!session) throw new Error(`no live session for ${user}`);
  return session;
};
const opened = (session: MemorySession, kind: string): Extract<MemoryEvent, { type: 'open' }> | undefined =>
  session.events.find(
    (e): e is Extract<MemoryEvent, { type: 'open' }> => e.type === 'open' && e.kind === kind,
  );
const closed = (
  session: MemorySession,
  streamId: number,
): Extract<MemoryEvent, { type: 'close' }> | undefined =>
  session.events.find(
    (e): e is Extract<MemoryEvent, { type: 'close' }> => e.type === 'close' && e.streamId === streamId,
  );
const bytesOf = (session: MemorySession, streamId: number, channel: number): string =>
  Buffer.concat(
    session.events.flatMap((e) =>
      e.type === 'data' && e.streamId === streamId && e.channel === channel ? [e.bytes] : [],
    ),
  ).toString();

/** Opens a WebSocket exec through the proxy by hand; returns the raw TLS socket after the 101. */
async function rawExec(
  token: string,
  command: string[],
  protocol = 'v5.channel.k8s.io',
  subresource = 'exec',
): Promise<{ socket: tls.TLSSocket; received: () => Buffer }> {
  const url = new URL(h.proxy.url);
  const socket = tls.connect({ host: url.hostname, port: Number(url.port), ca: h.pki.ca });
  await new Promise((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  const query = command.map((word) => `command=${encodeURIComponent(word)}`).join('&');
  socket.write(
    `GET /api/v1/namespaces/default/pods/web/${subresource}?${query}&stdin=true&stdout=true&stderr=true HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${token}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${Buffer.from(randomUUID().slice(0, 16)).toString('base64')}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
  );
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
  });
  await until(() => buffer.includes('\r\n\r\n'));
  expect(buffer.toString('latin1')).toMatch(/^HTTP\/1.1 101/);
  const headerEnd = buffer.indexOf('\r\n\r\n') + 4;
  return { socket, received: () => buffer.subarray(headerEnd) };
}

describe('streams through the proxy', () => {
  it('runs kubectl exec -it in a real terminal (tmux): resize, output, typed commands, exit code', async () => {
    const name = `tapline-kube-${process.pid}`;
    const command = `kubectl --kubeconfig ${h.kubeconfig} --cache-dir ${join(h.directory, 'cache')} exec -it web -- sh; echo "EXIT:$?"; sleep 30`;
    execFileSync('tmux', ['new-session', '-d', '-s', name, '-x', '100', '-y', '30', command]);
    const pane = (): string => execFileSync('tmux', ['capture-pane', '-p', '-t', name]).toString();
    try {
      await until(() => /^[#$]/m.test(pane()), 15_000);
      execFileSync('tmux', ['send-keys', '-t', name, 'echo hello-$((6*7))', 'Enter']);
      await until(() => pane().includes('hello-42'));
      execFileSync('tmux', ['send-keys', '-t', name, 'exit 3', 'Enter']);
      await until(() => pane().includes('EXIT:3'));
    } finally {
      execFileSync('tmux', ['kill-session', '-t', name]);
    }
    const session = sessionOf('alice@example.com');
    const open = opened(session, 'kube_exec');
    expect(open?.options?.details).toMatchObject({ tty: 'true', stdin: 'true', command: 'sh', pod: 'web' });
    const streamId = open!.streamId;
    expect(session.events).toContainEqual({ type: 'resize', streamId, cols: 100, rows: 30 });
    expect(bytesOf(session, streamId, 1)).toContain('hello-42');
    expect(bytesOf(session, streamId, 0)).toContain('echo hello-$((6*7))');
    // The stream closes once the terminal emulator has flushed its last command.
    expect((await until(() => closed(session, streamId))).options?.exitStatus).toBe(3);
    const commands = session.events.flatMap((e) =>
      e.type === 'command' && e.event.streamId === streamId ? [`${e.event.source}:${e.event.text}`] : [],
    );
    expect(commands).toEqual(['terminal:echo hello-$((6*7))', 'terminal:exit 3']);
  });

  it('ends only the stream whose client sent a malformed frame, with close 1002 and a coded error', async () => {
    const { socket, received } = await rawExec(USER_TOKEN, ['sh', '-c', 'sleep 20']);
    const session = sessionOf('alice@example.com');
    const streamId = await until(() =>
      session.events.find(
        (e) =>
          e.type === 'open' && e.kind === 'kube_exec' && e.options?.details?.command === "sh -c 'sleep 20'",
      ),
    ).then((e) => (e.type === 'open' ? e.streamId : -1));
    // RSV1 set, no extension negotiated: a protocol error.
    socket.write(Buffer.from([0xc2, 0x81, 1, 2, 3, 4, 5]));
    await until(() => received().byteLength >= 4);
    const frames: Array<{ opcode: number; closeCode?: number; closeReason?: string }> = [];
    new WebSocketParser({ from: 'server' }).parse(received(), (frame) => frames.push({ ...frame }));
    expect(frames.at(-1)).toMatchObject({
      opcode: WebSocketOpcode.close,
      closeCode: 1002,
      closeReason: `tapline: ${KubeErrorCode.WS_PROTOCOL}`,
    });
    expect(session.events).toContainEqual(
      expect.objectContaining({
        type: 'annotation',
        event: expect.objectContaining({ kind: 'error', streamId, code: KubeErrorCode.WS_PROTOCOL }),
      }),
    );
    expect((await until(() => closed(session, streamId))).options?.detail).toBe(KubeErrorCode.WS_PROTOCOL);
    expect(h.errors.some((e) => (e as { code?: string }).code === KubeErrorCode.WS_PROTOCOL)).toBe(true);
    socket.destroy();
    // The session and the proxy go on.
    const result = await h.kubectl(['get', 'pod', 'web', '-o', 'name']);
    expect(result.stdout.trim()).toBe('pod/web');
    expect(sessionOf('alice@example.com')).toBe(session);
  });

  it('records attach over v4.channel.k8s.io: stdin, output and the exit code', async () => {
    const { socket, received } = await rawExec(USER_TOKEN, [], 'v4.channel.k8s.io', 'attach');
    socket.write(
      serializeFrame({
        opcode: WebSocketOpcode.binary,
        payload: encodeChannelMessage(0, 'echo attached; exit 6\n'),
        mask: true,
      }),
    );
    const session = sessionOf('alice@example.com');
    const open = await until(() => opened(session, 'kube_attach'));
    expect(open.options?.details).toMatchObject({ protocol: 'v4.channel.k8s.io', pod: 'web' });
    const close = await until(() => closed(session, open.streamId));
    expect(close.options?.exitStatus).toBe(6);
    expect(bytesOf(session, open.streamId, 0)).toBe('echo attached; exit 6\n');
    expect(bytesOf(session, open.streamId, 1)).toBe('attached\n');
    expect(received().byteLength).toBeGreaterThan(0);
    socket.destroy();
  });

  it('streams kubectl logs -f: the first lines arrive while the log is still open', async () => {
    const child = spawn(
      'kubectl',
      ['--kubeconfig', h.kubeconfig, '--cache-dir', join(h.directory, 'cache'), 'logs', '-f', 'web'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      await until(() => output.includes('log line 3'));
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
    const call = await until(() =>
      sessionOf('alice@example.com')
        .apiCalls()
        .find((c) => c.subresource === 'log'),
    );
    expect(call).toMatchObject({ verb: 'get', statusCode: 200, name: 'web' });
  });

  it('honours backpressure on a large response: an idle client holds the API server back', async () => {
    const total = 64 * 1024 * 1024;
    const url = new URL(h.proxy.url);
    let received = 0;
    const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const request = https.get(
        {
          host: url.hostname,
          port: url.port,
          path: `/api/v1/namespaces/default/pods/big/log?limitBytes=${total}`,
          ca: h.pki.ca,
          headers: { authorization: `Bearer ${USER_TOKEN}` },
        },
        resolve,
      );
      request.on('error', reject);
    });
    response.pause();
    // Let everything that can be buffered fill up, then check the API server was held back.
    let last = -1;
    await until(() => {
      const now = h.api.logWritten.get('big') ?? 0;
      const settled = now === last && now > 0;
      last = now;
      return settled;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const writtenWhilePaused = h.api.logWritten.get('big') ?? 0;
    expect(writtenWhilePaused).toBeLessThan(24 * 1024 * 1024);
    response.on('data', (chunk: Buffer) => {
      received += chunk.byteLength;
    });
    response.resume();
    await new Promise((resolve) => response.on('end', resolve));
    expect(received).toBe(total);
    const call = await until(() =>
      sessionOf('alice@example.com')
        .apiCalls()
        .find((c) => c.name === 'big'),
    );
    expect(call.responseBytes).toBe(total);
  });

  it('ends every request and stream of a revoked session, then refuses its token', async () => {
    const cacheDir = join(h.directory, 'cache-bob');
    const config = await h.kubeconfigFor(BOB_TOKEN);
    const watch = spawn('kubectl', ['--kubeconfig', config, '--cache-dir', cacheDir, 'get', 'pods', '-w'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let watchOutput = '';
    watch.stdout.on('data', (chunk: Buffer) => {
      watchOutput += chunk.toString();
    });
    const { socket, received } = await rawExec(BOB_TOKEN, ['sh', '-c', 'sleep 20']);
    try {
      await until(() => watchOutput.includes('web'));
      // kubectl prints the LIST before it opens the WATCH: a pod added now shows
      // up only once the watch streams through the proxy (its 200 is sent), so
      // the revoke below cannot land in between (it would answer 503 then).
      h.api.addPod('default', 'web-bob');
      await until(() => watchOutput.includes('web-bob'));
      const bob = sessionOf('bob@example.com');
      const exec = await until(() => opened(bob, 'kube_exec'));
      const watchExit = new Promise<number | null>((resolve) => watch.on('close', resolve));
      bob.revoke('revoked');
      expect(await watchExit).not.toBeNull();
      // The notice and the close frame are two writes: wait for the close, not for the first byte.
      const frames = await until(() => {
        const seen: Array<{ opcode: number; closeCode?: number }> = [];
        new WebSocketParser({ from: 'server' }).parse(received(), (frame) => seen.push({ ...frame }));
        return seen.at(-1)?.opcode === WebSocketOpcode.close && seen;
      });
      expect(frames.at(-1)).toMatchObject({ opcode: WebSocketOpcode.close, closeCode: 1008 });
      expect(bob.ended).toBe('revoked');
      expect(closed(bob, exec.streamId)?.options?.detail).toBe(KubeErrorCode.SESSION_ENDED);
      const watchCall = bob.apiCalls().find((c) => c.verb === 'watch');
      expect(watchCall?.statusCode).toBe(200);
      const after = await h.kubectl(['get', 'pods'], { token: BOB_TOKEN });
      expect(after.code).not.toBe(0);
      expect(
        h.refusals.some((r) => r.reason === 'session_ended' && r.code === KubeErrorCode.SESSION_ENDED),
      ).toBe(true);
      // Alice is untouched.
      expect(sessionOf('alice@example.com').ended).toBeUndefined();
    } finally {
      watch.kill('SIGKILL');
      socket.destroy();
    }
  });

  it('decodes channel port-forward (portforward.k8s.io) and counts bytes per port', async () => {
    const url = new URL(h.proxy.url);
    const socket = tls.connect({ host: url.hostname, port: Number(url.port), ca: h.pki.ca });
    await new Promise((resolve) => socket.once('secureConnect', resolve));
    socket.write(
      `GET /api/v1/namespaces/default/pods/web/portforward?ports=8080 HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${USER_TOKEN}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${Buffer.from(randomUUID().slice(0, 16)).toString('base64')}\r\nSec-WebSocket-Protocol: portforward.k8s.io\r\n\r\n`,
    );
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
    });
    await until(() => buffer.includes('\r\n\r\n'));
    expect(buffer.toString('latin1')).toMatch(/^HTTP\/1.1 101[\s\S]*portforward\.k8s\.io/i);
    socket.write(
      serializeFrame({ opcode: WebSocketOpcode.binary, payload: Buffer.from('\x00echo me'), mask: true }),
    );
    const payloads = (): string => {
      const out: string[] = [];
      new WebSocketParser({ from: 'server' }).parse(
        buffer.subarray(buffer.indexOf('\r\n\r\n') + 4),
        (frame) => out.push(Buffer.from(frame.payload).toString('latin1')),
      );
      return out.join('|');
    };
    await until(() => payloads().includes('\x00echo me'));
    socket.write(serializeFrame({ opcode: WebSocketOpcode.close, payload: closePayload(1000), mask: true }));
    const session = sessionOf('alice@example.com');
    const open = await until(() =>
      session.events.find(
        (e): e is Extract<MemoryEvent, { type: 'open' }> =>
          e.type === 'open' &&
          e.kind === 'kube_port_forward' &&
          e.options?.details?.protocol === 'portforward.k8s.io',
      ),
    );
    expect(open.options?.details).toMatchObject({ port: '8080', pod: 'web' });
    const close = await until(() => closed(session, open.streamId));
    expect(close.options?.detail).toBe('port 8080: 7 bytes client→target, 7 bytes target→client');
    socket.destroy();
  });

  it('closes a client that sends a close frame cleanly, recording the exit', async () => {
    const { socket } = await rawExec(USER_TOKEN, ['sh', '-c', 'sleep 20']);
    const session = sessionOf('alice@example.com');
    const open = await until(() =>
      session.events.findLast(
        (e) =>
          e.type === 'open' && e.kind === 'kube_exec' && e.options?.details?.command === "sh -c 'sleep 20'",
      ),
    );
    socket.write(
      serializeFrame({ opcode: WebSocketOpcode.close, payload: closePayload(1000, 'bye'), mask: true }),
    );
    await until(() => closed(session, open.type === 'open' ? open.streamId : -1));
    socket.destroy();
  });
});
