// The node drivers pg (simple and extended protocol, binary bytea) and
// postgres (porsager; pipelined extended protocol), plus a bare client with
// binary parameters of every decoded type, through the proxy; every recorded
// statement is compared with the server's own log.
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import type pgTypes from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialize as s } from '../src/index.js';
import { type Fixture, startFixture } from './helpers/fixture.js';
import { compareWithLog, type RecordedSessionQueries } from './helpers/oracle.js';
import type { LoggedStatement } from './helpers/postgres.js';
import { rawClient } from './helpers/raw-client.js';

// pg's own entry point loads pg-pool, which the workspace's `import` resolve
// condition turns into its ESM build under require(); the Client alone is enough.
const PgClient = createRequire(import.meta.url)('pg/lib/client.js') as typeof pgTypes.Client;

describe('drivers through the proxy, checked against the server log', () => {
  let fixture: Fixture;
  const recorded: RecordedSessionQueries[] = [];
  beforeAll(async () => {
    fixture = await startFixture();
    fixture.server.sql(
      'create table items (id serial primary key, name text, data bytea, price numeric, seen timestamptz)',
      'postgres',
    );
  });
  afterAll(async () => {
    await fixture?.close();
  });

  async function collect(): Promise<Awaited<ReturnType<Fixture['recording']>>> {
    const { sessionId } = await fixture.nextEnded();
    const recording = await fixture.recording(sessionId);
    expect(recording.report).toMatchObject({ complete: true });
    recorded.push({ processId: recording.processId, queries: recording.queries });
    return recording;
  }

  /** The server's log entry of a statement of one backend (the log reaches disk asynchronously). */
  async function loggedStatement(pid: number, text: string): Promise<LoggedStatement> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const found = fixture.server.statements().find((entry) => entry.pid === pid && entry.text === text);
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the server did not log ${text}`);
  }

  /** Waits until the backend runs the statement (or it has already finished: `settled`). */
  async function activeOn(pid: number, text: string, settled = (): boolean => false): Promise<void> {
    while (!settled()) {
      const active = fixture.server.sql(
        `select count(*) from pg_stat_activity where pid = ${pid} and state = 'active' and query = '${text}'`,
      );
      if (active === '1') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('pg: simple and extended queries, named statements, NULL and binary bytea parameters', async () => {
    const client = new PgClient({
      host: '127.0.0.1',
      port: fixture.port,
      user: 'alice',
      password: 'token-1',
      database: 'postgres',
      ssl: { ca: fixture.pki.ca },
      application_name: 'tapline-pg',
    });
    await client.connect();
    await client.query('select 1 as one; select 2 as two');
    const sum = await client.query('select $1::int + $2::int as sum', [40, 2]);
    expect(sum.rows[0].sum).toBe(42);
    for (const name of ["it's", 'b;c']) {
      await client.query({
        name: 'insert-item',
        text: 'insert into items (name, data, price) values ($1, $2, $3) returning id',
        values: [name, Buffer.from([0, 1, 2, 3]), '12.50'],
      });
    }
    await client.query('update items set seen = $1 where name = $2', [null, 'nobody']);
    await expect(client.query('select $1::int', ['not a number'])).rejects.toThrow(/invalid input syntax/);
    await client.query('select count(*) from items');
    await client.end();
    const { queries } = await collect();
    const extended = queries.filter((query) => query.mode === 'extended');
    expect(extended.map((query) => query.text)).toContain(
      'insert into items (name, data, price) values ($1, $2, $3) returning id',
    );
    const insert = extended.find((query) => query.statement === 'insert-item');
    expect(insert?.parameters).toEqual([
      { format: 'text', value: "it's" },
      { format: 'binary', length: 4 },
      { format: 'text', value: '12.50' },
    ]);
    expect(insert).toMatchObject({ commandTag: 'INSERT 0 1', rows: 1 });
    const failed = queries.find((query) => query.errorCode === '22P02');
    expect(failed).toMatchObject({ kind: 'execute', errorSeverity: 'ERROR' });
  });

  it('postgres (porsager): pipelined extended protocol', async () => {
    const sql = postgres({
      host: '127.0.0.1',
      port: fixture.port,
      user: 'alice',
      password: 'token-1',
      database: 'postgres',
      ssl: { ca: fixture.pki.ca },
      max: 1,
      connection: { application_name: 'tapline-porsager' },
      onnotice: () => {},
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) => sql`select ${index}::int as n, ${`v${index}`}::text as v`),
    );
    expect(results.map((rows) => rows[0]?.n)).toEqual(Array.from({ length: 20 }, (_, index) => index));
    await sql`insert into items (name, price) values (${'pipelined'}, ${'3.25'})`;
    await sql.begin(async (tx) => {
      await tx`update items set price = price + 1 where name = ${'pipelined'}`;
    });
    await sql.end();
    const { queries } = await collect();
    const selects = queries.filter((query) => query.text.startsWith('select $1::int as n'));
    expect(selects).toHaveLength(20);
    expect(selects.map((query) => query.parameters?.[0]?.value)).toEqual(
      Array.from({ length: 20 }, (_, index) => String(index)),
    );
    expect(queries.some((query) => query.transactionStatus === 'transaction')).toBe(true);
  });

  it('binary parameters of every decoded type, named and unnamed portals, pipelined', async () => {
    const client = await rawClient({
      port: fixture.port,
      ca: fixture.pki.ca,
      password: 'token-1',
      parameters: { application_name: 'tapline-raw' },
    });
    const int4 = Buffer.alloc(4);
    int4.writeInt32BE(-7);
    const int8 = Buffer.alloc(8);
    int8.writeBigInt64BE(9007199254740993n);
    const float8 = Buffer.alloc(8);
    float8.writeDoubleBE(3.25);
    const numeric = Buffer.from([0, 2, 0, 0, 0, 0, 0, 2, 0, 12, 13, 172]); // 12.35 (digits 12, 3500; dscale 2)
    const bool = Buffer.from([1]);
    const uuid = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
    const jsonb = Buffer.concat([Buffer.from([1]), Buffer.from('{"a": 1}')]);
    const date = Buffer.alloc(4);
    date.writeInt32BE(9000);
    const timestamp = Buffer.alloc(8);
    timestamp.writeBigInt64BE(789_004_800_123_456n);
    const array = Buffer.alloc(12 + 8 + 3 * 8);
    array.writeInt32BE(1, 0);
    array.writeInt32BE(0, 4);
    array.writeInt32BE(23, 8);
    array.writeInt32BE(3, 12);
    array.writeInt32BE(1, 16);
    [1, 2, 3].forEach((value, index) => {
      array.writeInt32BE(4, 20 + index * 8);
      array.writeInt32BE(value, 24 + index * 8);
    });
    const oids = [23, 20, 701, 1700, 16, 2950, 3802, 1082, 1114, 1007];
    const values = [int4, int8, float8, numeric, bool, uuid, jsonb, date, timestamp, array];
    const text =
      'select $1::int4, $2::int8, $3::float8, $4::numeric, $5::bool, $6::uuid, $7::jsonb, $8::date, $9::timestamp, $10::int4[]';
    const replies = await client.roundTrip(
      Buffer.concat([
        s.parse('typed', text, oids),
        s.bind(
          'portal-a',
          'typed',
          values,
          values.map(() => 1),
        ),
        s.execute('portal-a'),
        s.bind(
          '',
          'typed',
          values,
          values.map(() => 1),
        ),
        s.execute(''),
        s.sync(),
        s.parse('', 'select 1 where false', []),
        s.bind('', '', []),
        s.execute(''),
        s.sync(),
      ]),
      2,
    );
    expect(replies.filter((reply) => reply.name === 'errorResponse')).toEqual([]);
    client.close();
    const { queries } = await collect();
    expect(queries[0]?.parameters?.map((parameter) => parameter.value)).toEqual([
      '-7',
      '9007199254740993',
      '3.25',
      '12.35',
      't',
      '01234567-89ab-cdef-0123-456789abcdef',
      '{"a": 1}',
      '2024-08-22',
      '2025-01-01 00:00:00.123456',
      '{1,2,3}',
    ]);
    expect(queries[0]).toMatchObject({ portal: 'portal-a', statement: 'typed', rows: 1 });
    expect(queries[2]).toMatchObject({ commandTag: 'SELECT 0', rows: 0, transactionStatus: 'idle' });
  });

  it('binary parameter edge cases (float4, int2, json, text, varchar, timestamptz, numeric, arrays with NULL) and text bytea by length, as the server logged them', async () => {
    const client = await rawClient({
      port: fixture.port,
      ca: fixture.pki.ca,
      password: 'token-1',
      parameters: { application_name: 'tapline-raw-edges' },
    });
    const text = (value: string): Buffer => Buffer.from(value, 'utf8');
    const none = Buffer.alloc(0);
    // [type oid, format, bytes, the value the recording must show]
    const cases: Array<[number, 0 | 1, Buffer, string | null]> = [
      [700, 1, float4(1.5), '1.5'],
      [700, 1, float4(0.1), '0.1'],
      [700, 1, float4(-2.5e-7), '-2.5e-07'],
      [700, 1, float4(3.4028235e38), '3.4028235e+38'],
      [700, 1, float4(Number.NaN), 'NaN'],
      [700, 1, float4(-0), '-0'],
      [701, 1, float8(1e-5), '1e-05'],
      [701, 1, float8(1e15), '1e+15'],
      [701, 1, float8(123456.789), '123456.789'],
      [21, 1, int2(-32768), '-32768'],
      [21, 1, int2(32767), '32767'],
      [114, 1, text('{"k": [1, 2], "s": "é"}'), '{"k": [1, 2], "s": "é"}'],
      [25, 1, text("it's ☃; \\ done"), "it's ☃; \\ done"],
      [1043, 1, text('a;b'), 'a;b'],
      [25, 0, text('plain text'), 'plain text'],
      [1184, 1, int8(789_004_800_123_456n), '2025-01-01 00:00:00.123456+00'],
      [1184, 1, int8(-500_000n), '1999-12-31 23:59:59.5+00'],
      [1700, 1, numeric('-12.35'), '-12.35'],
      [1700, 1, numeric('0'), '0'],
      [1700, 1, numeric('0.00'), '0.00'],
      [1700, 1, numeric('NaN'), 'NaN'],
      [1700, 1, numeric(`1${'0'.repeat(40)}`), `1${'0'.repeat(40)}`],
      [1700, 1, numeric('0.000001'), '0.000001'],
      [1700, 1, numeric('-12345678.9'), '-12345678.9'],
      [
        1009,
        1,
        array(
          25,
          [8],
          ['a', 'b c', null, '', 'NULL', 'x"y', '\\', 'nbsp\u00a0here'].map((value) =>
            value === null ? null : text(value),
          ),
        ),
        '{a,"b c",NULL,"","NULL","x\\"y","\\\\",nbsp\u00a0here}',
      ],
      [1007, 1, array(23, [3], [int4(1), null, int4(-3)]), '{1,NULL,-3}'],
      [1007, 1, array(23, [2, 2], [int4(1), int4(2), int4(3), int4(4)]), '{{1,2},{3,4}}'],
      [1009, 1, array(25, [], []), '{}'],
      [23, 1, none, null],
    ];
    // The last one is a NULL: sent as such, not as the empty value.
    const values = cases.map(([, , bytes], index) => (index === cases.length - 1 ? null : bytes));
    const oids = cases.map(([oid]) => oid);
    const statement = `select ${oids.map((_, index) => `$${index + 1}::${castOf(oids[index] as number)}`).join(', ')}, $${oids.length + 1}::bytea`;
    const replies = await client.roundTrip(
      Buffer.concat([
        s.parse('', statement, [...oids, 17]),
        s.bind('', '', [...values, '\\x01020304'], [...cases.map(([, format]) => format), 0]),
        s.execute(''),
        s.sync(),
      ]),
    );
    expect(replies.filter((reply) => reply.name === 'errorResponse')).toEqual([]);
    client.close();
    const { queries, processId } = await collect();
    const parameters = queries[0]?.parameters ?? [];
    expect(parameters.slice(0, -1).map((parameter) => parameter.value ?? null)).toEqual(
      cases.map(([, , , shown]) => shown),
    );
    expect(parameters.at(-2)).toMatchObject({ isNull: true, type: 'int4' });
    // text-format bytea: by its length on the wire only, never the value.
    expect(parameters.at(-1)).toEqual({ format: 'text', type: 'bytea', length: 10 });
    // The same values as the server's own output functions wrote them in its log.
    const logged = await loggedStatement(processId, statement);
    expect(parameters.slice(0, -1).map((parameter) => parameter.value ?? null)).toEqual(
      logged.parameters.slice(0, -1),
    );
    expect(logged.parameters.at(-1)).toBe('\\x01020304');
  });

  it('rewrites BackendKeyData; a CancelRequest with a wrong key cancels nothing, the minted one cancels', async () => {
    const client = await rawClient({ port: fixture.port, ca: fixture.pki.ca, password: 'token-1' });
    const minted = client.greeting.find((message) => message.name === 'backendKeyData');
    if (minted?.name !== 'backendKeyData') throw new Error('no BackendKeyData from the proxy');
    const notice = (
      await client.roundTrip(s.query("do $$ begin raise notice 'backend %', pg_backend_pid(); end $$"))
    ).find((message) => message.name === 'noticeResponse');
    const backendPid = Number(
      /^backend (\d+)$/.exec(notice?.name === 'noticeResponse' ? (notice.fields.M ?? '') : '')?.[1],
    );
    expect(backendPid).toBeGreaterThan(0);
    expect(minted.processId).not.toBe(backendPid);
    const forwarded = (): number =>
      fixture.events.filter((event) => event.type === 'cancel_forwarded').length;
    const forwardedBefore = forwarded();

    let finished = false;
    const running = client.roundTrip(s.query('select pg_sleep(1.5)')).finally(() => {
      finished = true;
    });
    // On a machine too busy to see it run, the cancels come late and prove less; the count below still holds.
    await activeOn(backendPid, 'select pg_sleep(1.5)', () => finished);
    // The proxy closes a cancel connection once it has looked the key up.
    await sendCancel(fixture.port, minted.processId, minted.secretKey ^ 1);
    await sendCancel(fixture.port, backendPid, minted.secretKey);
    await sendCancel(fixture.port, minted.processId + 1, minted.secretKey);
    const completed = await running;
    expect(completed.filter((message) => message.name === 'errorResponse')).toEqual([]);
    expect(completed).toContainEqual({ name: 'commandComplete', tag: 'SELECT 1' });
    expect(forwarded()).toBe(forwardedBefore);

    // The control: the key the proxy minted does cancel (the wrong ones above had a chance to).
    const cancelled = client.roundTrip(s.query('select pg_sleep(30)'));
    await activeOn(backendPid, 'select pg_sleep(30)');
    await sendCancel(fixture.port, minted.processId, minted.secretKey);
    const failed = (await cancelled).find((message) => message.name === 'errorResponse');
    expect(failed?.name === 'errorResponse' ? failed.fields.C : undefined).toBe('57014');
    expect(forwarded()).toBe(forwardedBefore + 1);
    client.close();
    const { queries, processId } = await collect();
    expect(processId).toBe(backendPid);
    expect(queries.map((query) => [query.text, query.commandTag, query.errorCode])).toEqual([
      ["do $$ begin raise notice 'backend %', pg_backend_pid(); end $$", 'DO', undefined],
      ['select pg_sleep(1.5)', 'SELECT 1', undefined],
      ['select pg_sleep(30)', undefined, '57014'],
    ]);
  });

  it('every recorded statement matches the server log (oracle)', async () => {
    // The log reaches disk asynchronously (logging collector).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const logged = fixture.server.statements();
    const figures = compareWithLog(logged, recorded);
    console.log(
      `oracle (drivers): matched ${figures.matched}, lost ${figures.lost}, invented ${figures.invented}`,
    );
    expect(figures.mismatches).toEqual([]);
    expect(figures.matched).toBeGreaterThan(30);
    // The control: one parameter changed in the recording must show up (the comparison has teeth).
    const tampered = structuredClone(recorded);
    const victim = tampered
      .flatMap((session) => session.queries)
      .find((query) => query.parameters?.[0]?.value !== undefined);
    (victim?.parameters?.[0] as { value: string }).value += '!';
    const control = compareWithLog(logged, tampered);
    expect(control.lost + control.invented).toBeGreaterThan(0);
  });
});

// Binary parameter values, built as a client would send them.
function fixedWidth<T>(size: number, write: (buffer: Buffer, value: T) => unknown): (value: T) => Buffer {
  return (value) => {
    const buffer = Buffer.alloc(size);
    write(buffer, value);
    return buffer;
  };
}
const int2 = fixedWidth<number>(2, (buffer, value) => buffer.writeInt16BE(value));
const int4 = fixedWidth<number>(4, (buffer, value) => buffer.writeInt32BE(value));
const int8 = fixedWidth<bigint>(8, (buffer, value) => buffer.writeBigInt64BE(value));
const float4 = fixedWidth<number>(4, (buffer, value) => buffer.writeFloatBE(value));
const float8 = fixedWidth<number>(8, (buffer, value) => buffer.writeDoubleBE(value));
/** numeric: int16 ndigits, int16 weight, uint16 sign, int16 dscale, int16[ndigits] base-10000 digits. */
function numeric(decimal: string): Buffer {
  const header = (digits: number[], weight: number, sign: number, dscale: number): Buffer => {
    const buffer = Buffer.alloc(8 + digits.length * 2);
    buffer.writeInt16BE(digits.length, 0);
    buffer.writeInt16BE(weight, 2);
    buffer.writeUInt16BE(sign, 4);
    buffer.writeInt16BE(dscale, 6);
    for (const [index, digit] of digits.entries()) buffer.writeInt16BE(digit, 8 + index * 2);
    return buffer;
  };
  if (decimal === 'NaN') return header([], 0, 0xc000, 0);
  const negative = decimal.startsWith('-');
  const [integer = '', fraction = ''] = (negative ? decimal.slice(1) : decimal).split('.');
  const integerGroups = Math.ceil(integer.length / 4);
  const digitsText =
    integer.padStart(integerGroups * 4, '0') + fraction.padEnd(Math.ceil(fraction.length / 4) * 4, '0');
  const digits = (digitsText.match(/\d{4}/g) ?? []).map(Number);
  let weight = integerGroups - 1;
  while (digits[0] === 0) {
    digits.shift();
    weight--;
  }
  while (digits.at(-1) === 0) digits.pop();
  return header(digits, digits.length === 0 ? 0 : weight, negative ? 0x4000 : 0, fraction.length);
}
/** array: int32 ndim (0: empty), int32 has-null flag, uint32 element type, ndim x (int32 size, int32 lower bound 1), elements. */
function array(elementOid: number, sizes: number[], elements: Array<Buffer | null>): Buffer {
  const head = Buffer.alloc(12 + sizes.length * 8);
  head.writeInt32BE(sizes.length, 0);
  head.writeInt32BE(elements.includes(null) ? 1 : 0, 4);
  head.writeUInt32BE(elementOid, 8);
  sizes.forEach((size, dim) => {
    head.writeInt32BE(size, 12 + dim * 8);
    head.writeInt32BE(1, 16 + dim * 8);
  });
  const parts: Buffer[] = [head];
  for (const element of elements) {
    parts.push(int4(element === null ? -1 : element.length));
    if (element !== null) parts.push(element);
  }
  return Buffer.concat(parts);
}
function castOf(oid: number): string {
  const casts: Record<number, string> = {
    21: 'int2',
    23: 'int4',
    25: 'text',
    114: 'json',
    700: 'float4',
    701: 'float8',
    1007: 'int4[]',
    1009: 'text[]',
    1043: 'varchar',
    1184: 'timestamptz',
    1700: 'numeric',
  };
  return casts[oid] ?? 'text';
}
/** A CancelRequest on a connection of its own; resolves when the proxy closes it. */
async function sendCancel(port: number, processId: number, secretKey: number): Promise<void> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.end(s.cancelRequest(processId, secretKey));
  await new Promise((resolve) => socket.once('close', resolve));
}
