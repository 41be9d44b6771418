// The `policy` option: the gate on its own (split anywhere, order kept), then
// real psql, pg and postgres (pipelined) against a real PostgreSQL whose
// statement log is the oracle: a denied statement never reaches the server.
import { createRequire } from 'node:module';
import type { PolicyAction } from '@tapline/core';
import fc from 'fast-check';
import type pgTypes from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialize as s } from '../src/index.js';
import { deniedParse, deniedQuery, type PgDenial, PgPolicyGate } from '../src/policy-gate.js';
import { type Fixture, startFixture } from './helpers/fixture.js';

const PgClient = createRequire(import.meta.url)('pg/lib/client.js') as typeof pgTypes.Client;

function gateOver(check: (statements: string[]) => PgDenial | undefined | Promise<PgDenial | undefined>) {
  const sent: Buffer[] = [];
  let paused = false;
  const gate = new PgPolicyGate(check, {
    toTarget: (bytes) => sent.push(Buffer.from(bytes)),
    pauseClient: () => {
      paused = true;
    },
    resumeClient: () => {
      paused = false;
    },
  });
  return { gate, sent, paused: () => paused };
}

const denyDrop = (statements: string[]): PgDenial | undefined => {
  const drop = statements.find((statement) => /^\s*drop\b/i.test(statement));
  return drop === undefined ? undefined : { statement: drop, message: "no 'drop' here" };
};

