// What the recording says about each statement (error code and SQLSTATE,
// warnings, duration, affected/returned rows, refused and raw-protocol
// commands, a 20 MiB BLOB), checked against what a real MariaDB told the
// client. The general-log oracle (e2e.test.ts) checks text, order and
// parameters; this file checks the figures.

import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Capability } from '../src/protocol.js';
import { mariadbClient, type ProxyFixture, queriesOf, startProxy, TOKEN } from './helpers/fixture.js';
import { type MariaDb, parseGeneralLog, startMariaDb } from './helpers/mariadb.js';
import { compareWithGeneralLog, targetThreadOf } from './helpers/oracle.js';
import { connectRaw, errOf } from './helpers/raw-client.js';

let db: MariaDb;
let fixture: ProxyFixture;

const target = () => ({
  host: db.host,
  port: db.port,
  user: db.user,
  password: db.password,
  tls: { ca: db.certificates.ca },
});

beforeAll(async () => {
  db = await startMariaDb();
  db.sql(
    [
      'SET GLOBAL max_allowed_packet = 67108864',
      'CREATE TABLE shop.counters (id INT PRIMARY KEY, v INT)',
      'INSERT INTO shop.counters VALUES (1, 0), (2, 5), (3, 0), (4, 9), (5, 0)',
      'CREATE TABLE shop.narrow (code VARCHAR(3))',
      'CREATE TABLE shop.documents (id INT PRIMARY KEY, body LONGBLOB)',
      'CREATE TABLE shop.bulk (n INT)',
    ].join(';'),
  );
  fixture = await startProxy(target);
});

afterAll(async () => {
  await fixture?.close();
  await db?.stop();
});

function connectMysql2(through: ProxyFixture = fixture): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: '127.0.0.1',
    port: through.port,
    user: 'alice',
    password: TOKEN,
    database: 'shop',
    ssl: { ca: through.proxyCertificates.ca },
  });
}

