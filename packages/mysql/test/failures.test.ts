import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MySqlTarget } from '../src/index.js';
import { endOf, mariadbClient, type ProxyFixture, queriesOf, startProxy, TOKEN } from './helpers/fixture.js';
import { freePort, type MariaDb, makeCertificates, startMariaDb } from './helpers/mariadb.js';

let db: MariaDb;
const fixtures: ProxyFixture[] = [];

beforeAll(async () => {
  db = await startMariaDb();
  db.sql('CREATE TABLE shop.t (id INT PRIMARY KEY, name VARCHAR(20))');
});

afterAll(async () => {
  for (const fixture of fixtures) await fixture.close();
  await db?.stop();
});

const goodTarget = (): MySqlTarget => ({
  host: db.host,
  port: db.port,
  user: db.user,
  password: db.password,
  tls: { ca: db.certificates.ca },
});

async function proxyFor(
  target: () => MySqlTarget,
  options: Parameters<typeof startProxy>[1] = {},
): Promise<ProxyFixture> {
  const fixture = await startProxy(target, options);
  fixtures.push(fixture);
  return fixture;
}

async function onlyRecording(fixture: ProxyFixture) {
  const recordings = await fixture.recordingsJson();
  expect(recordings).toHaveLength(1);
  const recording = recordings[0]!;
  expect(recording.intact).toBe(true);
  expect(recording.complete).toBe(true);
  return recording;
}

function tls(fixture: ProxyFixture): string[] {
  return [`--ssl-ca=${fixture.proxyCertificates.caPath}`];
}

