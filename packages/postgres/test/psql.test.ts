// psql through the proxy against a real PostgreSQL: statements recorded as
// the server logged them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from './helpers/fixture.js';

describe('psql through the proxy', () => {
  let fixture: Fixture;
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
    const { sessionId, reason } = await fixture.nextEnded();
    expect(reason).toBe('client_closed');
    const { queries, endReason, report } = await fixture.recording(sessionId);
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
    const { sessionId } = await fixture.nextEnded();
    const { queries } = await fixture.recording(sessionId);
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
});
