// psql through the proxy against a real PostgreSQL: statements recorded as
// the server logged them.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from './helpers/fixture.js';
import { compareWithLog, type RecordedSessionQueries } from './helpers/oracle.js';
import type { LoggedStatement } from './helpers/postgres.js';

describe('psql through the proxy', () => {
  let fixture: Fixture;
  const recorded: RecordedSessionQueries[] = [];
  async function ended(): Promise<Awaited<ReturnType<Fixture['recording']>> & { reason: string }> {
    const { sessionId, reason } = await fixture.nextEnded();
    const recording = await fixture.recording(sessionId);
    expect(recording.report).toMatchObject({ complete: true });
    recorded.push({ processId: recording.processId, queries: recording.queries });
    return { ...recording, reason };
  }
  /** The server's log entry of a statement of one backend; the log reaches disk asynchronously. */
  async function loggedStatement(pid: number, text: string, withDuration = false): Promise<LoggedStatement> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const found = fixture.server
        .statements()
        .find(
          (entry) =>
            entry.pid === pid && entry.text === text && (!withDuration || entry.durationMs !== undefined),
        );
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the server did not log ${text}`);
  }
  beforeAll(async () => {
    fixture = await startFixture();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('runs psql -c with a multi-statement string; one Query event per statement, as the server reports', async () => {
    const result = await fixture.psql('token-1', [
      '-c',
      "create table if not exists t1 (id int primary key, name text); insert into t1 values (1, 'a;b'), (2, $$x;y$$) on conflict do nothing; select * from t1 order by id",
    ]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('a;b');
    const { queries, endReason, report, reason } = await ended();
    expect(reason).toBe('client_closed');
    expect(report).toMatchObject({ complete: true });
    expect(endReason).toBe('END_REASON_CLIENT_CLOSED');
    expect(queries.map((query) => [query.text, query.commandTag, query.rows ?? 0])).toEqual([
      ['create table if not exists t1 (id int primary key, name text)', 'CREATE TABLE', 0],
      ["insert into t1 values (1, 'a;b'), (2, $$x;y$$) on conflict do nothing", 'INSERT 0 2', 2],
      ['select * from t1 order by id', 'SELECT 2', 2],
    ]);
    expect(queries.at(-1)?.transactionStatus).toBe('idle');
    expect(queries.every((query) => query.mode === 'simple' && query.database === 'postgres')).toBe(true);
  });

  it('records an error with its SQLSTATE, message and severity', async () => {
    const result = await fixture.psql('token-1', ['-c', 'select * from no_such_table']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('no_such_table');
    const { queries } = await ended();
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatchObject({
      errorCode: '42P01',
      errorSeverity: 'ERROR',
      transactionStatus: 'idle',
    });
  });

  it('refuses a wrong token with 28P01 and starts no session', async () => {
    const result = await fixture.psql('wrong-token', ['-c', 'select 1']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('the Tapline proxy did not accept the token');
    expect(fixture.events.some((event) => event.type === 'auth_failed')).toBe(true);
  });

  it('runs a psql -f script; copy both ways of a few MB with byte and row counts', async () => {
    const rows = 100_000;
    const input = join(fixture.root, 'rows.csv');
    const lines: string[] = [];
    for (let index = 0; index < rows; index++) lines.push(`${index},name-${index},${'x'.repeat(20)}`);
    writeFileSync(input, `${lines.join('\n')}\n`);
    const output = join(fixture.root, 'out.csv');
    const script = join(fixture.root, 'script.sql');
    writeFileSync(
      script,
      [
        'create table bulk (id int, name text, pad text);',
        `\\copy bulk from '${input}' with (format csv)`,
        `\\copy bulk to '${output}' with (format csv)`,
        'begin;',
        'delete from bulk where id < 10;',
        'commit;',
        "listen jobs; notify jobs, 'hello';",
        '',
      ].join('\n'),
    );
    const result = await fixture.psql('token-1', ['-f', script]);
    expect(result.stderr).toBe('');
    expect(readFileSync(output, 'utf8')).toBe(readFileSync(input, 'utf8'));
    const { queries } = await ended();
    const size = readFileSync(input).length;
    expect(queries.find((query) => query.kind === 'copy_in')).toMatchObject({
      rows,
      copyBytes: size,
      commandTag: `COPY ${rows}`,
    });
    expect(queries.find((query) => query.kind === 'copy_out')).toMatchObject({ rows, copyBytes: size });
    expect(queries.find((query) => query.text === 'delete from bulk where id < 10')).toMatchObject({
      rows: 10,
      transactionStatus: 'transaction',
    });
    expect(queries.find((query) => query.kind === 'notification')).toMatchObject({
      channel: 'jobs',
      text: 'hello',
    });
  });

  it('\\copy both ways of 100 MB: files identical, copy bytes and rows recorded, COPY n tags', async () => {
    const input = join(fixture.root, 'bulk-100mb.csv');
    const output = join(fixture.root, 'bulk-100mb-out.csv');
    const { bytes, lines } = writeCsv(input, 100 * 1024 * 1024);
    const script = join(fixture.root, 'bulk-100mb.sql');
    writeFileSync(
      script,
      [
        'create table bulk_100mb (id int, name text, pad text);',
        `\\copy bulk_100mb from '${input}' with (format csv)`,
        // COPY FROM does not keep the file's order in the heap (rows of varying size fill gaps left on earlier pages).
        `\\copy (select * from bulk_100mb order by id) to '${output}' with (format csv)`,
        '',
      ].join('\n'),
    );
    const result = await fixture.psql('token-1', ['-f', script]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`COPY ${lines}`);
    expect(statSync(output).size).toBe(bytes);
    expect(await sha256(output)).toBe(await sha256(input));
    const { queries } = await ended();
    const copyIn = queries.find((query) => query.kind === 'copy_in');
    const copyOut = queries.find((query) => query.kind === 'copy_out');
    expect(copyIn).toMatchObject({ copyBytes: bytes, rows: lines, commandTag: `COPY ${lines}` });
    expect(copyOut).toMatchObject({ copyBytes: bytes, rows: lines, commandTag: `COPY ${lines}` });
    rmSync(input);
    rmSync(output);
  }, 300_000);

  it('records the duration of a statement: select pg_sleep(0.3), at least what the server logged', async () => {
    const result = await fixture.psql('token-1', ['-c', 'select pg_sleep(0.3)']);
    expect(result.stderr).toBe('');
    const { queries, processId } = await ended();
    expect(queries).toHaveLength(1);
    const durationNs = queries[0]?.durationNs ?? 0;
    expect(durationNs).toBeGreaterThanOrEqual(300_000_000);
    expect(durationNs).toBeLessThan(5_000_000_000);
    // The proxy's time spans the server's (log_min_duration_statement=0): a request relayed, a reply relayed.
    const logged = await loggedStatement(processId, 'select pg_sleep(0.3)', true);
    expect(logged.durationMs).toBeGreaterThanOrEqual(300);
    expect(durationNs / 1e6).toBeGreaterThanOrEqual((logged.durationMs ?? 0) - 1);
  });

  it('passes the database and application_name the client asked for through to the target', async () => {
    fixture.server.sql('create database audit_other');
    const result = await fixture.psql(
      'token-1',
      ['-A', '-t', '-c', "select current_database(), current_setting('application_name')"],
      { extra: 'dbname=audit_other application_name=tapline-x' },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('audit_other|tapline-x');
    const { queries, processId, frames } = await ended();
    expect(queries.map((query) => query.database)).toEqual(['audit_other']);
    const stream = frames.find((frame) => frame.body === 'streamOpen') as
      | { streamOpen: { details?: Record<string, string> } }
      | undefined;
    expect(stream?.streamOpen.details).toMatchObject({
      database: 'audit_other',
      applicationName: 'tapline-x',
    });
    expect(fixture.events).toContainEqual(
      expect.objectContaining({ type: 'session_started', database: 'audit_other' }),
    );
    const logged = await loggedStatement(
      processId,
      "select current_database(), current_setting('application_name')",
    );
    expect(logged.applicationName).toBe('tapline-x');
  });

  it('cancels select pg_sleep(30) on Ctrl-C (SIGINT to psql): the cancel key is mapped to the target backend', async () => {
    const started = Date.now();
    const child = spawn('psql', ['-X', '-d', fixture.dsn('token-1'), '-c', 'select pg_sleep(30)'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    // Wait until the server runs it.
    for (;;) {
      const active = fixture.server.sql(
        "select count(*) from pg_stat_activity where query = 'select pg_sleep(30)' and state = 'active'",
      );
      if (active === '1') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain('canceling statement due to user request');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(fixture.events.some((event) => event.type === 'cancel_forwarded')).toBe(true);
    const { queries } = await ended();
    expect(queries[0]).toMatchObject({ text: 'select pg_sleep(30)', errorCode: '57014' });
  });

  it('runs pgbench -i and a short run (simple and prepared) through the proxy', async () => {
    const pgbench = (args: string[]): Promise<string> =>
      new Promise((resolve, reject) => {
        execFile(
          'pgbench',
          [...args, fixture.dsn('token-1')],
          { encoding: 'utf8' },
          (error, stdout, stderr) => {
            if (error) reject(new Error(`${error.message}\n${stderr}`));
            else resolve(stdout + stderr);
          },
        );
      });
    await pgbench(['-i', '-s', '1', '-q']);
    await ended();
    const simple = await pgbench(['-c', '2', '-j', '1', '-t', '50', '-M', 'simple']);
    expect(simple).toContain('number of transactions actually processed: 100/100');
    const prepared = await pgbench(['-c', '2', '-j', '1', '-t', '50', '-M', 'prepared']);
    expect(prepared).toContain('number of transactions actually processed: 100/100');
    // Every pgbench connection (clients and its setup connection) is a session of its own.
    const sessions = fixture.events.filter((event) => event.type === 'session_started').length;
    while (recorded.length < sessions) await ended();
    expect(recorded.reduce((sum, session) => sum + session.queries.length, 0)).toBeGreaterThan(700);
  });

  it('every recorded statement matches the server log (oracle)', async () => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const figures = compareWithLog(fixture.server.statements(), recorded);
    console.log(
      `oracle (psql, copy, cancel, pgbench): matched ${figures.matched}, lost ${figures.lost}, invented ${figures.invented}`,
    );
    expect(figures.mismatches.slice(0, 10)).toEqual([]);
    expect(figures.matched).toBeGreaterThan(700);
  });
});

/** Writes CSV rows of distinct content until the file holds at least `size` bytes, a batch at a time. */
function writeCsv(path: string, size: number): { bytes: number; lines: number } {
  const descriptor = openSync(path, 'w');
  let bytes = 0;
  let lines = 0;
  try {
    while (bytes < size) {
      let batch = '';
      for (let index = 0; index < 10_000; index++, lines++) {
        const hash = Math.imul(lines, 2654435761) >>> 0;
        batch += `${lines},name-${lines}-${hash.toString(16)},${hash.toString(36).repeat(8)}\n`;
      }
      bytes += writeSync(descriptor, batch);
    }
  } finally {
    closeSync(descriptor);
  }
  return { bytes, lines };
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
