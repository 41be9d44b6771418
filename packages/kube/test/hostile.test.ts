// Hostile clients against the Kubernetes front: a SPDY header bomb inside a
// port-forward tunnel, silent and slow connections, too many connections and
// failed logins from one address. 127.0.0.2 is another source address on
// the same loopback interface.
import { randomBytes } from 'node:crypto';
import * as https from 'node:https';
import { type Socket, connect as tcpConnect } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { deflateSync, constants as zlibConstants } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  KubeErrorCode,
  type KubeProxyOptions,
  serializeFrame,
  spdyDictionary,
  WebSocketOpcode,
  WebSocketParser,
} from '../src/index.js';
import { BOB_TOKEN, type Harness, startHarness, USER_TOKEN } from './harness.js';

async function until<T>(probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A TCP connection that may send bytes, reporting when the proxy closes it. */
/** A well-formed header block of one pair whose value is `length` NULs (the prober's 131 KB bomb once deflated). */
function nulHeaderBlock(length: number): Buffer {
  const block = Buffer.alloc(13 + length);
  block.writeUInt32BE(1, 0); // one name/value pair
  block.writeUInt32BE(1, 4);
  block.write('x', 8, 'latin1');
  block.writeUInt32BE(length, 9);
  return block;
}

function rawClient(
  port: number,
  options: { localAddress?: string; bytes?: Buffer } = {},
): { socket: Socket; connected: Promise<void>; closed: Promise<void> } {
  const socket = tcpConnect({ port, host: '127.0.0.1', localAddress: options.localAddress ?? '127.0.0.1' });
  socket.on('error', () => {});
  socket.on('data', () => {});
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  if (options.bytes !== undefined) void connected.then(() => socket.write(options.bytes!));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, connected, closed };
}

/** One GET through the front from `localAddress`; resolves with the status code. */
function get(h: Harness, path: string, token: string, localAddress: string): Promise<number> {
  const url = new URL(h.proxy.url);
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: url.hostname,
        port: url.port,
        path,
        ca: h.pki.ca,
        agent: false,
        localAddress,
        headers: { authorization: `Bearer ${token}` },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', (error) => reject(new Error(`${path} ${token}: ${error.message}`)));
    request.end();
  });
}

/** A SYN_STREAM frame around an already compressed header block. */
function synStream(streamId: number, block: Buffer): Buffer {
  const frame = Buffer.alloc(18 + block.byteLength);
  frame.writeUInt32BE(0x80030001, 0);
  frame.writeUInt32BE(10 + block.byteLength, 4);
  frame.writeUInt32BE(streamId, 8);
  block.copy(frame, 18);
  return frame;
}

/** Opens a port-forward WebSocket (kubectl's SPDY tunnel) through the front, as the client with `token`. */
async function openPortForward(
  h: Harness,
  token: string,
): Promise<{ socket: TLSSocket; frames: WebSocketParser; received: Buffer[] }> {
  const url = new URL(h.proxy.url);
  const socket = tlsConnect({ host: url.hostname, port: Number(url.port), ca: h.pki.ca });
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
  socket.write(
    [
      'GET /api/v1/namespaces/default/pods/web/portforward?ports=8080 HTTP/1.1',
      `Host: ${url.host}`,
      `Authorization: Bearer ${token}`,
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Protocol: SPDY/3.1+portforward.k8s.io',
      '',
      '',
    ].join('\r\n'),
  );
  const received: Buffer[] = [];
  const frames = new WebSocketParser({ from: 'server' });
  let head = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(head));
      const rest = Buffer.from(head.slice(end + 4), 'latin1');
      if (rest.byteLength > 0) received.push(rest);
      socket.on('data', (more: Buffer) => received.push(more));
      resolve();
    };
    socket.on('data', onData);
  });
  return { socket, frames, received };
}

