// The front's limits on clients that have not logged in: a deadline from TCP
// accept, connections per source address, failed logins per source address.
// 127.0.0.2 is another source address on the same loopback interface.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SshErrorCode, type SshProxyEvent } from '../src/index.js';
import { generateHostKey, ssh2 } from '../src/ssh2-runtime.js';
import { type Fixture, type FixtureOptions, startFixture, TOKEN } from './helpers/fixture.js';
import { run, until } from './helpers/processes.js';

type Refusal = Extract<SshProxyEvent, { type: 'connection_refused' }>;

const refusals = (fixture: Fixture, reason: Refusal['reason']): Refusal[] =>
  fixture.events.filter(
    (event): event is Refusal => event.type === 'connection_refused' && event.reason === reason,
  );

/** Opens a TCP connection from `localAddress`, optionally sends `bytes`, and reports when the proxy closes it. */
function rawClient(
  port: number,
  options: { localAddress?: string; bytes?: Buffer } = {},
): { socket: Socket; closed: Promise<void>; connected: Promise<void> } {
  const socket = connect({ port, host: '127.0.0.1', localAddress: options.localAddress ?? '127.0.0.1' });
  socket.on('error', () => {});
  socket.on('data', () => {});
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  if (options.bytes !== undefined) void connected.then(() => socket.write(options.bytes!));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, closed, connected };
}

/** One ssh2 login attempt sequence with wrong passwords from `localAddress`. */
function wrongPasswords(port: number, localAddress: string, attempts: number): Promise<string> {
  return new Promise((resolve) => {
    let tried = 0;
    const client = new ssh2.Client();
    client.on('ready', () => {
      client.end();
      resolve('ready');
    });
    client.on('error', (error) => resolve(`error: ${error.message}`));
    client.on('close', () => resolve('closed'));
    client.connect({
      host: '127.0.0.1',
      port,
      localAddress,
      username: 'tapline',
      readyTimeout: 20_000,
      authHandler: (_methodsLeft, _partial, next) => {
        tried += 1;
        if (tried > attempts) return next(false as never);
        next({ type: 'password', username: 'tapline', password: `wrong-${tried}` });
      },
    });
  });
}

