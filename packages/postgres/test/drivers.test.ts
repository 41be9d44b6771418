// The node drivers pg (simple and extended protocol, binary bytea) and
// postgres (porsager; pipelined extended protocol), plus a bare client with
// binary parameters of every decoded type, through the proxy; every recorded
// statement is compared with the server's own log.
import { createRequire } from 'node:module';
import type pgTypes from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialize as s } from '../src/index.js';
import { type Fixture, startFixture } from './helpers/fixture.js';
import { compareWithLog, type RecordedSessionQueries } from './helpers/oracle.js';
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
