// The `policy` option against the real MariaDB server, its client and mysql2:
// a denied statement gets the server's own "access denied" error and never
// reaches the server (its general log is the oracle); the session goes on.
import type { PolicyAction } from '@tapline/core';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MySqlTarget } from '../src/index.js';
import { mariadbClient, type ProxyFixture, queriesOf, startProxy, TOKEN } from './helpers/fixture.js';
import { type MariaDb, startMariaDb } from './helpers/mariadb.js';

let db: MariaDb;
let fixture: ProxyFixture;
const asked: PolicyAction[] = [];
let asynchronous = false;

beforeAll(async () => {
  db = await startMariaDb();
  db.sql('CREATE TABLE shop.keep_me (id INT PRIMARY KEY)');
  db.sql('INSERT INTO shop.keep_me VALUES (1), (2)');
  const target = (): MySqlTarget => ({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    tls: { ca: db.certificates.ca },
  });
  fixture = await startProxy(target, {
    policy: (action) => {
      asked.push(action);
      const denied =
        action.type === 'query' &&
        (action.statementType === 'DROP' ||
          /\bdelete\s+from\s+(shop\.)?keep_me\b/i.test(action.command ?? ''));
      const decision = denied
        ? { allow: false as const, message: 'keep_me is protected', rule: 'protect-keep-me' }
        : { allow: true as const };
      return asynchronous ? new Promise((resolve) => setTimeout(() => resolve(decision), 20)) : decision;
    },
  });
});

afterAll(async () => {
  await fixture?.close();
  await db?.stop();
});

const tls = () => [`--ssl-ca=${fixture.proxyCertificates.caPath}`];

describe('mysql policy (real MariaDB, mariadb client, mysql2)', () => {
  it('the mariadb client: a denied statement fails with ERROR 1227 and the message; the server never sees it', async () => {
    const logFrom = db.generalLogSize();
    const denied = await mariadbClient(fixture.port, [...tls(), 'shop', '-e', 'DROP TABLE keep_me']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/ERROR 1227 \(42000\).*denied by policy: keep_me is protected/);
    // A script: the statements around the denied one run, in order (--force goes on after an error).
    const script = await mariadbClient(fixture.port, [...tls(), '--force', 'shop'], {
      input:
        'SELECT COUNT(*) AS before_count FROM keep_me;\nDELETE FROM keep_me WHERE id = 1;\nSELECT COUNT(*) AS after_count FROM keep_me;\n',
    });
    expect(script.stdout).toMatch(/before_count\n2\n/);
    expect(script.stdout).toMatch(/after_count\n2\n/);
    expect(script.stderr).toMatch(/ERROR 1227 \(42000\) at line 2: denied by policy: keep_me is protected/);
    expect(db.sql('SELECT COUNT(*) FROM shop.keep_me').trim()).toBe('2');
    const log = db.generalLog(logFrom);
    expect(log).not.toMatch(/DROP TABLE keep_me/);
    expect(log).not.toMatch(/DELETE FROM keep_me/);
    expect(log).toMatch(/SELECT COUNT\(\*\) AS after_count FROM keep_me/);
    const drop = asked.find((action) => action.statementType === 'DROP');
    expect(drop).toMatchObject({
      protocol: 'mysql',
      type: 'query',
      command: 'DROP TABLE keep_me',
      database: 'shop',
    });
  });

  it('mysql2: denied multi-statement query, prepared statement and an asynchronous policy; pipelined commands keep their order', async () => {
    const connection = await mysql.createConnection({
      host: '127.0.0.1',
      port: fixture.port,
      user: 'alice',
      password: TOKEN,
      database: 'shop',
      multipleStatements: true,
      ssl: { ca: fixture.proxyCertificates.ca },
    });
    try {
      await expect(connection.query('SELECT 1; DROP TABLE keep_me')).rejects.toMatchObject({
        errno: 1227,
        sqlState: '42000',
        message: expect.stringContaining('denied by policy: keep_me is protected'),
      });
      await expect(connection.execute('DELETE FROM keep_me WHERE id = ?', [2])).rejects.toMatchObject({
        errno: 1227,
      });
      asynchronous = true;
      const results = await Promise.allSettled([
        connection.query('SELECT 41 + 1 AS answer'),
        connection.query('DROP TABLE keep_me'),
        connection.query('SELECT COUNT(*) AS n FROM keep_me'),
      ]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(
        (results[0] as unknown as PromiseFulfilledResult<[Array<{ answer: number }>]>).value[0][0]!.answer,
      ).toBe(42);
      expect((results[2] as unknown as PromiseFulfilledResult<[Array<{ n: number }>]>).value[0][0]!.n).toBe(
        2,
      );
    } finally {
      asynchronous = false;
      await connection.end();
    }
    expect(db.sql('SELECT COUNT(*) FROM shop.keep_me').trim()).toBe('2');
    const recordings = await fixture.recordingsJson();
    const queries = recordings.flatMap((recording) => queriesOf(recording.frames));
    const denied = queries.filter((query) => /denied by policy/.test(String(query.errorMessage ?? '')));
    expect(denied.length).toBeGreaterThanOrEqual(3);
    expect(denied.every((query) => query.errorCode === '42000' || query.errorCode === '1227')).toBe(true);
  });
});
