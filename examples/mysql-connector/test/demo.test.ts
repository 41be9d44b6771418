// `--demo` end to end (the mariadb client and mysql2 through the real proxy, in
// a child process), then the tapline CLI on the recordings it left: inspect,
// export --format jsonl, and the asciicast export and play a database session
// cannot have.
import { execFile } from 'node:child_process';
import { chmodSync, createReadStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectRecording } from '@tapline/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientMismatches, driverMismatches, expectedClientQueries } from '../src/demo.js';

const CONNECTOR = fileURLToPath(new URL('../bin/connector.mjs', import.meta.url));
const TAPLINE = fileURLToPath(new URL('../../../packages/cli/bin/tapline.mjs', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function node(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 60_000 }, (error, stdout, stderr) =>
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
/** The recordings by client: the mariadb client's session and mysql2's. */
const recordings: { client: string; driver: string } = { client: '', driver: '' };

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tapline-mysql-demo-test-'));
  // Run as root, MariaDB runs as the mysql user, which must reach its datadir below this one.
  chmodSync(directory, 0o755);
  demo = await node([CONNECTOR, '--demo', '--dir', directory]);
  const files = readdirSync(join(directory, 'recordings')).filter((name) => name.endsWith('.tapline'));
  for (const file of files) {
    const path = join(directory, 'recordings', file);
    const { stdout } = await tapline('export', path, '--format', 'jsonl');
    const prepared = jsonLines(stdout).some((event) => event.type === 'query' && event.mode === 'prepared');
    recordings[prepared ? 'driver' : 'client'] = path;
  }
}, 120_000);