describe('the Kubernetes front against hostile clients', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const start = async (overrides: Partial<KubeProxyOptions> = {}): Promise<Harness> => {
    h = await startHarness(overrides);
    return h;
  };

  it('ends a port-forward whose SPDY header block of NULs inflates to 135 MB with a coded error; the process and other sessions go on', async () => {
    const current = await start();
    // Alice's session exists already, so the error can be recorded in it.
    expect((await current.kubectl(['get', 'pods'])).code).toBe(0);
    const tunnel = await openPortForward(current, USER_TOKEN);
    const bomb = deflateSync(nulHeaderBlock(135_000_000), {
      dictionary: spdyDictionary,
      level: 9,
      finishFlush: zlibConstants.Z_SYNC_FLUSH,
    });
    expect(bomb.byteLength).toBeGreaterThan(130_000);
    const closed = new Promise<void>((resolve) => tunnel.socket.once('close', () => resolve()));
    tunnel.socket.write(
      serializeFrame({ opcode: WebSocketOpcode.binary, payload: synStream(1, bomb), mask: true }),
    );
    await closed;
    const closes: number[] = [];
    tunnel.frames.parse(Buffer.concat(tunnel.received), (frame) => {
      if (frame.opcode === WebSocketOpcode.close) closes.push(Buffer.from(frame.payload).readUInt16BE(0));
    });
    expect(closes).toEqual([1009]);
    expect(
      current.errors.some((error) => (error as { code?: string }).code === KubeErrorCode.SPDY_HEADER_LIMIT),
    ).toBe(true);
    const alice = current.recorder.sessions.find((s) => s.context.user.id === 'alice@example.com')!;
    expect(
      alice.events.some((e) => e.type === 'annotation' && e.event.code === KubeErrorCode.SPDY_HEADER_LIMIT),
    ).toBe(true);
    expect(alice.ended).toBeUndefined();

    // Alice and Bob are still served.
    const again = await current.kubectl(['get', 'pods']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('web');
    expect((await current.kubectl(['get', 'pods'], { token: BOB_TOKEN })).code).toBe(0);
  }, 60_000);

  it('closes 10 silent TCP clients and a client stuck after the TLS handshake at the login deadline', async () => {
    const current = await start({ limits: { loginTimeoutMs: 400 } });
    const port = Number(new URL(current.proxy.url).port);
    const silent = Array.from({ length: 10 }, () => rawClient(port));
    const blobs = Array.from({ length: 10 }, () => rawClient(port, { bytes: randomBytes(300) }));
    const handshaken = tlsConnect({ host: '127.0.0.1', port, ca: current.pki.ca });
    handshaken.on('error', () => {});
    const handshakenClosed = new Promise<void>((resolve) => handshaken.once('close', () => resolve()));
    await Promise.all([...silent, ...blobs].map((client) => client.closed));
    await handshakenClosed;
    const timeouts = await until(() => {
      const found = current.refusals.filter((r) => r.reason === 'login_timeout');
      return found.length >= 11 && found;
    });
    expect(timeouts[0]).toMatchObject({ code: KubeErrorCode.LOGIN_TIMEOUT, statusCode: 0 });
    // A real client meets the deadline.
    expect((await current.kubectl(['get', 'pods'])).code).toBe(0);
  }, 60_000);

  it('refuses connections over maxConnectionsPerSource from 127.0.0.2 while kubectl from 127.0.0.1 is served', async () => {
    const current = await start({ limits: { maxConnectionsPerSource: 3, loginTimeoutMs: 60_000 } });
    const port = Number(new URL(current.proxy.url).port);
    const held = Array.from({ length: 3 }, () => rawClient(port, { localAddress: '127.0.0.2' }));
    await Promise.all(held.map((client) => client.connected));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const over = rawClient(port, { localAddress: '127.0.0.2' });
    await over.closed;
    const refusal = await until(() => current.refusals.find((r) => r.reason === 'too_many_connections'));
    expect(refusal).toMatchObject({ code: KubeErrorCode.TOO_MANY_CONNECTIONS });
    expect(refusal.clientAddress).toMatch(/^127\.0\.0\.2:/);
    const result = await current.kubectl(['get', 'pods']);
    expect(result.code).toBe(0);
    expect(held.some((client) => client.socket.destroyed)).toBe(false);
    for (const client of held) client.socket.destroy();
  }, 60_000);

  it('answers 429 after maxFailedLoginsPerSource bad tokens from one address; live sessions and other addresses go on', async () => {
    const current = await start({ limits: { maxFailedLoginsPerSource: 3, failedLoginWindowMs: 2000 } });
    // Bob's session is live before the attack starts.
    expect(await get(current, '/api/v1/namespaces/default/pods', BOB_TOKEN, '127.0.0.2')).toBe(200);
    for (let i = 0; i < 3; i++) {
      expect(await get(current, '/api/v1/namespaces/default/pods', `guess-${i}`, '127.0.0.2')).toBe(401);
    }
    expect(await get(current, '/api/v1/namespaces/default/pods', 'guess-3', '127.0.0.2')).toBe(429);
    // Alice has no session yet: her (right) token is not tried from the throttled address either.
    expect(await get(current, '/api/v1/namespaces/default/pods', USER_TOKEN, '127.0.0.2')).toBe(429);
    const throttled = current.refusals.filter((r) => r.reason === 'too_many_failed_logins');
    expect(throttled).toHaveLength(2);
    expect(throttled[0]).toMatchObject({ code: KubeErrorCode.TOO_MANY_FAILED_LOGINS, statusCode: 429 });
    expect(current.recorder.sessions.filter((s) => s.context.user.id === 'alice@example.com')).toHaveLength(
      0,
    );
    // Bob's live session is still served from there, and kubectl from 127.0.0.1 logs Alice in.
    expect(await get(current, '/api/v1/namespaces/default/pods', BOB_TOKEN, '127.0.0.2')).toBe(200);
    expect((await current.kubectl(['get', 'pods'])).code).toBe(0);
    // After the window, 127.0.0.2 may try again.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await get(current, '/api/v1/namespaces/default/pods', 'guess-4', '127.0.0.2')).toBe(401);
  }, 60_000);

  it('refuses bad limits with a coded error', async () => {
    const { createKubeProxy } = await import('../src/index.js');
    expect(() =>
      createKubeProxy({
        tls: {},
        authorize: () => undefined,
        upstream: { url: 'https://127.0.0.1:1' },
        recorder: { start: () => Promise.reject(new Error('unused')) },
        limits: { loginTimeoutMs: -1 },
      }),
    ).toThrow(expect.objectContaining({ code: KubeErrorCode.INVALID_OPTIONS }));
  });
});
