// The failure matrix: each failure gives the client a clear error, ends only
// its own session, and leaves a verifiable recording with the right end reason.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import type pgTypes from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialize as s } from '../src/index.js';
import { type Fixture, startFixture } from './helpers/fixture.js';
import { freePort } from './helpers/postgres.js';
import { rawClient } from './helpers/raw-client.js';

const PgClient = createRequire(import.meta.url)('pg/lib/client.js') as typeof pgTypes.Client;

describe('failures', () => {
  let fixture: Fixture;
  /** A session that stays open through every failure but the last: it must keep working. */
  let bystander: pgTypes.Client;
  beforeAll(async () => {
    fixture = await startFixture();
    const closedPort = await freePort();
    fixture.tokens.set('down', { target: { port: closedPort } });
    fixture.tokens.set('badcert', { target: { tls: { ca: fixture.pki.otherCa } } });
    // Signed by the right CA, for 127.0.0.1 and localhost: another name must not pass verify-full.
    fixture.tokens.set('wrongname', {
      target: { tls: { ca: fixture.pki.ca, servername: 'db.wrong.example' } },
    });
    fixture.tokens.set('rightname', { target: { tls: { ca: fixture.pki.ca, servername: 'localhost' } } });
    fixture.tokens.set('md5', { target: { user: 'md5user', password: 'md5-secret' } });
    fixture.tokens.set('cleartext', { target: { user: 'pwuser', password: 'pw-secret', tls: false } });
    fixture.tokens.set('wrongtargetpw', { target: { password: 'nope' } });
    fixture.tokens.set('short', { context: { expiresAt: Date.now() + 60_000 } });
    fixture.tokens.set('revoke', {});
    bystander = new PgClient({
      host: '127.0.0.1',
      port: fixture.port,
      user: 'alice',
      password: 'token-1',
      database: 'postgres',
      ssl: { ca: fixture.pki.ca },
    });
    // Its target dies with the postmaster restart in the last test: pg reports that as an 'error' event.
    bystander.on('error', () => {});
    await bystander.connect();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  async function endedWith(reason: string): Promise<Awaited<ReturnType<Fixture['recording']>>> {
    const ended = await fixture.nextEnded();
    expect(ended.reason).toBe(reason);
    const recording = await fixture.recording(ended.sessionId);
    expect(recording.report).toMatchObject({ complete: true });
    expect(recording.endReason).toBe(`END_REASON_${reason.toUpperCase()}`);
    return recording;
  }

  async function bystanderWorks(): Promise<void> {
    const result = await bystander.query('select 41 + 1 as answer');
    expect(result.rows[0].answer).toBe(42);
  }

  it('logs in to targets with md5 and cleartext (plaintext target) as well as SCRAM', async () => {
    for (const token of ['md5', 'cleartext']) {
      const result = await fixture.psql(token, ['-A', '-t', '-c', 'select current_user']);
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe(token === 'md5' ? 'md5user' : 'pwuser');
      await endedWith('client_closed');
    }
  });

  it('target down: a clear error, reason error', async () => {
    const result = await fixture.psql('down', ['-c', 'select 1']);
    expect(result.stderr).toContain('could not connect to the target database');
    const { frames } = await endedWith('error');
    expect(JSON.stringify(frames)).toContain('TAPLINE_ERR_POSTGRES_TARGET_UNREACHABLE');
    await bystanderWorks();
  });

  it('bad target certificate: a clear error, reason error', async () => {
    const result = await fixture.psql('badcert', ['-c', 'select 1']);
    expect(result.stderr).toContain("target's TLS certificate was not accepted");
    const { frames } = await endedWith('error');
    expect(JSON.stringify(frames)).toContain('TAPLINE_ERR_POSTGRES_TARGET_TLS');
  });

  it('target certificate from the right CA for another name (verify-full): a clear error, reason error', async () => {
    const result = await fixture.psql('wrongname', ['-c', 'select 1']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("target's TLS certificate was not accepted");
    expect(result.stderr).toContain('db.wrong.example');
    const { frames, queries } = await endedWith('error');
    expect(JSON.stringify(frames)).toContain('TAPLINE_ERR_POSTGRES_TARGET_TLS');
    expect(queries).toEqual([]);
    // The control: the same CA with a name the certificate does carry logs in.
    const control = await fixture.psql('rightname', ['-A', '-t', '-c', 'select 1']);
    expect(control.stderr).toBe('');
    expect(control.stdout.trim()).toBe('1');
    await endedWith('client_closed');
    await bystanderWorks();
  });

  it('wrong target credentials: a clear error that does not leak them', async () => {
    const result = await fixture.psql('wrongtargetpw', ['-c', 'select 1']);
    expect(result.stderr).toContain('refused the login');
    expect(result.stderr).not.toContain('target-secret-pw');
    await endedWith('error');
  });

  it('refuses replication connections, plaintext clients and answers GSSENCRequest with N', async () => {
    const replication = await fixture.psql('token-1', ['-c', 'IDENTIFY_SYSTEM'], {
      extra: 'replication=database',
    });
    expect(replication.stderr).toContain('replication connections are not supported');
    const plaintext = await fixture.psql('token-1', ['-c', 'select 1'], { extra: 'sslmode=disable' });
    expect(plaintext.stderr).toContain('requires TLS');
    const socket = connect({ host: '127.0.0.1', port: fixture.port });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(s.gssEncRequest());
    const answer = await new Promise<Buffer>((resolve) => socket.once('data', resolve));
    expect(answer.toString()).toBe('N');
    socket.destroy();
  });

  it('a malformed message ends only its session (reason error)', async () => {
    const client = await rawClient({ port: fixture.port, ca: fixture.pki.ca, password: 'token-1' });
    client.socket.write(Buffer.from([0x51, 0, 0, 0, 2]));
    await new Promise((resolve) => client.socket.once('close', resolve));
    const { frames } = await endedWith('error');
    expect(JSON.stringify(frames)).toContain('TAPLINE_ERR_POSTGRES_PROTOCOL');
    await bystanderWorks();
  });

  it('client killed mid-COPY: reason client_closed, the target backend goes too', async () => {
    fixture.server.sql('create table if not exists sink (line text)');
    const child = spawn('psql', ['-X', '-d', fixture.dsn('token-1'), '-c', '\\copy sink from stdin'], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    // Killing psql breaks the pipe to its stdin: that EPIPE is expected.
    child.stdin.on('error', () => {});
    child.stdin.write(`${'row of data\n'.repeat(50_000)}`);
    for (;;) {
      // Rows have reached the server (so through the proxy): psql keeps the COPY open for more.
      const copying = fixture.server.sql(
        "select count(*) from pg_stat_progress_copy where relid = 'sink'::regclass and bytes_processed > 0",
      );
      if (copying === '1') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    const { queries } = await endedWith('client_closed');
    // The COPY the client was in the middle of is recorded, with the bytes that had gone through.
    const copy = queries.find((query) => query.kind === 'copy_in');
    expect(copy?.commandTag).toBeUndefined();
    expect(copy?.copyBytes).toBeGreaterThan(0);
    for (;;) {
      const left = fixture.server.sql("select count(*) from pg_stat_activity where query ilike 'copy%sink%'");
      if (left === '0') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await bystanderWorks();
  });

  it('grant expiry mid-query: FATAL with a clear message, reason grant_expired', async () => {
    fixture.tokens.set('short', { context: { expiresAt: Date.now() + 1500 } });
    const result = await fixture.psql('short', ['-c', 'select pg_sleep(20)']);
    expect(result.stderr).toContain('the access grant expired');
    const { queries } = await endedWith('grant_expired');
    expect(queries.map((query) => [query.text, query.commandTag])).toEqual([
      ['select pg_sleep(20)', undefined],
    ]);
    await bystanderWorks();
  });

  it('revoke: FATAL with a clear message, reason revoked', async () => {
    const client = new PgClient({
      host: '127.0.0.1',
      port: fixture.port,
      user: 'alice',
      password: 'revoke',
      database: 'postgres',
      ssl: { ca: fixture.pki.ca },
    });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    await client.connect();
    const running = client.query('select pg_sleep(20)').catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fixture.recorder.revoke('ar-revoke')).toBe(1);
    const outcome = await running;
    expect(String(outcome)).toMatch(/access was revoked|Connection terminated/);
    await endedWith('revoked');
    await bystanderWorks();
  });

  it('target killed mid-query: the client is told, reason target_closed', async () => {
    const child = spawn('psql', ['-X', '-d', fixture.dsn('token-1'), '-c', 'select pg_sleep(30)'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    let pid = '';
    while (pid === '') {
      pid = fixture.server.sql(
        "select pid from pg_stat_activity where query = 'select pg_sleep(30)' and state = 'active'",
      );
      if (pid === '') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    process.kill(Number(pid), 'SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));
    expect(stderr).toContain('the connection to the target database was lost');
    // The postmaster restarts every backend after a crash: the bystander's target dies too, so two
    // sessions end, in either order; the killed one is the one that ran pg_sleep.
    let killed: Awaited<ReturnType<Fixture['recording']>> | undefined;
    let killedReason = '';
    for (let ended = 0; ended < 2 && killed === undefined; ended++) {
      const { sessionId, reason } = await fixture.nextEnded();
      const recording = await fixture.recording(sessionId);
      if (recording.processId === Number(pid)) {
        killed = recording;
        killedReason = reason;
      }
    }
    expect(killedReason).toBe('target_closed');
    expect(killed?.report).toMatchObject({ complete: true });
    expect(killed?.endReason).toBe('END_REASON_TARGET_CLOSED');
    expect(JSON.stringify(killed?.frames)).toContain('TAPLINE_ERR_POSTGRES_TARGET_CLOSED');
    // The statement that was running is in the audit trail, without a command tag (it never finished).
    const sleep = killed?.queries.find((query) => query.text === 'select pg_sleep(30)');
    expect(sleep).toBeDefined();
    expect(sleep?.commandTag).toBeUndefined();
    expect(sleep?.rows).toBeUndefined();
    await bystander.end().catch(() => {});
  });
});
