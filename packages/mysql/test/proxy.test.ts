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
    console.log(queries);
    expect(endOf(recording!.frames)).toMatchObject({ reason: 'END_REASON_CLIENT_CLOSED' });
  });
});