describe('failure matrix', () => {
  it('bad token: ERR 1045 with a clear message, no session', async () => {
    const fixture = await proxyFor(goodTarget);
    const result = await mariadbClient(fixture.port, [...tls(fixture), '-e', 'SELECT 1'], {
      token: 'not-the-token',
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/ERROR 1045 \(28000\).*Tapline did not accept the token/);
    expect(await fixture.recordingsJson()).toHaveLength(0);
    expect(
      fixture.events.some(
        (event) => event.type === 'auth_failed' && event.error.code === 'TAPLINE_ERR_MYSQL_UNAUTHORIZED',
      ),
    ).toBe(true);
  });

  it('a client without TLS is refused (ERR 3159) while TLS is required', async () => {
    const fixture = await proxyFor(goodTarget);
    const result = await mariadbClient(fixture.port, ['--skip-ssl', '-e', 'SELECT 1']);
    expect(result.stderr).toMatch(/ERROR 3159.*insecure transport/);
  });

  it('target down: a clear error, the recording ends with reason error', async () => {
    const port = await freePort();
    const fixture = await proxyFor(() => ({ ...goodTarget(), port }));
    const result = await mariadbClient(fixture.port, [...tls(fixture), '-e', 'SELECT 1']);
    expect(result.stderr).toMatch(
      /ERROR 1105.*Tapline could not open the target: the target database is unreachable \(TAPLINE_ERR_MYSQL_TARGET_UNREACHABLE\)/,
    );
    const recording = await onlyRecording(fixture);
    expect(endOf(recording.frames)).toMatchObject({ reason: 'END_REASON_ERROR' });
  });

  it('bad target certificate: refused, the target password never sent, reason error', async () => {
    const other = makeCertificates(mkdtempSync(join(tmpdir(), 'tapline-other-ca-')), 'other');
    const fixture = await proxyFor(() => ({ ...goodTarget(), tls: { ca: other.ca } }));
    const result = await mariadbClient(fixture.port, [...tls(fixture), '-e', 'SELECT 1']);
    expect(result.stderr).toMatch(
      /ERROR 1105.*TLS to the target database failed.*TAPLINE_ERR_MYSQL_TARGET_TLS/,
    );
    const recording = await onlyRecording(fixture);
    expect(endOf(recording.frames)).toMatchObject({ reason: 'END_REASON_ERROR' });
  });

  it('target killed mid-query: the client is told, reason target_closed; another session goes on', async () => {
    const doomed = await startMariaDb();
    try {
      const fixture = await proxyFor(() => ({
        host: doomed.host,
        port: doomed.port,
        user: doomed.user,
        password: doomed.password,
        tls: { ca: doomed.certificates.ca },
      }));
      const survivorProxy = await proxyFor(goodTarget);
      const survivor = await mysql.createConnection({
        host: '127.0.0.1',
        port: survivorProxy.port,
        user: 'alice',
        password: TOKEN,
        ssl: { ca: survivorProxy.proxyCertificates.ca },
      });
      const running = mariadbClient(fixture.port, [...tls(fixture), '-e', 'SELECT SLEEP(30)']);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      doomed.kill();
      const result = await running;
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/ERROR 1105 \(08S01\).*Lost connection to the target during the query/);
      const recording = await onlyRecording(fixture);
      expect(endOf(recording.frames)).toMatchObject({ reason: 'END_REASON_TARGET_CLOSED' });
      const [rows] = await survivor.query('SELECT 41 + 1 AS answer');
      expect(rows).toEqual([{ answer: 42 }]);
      await survivor.end();
    } finally {
      await doomed.stop();
    }
  });

  it('client killed mid-query: reason client_closed, the statement recorded without an answer', async () => {
    const fixture = await proxyFor(goodTarget);
    const child = spawn(
      'mariadb',
      [
        '--no-defaults',
        '-h',
        '127.0.0.1',
        '-P',
        String(fixture.port),
        '-u',
        'alice',
        `--password=${TOKEN}`,
        '--ssl',
        ...tls(fixture),
        '-e',
        'SELECT SLEEP(20)',
      ],
      { stdio: 'ignore' },
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const recording = await onlyRecording(fixture);
    expect(endOf(recording.frames)).toMatchObject({ reason: 'END_REASON_CLIENT_CLOSED' });
    expect(queriesOf(recording.frames).at(-1)).toMatchObject({ text: 'SELECT SLEEP(20)', errorCode: '1105' });
  });

  it('expired grant: an ERR with a clear message, then close; reason grant_expired', async () => {
    const fixture = await proxyFor(goodTarget, { expiresAt: () => Date.now() + 1500 });
    const result = await mariadbClient(fixture.port, [...tls(fixture), '-e', 'SELECT SLEEP(10)']);
    expect(result.stderr).toMatch(/ERROR 1927.*access grant has expired/);
    const recording = await onlyRecording(fixture);
    expect(endOf(recording.frames)).toMatchObject({ reason: 'END_REASON_GRANT_EXPIRED' });
  });

  it('revoked grant while idle: the next statement gets the ERR; reason revoked', async () => {
    const fixture = await proxyFor(goodTarget);
    const connection = await mysql.createConnection({
      host: '127.0.0.1',
      port: fixture.port,
      user: 'alice',
      password: TOKEN,
      ssl: { ca: fixture.proxyCertificates.ca },
    });
    connection.on('error', () => {});
    await connection.query('SELECT 1');
    expect(fixture.recorder.revoke('ar-alice', 'test')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(connection.query('SELECT 2')).rejects.toThrow(/revoked|closed|Tapline/);
    const recording = await onlyRecording(fixture);
    expect(endOf(recording.frames)).toMatchObject({ reason: 'END_REASON_REVOKED' });
  });

  it('a malformed or oversized packet from a client ends that session only (reason error), others go on', async () => {
    const fixture = await proxyFor(goodTarget, { maxPacketBytes: 1024 * 1024 });
    const options = {
      host: '127.0.0.1',
      port: fixture.port,
      user: 'alice',
      password: TOKEN,
      ssl: { ca: fixture.proxyCertificates.ca },
    };
    const bystander = await mysql.createConnection(options);
    const victim = await mysql.createConnection(options);
    victim.on('error', () => {});
    const closed = new Promise<void>((resolve) =>
      (victim as unknown as { connection: { stream: NodeJS.EventEmitter } }).connection.stream.once(
        'close',
        () => resolve(),
      ),
    );
    // A header announcing 2 MiB: refused from the header, before any body.
    (victim as unknown as { connection: { stream: { write(bytes: Buffer): void } } }).connection.stream.write(
      Buffer.from([0x00, 0x00, 0x20, 0x00]),
    );
    await closed;
    const [rows] = await bystander.query('SELECT 1 AS still_here');
    expect(rows).toEqual([{ still_here: 1 }]);
    await bystander.end();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const recordings = await fixture.recordingsJson();
    const reasons = recordings
      .map((recording) => (endOf(recording.frames) as { reason?: string } | undefined)?.reason)
      .sort();
    expect(reasons).toEqual(['END_REASON_CLIENT_CLOSED', 'END_REASON_ERROR']);
    for (const recording of recordings) expect(recording).toMatchObject({ intact: true, complete: true });
    expect(
      fixture.events.some(
        (event) =>
          event.type === 'error' &&
          (event.error as { code?: string }).code === 'TAPLINE_ERR_MYSQL_PACKET_TOO_LARGE',
      ),
    ).toBe(true);
  });

  it('proxy.close() with a live session: the client is told, reason shutdown', async () => {
    const fixture = await startProxy(goodTarget);
    const connection = await mysql.createConnection({
      host: '127.0.0.1',
      port: fixture.port,
      user: 'alice',
      password: TOKEN,
      ssl: { ca: fixture.proxyCertificates.ca },
    });
    connection.on('error', () => {});
    await connection.query('SELECT 1');
    const sleeping = connection.query('SELECT SLEEP(20)').then(
      () => new Error('not ended'),
      (error: Error) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await fixture.proxy.close({ drainMs: 100 });
    expect((await sleeping).message).toMatch(/proxy is shutting down/);
    const recording = await onlyRecording(fixture);
    expect(endOf(recording.frames)).toMatchObject({ reason: 'END_REASON_SHUTDOWN' });
    await fixture.close();
  });

  it('LOAD DATA LOCAL INFILE is refused with a clear ERR and recorded', async () => {
    const fixture = await proxyFor(goodTarget);
    const result = await mariadbClient(fixture.port, [
      ...tls(fixture),
      '--local-infile=1',
      'shop',
      '-e',
      "LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE t",
    ]);
    expect(result.stderr).toMatch(/ERROR 1148.*LOAD DATA LOCAL INFILE is disabled at the Tapline proxy/);
    const recording = await onlyRecording(fixture);
    expect(queriesOf(recording.frames)).toContainEqual(
      expect.objectContaining({ kind: 'load_data', errorCode: '1148' }),
    );
  });
});
