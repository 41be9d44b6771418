import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SshErrorCode } from '../src/index.js';
import { ssh2 } from '../src/ssh2-runtime.js';
import { type Fixture, type FixtureOptions, startFixture, TOKEN } from './helpers/fixture.js';
import { run } from './helpers/processes.js';

describe('authentication to the proxy', () => {
  let fixture: Fixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });
  async function start(options: FixtureOptions): Promise<Fixture> {
    fixture = await startFixture(options);
    return fixture;
  }
  function passwordArgs(current: Fixture, prompts: number): string[] {
    return current.sshArgs('tapline', [
      '-o',
      'PreferredAuthentications=password',
      '-o',
      'PubkeyAuthentication=no',
      '-o',
      'BatchMode=no',
      '-o',
      `NumberOfPasswordPrompts=${prompts}`,
    ]);
  }

  it('hangs up on a client that does not authenticate within loginGraceMs', async () => {
    const current = await start({ loginGraceMs: 300 });
    const closed = await new Promise<{ banner: string; closedByProxy: boolean }>((resolve) => {
      const socket = connect(current.port, '127.0.0.1');
      let banner = '';
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ banner, closedByProxy: false });
      }, 10_000);
      socket.on('data', (chunk: Buffer) => {
        if (banner === '') socket.write('SSH-2.0-OpenSSH_9.2 slowpoke\r\n');
        banner += chunk.toString('latin1');
      });
      socket.on('error', () => {});
      socket.on('close', () => {
        clearTimeout(timer);
        resolve({ banner, closedByProxy: true });
      });
    });
    expect(closed.banner).toMatch(/^SSH-2\.0-/);
    expect(closed.closedByProxy).toBe(true);
  }, 20_000);

  it('hangs up after maxAuthTries failed attempts', async () => {
    const current = await start({ maxAuthTries: 2 });
    let attempts = 0;
    const outcome = await new Promise<string>((resolve) => {
      const client = new ssh2.Client();
      client.on('ready', () => resolve('ready'));
      client.on('error', (error) => resolve(`error: ${error.message}`));
      client.on('close', () => resolve('closed'));
      client.connect({
        host: '127.0.0.1',
        port: current.port,
        username: 'tapline',
        authHandler: (_methodsLeft, _partial, next) => {
          attempts += 1;
          if (attempts > 5) return next(false as never);
          next({ type: 'password', username: 'tapline', password: `wrong-${attempts}` });
        },
      });
    });
    expect(outcome).not.toBe('ready');
    expect(attempts).toBe(2);
    expect(current.events.filter((event) => event.type === 'auth_failed')).toHaveLength(2);
  }, 30_000);

  it('offers only the configured methods', async () => {
    const current = await start({ authMethods: ['publickey'] });
    const result = await run('sshpass', ['-p', TOKEN, 'ssh', ...passwordArgs(current, 1), 'true'], {
      timeoutMs: 20_000,
    });
    expect(result.stderr.toString()).toMatch(/Permission denied \(publickey\)/);
    expect(result.code).toBe(255);
    const byKey = await run('ssh', [...current.sshArgs(), 'echo key-ok'], { timeoutMs: 20_000 });
    expect(byKey.stdout.toString()).toBe('key-ok\n');
  }, 30_000);

  it('refuses the user when authorize() throws, with a coded event', async () => {
    const current = await start({
      authorize: () => {
        throw new Error('grant service down');
      },
    });
    const result = await run('ssh', [...current.sshArgs(), 'true'], { timeoutMs: 20_000 });
    expect(result.stderr.toString()).toMatch(/Permission denied/);
    const failure = current.events.find((event) => event.type === 'auth_failed');
    expect(failure?.type === 'auth_failed' && failure.error?.code).toBe(SshErrorCode.AUTHORIZE_FAILED);
    expect(current.recorder.sessions).toHaveLength(0);
  }, 30_000);

  it('refuses bad options with a coded error', async () => {
    const { createSshProxy } = await import('../src/index.js');
    const { createMemoryRecorder } = await import('./helpers/memory-recorder.js');
    const base = { hostKeys: ['not a key'], recorder: createMemoryRecorder(), authorize: () => null };
    expect(() => createSshProxy(base)).toThrowError(
      expect.objectContaining({ code: SshErrorCode.INVALID_OPTIONS }),
    );
    expect(() => createSshProxy({ ...base, hostKeys: [] })).toThrowError(
      expect.objectContaining({ code: SshErrorCode.INVALID_OPTIONS }),
    );
    expect(() => createSshProxy({ ...base, authMethods: ['hostbased' as never] })).toThrowError(
      expect.objectContaining({ code: SshErrorCode.INVALID_OPTIONS }),
    );
  });
});