describe('PgPolicyGate', () => {
  const pipeline = Buffer.concat([
    s.query('select 1'),
    s.parse('', 'select $1::int', [23]),
    s.bind('', '', [Buffer.from('7')]),
    s.execute(''),
    s.sync(),
    s.query('drop table keep_me'),
    s.copyData(Buffer.alloc(300, 1)),
    s.parse('s1', 'DROP TABLE keep_me'),
    s.sync(),
  ]);
  const expected = Buffer.concat([
    s.query('select 1'),
    s.parse('', 'select $1::int', [23]),
    s.bind('', '', [Buffer.from('7')]),
    s.execute(''),
    s.sync(),
    deniedQuery("no 'drop' here"),
    s.copyData(Buffer.alloc(300, 1)),
    deniedParse('s1', "no 'drop' here"),
    s.sync(),
  ]);

  it('split at every offset: allowed messages pass byte for byte, denied ones are replaced in place', () => {
    for (let cut = 0; cut <= pipeline.length; cut++) {
      const { gate, sent } = gateOver(denyDrop);
      gate.fromClient(pipeline.subarray(0, cut));
      gate.fromClient(pipeline.subarray(cut));
      expect(Buffer.concat(sent).equals(expected), `cut at ${cut}`).toBe(true);
    }
  });

  it('an asynchronous policy holds what follows and keeps the order', async () => {
    const { gate, sent, paused } = gateOver(
      (statements) => new Promise((resolve) => setTimeout(() => resolve(denyDrop(statements)), 5)),
    );
    for (let i = 0; i < pipeline.length; i += 7) gate.fromClient(pipeline.subarray(i, i + 7));
    for (let i = 0; i < 200 && Buffer.concat(sent).length < expected.length; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(Buffer.concat(sent).equals(expected)).toBe(true);
    expect(paused()).toBe(false);
  });

  it('the stand-ins quote what they carry and keep identifiers within 63 bytes', () => {
    expect(deniedQuery("it's $tapline$ x").toString()).toContain(
      "MESSAGE = 'denied by policy: it''s  x'; END$tapline$",
    );
    const parse = deniedParse('', `"${'é'.repeat(80)}`).toString('utf8');
    const name = /FROM "(.*)"\0/.exec(parse)![1]!.replaceAll('""', '"');
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
  });

  it('property: with everything allowed, any message sequence split anywhere reaches the target unchanged', () => {
    const message = fc.oneof(
      fc.string().map((text) => s.query(text.replaceAll('\0', ''))),
      fc.string().map((text) => s.parse('', text.replaceAll('\0', ''))),
      fc.uint8Array({ maxLength: 100 }).map((bytes) => s.copyData(bytes)),
      fc.constant(s.sync()),
    );
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (messages, cuts) => {
          const input = Buffer.concat(messages);
          const { gate, sent } = gateOver(() => undefined);
          let from = 0;
          for (const cut of [...cuts.map((c) => c % (input.length + 1))].sort((a, b) => a - b)) {
            gate.fromClient(input.subarray(from, Math.max(from, cut)));
            from = Math.max(from, cut);
          }
          gate.fromClient(input.subarray(from));
          expect(Buffer.concat(sent).equals(input)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('postgres policy (real PostgreSQL, psql, pg, postgres)', () => {
  let fixture: Fixture;
  const asked: PolicyAction[] = [];
  beforeAll(async () => {
    fixture = await startFixture({
      policy: (action) => {
        asked.push(action);
        const denied =
          action.type === 'query' &&
          (action.statementType === 'DROP' || /\bdelete\s+from\s+keep_me\b/i.test(action.command ?? ''));
        return denied
          ? { allow: false, message: 'keep_me is protected', rule: 'protect-keep-me' }
          : { allow: true };
      },
    });
    fixture.server.sql(
      'create table keep_me (id int primary key); insert into keep_me values (1), (2)',
      'postgres',
    );
  });
  afterAll(async () => {
    await fixture?.close();
  });

  const count = () => fixture.server.sql('select count(*) from keep_me', 'postgres').trim();
  const logged = (pattern: RegExp) => fixture.server.statements().filter((entry) => pattern.test(entry.text));

  it('psql: a denied statement fails with 42501 and the message; the server never ran it; a transaction goes on as after any error', async () => {
    const denied = await fixture.psql('token-1', ['-c', 'drop table keep_me']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('ERROR:  denied by policy: keep_me is protected');
    const script = await fixture.psql('token-1', ['-v', 'ON_ERROR_STOP=0'], {
      input:
        'begin;\ndelete from keep_me where id = 1;\nselect 1 as after_denial;\nrollback;\nselect count(*) as still from keep_me;\n',
    });
    expect(script.stderr).toContain('ERROR:  denied by policy: keep_me is protected');
    // As for a real permission error: the transaction is aborted until its end.
    expect(script.stderr).toContain('current transaction is aborted');
    expect(script.stdout).toMatch(/still\s*\n-+\n\s*2\n/);
    expect(count()).toBe('2');
    expect(logged(/drop table keep_me/i)).toEqual([]);
    expect(logged(/delete from keep_me/i)).toEqual([]);
    expect(asked.find((action) => action.statementType === 'DROP')).toMatchObject({
      protocol: 'postgres',
      type: 'query',
      command: 'drop table keep_me',
    });
    const { sessionId } = await fixture.nextEnded();
    const recording = await fixture.recording(sessionId);
    expect(recording.queries[0]).toMatchObject({
      text: 'drop table keep_me',
      errorCode: '42501',
      errorMessage: 'denied by policy: keep_me is protected',
    });
    expect(
      recording.frames.some(
        (frame) => (frame.annotation as { code?: string } | undefined)?.code === 'TAPLINE_ERR_POLICY_DENIED',
      ),
    ).toBe(true);
    await fixture.nextEnded();
  });

  it('pg (extended protocol with parameters) and postgres (pipelined): denied statements fail, the ones around them run', async () => {
    const client = new PgClient({
      host: '127.0.0.1',
      port: fixture.port,
      user: 'alice',
      password: 'token-1',
      database: 'postgres',
      ssl: { ca: fixture.pki.ca },
    });
    await client.connect();
    try {
      await expect(client.query('delete from keep_me where id = $1', [1])).rejects.toMatchObject({
        message: expect.stringContaining('tapline: denied by policy: keep_me is protected'),
      });
      expect((await client.query('select $1::int + 1 as n', [41])).rows[0].n).toBe(42);
    } finally {
      await client.end();
    }
    const sql = postgres({
      host: '127.0.0.1',
      port: fixture.port,
      user: 'alice',
      password: 'token-1',
      database: 'postgres',
      ssl: { ca: fixture.pki.ca },
      max: 1,
      onnotice: () => {},
    });
    try {
      const results = await Promise.allSettled([
        sql`select ${1}::int as one`,
        sql`delete from keep_me where id = ${2}`,
        sql`select count(*)::int as n from keep_me`,
      ]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[2] as unknown as PromiseFulfilledResult<Array<{ n: number }>>).value[0]!.n).toBe(2);
    } finally {
      await sql.end();
    }
    expect(count()).toBe('2');
    expect(logged(/delete from keep_me/i)).toEqual([]);
  });
});
