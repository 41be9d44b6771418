// psql through the proxy against a real PostgreSQL: statements recorded as
// the server logged them.
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from './helpers/fixture.js';
import { compareWithLog, type RecordedSessionQueries } from './helpers/oracle.js';

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
