import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endOf, mariadbClient, type ProxyFixture, queriesOf, startProxy } from './helpers/fixture.js';
import { type MariaDb, startMariaDb } from './helpers/mariadb.js';

let db: MariaDb;
let fixture: ProxyFixture;

beforeAll(async () => {
  db = await startMariaDb();
  fixture = await startProxy(() => ({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    tls: { ca: db.certificates.ca },
  }));
});

afterAll(async () => {
  await fixture?.close();
  await db?.stop();
});

describe('the mariadb client through the proxy', () => {
  it('runs a batch with -e and records each statement', async () => {
    const result = await mariadbClient(
      fixture.port,
      [
        'shop',
        '-e',
        "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(20)); INSERT INTO t (name) VALUES ('a'), ('b'); SELECT * FROM t ORDER BY id",
      ],
      {
        ca: fixture.proxyCertificates.caPath,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('id\tname\n1\ta\n2\tb\n');
    const recordings = await fixture.recordingsJson();
    expect(recordings).toHaveLength(1);
    const [recording] = recordings;
    expect(recording!.intact).toBe(true);
    const queries = queriesOf(recording!.frames);
    expect(queries.map((query) => [query.text, query.rows])).toEqual([
      ['CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(20))', 0],
      ["INSERT INTO t (name) VALUES ('a'), ('b')", 2],
      ['SELECT * FROM t ORDER BY id', 2],
    ]);
    expect(queries[1]).toMatchObject({ lastInsertId: 1, mode: 'text', kind: 'query', database: 'shop' });
    expect(endOf(recording!.frames)).toMatchObject({ reason: 'END_REASON_CLIENT_CLOSED' });
  });

  it('with localInfile on, LOAD DATA LOCAL INFILE goes through and its bytes are counted', async () => {
    const local = await startProxy(
      () => ({
        host: db.host,
        port: db.port,
        user: db.user,
        password: db.password,
        tls: { ca: db.certificates.ca },
      }),
      {
        localInfile: true,
      },
    );
    try {
      const file = join(local.recordings, '..', 'rows.csv');
      writeFileSync(file, '10,x\n11,y\n12,z\n');
      const result = await mariadbClient(local.port, [
        '--local-infile=1',
        `--ssl-ca=${local.proxyCertificates.caPath}`,
        'shop',
        '-e',
        `LOAD DATA LOCAL INFILE '${file}' INTO TABLE t FIELDS TERMINATED BY ','`,
      ]);
      expect(result.stderr).toBe('');
      expect(db.sql('SELECT COUNT(*) FROM shop.t WHERE id >= 10').trim()).toBe('3');
      const [recording] = await local.recordingsJson();
      expect(queriesOf(recording!.frames)).toContainEqual(
        expect.objectContaining({ kind: 'load_data', rows: 3, copyBytes: 15 }),
      );
    } finally {
      await local.close();
    }
  });
});
