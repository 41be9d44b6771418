import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder } from '@tapline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshErrorCode } from '../src/index.js';
import { type Fixture, startFixture, TOKEN } from './helpers/fixture.js';
import { run, until, type Watched, watch } from './helpers/processes.js';
import { type Sshd, startSshd } from './helpers/sshd.js';

describe('failures: each gives the user a clear message, ends only its own session, records why', () => {
  let fixture: Fixture;
  let fragile: Sshd | undefined;
  beforeAll(async () => {
    fixture = await startFixture();
  });
  afterAll(async () => {
    await fixture?.close();
    await fragile?.stop();
  });

  /** A session that must keep running through someone else's failure. */
  function bystander(): Watched {
    return watch('ssh', [...fixture.sshArgs(), 'echo ready; sleep 2; echo still-here']);
  }
  async function expectBystanderFine(watched: Watched): Promise<void> {
    const result = await watched.done;
    expect(result).toMatchObject({ code: 0, stdout: 'ready\nstill-here\n', stderr: '' });
  }

  function passwordArgs(method: 'password' | 'keyboard-interactive'): string[] {
    return fixture.sshArgs('tapline', [
      '-o',
      `PreferredAuthentications=${method}`,
      '-o',
      'PubkeyAuthentication=no',
      '-o',
      'BatchMode=no',
      '-o',
      'NumberOfPasswordPrompts=1',
    ]);
  }

  it('a wrong token is "Permission denied" and records nothing; the right one works by password and keyboard-interactive', async () => {
    const sessionsBefore = fixture.recorder.sessions.length;
    const wrong = await run('sshpass', ['-p', 'not-the-token', 'ssh', ...passwordArgs('password'), 'true'], {
      timeoutMs: 20_000,
    });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr.toString()).toMatch(/Permission denied/);
    expect(fixture.recorder.sessions.length).toBe(sessionsBefore);
    expect(fixture.events.some((event) => event.type === 'auth_failed' && event.method === 'password')).toBe(
      true,
    );

    for (const method of ['password', 'keyboard-interactive'] as const) {
      const right = await run('sshpass', ['-p', TOKEN, 'ssh', ...passwordArgs(method), 'echo via-$0'], {
        timeoutMs: 20_000,
      });
      expect(right.stdout.toString()).toBe('via-bash\n');
      expect(right.code).toBe(0);
    }
    const methods = fixture.recorder.sessions
      .slice(sessionsBefore)
      .map((session) => session.annotations.find((a) => a.kind === 'auth')?.details?.method);
    expect(methods).toEqual(['password', 'keyboard-interactive']);
  }, 60_000);

  it('a wrong target host key refuses the session with a coded error and a clear message', async () => {
    const result = await run('ssh', [...fixture.sshArgs('badkey'), 'echo must-not-run'], {
      timeoutMs: 30_000,
    });
    expect(result.stdout.toString()).toBe('');
    expect(result.stderr.toString()).toMatch(
      /^tapline: the host key of the target 127\.0\.0\.1:\d+ \(SHA256:\S+\) does not match the pinned key/,
    );
    expect(result.code).toBe(255);
    const session = await fixture.recorder.waitFor((s) => s.context.user.id === 'user-badkey');
    expect(await session.ended).toBe('error');
    expect(session.annotations.map((a) => a.code)).toContain(SshErrorCode.TARGET_HOST_KEY_MISMATCH);
    expect(session.streams.size).toBe(0);
  }, 30_000);

  it('a target that is down is reported as unreachable and recorded as an error', async () => {
    const result = await run('ssh', [...fixture.sshArgs('down'), 'true'], { timeoutMs: 30_000 });
    expect(result.stderr.toString()).toMatch(
      /^tapline: cannot reach the target 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );
    expect(result.code).toBe(255);
    const session = await fixture.recorder.waitFor((s) => s.context.user.id === 'user-down');
    expect(await session.ended).toBe('error');
    expect(session.annotations.map((a) => a.code)).toContain(SshErrorCode.TARGET_UNREACHABLE);
  }, 30_000);

  it('a recorder that cannot record refuses the session', async () => {
    fixture.recorder.failNextStart();
    const result = await run('ssh', [...fixture.sshArgs(), 'echo must-not-run'], { timeoutMs: 30_000 });
    expect(result.stdout.toString()).toBe('');
    expect(result.stderr.toString()).toMatch(/^tapline: the session cannot be recorded/);
    expect(result.code).toBe(255);
    const failed = fixture.events.find(
      (event) => event.type === 'session_failed' && event.sessionId === undefined,
    );
    // The code names the real cause, the recorder's own.
    expect(failed?.type === 'session_failed' && failed.error.code).toBe('TAPLINE_ERR_SPOOL_UNAVAILABLE');
  }, 30_000);

  it('a grant the recorder refuses is reported with the grant problem as its code', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tapline-ssh-grant-'));
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: join(root, 'spool') },
    });
    const invalid = await startFixture({ recorder, contextFor: () => ({ expiresAt: 9e15 }) });
    try {
      const result = await run('ssh', [...invalid.sshArgs(), 'echo must-not-run'], { timeoutMs: 30_000 });
      expect(result.stdout.toString()).toBe('');
      expect(result.code).toBe(255);
      const failed = invalid.events.find((event) => event.type === 'session_failed');
      expect(failed?.type === 'session_failed' && failed.error.code).toBe('TAPLINE_ERR_INVALID_CONTEXT');
      expect(recorder.sessions.size).toBe(0);
    } finally {
      await invalid.close();
      await recorder.close();
      rmSync(root, { recursive: true, force: true });
    }
  }, 30_000);

  it('a client killed mid-transfer ends its session as client_closed; another session goes on', async () => {
    const other = bystander();
    await other.waitFor('ready');
    const transfer = watch('ssh', [...fixture.sshArgs(), 'cat /dev/zero']);
    await until(() => transfer.stdoutBytes() > 8 * 1024 * 1024, 20_000, '8 MiB through the proxy');
    transfer.child.kill('SIGKILL');
    const session = await fixture.recorder.waitFor((s) => s.commands.some((c) => c.text === 'cat /dev/zero'));
    expect(await session.ended).toBe('client_closed');
    const [stream] = session.streamsOf('ssh_exec');
    expect(stream?.closed).toBeDefined();
    expect(stream?.bytes.target_to_client).toBeGreaterThan(8 * 1024 * 1024);
    await until(
      () => !fixture.proxy.sessions().some((info) => info.sessionId === session.sessionId),
      10_000,
      'the session to go',
    );
    await expectBystanderFine(other);
  }, 60_000);

  it('a target sshd killed mid-session tells the user and ends as target_closed; another session goes on', async () => {
    fragile = await startSshd();
    fixture.targets.set('fragile', {
      host: '127.0.0.1',
      port: fragile.port,
      username: 'tapline',
      privateKey: fragile.targetPrivateKey,
      hostKey: fragile.hostPublicKey,
    });
    const other = bystander();
    const doomed = watch('ssh', [...fixture.sshArgs('fragile'), 'echo ready; sleep 30']);
    await doomed.waitFor('ready');
    await other.waitFor('ready');
    fragile.kill();
    const result = await doomed.done;
    expect(result.stderr).toMatch(/^tapline: the target 127\.0\.0\.1:\d+ closed the connection/);
    expect(result.code).toBe(255);
    const session = await fixture.recorder.waitFor((s) => s.context.user.id === 'user-fragile');
    expect(await session.ended).toBe('target_closed');
    expect(session.annotations.map((a) => a.code)).toContain(SshErrorCode.TARGET_CLOSED);
    await expectBystanderFine(other);
  }, 60_000);

  it.each([
    ['expire', 'grant_expired', /^tapline: your access grant has expired; the session is closed/],
    ['revoke', 'revoked', /^tapline: your access was revoked; the session is closed/],
  ] as const)(
    '%s: the user is told, the session ends as %s; another session goes on',
    async (action, reason, message) => {
      const other = bystander();
      const marker = `ready-${action}`;
      const doomed = watch('ssh', [...fixture.sshArgs(), `echo ${marker}; sleep 30`]);
      await doomed.waitFor(marker);
      await other.waitFor('ready');
      const session = await fixture.recorder.waitFor((s) =>
        s.commands.some((c) => c.text.startsWith(`echo ${marker}`)),
      );
      session[action]();
      const result = await doomed.done;
      expect(result.stderr).toMatch(message);
      expect(result.code).toBe(255);
      expect(await session.ended).toBe(reason);
      expect(session.annotations.map((a) => a.code)).toContain(SshErrorCode.SESSION_ABORTED);
      expect(session.streamsOf('ssh_exec')[0]?.closed).toBeDefined();
      await expectBystanderFine(other);
    },
    60_000,
  );

  it('proxy.close() tells live users, ends their sessions as shutdown and resolves after the recordings end', async () => {
    const second = await startFixture();
    try {
      const live = watch('ssh', [...second.sshArgs(), 'echo ready; sleep 30']);
      await live.waitFor('ready');
      const session = await second.recorder.waitFor(() => true);
      await second.proxy.close();
      expect(session.endReason).toBe('shutdown');
      const result = await live.done;
      expect(result.stderr).toMatch(/^tapline: the proxy is shutting down; the session is closed/);
      expect(result.code).toBe(255);
    } finally {
      await second.close();
    }
  }, 60_000);

  it('proxy.close({ drainMs }) refuses new connections and lets a live session finish; one that outlasts the drain is ended', async () => {
    const third = await startFixture();
    try {
      const finishing = watch('ssh', [...third.sshArgs(), 'echo ready; sleep 1; echo finished']);
      const lingering = watch('ssh', [...third.sshArgs(), 'echo ready; sleep 60']);
      await finishing.waitFor('ready');
      await lingering.waitFor('ready');
      const closed = third.proxy.close({ drainMs: 4_000 });
      // While draining, nobody new gets in.
      const refused = await run('ssh', [...third.sshArgs(), 'echo must-not-run'], { timeoutMs: 20_000 });
      expect(refused.stdout.toString()).toBe('');
      expect(refused.code).toBe(255);
      const finished = await finishing.done;
      expect(finished.stdout).toContain('finished');
      expect(finished.code).toBe(0);
      await closed;
      const ended = await lingering.done;
      expect(ended.stderr).toMatch(/^tapline: the proxy is shutting down; the session is closed/);
      const reasons = third.recorder.sessions.map((session) => session.endReason).sort();
      expect(reasons).toEqual(['client_closed', 'shutdown']);
    } finally {
      await third.close();
    }
  }, 60_000);

  it('a pino-compatible logger gets what the proxy reports: refusals at warn, sessions at info', async () => {
    const lines: Array<{ level: string; message: string | undefined; fields: Record<string, unknown> }> = [];
    const at = (level: string) => (fields: object, message?: string) =>
      lines.push({ level, message, fields: fields as Record<string, unknown> });
    const logged = await startFixture({ logger: { info: at('info'), warn: at('warn'), error: at('error') } });
    try {
      const refused = await run(
        'sshpass',
        [
          '-p',
          'not-the-token',
          'ssh',
          ...logged.sshArgs('tapline', [
            '-o',
            'PreferredAuthentications=password',
            '-o',
            'PubkeyAuthentication=no',
            '-o',
            'BatchMode=no',
            '-o',
            'NumberOfPasswordPrompts=1',
          ]),
          'true',
        ],
        { timeoutMs: 30_000 },
      );
      expect(refused.code).not.toBe(0);
      const ok = await run('ssh', [...logged.sshArgs(), 'true'], { timeoutMs: 30_000 });
      expect(ok.code).toBe(0);
      await until(
        () => lines.some((line) => line.message === 'ssh.session_ended'),
        10_000,
        'the session end',
      );
      expect(lines.find((line) => line.message === 'ssh.auth_failed')?.level).toBe('warn');
      expect(lines.find((line) => line.message === 'ssh.session_started')?.level).toBe('info');
      expect(JSON.stringify(lines)).not.toContain('not-the-token');
    } finally {
      await logged.close();
    }
  }, 60_000);
});
