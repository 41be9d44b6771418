import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshErrorCode } from '../src/index.js';
import { type Fixture, startFixture } from './helpers/fixture.js';
import { exited, freePort, run, until } from './helpers/processes.js';

function startEchoServer(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      socket.on('error', () => {});
      socket.pipe(socket);
    });
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address !== null ? address.port : 0 });
    });
  });
}

/** Sends `payload`, half-closes, and collects everything echoed until the server's FIN. */
function echoRoundTrip(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('end', () => {
      socket.end();
      resolve(Buffer.concat(received));
    });
    socket.on('error', reject);
    socket.on('connect', () => socket.end(payload));
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('port forwarding through the proxy', () => {
  let fixture: Fixture;
  let echo: { server: Server; port: number };
  const denied = new Set<number>();
  const remoteAllowed = new Set<number>();
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    echo = await startEchoServer();
    fixture = await startFixture({
      localForwarding: (request) => !denied.has(request.destinationPort),
      remoteForwarding: (request) => remoteAllowed.has(request.bindPort),
    });
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await fixture?.close();
    echo?.server.close();
  });

  it('ssh -L relays a local forward with half-close, recording open, close and byte counts but no content', async () => {
    const localPort = await freePort();
    const ssh = spawn(
      'ssh',
      [
        ...fixture.sshArgs(undefined, [
          '-N',
          '-o',
          'ExitOnForwardFailure=yes',
          '-L',
          `${localPort}:127.0.0.1:${echo.port}`,
        ]),
      ],
      { stdio: 'ignore' },
    );
    children.push(ssh);
    await until(() => accepts(localPort), 15_000, 'the local forward to listen');
    const first = randomBytes(1024 * 1024);
    const second = randomBytes(4096);
    expect((await echoRoundTrip(localPort, first)).equals(first)).toBe(true);
    expect((await echoRoundTrip(localPort, second)).equals(second)).toBe(true);

    const session = await fixture.recorder.waitFor((s) => s.streamsOf('ssh_forward').length >= 2);
    await until(
      () => session.streamsOf('ssh_forward').every((stream) => stream.closed !== undefined),
      10_000,
      'forward streams to close',
    );
    const forwards = session
      .streamsOf('ssh_forward')
      .filter((stream) => stream.options.details?.destinationPort === String(echo.port));
    // ssh's own probe connection from `accepts()` may add a forward with no bytes.
    const withData = forwards.filter((stream) => stream.bytes.client_to_target > 0);
    expect(withData.map((stream) => stream.bytes.client_to_target)).toEqual([first.length, second.length]);
    expect(withData.map((stream) => stream.bytes.target_to_client)).toEqual([first.length, second.length]);
    for (const stream of withData) {
      expect(stream.options.contentRecorded).toBe(false);
      expect(stream.options.details).toMatchObject({
        destinationHost: '127.0.0.1',
        originAddress: '127.0.0.1',
      });
      expect(stream.captured.client_to_target).toHaveLength(0);
      expect(stream.closed).toBeDefined();
    }
    ssh.kill('SIGTERM');
    await exited(ssh);
    await session.ended;
    expect(session.endReason).toBe('client_closed');
  }, 60_000);

  it('refuses a local forward the policy denies, and records why', async () => {
    const deniedPort = await freePort();
    denied.add(deniedPort);
    const result = await run('ssh', [...fixture.sshArgs(undefined, ['-W', `127.0.0.1:${deniedPort}`])], {
      timeoutMs: 20_000,
    });
    expect(result.code).toBe(255);
    expect(result.stderr.toString()).toMatch(/stdio forwarding failed/);
    const session = await fixture.recorder.waitFor((s) =>
      s.annotations.some((a) => a.kind === 'refused' && a.details?.destinationPort === String(deniedPort)),
    );
    expect(session.annotations.find((a) => a.kind === 'refused')).toMatchObject({
      code: SshErrorCode.REQUEST_REFUSED,
      details: { request: 'direct-tcpip' },
    });
  }, 30_000);

  it('relays a remote forward (ssh -R) when the policy allows it, recorded as a remote ssh_forward stream', async () => {
    const remotePort = await freePort();
    remoteAllowed.add(remotePort);
    const ssh = spawn(
      'ssh',
      [
        ...fixture.sshArgs(undefined, [
          '-N',
          '-o',
          'ExitOnForwardFailure=yes',
          '-R',
          `${remotePort}:127.0.0.1:${echo.port}`,
        ]),
      ],
      { stdio: 'ignore' },
    );
    children.push(ssh);
    // The target (this machine's sshd) listens on remotePort; its connections come back through the user's ssh.
    await until(() => accepts(remotePort), 15_000, 'the target to listen for the remote forward');
    const payload = randomBytes(256 * 1024);
    expect((await echoRoundTrip(remotePort, payload)).equals(payload)).toBe(true);
    const session = await fixture.recorder.waitFor((s) =>
      s
        .streamsOf('ssh_forward')
        .some(
          (stream) => stream.options.details?.direction === 'remote' && stream.bytes.client_to_target > 0,
        ),
    );
    const stream = session
      .streamsOf('ssh_forward')
      .find((candidate) => candidate.bytes.client_to_target > 0)!;
    expect(stream.options.details).toMatchObject({ direction: 'remote', bindPort: String(remotePort) });
    // Bytes from the target's side (its client) travel target -> user.
    expect(stream.bytes.target_to_client).toBe(payload.length);
    expect(stream.bytes.client_to_target).toBe(payload.length);
    expect(
      session.annotations.some((a) => a.kind === 'note' && a.details?.bindPort === String(remotePort)),
    ).toBe(true);
    ssh.kill('SIGTERM');
    await exited(ssh);
    expect(await session.ended).toBe('client_closed');
  }, 60_000);

  it('refuses remote forwarding (ssh -R) with a clear reason recorded as an annotation', async () => {
    const result = await run(
      'ssh',
      [
        ...fixture.sshArgs(undefined, ['-o', 'ExitOnForwardFailure=yes', '-R', `0:127.0.0.1:${echo.port}`]),
        'echo ran',
      ],
      { timeoutMs: 20_000 },
    );
    expect(result.code).toBe(255);
    expect(result.stderr.toString()).toMatch(/remote port forwarding failed/);
    const session = await fixture.recorder.waitFor((s) =>
      s.annotations.some((a) => a.details?.request === 'tcpip-forward'),
    );
    const refused = session.annotations.find((a) => a.details?.request === 'tcpip-forward');
    expect(refused).toMatchObject({ kind: 'refused', code: SshErrorCode.REQUEST_REFUSED });
    expect(refused?.message).toMatch(/remote port forwarding/);
  }, 30_000);

  it('refuses agent and X11 forwarding but runs the command, recording both refusals', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tapline-agent-'));
    const agentSocket = join(directory, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
    children.push(agent);
    try {
      await until(() => existsSync(agentSocket), 10_000, 'ssh-agent');
      const result = await run(
        'ssh',
        [
          ...fixture.sshArgs(undefined, ['-A', '-o', 'ForwardX11=yes', '-o', 'XAuthLocation=/nonexistent']),
          'echo "agent=[$SSH_AUTH_SOCK] display=[$DISPLAY]"',
        ],
        { timeoutMs: 20_000, env: { ...process.env, SSH_AUTH_SOCK: agentSocket, DISPLAY: '127.0.0.1:99' } },
      );
      expect(result.stdout.toString()).toBe('agent=[] display=[]\n');
      expect(result.code).toBe(0);
      const session = await fixture.recorder.waitFor((s) =>
        s.commands.some((c) => c.text.startsWith('echo "agent=')),
      );
      await session.ended;
      const requests = session.annotations.filter((a) => a.kind === 'refused').map((a) => a.details?.request);
      expect(requests).toContain('auth-agent-req@openssh.com');
      expect(requests).toContain('x11-req');
    } finally {
      agent.kill('SIGTERM');
      rmSync(directory, { recursive: true, force: true });
    }
  }, 30_000);
});