afterAll(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe('examples/mysql-connector --demo', () => {
  it('exits 0 after the mariadb client and mysql2 ran through the proxy, printing tapline inspect of both', () => {
    expect(demo.code, `stdout:\n${demo.stdout}\nstderr:\n${demo.stderr}`).toBe(0);
    expect(demo.stdout).toContain("ERROR 1146 (42S02) at line 6: Table 'demo.audit_log' doesn't exist");
    expect(demo.stdout.match(/^Recording {4}complete, intact$/gm)).toHaveLength(2);
    expect(demo.stdout).toContain(
      "SQL SELECT * FROM audit_log → ERROR 1146 42S02: Table 'demo.audit_log' doesn't exist",
    );
    expect(demo.stdout).toContain('SQL SELECT id, body FROM notes WHERE id = ? [2] → 1 row');
    expect(demo.stdout).toContain('demo ok:');
    expect(recordings.client).not.toBe('');
    expect(recordings.driver).not.toBe('');
  });

  it('tapline inspect of the real recordings: statements, bound parameters, row counts, LOAD DATA, the error', async () => {
    const client = await tapline('inspect', recordings.client);
    expect(client.code, client.stderr).toBe(0);
    expect(client.stdout).toContain('1 stream, 0 commands, 6 queries');
    const timeline = client.stdout.slice(client.stdout.indexOf('\nTimeline\n'));
    const statements = [...timeline.matchAll(/\] SQL (.*?)(?:, [\d.]+ms)?$/gm)].map((match) => match[1]);
    const csv = join(directory, 'notes.csv');
    expect(statements).toEqual([
      'CREATE OR REPLACE TABLE notes (id INT PRIMARY KEY, body TEXT NOT NULL) → 0 rows',
      "INSERT INTO notes (id, body) VALUES (1, 'hello'), (2, 'world') → 2 rows",
      `load_data LOAD DATA LOCAL INFILE '${csv}' INTO TABLE notes FIELDS TERMINATED BY ',' (id, body) → 3 rows, 41 bytes copied`,
      'UPDATE notes SET body = UPPER(body) WHERE id IN (2, 3) → 2 rows',
      'SELECT id, body FROM notes ORDER BY id → 5 rows',
      "SELECT * FROM audit_log → ERROR 1146 42S02: Table 'demo.audit_log' doesn't exist",
    ]);

    const driver = await tapline('inspect', recordings.driver);
    expect(driver.code, driver.stderr).toBe(0);
    const driverTimeline = driver.stdout.slice(driver.stdout.indexOf('\nTimeline\n'));
    expect([...driverTimeline.matchAll(/\] SQL (.*?)(?:, [\d.]+ms)?$/gm)].map((match) => match[1])).toEqual([
      'prepare SELECT id, body FROM notes WHERE id = ? → ok',
      'SELECT id, body FROM notes WHERE id = ? [2] → 1 row',
      'prepare INSERT INTO notes (id, body) VALUES (?, ?) → ok',
      'INSERT INTO notes (id, body) VALUES (?, ?) [6, from mysql2] → 1 row',
    ]);
  });

  it('tapline export --format jsonl of the real recordings carries every query field', async () => {
    const client = await tapline('export', recordings.client, '--format', 'jsonl');
    expect(client.code, client.stderr).toBe(0);
    const clientQueries = jsonLines(client.stdout).filter((event) => event.type === 'query');
    expect(
      clientQueries.map((query) => [
        query.mode,
        query.kind,
        query.statementType,
        query.rows,
        query.errorCode,
      ]),
    ).toEqual([
      ['text', 'query', 'CREATE', 0, null],
      ['text', 'query', 'INSERT', 2, null],
      ['text', 'load_data', 'LOAD', 3, null],
      ['text', 'query', 'UPDATE', 2, null],
      ['text', 'query', 'SELECT', 5, null],
      ['text', 'query', 'SELECT', null, '1146'],
    ]);
    expect(clientQueries[2]).toMatchObject({ copyBytes: 41 });
    expect(clientQueries[5]).toMatchObject({
      text: 'SELECT * FROM audit_log',
      errorCode: '1146',
      errorSeverity: 'ERROR',
      // The SQLSTATE leads the message.
      errorMessage: "42S02: Table 'demo.audit_log' doesn't exist",
    });
    for (const query of clientQueries) {
      expect(query).toMatchObject({ database: 'demo', transactionStatus: 'idle' });
      expect(query.durationNs).toBeGreaterThan(0);
    }

    const driver = await tapline('export', recordings.driver, '--format', 'jsonl');
    expect(driver.code, driver.stderr).toBe(0);
    const driverQueries = jsonLines(driver.stdout).filter((event) => event.type === 'query');
    expect(driverQueries.map((query) => [query.mode, query.kind, query.statement])).toEqual([
      ['prepared', 'prepare', '1'],
      ['prepared', 'execute', '1'],
      ['prepared', 'prepare', '2'],
      ['prepared', 'execute', '2'],
    ]);
    // mysql2 sends a JavaScript number as a DOUBLE, a string as VAR_STRING, in the binary protocol.
    expect(driverQueries[1]).toMatchObject({
      text: 'SELECT id, body FROM notes WHERE id = ?',
      parameters: [{ value: '2', type: 'DOUBLE', format: 'binary', redacted: false }],
      rows: 1,
      statementType: 'SELECT',
    });
    expect(driverQueries[3]).toMatchObject({
      text: 'INSERT INTO notes (id, body) VALUES (?, ?)',
      parameters: [
        { value: '6', type: 'DOUBLE', format: 'binary' },
        { value: 'from mysql2', type: 'VAR_STRING', format: 'binary' },
      ],
      rows: 1,
      statementType: 'INSERT',
      database: 'demo',
    });
  });

  it("the demo's own check passes on these recordings and fails on the wrong one (it has teeth)", async () => {
    const clientReport = await inspectRecording(recordings.client, createReadStream(recordings.client));
    const driverReport = await inspectRecording(recordings.driver, createReadStream(recordings.driver));
    const expected = expectedClientQueries(join(directory, 'notes.csv'));
    expect(clientMismatches(clientReport, expected)).toEqual([]);
    expect(driverMismatches(driverReport)).toEqual([]);
    expect(clientMismatches(driverReport, expected)).not.toEqual([]);
    expect(driverMismatches(clientReport)).not.toEqual([]);
  });

  it('asciicast export and play of a database recording say it has no terminal stream', async () => {
    for (const args of [
      ['export', recordings.client, '--format', 'asciicast'],
      ['play', recordings.client],
    ]) {
      const result = await tapline(...args);
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('TAPLINE_ERR_CLI_NO_TERMINAL_STREAM');
      expect(result.stderr).toContain('a database session has none');
    }
  });
});