describe('limits on clients before login', () => {
  let fixture: Fixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });
  async function start(options: FixtureOptions): Promise<Fixture> {
    fixture = await startFixture(options);
    return fixture;
  }

  it('closes 10 silent TCP clients at the login deadline, counted from accept', async () => {
    const current = await start({ limits: { loginTimeoutMs: 400 } });
    const clients = Array.from({ length: 10 }, () => rawClient(current.port));
    await Promise.all(clients.map((client) => client.closed));
    expect(clients.every((client) => client.socket.destroyed)).toBe(true);
    await until(() => refusals(current, 'login_timeout').length === 10);
    expect(refusals(current, 'login_timeout')[0]!.error.code).toBe(SshErrorCode.LOGIN_TIMEOUT);
    // The proxy still serves.
    const result = await run('ssh', [...current.sshArgs(), 'echo still-up'], { timeoutMs: 20_000 });
    expect(result.stdout.toString()).toBe('still-up\n');
  }, 30_000);

  it('closes 10 clients that sent 300 random bytes', async () => {
    const current = await start({ limits: { loginTimeoutMs: 400 } });
    const clients = Array.from({ length: 10 }, () => rawClient(current.port, { bytes: randomBytes(300) }));
    await Promise.all(clients.map((client) => client.closed));
    expect(clients.every((client) => client.socket.destroyed)).toBe(true);
  }, 30_000);

  it('refuses connections over maxConnectionsPerSource from one address while 127.0.0.2 is served', async () => {
    const current = await start({ limits: { maxConnectionsPerSource: 3, loginTimeoutMs: 60_000 } });
    const held = Array.from({ length: 3 }, () => rawClient(current.port));
    await Promise.all(held.map((client) => client.connected));
    // Let the proxy accept all three before the fourth arrives.
    await until(() => current.proxy.address() !== null);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const over = rawClient(current.port);
    await over.closed;
    expect(refusals(current, 'too_many_connections')).toHaveLength(1);
    expect(refusals(current, 'too_many_connections')[0]!.error.code).toBe(SshErrorCode.TOO_MANY_CONNECTIONS);
    expect(refusals(current, 'too_many_connections')[0]!.clientAddress).toMatch(/^127\.0\.0\.1:/);

    const other = await run('ssh', ['-b', '127.0.0.2', ...current.sshArgs(), 'echo from-127.0.0.2'], {
      timeoutMs: 20_000,
    });
    expect(other.stdout.toString()).toBe('from-127.0.0.2\n');
    expect(held.some((client) => client.socket.destroyed)).toBe(false);

    // A held connection closing frees a slot for its address.
    held[0]!.socket.destroy();
    await held[0]!.closed;
    await until(async () => {
      const again = await run('ssh', [...current.sshArgs(), 'echo slot-freed'], { timeoutMs: 20_000 });
      return again.stdout.toString() === 'slot-freed\n';
    });
    for (const client of held) client.socket.destroy();
  }, 60_000);

  it('throttles failed logins per address; ssh still logs in from another address and after the window', async () => {
    const current = await start({
      limits: { maxFailedLoginsPerSource: 3, failedLoginWindowMs: 3000 },
      maxAuthTries: 6,
    });
    const outcome = await wrongPasswords(current.port, '127.0.0.2', 6);
    expect(outcome).not.toBe('ready');
    // The third failure put 127.0.0.2 over its limit: the proxy hung up before a fourth guess.
    await until(() => refusals(current, 'too_many_failed_logins').length === 1);
    expect(current.events.filter((event) => event.type === 'auth_failed')).toHaveLength(3);

    // Even the right credentials are refused from 127.0.0.2 now, without asking authorize().
    const refused = await run('ssh', ['-b', '127.0.0.2', ...current.sshArgs(), 'echo should-not-run'], {
      timeoutMs: 20_000,
    });
    expect(refused.stdout.toString()).toBe('');
    expect(refused.code).toBe(255);
    expect(refusals(current, 'too_many_failed_logins').length).toBeGreaterThanOrEqual(2);
    expect(refusals(current, 'too_many_failed_logins')[1]!.error.code).toBe(
      SshErrorCode.TOO_MANY_FAILED_LOGINS,
    );
    expect(current.recorder.sessions).toHaveLength(0);

    const elsewhere = await run('ssh', [...current.sshArgs(), 'echo from-127.0.0.1'], { timeoutMs: 20_000 });
    expect(elsewhere.stdout.toString()).toBe('from-127.0.0.1\n');

    // After the window, 127.0.0.2 logs in again (with the token this time).
    await new Promise((resolve) => setTimeout(resolve, 3100));
    const later = await run(
      'sshpass',
      [
        '-p',
        TOKEN,
        'ssh',
        '-b',
        '127.0.0.2',
        ...current.sshArgs('tapline', [
          '-o',
          'PreferredAuthentications=password',
          '-o',
          'PubkeyAuthentication=no',
          '-o',
          'BatchMode=no',
          '-o',
          'NumberOfPasswordPrompts=1',
        ]),
        'echo after-the-window',
      ],
      { timeoutMs: 20_000 },
    );
    expect(later.stdout.toString()).toBe('after-the-window\n');
  }, 60_000);

  it('refuses bad limits with a coded error', async () => {
    const { createSshProxy } = await import('../src/index.js');
    const { createMemoryRecorder } = await import('./helpers/memory-recorder.js');
    const hostKey = generateHostKey();
    const base = { hostKeys: [hostKey], recorder: createMemoryRecorder(), authorize: () => null };
    // The same options without the bad limit are fine.
    expect(() => createSshProxy(base)).not.toThrow();
    expect(() => createSshProxy({ ...base, limits: { maxConnectionsPerSource: 0 } })).toThrowError(
      expect.objectContaining({ code: SshErrorCode.INVALID_OPTIONS }),
    );
  });
});