/** The session of a proxy connection id, once it has ended and its recording is delivered. */
async function recordingOf(
  connectionId: number,
  through: ProxyFixture = fixture,
): Promise<{ queries: Array<Record<string, unknown>>; intact: boolean; complete: boolean }> {
  const started = through.events.find(
    (event) => event.type === 'session_started' && event.connectionId === connectionId,
  );
  if (started?.type !== 'session_started') throw new Error(`no session for connection ${connectionId}`);
  const deadline = Date.now() + 15_000;
  while (
    !through.events.some((event) => event.type === 'session_ended' && event.sessionId === started.sessionId)
  ) {
    if (Date.now() > deadline) throw new Error(`session ${started.sessionId} did not end`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const recording = (await through.recordingsJson()).find((each) => each.sessionId === started.sessionId);
  if (recording === undefined) throw new Error(`no recording for session ${started.sessionId}`);
  return { queries: queriesOf(recording.frames), intact: recording.intact, complete: recording.complete };
}

function only(queries: Array<Record<string, unknown>>, text: string): Record<string, unknown> {
  const found = queries.filter((query) => query.text === text);
  expect(found, `one recorded ${JSON.stringify(text)}`).toHaveLength(1);
  return found[0]!;
}

async function failure(
  promise: Promise<unknown>,
): Promise<{ errno: number; sqlState: string; message: string }> {
  const outcome = await promise.then(
    () => undefined,
    (error: { errno: number; sqlState: string; message: string }) => error,
  );
  if (outcome === undefined) throw new Error('the statement succeeded');
  return outcome;
}

describe('the figures of each recorded statement, as the server gave them', { timeout: 30_000 }, () => {
  it('error code, SQLSTATE and message of a query on a missing table', async () => {
    const connection = await connectMysql2();
    const id = connection.threadId!;
    const textError = await failure(connection.query('SELECT * FROM missing_table'));
    const preparedError = await failure(
      connection.execute('SELECT * FROM missing_prepared WHERE id = ?', [1]),
    );
    await connection.end();
    expect(textError).toMatchObject({ errno: 1146, sqlState: '42S02' });
    expect(preparedError).toMatchObject({ errno: 1146, sqlState: '42S02' });
    const { queries } = await recordingOf(id);
    const text = only(queries, 'SELECT * FROM missing_table');
    expect(text).toMatchObject({
      kind: 'query',
      errorCode: '1146',
      errorMessage: `42S02: ${textError.message}`,
      errorSeverity: 'ERROR',
    });
    expect(text.errorMessage).toContain("Table 'shop.missing_table' doesn't exist");
    expect(text.rows).toBeUndefined();
    // mysql2's execute() prepares first: the PREPARE fails, nothing is executed.
    expect(only(queries, 'SELECT * FROM missing_prepared WHERE id = ?')).toMatchObject({
      kind: 'prepare',
      errorCode: '1146',
      errorMessage: `42S02: ${preparedError.message}`,
    });
  });

  it('warnings: the count the server reported, none where there were none', async () => {
    const connection = await connectMysql2();
    const id = connection.threadId!;
    await connection.query("SELECT CAST('x' AS SIGNED) AS n");
    const [[castCount]] = (await connection.query('SELECT @@warning_count AS n')) as unknown as [
      Array<{ n: number }>,
    ];
    const [insert] = (await connection.query(
      "INSERT IGNORE INTO narrow (code) VALUES ('abcdef'), ('ghijkl'), ('ok')",
    )) as unknown as [mysql.ResultSetHeader];
    const [executed] = (await connection.execute('INSERT IGNORE INTO narrow (code) VALUES (?)', [
      'toolong',
    ])) as unknown as [mysql.ResultSetHeader];
    await connection.query('SELECT 1 AS clean');
    await connection.end();
    expect(castCount!.n).toBeGreaterThan(0);
    expect(insert.warningStatus).toBe(2);
    expect(executed.warningStatus).toBe(1);
    const { queries } = await recordingOf(id);
    expect(only(queries, "SELECT CAST('x' AS SIGNED) AS n").warnings).toBe(castCount!.n);
    expect(
      only(queries, "INSERT IGNORE INTO narrow (code) VALUES ('abcdef'), ('ghijkl'), ('ok')"),
    ).toMatchObject({ warnings: 2, rows: 3 });
    const execute = queries.find(
      (query) => query.kind === 'execute' && query.text === 'INSERT IGNORE INTO narrow (code) VALUES (?)',
    );
    expect(execute).toMatchObject({ warnings: 1, rows: 1 });
    expect(only(queries, 'SELECT 1 AS clean').warnings).toBeUndefined();
  });

  it('SELECT SLEEP(1) lasts at least a second and well under ten', async () => {
    const connection = await connectMysql2();
    const id = connection.threadId!;
    await connection.query('SELECT SLEEP(1) AS slept');
    await connection.query('SELECT 1 AS quick');
    await connection.end();
    const { queries } = await recordingOf(id);
    const sleep = Number(only(queries, 'SELECT SLEEP(1) AS slept').durationNs);
    expect(sleep).toBeGreaterThanOrEqual(1e9);
    expect(sleep).toBeLessThan(10e9);
    // The duration is the statement's own, not the time since the session began.
    expect(Number(only(queries, 'SELECT 1 AS quick').durationNs)).toBeLessThan(sleep);
  });

  it('affected rows of an UPDATE and rows returned by a SELECT are what the client saw', async () => {
    const connection = await connectMysql2();
    const id = connection.threadId!;
    // Rows 1, 3 and 5 hold 0 already: "changed" (2) and "found" (5) differ, the client's flags decide.
    const [update] = (await connection.query('UPDATE counters SET v = 0 WHERE id <= 4')) as unknown as [
      mysql.ResultSetHeader,
    ];
    const [executed] = (await connection.execute(
      'UPDATE counters SET v = v + ? WHERE id >= ?',
      [1, 2],
    )) as unknown as [mysql.ResultSetHeader];
    const [selected] = (await connection.query('SELECT id FROM counters WHERE v = 1')) as unknown as [
      unknown[],
    ];
    const [preparedSelect] = (await connection.execute(
      'SELECT id FROM counters WHERE id > ?',
      [1],
    )) as unknown as [unknown[]];
    const [none] = (await connection.query('SELECT id FROM counters WHERE id > 100')) as unknown as [
      unknown[],
    ];
    // Counts past 65535 take a 3-byte length-encoded integer in the OK packet.
    const [bulkInsert] = (await connection.query(
      'INSERT INTO bulk SELECT seq FROM seq_1_to_70000',
    )) as unknown as [mysql.ResultSetHeader];
    const [bulkRows] = (await connection.query('SELECT n FROM bulk')) as unknown as [unknown[]];
    await connection.end();
    expect(update.affectedRows).toBe(4);
    expect(executed.affectedRows).toBe(4);
    expect(selected).toHaveLength(4);
    expect(preparedSelect).toHaveLength(4);
    expect(none).toHaveLength(0);
    const { queries } = await recordingOf(id);
    expect(only(queries, 'UPDATE counters SET v = 0 WHERE id <= 4').rows).toBe(update.affectedRows);
    const execute = (text: string) =>
      queries.find((query) => query.kind === 'execute' && query.text === text);
    expect(execute('UPDATE counters SET v = v + ? WHERE id >= ?')?.rows).toBe(executed.affectedRows);
    expect(only(queries, 'SELECT id FROM counters WHERE v = 1').rows).toBe(selected.length);
    expect(execute('SELECT id FROM counters WHERE id > ?')?.rows).toBe(preparedSelect.length);
    expect(bulkInsert.affectedRows).toBe(70_000);
    expect(bulkRows).toHaveLength(70_000);
    expect(only(queries, 'INSERT INTO bulk SELECT seq FROM seq_1_to_70000').rows).toBe(70_000);
    expect(only(queries, 'SELECT n FROM bulk').rows).toBe(70_000);
    expect(only(queries, 'SELECT id FROM counters WHERE id > 100').rows).toBe(0);
  });

  it('the mariadb client: each statement of a multi-statement query keeps its own figures', async () => {
    const before = fixture.events.length;
    // With another delimiter the client sends each line as one COM_QUERY, its statements together.
    const script = [
      'delimiter //',
      "SELECT CAST('x' AS SIGNED) AS n; SELECT 1 AS clean; UPDATE counters SET v = 7 WHERE id IN (1, 2)//",
      'SELECT id FROM counters WHERE id < 3 ORDER BY id//',
      "SELECT 'a' AS first; SELECT * FROM missing_multi; SELECT 'never' AS third//",
    ].join('\n');
    const result = await mariadbClient(fixture.port, ['--ssl-ca', fixture.proxyCertificates.caPath, 'shop'], {
      input: `${script}\n`,
    });
    expect(result.stderr).toMatch(/ERROR 1146 \(42S02\).*missing_multi/);
    expect(result.stdout).toContain('n\n0\nclean\n1\n');
    const started = fixture.events.slice(before).find((event) => event.type === 'session_started');
    if (started?.type !== 'session_started') throw new Error('no session');
    const { queries } = await recordingOf(started.connectionId);
    const figures = (text: string) => {
      const query = only(queries, text);
      return [query.rows, query.warnings, query.errorCode];
    };
    expect(figures("SELECT CAST('x' AS SIGNED) AS n")).toEqual([1, 1, undefined]);
    expect(figures('SELECT 1 AS clean')).toEqual([1, undefined, undefined]);
    expect(figures('UPDATE counters SET v = 7 WHERE id IN (1, 2)')).toEqual([2, undefined, undefined]);
    expect(figures('SELECT id FROM counters WHERE id < 3 ORDER BY id')).toEqual([2, undefined, undefined]);
    expect(figures("SELECT 'a' AS first")).toEqual([1, undefined, undefined]);
    expect(figures('SELECT * FROM missing_multi')).toEqual([undefined, undefined, '1146']);
    // The server stopped at the error: the third statement never ran, so it is not recorded.
    expect(queries.filter((query) => String(query.text).includes('never'))).toEqual([]);
  });

  it('a client with CLIENT_DEPRECATE_EOF (result sets end with an OK): rows and warnings as the server sent them', async () => {
    const client = await connectRaw(fixture.port, fixture.proxyCertificates.ca, Capability.DEPRECATE_EOF);
    // The server's own figures, from the packet that ends the response.
    const run = async (sql: string): Promise<{ rows: number; warnings: number }> => {
      client.command(Buffer.concat([Buffer.of(0x03), Buffer.from(sql)]));
      const first = await client.next();
      expect(errOf(first)).toBeUndefined();
      if (first[0] === 0x00) return { rows: first[1]!, warnings: first.readUInt16LE(first.length - 2) };
      for (let column = 0; column < first[0]!; column++) await client.next();
      let rows = 0;
      for (;;) {
        const packet = await client.next();
        // The closing OK has the 0xFE header (an EOF-looking OK): status, then warnings, after two lenenc ints.
        if (packet[0] === 0xfe && packet.length < 0xffffff) return { rows, warnings: packet.readUInt16LE(5) };
        rows++;
      }
    };
    const cast = await run("SELECT CAST('x' AS SIGNED) AS n, CAST('y' AS SIGNED) AS m");
    const many = await run('SELECT id FROM counters ORDER BY id');
    const update = await run('UPDATE counters SET v = v + 1 WHERE id > 3');
    await client.close();
    expect(cast).toEqual({ rows: 1, warnings: 2 });
    expect(many).toEqual({ rows: 5, warnings: 0 });
    expect(update.rows).toBe(2);
    const { queries } = await recordingOf(client.connectionId);
    expect(queries.map((query) => [query.text, query.rows, query.warnings])).toEqual([
      ["SELECT CAST('x' AS SIGNED) AS n, CAST('y' AS SIGNED) AS m", 1, 2],
      ['SELECT id FROM counters ORDER BY id', 5, undefined],
      ['UPDATE counters SET v = v + 1 WHERE id > 3', 2, undefined],
    ]);
  });

  it.each([
    ['EOF packets', 0],
    ['CLIENT_DEPRECATE_EOF', Capability.DEPRECATE_EOF],
  ])(
    'a read-only cursor (%s): COM_STMT_FETCH records the rows each fetch returned',
    async (_framing, extra) => {
      const client = await connectRaw(fixture.port, fixture.proxyCertificates.ca, extra);
      const statementId = await client.prepare('SELECT id FROM counters WHERE id > ? ORDER BY id');
      const withId = (command: number, tail: Buffer): Buffer => {
        const out = Buffer.alloc(5);
        out[0] = command;
        out.writeUInt32LE(statementId, 1);
        return Buffer.concat([out, tail]);
      };
      // flags CURSOR_TYPE_READ_ONLY, iteration count 1, NULL bitmap 0, new types: LONG; value 0.
      client.command(withId(0x17, Buffer.of(0x01, 1, 0, 0, 0, 0x00, 0x01, 0x03, 0x00, 0, 0, 0, 0)));
      const columns = await client.next();
      expect(errOf(columns)).toBeUndefined();
      expect(columns[0]).toBe(1);
      await client.next(); // the column definition
      const afterColumns = await client.next();
      // EOF (or an OK in EOF's clothes) with SERVER_STATUS_CURSOR_EXISTS: the rows wait for COM_STMT_FETCH.
      expect(afterColumns[0]).toBe(0xfe);
      const fetched: number[] = [];
      for (let round = 0; round < 3; round++) {
        client.command(withId(0x1c, Buffer.of(2, 0, 0, 0)));
        let rows = 0;
        for (;;) {
          const packet = await client.next();
          expect(errOf(packet)).toBeUndefined();
          if (packet[0] === 0xfe && packet.length < 9) break;
          rows++;
        }
        fetched.push(rows);
      }
      await client.close();
      expect(fetched).toEqual([2, 2, 1]);
      const { queries } = await recordingOf(client.connectionId);
      expect(queries.map((query) => [query.kind, query.rows, query.errorCode])).toEqual([
        ['prepare', undefined, undefined],
        ['execute', 0, undefined],
        ['fetch', 2, undefined],
        ['fetch', 2, undefined],
        ['fetch', 1, undefined],
      ]);
    },
  );

  it('mysql2 changeUser is refused and recorded; ping is recorded as a ping', async () => {
    const connection = await connectMysql2();
    const id = connection.threadId!;
    await connection.ping();
    const refused = await failure(connection.changeUser({ user: 'root', password: 'guess' }));
    // The refusal ends the command, not the session: the connection goes on as the same user.
    const [rows] = await connection.query('SELECT CURRENT_USER() AS user');
    await connection.end().catch(() => {});
    expect((rows as Array<{ user: string }>)[0]!.user).toMatch(/^app@/);
    expect(refused.errno).toBe(1148);
    expect(refused.message).toMatch(/COM_CHANGE_USER is refused/);
    const { queries } = await recordingOf(id);
    const pings = queries.filter((query) => query.kind === 'ping');
    expect(pings).toHaveLength(1);
    expect(pings[0]).toMatchObject({ mode: 'text', transactionStatus: 'idle' });
    expect(pings[0]!.text ?? '').toBe('');
    expect(pings[0]!.errorCode).toBeUndefined();
    expect(queries.filter((query) => query.kind === 'change_user')).toEqual([
      expect.objectContaining({
        text: 'root',
        errorCode: '1148',
        errorMessage: expect.stringMatching(/^42000: COM_CHANGE_USER is refused/),
      }),
    ]);
    // Nothing reached the server: its log has no Change user.
    expect(parseGeneralLog(db.generalLog()).filter((entry) => entry.command === 'Change user')).toEqual([]);
  });

  it('raw client: long data, reset, long data again, execute: the length is recorded and the value arrives', async () => {
    const client = await connectRaw(fixture.port, fixture.proxyCertificates.ca);
    const statementId = await client.prepare('INSERT INTO documents (id, body) VALUES (?, ?)');
    const header = (command: number, extra: number[] = []): Buffer => {
      const out = Buffer.alloc(5 + extra.length);
      out[0] = command;
      out.writeUInt32LE(statementId, 1);
      out.set(extra, 5);
      return out;
    };
    // COM_STMT_SEND_LONG_DATA: int<1> 0x18 · int<4> statement id · int<2> parameter · bytes: no answer.
    const longData = (chunk: Buffer): void => client.command(Buffer.concat([header(0x18, [1, 0]), chunk]));
    longData(Buffer.alloc(5000, 'x'));
    // COM_STMT_RESET discards the long data sent so far.
    client.command(header(0x1a));
    expect((await client.next())[0]).toBe(0x00);
    const first = Buffer.from('first chunk of the kept value; ');
    const second = randomBytes(70_000);
    longData(first);
    longData(second);
    // COM_STMT_EXECUTE: flags 0, iteration count 1, NULL bitmap 0, new types
    // bound: LONG, BLOB; values: only the id (the BLOB came as long data).
    const execute = Buffer.concat([
      header(0x17, [0, 1, 0, 0, 0]),
      Buffer.of(0x00, 0x01, 0x03, 0x00, 0xfc, 0x00),
      Buffer.of(7, 0, 0, 0),
    ]);
    client.command(execute);
    const answer = await client.next();
    expect(errOf(answer)).toBeUndefined();
    expect(answer[0]).toBe(0x00);
    await client.close();
    const stored = db
      .sql('SELECT LENGTH(body), HEX(body) FROM shop.documents WHERE id = 7')
      .trim()
      .split('\t');
    expect(Number(stored[0])).toBe(first.length + second.length);
    expect(stored[1]).toBe(Buffer.concat([first, second]).toString('hex').toUpperCase());
    const { queries } = await recordingOf(client.connectionId);
    expect(queries.map((query) => query.kind)).toEqual(['prepare', 'reset', 'execute']);
    expect(queries[1]).toMatchObject({ statement: String(statementId), mode: 'prepared' });
    expect(queries[1]!.errorCode).toBeUndefined();
    expect(queries[2]).toMatchObject({
      statement: String(statementId),
      rows: 1,
      parameters: [
        { type: 'LONG', value: '7' },
        { type: 'BLOB', length: first.length + second.length },
      ],
    });
    expect((queries[2]!.parameters as Array<Record<string, unknown>>)[1]!.value).toBeUndefined();
  });

  it('a 20 MiB BLOB goes in and comes back byte-identical (packets split at 16 MiB), the recording verifies', async () => {
    const own = await startProxy(target);
    try {
      const connection = await connectMysql2(own);
      const id = connection.threadId!;
      const blob = randomBytes(20 * 1024 * 1024);
      const [inserted] = (await connection.execute('INSERT INTO documents (id, body) VALUES (?, ?)', [
        20,
        blob,
      ])) as unknown as [mysql.ResultSetHeader];
      expect(inserted.affectedRows).toBe(1);
      const [text] = (await connection.query('SELECT body FROM documents WHERE id = 20')) as unknown as [
        Array<{ body: Buffer }>,
      ];
      const [binary] = (await connection.execute(
        'SELECT body FROM documents WHERE id = ?',
        [20],
      )) as unknown as [Array<{ body: Buffer }>];
      await connection.end();
      expect(text[0]!.body.length).toBe(blob.length);
      expect(text[0]!.body.equals(blob)).toBe(true);
      expect(binary[0]!.body.equals(blob)).toBe(true);
      expect(db.sql('SELECT MD5(body) FROM shop.documents WHERE id = 20').trim()).toBe(
        (await import('node:crypto')).createHash('md5').update(blob).digest('hex'),
      );
      const recording = await recordingOf(id, own);
      expect(recording.intact).toBe(true);
      expect(recording.complete).toBe(true);
      const insert = recording.queries.find(
        (query) => query.kind === 'execute' && String(query.text).startsWith('INSERT INTO documents'),
      );
      expect(insert).toMatchObject({ rows: 1, parameters: [{ value: '20' }, { length: blob.length }] });
      expect(only(recording.queries, 'SELECT body FROM documents WHERE id = 20').rows).toBe(1);
    } finally {
      await own.close();
    }
  });
});

describe('KILL through the proxy', { timeout: 30_000 }, () => {
  it('a KILL aimed at a connection that is no session of this proxy is refused', async () => {
    // A connection straight to the server, as another application would have.
    const direct = await mysql.createConnection({
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password,
      ssl: { ca: db.certificates.ca },
    });
    const connection = await connectMysql2();
    const id = connection.threadId!;
    try {
      const directId = direct.threadId!;
      const refused = await failure(connection.query(`KILL ${directId}`));
      expect(refused.errno).toBe(1094);
      expect(refused.message).toMatch(new RegExp(`${directId}.*no session of this proxy`));
      // A proxy-range id nobody holds (a session already gone, a typo).
      const stale = await failure(connection.query(`KILL QUERY ${id + 1_000_000}`));
      expect(stale.errno).toBe(1094);
      // KILL USER would end every session sharing the target account.
      const user = await failure(connection.query(`KILL USER ${db.user}`));
      expect(user.errno).toBe(1094);
      // A prepared KILL would bind its id at execute time, past the mapping.
      const prepared = await failure(connection.execute('KILL ?', [directId]));
      expect(prepared.errno).toBe(1295);
      expect(prepared.message).toMatch(/KILL cannot be prepared/);
      // The direct connection lives on.
      const [rows] = (await direct.query('SELECT 1 AS alive')) as unknown as [Array<{ alive: number }>];
      expect(rows).toEqual([{ alive: 1 }]);
      // The session's own target thread id (what CONNECTION_ID() returns) is one of this proxy's.
      const [[own]] = (await connection.query('SELECT CONNECTION_ID() AS id')) as unknown as [
        Array<{ id: number }>,
      ];
      const ownKill = await connection.query(`KILL QUERY ${own!.id}`).then(
        () => undefined,
        (error: { errno: number }) => error,
      );
      expect(ownKill?.errno).not.toBe(1094);
    } finally {
      await connection.end().catch(() => {});
      await direct.end().catch(() => {});
    }
    const { queries } = await recordingOf(id);
    expect(
      queries.filter((query) => String(query.text).startsWith('KILL') && query.errorCode === '1094'),
    ).toHaveLength(3);
    expect(queries.find((query) => query.text === 'KILL ?')).toMatchObject({
      kind: 'prepare',
      mode: 'prepared',
      errorCode: '1295',
      errorMessage: expect.stringMatching(/^HY000: KILL cannot be prepared/),
    });
  });

  it('COM_PROCESS_KILL from a raw client is rewritten to the target thread id; an unknown id is refused', async () => {
    const victim = await connectMysql2();
    const victimId = victim.threadId!;
    const started = fixture.events.find(
      (event) => event.type === 'session_started' && event.connectionId === victimId,
    );
    const targetThread = started?.type === 'session_started' ? started.targetConnectionId : -1;
    expect(targetThread).not.toBe(victimId);
    const sleeping = victim.query('SELECT SLEEP(30) AS slept').then(
      () => undefined,
      (error: Error) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const client = await connectRaw(fixture.port, fixture.proxyCertificates.ca);
    const processKill = (id: number): Buffer => {
      const payload = Buffer.alloc(5);
      payload[0] = 0x0c;
      payload.writeUInt32LE(id, 1);
      return payload;
    };
    // Another application's connection straight to the server: not one of the proxy's.
    const direct = await mysql.createConnection({
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password,
      ssl: { ca: db.certificates.ca },
    });
    const directId = direct.threadId!;
    client.command(processKill(directId));
    const refused = errOf(await client.next());
    expect(refused).toMatchObject({ code: 1094, message: expect.stringMatching(/no session of this proxy/) });
    const [alive] = (await direct.query('SELECT 1 AS alive')) as unknown as [unknown[]];
    await direct.end();
    expect(alive).toEqual([{ alive: 1 }]);
    client.command(processKill(victimId));
    const answer = await client.next();
    expect(errOf(answer)).toBeUndefined();
    // COM_PROCESS_KILL ends the connection, not only the query.
    const error = await sleeping;
    expect(error?.message).toMatch(/interrupted|lost|closed|killed/i);
    await client.close();
    await victim.end().catch(() => {});
    const deadline = Date.now() + 10_000;
    while (
      db.sql(`SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ${targetThread}`).trim() !== '0'
    ) {
      if (Date.now() > deadline) throw new Error(`target thread ${targetThread} still there`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { queries } = await recordingOf(client.connectionId);
    expect(queries.map((query) => [query.kind, query.text, query.errorCode])).toEqual([
      ['cancel', `KILL ${directId}`, '1094'],
      ['cancel', `KILL ${victimId}`, undefined],
    ]);
  });
});

describe('the oracle', () => {
  it("this file's recordings match the server's general log", async () => {
    const log = parseGeneralLog(db.generalLog());
    let matched = 0;
    const mismatches: string[] = [];
    for (const recording of await fixture.recordingsJson()) {
      expect(recording.intact).toBe(true);
      const threadId = targetThreadOf(recording.frames);
      if (threadId === undefined) continue;
      const figures = compareWithGeneralLog(
        queriesOf(recording.frames),
        log.filter((entry) => entry.threadId === threadId),
      );
      matched += figures.matched;
      mismatches.push(...figures.mismatches);
    }
    expect(mismatches).toEqual([]);
    expect(matched).toBeGreaterThan(30);
  });
});
