// `--demo` end to end (psql and node-postgres through the real proxy, in a
// child process), then the tapline CLI on the recordings it left: inspect,
// export --format jsonl, and the asciicast export and play a database session
// cannot have.
import { execFile } from 'node:child_process';
import { createReadStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectRecording } from '@tapline/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driverMismatches, psqlMismatches } from '../src/demo.js';

const CONNECTOR = fileURLToPath(new URL('../bin/connector.mjs', import.meta.url));
const TAPLINE = fileURLToPath(new URL('../../../packages/cli/bin/tapline.mjs', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function node(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 45_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

const tapline = (...args: string[]): Promise<Run> => node([TAPLINE, ...args]);

type JsonEvent = Record<string, unknown> & { type: string };

function jsonLines(text: string): JsonEvent[] {
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as JsonEvent);
}

let directory: string;
let demo: Run;
/** The recordings by client: psql's session and node-postgres's. */
const recordings: { psql: string; driver: string } = { psql: '', driver: '' };

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tapline-pg-demo-test-'));
  demo = await node([CONNECTOR, '--demo', '--dir', directory]);
  const files = readdirSync(join(directory, 'recordings')).filter((name) => name.endsWith('.tapline'));
  for (const file of files) {
    const path = join(directory, 'recordings', file);
    const { stdout } = await tapline('export', path, '--format', 'jsonl');
    const open = jsonLines(stdout).find((event) => event.type === 'stream_open');
    const details = open?.details as { applicationName?: string } | undefined;
    recordings[details?.applicationName === 'psql' ? 'psql' : 'driver'] = path;
  }
}, 90_000);

afterAll(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe('examples/postgres-connector --demo', () => {
  it('exits 0 after psql and node-postgres ran through the proxy, printing tapline inspect of both', () => {
    expect(demo.code, `stdout:\n${demo.stdout}\nstderr:\n${demo.stderr}`).toBe(0);
    expect(demo.stdout).toContain('psql:<stdin>:6: ERROR:  relation "audit_log" does not exist');
    expect(demo.stdout.match(/^Recording {4}complete, intact$/gm)).toHaveLength(2);
    expect(demo.stdout).toContain(
      'SQL select * from audit_log → ERROR 42P01 relation "audit_log" does not exist',
    );
    expect(demo.stdout).toContain('SQL select id, body from notes where id = $1 [2] → SELECT 1, 1 row');
    expect(demo.stdout).toContain('demo ok:');
    expect(recordings.psql).not.toBe('');
    expect(recordings.driver).not.toBe('');
  });

  it('tapline inspect of the real recordings: statements, bound parameters, row counts, COPY, the error', async () => {
    const psql = await tapline('inspect', recordings.psql);
    expect(psql.code, psql.stderr).toBe(0);
    expect(psql.stdout).toContain('1 stream, 0 commands, 6 queries');
    const timeline = psql.stdout.slice(psql.stdout.indexOf('\nTimeline\n'));
    const statements = [...timeline.matchAll(/\] SQL (.*?)(?:, [\d.]+ms)?$/gm)].map((match) => match[1]);
    expect(statements).toEqual([
      'create table notes (id int primary key, body text not null) → CREATE TABLE',
      "insert into notes (id, body) values (1, 'hello'), (2, 'world') → INSERT 0 2, 2 rows",
      'copy_in COPY notes ( id, body ) FROM STDIN with (format csv) → COPY 3, 3 rows, 41 bytes copied',
      'update notes set body = upper(body) where id in (2, 3) → UPDATE 2, 2 rows',
      'select id, body from notes order by id → SELECT 5, 5 rows',
      'select * from audit_log → ERROR 42P01 relation "audit_log" does not exist',
    ]);

    const driver = await tapline('inspect', recordings.driver);
    expect(driver.code, driver.stderr).toBe(0);
    expect(driver.stdout).toContain('applicationName=tapline-demo');
    expect(driver.stdout).toMatch(/SQL select id, body from notes where id = \$1 \[2\] → SELECT 1, 1 row/);
    expect(driver.stdout).toMatch(
      /SQL insert into notes \(id, body\) values \(\$1, \$2\) \[6, from node-postgres\] → INSERT 0 1, 1 row/,
    );
  });

  it('tapline export --format jsonl of the real recordings carries every query field', async () => {
    const psql = await tapline('export', recordings.psql, '--format', 'jsonl');
    expect(psql.code, psql.stderr).toBe(0);
    const psqlQueries = jsonLines(psql.stdout).filter((event) => event.type === 'query');
    expect(psqlQueries.map((query) => [query.mode, query.kind, query.commandTag, query.rows])).toEqual([
      ['simple', 'query', 'CREATE TABLE', null],
      ['simple', 'query', 'INSERT 0 2', 2],
      ['simple', 'copy_in', 'COPY 3', 3],
      ['simple', 'query', 'UPDATE 2', 2],
      ['simple', 'query', 'SELECT 5', 5],
      ['simple', 'query', null, null],
    ]);
    expect(psqlQueries[2]).toMatchObject({ copyBytes: 41, statementType: 'COPY' });
    expect(psqlQueries[5]).toMatchObject({
      text: 'select * from audit_log',
      errorCode: '42P01',
      errorSeverity: 'ERROR',
      errorMessage: 'relation "audit_log" does not exist',
      statementType: 'SELECT',
    });
    for (const query of psqlQueries) {
      expect(query).toMatchObject({ database: 'postgres', transactionStatus: 'idle' });
      expect(query.durationNs).toBeGreaterThan(0);
    }

    const driver = await tapline('export', recordings.driver, '--format', 'jsonl');
    expect(driver.code, driver.stderr).toBe(0);
    const driverQueries = jsonLines(driver.stdout).filter((event) => event.type === 'query');
    expect(driverQueries).toHaveLength(2);
    expect(driverQueries[0]).toMatchObject({
      mode: 'extended',
      statement: 'note_by_id',
      text: 'select id, body from notes where id = $1',
      parameters: [{ value: '2', format: 'text', redacted: false }],
      commandTag: 'SELECT 1',
      rows: 1,
    });
    expect(driverQueries[1]).toMatchObject({
      mode: 'extended',
      statement: null,
      text: 'insert into notes (id, body) values ($1, $2)',
      parameters: [
        { value: '6', format: 'text' },
        { value: 'from node-postgres', format: 'text' },
      ],
      commandTag: 'INSERT 0 1',
      rows: 1,
      statementType: 'INSERT',
    });
  });

  it("the demo's own check passes on these recordings and fails on the wrong one (it has teeth)", async () => {
    const psqlReport = await inspectRecording(recordings.psql, createReadStream(recordings.psql));
    const driverReport = await inspectRecording(recordings.driver, createReadStream(recordings.driver));
    expect(psqlMismatches(psqlReport)).toEqual([]);
    expect(driverMismatches(driverReport)).toEqual([]);
    expect(psqlMismatches(driverReport)).not.toEqual([]);
    expect(driverMismatches(psqlReport)).not.toEqual([]);
  });

  it('asciicast export and play of a database recording say it has no terminal stream', async () => {
    for (const args of [
      ['export', recordings.psql, '--format', 'asciicast'],
      ['play', recordings.psql],
    ]) {
      const result = await tapline(...args);
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('TAPLINE_ERR_CLI_NO_TERMINAL_STREAM');
      expect(result.stderr).toContain('a database session has none');
    }
  });
});
