// --demo: two scripted sessions through the connector, then the recordings read
// back with the tapline CLI. The mariadb client sends text statements
// (COM_QUERY) only; the prepared statements with bound parameters
// (COM_STMT_PREPARE / COM_STMT_EXECUTE) go through mysql2 on a second
// connection, as an application would send them.
import { spawn } from 'node:child_process';
import { chmodSync, createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLine, type InspectReport, inspectRecording, run } from '@tapline/cli';
import mysql from 'mysql2/promise';
import { type Connector, startConnector } from './connector.js';

export class DemoError extends Error {
  override name = 'DemoError';
}

/** Rows LOAD DATA LOCAL INFILE loads, from a CSV file the demo writes next to the recordings. */
const LOAD_ROWS = '3,loaded one\n4,loaded two\n5,loaded three\n';

/** The mariadb session, one statement a line; the last fails (no such table: 1146, SQLSTATE 42S02). */
export function mariadbScript(csvPath: string): string {
  return [
    'CREATE OR REPLACE TABLE notes (id INT PRIMARY KEY, body TEXT NOT NULL);',
    "INSERT INTO notes (id, body) VALUES (1, 'hello'), (2, 'world');",
    `LOAD DATA LOCAL INFILE '${csvPath}' INTO TABLE notes FIELDS TERMINATED BY ',' (id, body);`,
    'UPDATE notes SET body = UPPER(body) WHERE id IN (2, 3);',
    'SELECT id, body FROM notes ORDER BY id;',
    'SELECT * FROM audit_log;',
    '',
  ].join('\n');
}

/** What the mariadb recording must show, in order. */
export function expectedClientQueries(csvPath: string): Array<{
  text: string;
  kind: string;
  rows?: number;
  copyBytes?: number;
  errorCode?: string;
}> {
  const statements = mariadbScript(csvPath)
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/;$/, ''));
  return [
    { text: statements[0]!, kind: 'query', rows: 0 },
    { text: statements[1]!, kind: 'query', rows: 2 },
    { text: statements[2]!, kind: 'load_data', rows: 3, copyBytes: Buffer.byteLength(LOAD_ROWS) },
    { text: statements[3]!, kind: 'query', rows: 2 },
    { text: statements[4]!, kind: 'query', rows: 5 },
    { text: statements[5]!, kind: 'query', errorCode: '1146' },
  ];
}

/** What the mysql2 recording must show: the executions of prepared statements with their bound parameters. */
export const EXPECTED_DRIVER_QUERIES: ReadonlyArray<{ text: string; parameters: string[]; rows: number }> = [
  { text: 'SELECT id, body FROM notes WHERE id = ?', parameters: ['2'], rows: 1 },
  { text: 'INSERT INTO notes (id, body) VALUES (?, ?)', parameters: ['6', 'from mysql2'], rows: 1 },
];

type QueryEvent = Extract<InspectReport['timeline'][number], { type: 'query' }>;

function queriesOf(report: InspectReport): QueryEvent[] {
  return report.timeline.filter((event): event is QueryEvent => event.type === 'query');
}

/** The mariadb client in batch mode, echoing each statement (-vvv), stdout (flushed after each statement) and stderr in one stream. */
function runMariadb(connector: Connector, script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'sh',
      [
        '-c',
        'exec mariadb "$@" 2>&1',
        'mariadb',
        '--no-defaults',
        '-h',
        '127.0.0.1',
        '-P',
        String(connector.address.port),
        '-u',
        'alice',
        `--password=${connector.token}`,
        '--ssl',
        `--ssl-ca=${connector.proxyCaPath}`,
        '--local-infile=1',
        '--table',
        '--unbuffered',
        '-vvv',
        'demo',
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
    child.stdin.end(script);
  });
}

async function runDriver(connector: Connector, log: (line: string) => void): Promise<void> {
  const connection = await mysql.createConnection({
    host: '127.0.0.1',
    port: connector.address.port,
    user: 'alice',
    password: connector.token,
    database: 'demo',
    ssl: { ca: readFileSync(connector.proxyCaPath, 'utf8') },
  });
  try {
    const [select, insert] = EXPECTED_DRIVER_QUERIES as [
      (typeof EXPECTED_DRIVER_QUERIES)[number],
      (typeof EXPECTED_DRIVER_QUERIES)[number],
    ];
    const [rows] = await connection.execute(select.text, [2]);
    log(`  ${select.text}  [2]  → ${JSON.stringify(rows)}`);
    const [result] = await connection.execute<mysql.ResultSetHeader>(insert.text, [6, 'from mysql2']);
    log(`  ${insert.text}  [6, 'from mysql2']  → ${result.affectedRows} row affected`);
  } finally {
    await connection.end();
  }
}

type Expected = ReturnType<typeof expectedClientQueries>[number];

/** Differences between the mariadb recording's queries and the script; empty when they match. */
export function clientMismatches(report: InspectReport, expected: Expected[]): string[] {
  const queries = queriesOf(report);
  const problems: string[] = [];
  if (queries.length !== expected.length)
    problems.push(`${queries.length} queries recorded, expected ${expected.length}`);
  expected.forEach((wantedQuery, index) => {
    const query = queries[index];
    if (query === undefined) return;
    const seen = {
      text: query.text,
      kind: query.kind,
      rows: query.rows ?? undefined,
      copyBytes: query.copyBytes ?? undefined,
      errorCode: query.errorCode ?? undefined,
    };
    const wanted = { rows: undefined, copyBytes: undefined, errorCode: undefined, ...wantedQuery };
    for (const field of Object.keys(wanted) as Array<keyof typeof wanted>) {
      if (seen[field] !== wanted[field])
        problems.push(
          `query ${index + 1}: ${field} ${JSON.stringify(seen[field])}, expected ${JSON.stringify(wanted[field])}`,
        );
    }
  });
  return problems;
}

/** Differences between the mysql2 recording's executions and what the demo sent. */
export function driverMismatches(report: InspectReport): string[] {
  const executions = queriesOf(report).filter((query) => query.kind === 'execute');
  const problems: string[] = [];
  for (const expected of EXPECTED_DRIVER_QUERIES) {
    const query = executions.find((candidate) => candidate.text === expected.text);
    if (query === undefined) {
      problems.push(`no execution of ${JSON.stringify(expected.text)} recorded`);
      continue;
    }
    const values = query.parameters.map((parameter) => parameter.value);
    if (JSON.stringify(values) !== JSON.stringify(expected.parameters))
      problems.push(`${expected.text}: parameters ${JSON.stringify(values)}`);
    if (query.rows !== expected.rows) problems.push(`${expected.text}: ${query.rows} rows`);
    if (query.mode !== 'prepared') problems.push(`${expected.text}: mode ${query.mode}`);
  }
  return problems;
}

export interface DemoOptions {
  /**
   * Recordings go to `<directory>/recordings`, the MariaDB and the spool to `<directory>/.tapline`.
   * @default a new temp directory, whose MariaDB is removed afterwards (the recordings stay)
   */
  directory?: string;
  /** Where the demo's narration and the CLI's output go. @default process.stdout */
  stdout?: NodeJS.WritableStream;
}

/** Runs the demo; resolves 0 when both recordings verify and hold the statements, else rejects with a DemoError. */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const out = (line = ''): void => {
    stdout.write(`${line}\n`);
  };
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'tapline-mysql-demo-'));
  // Run as root, MariaDB runs as the mysql user, which must reach its datadir below this one.
  if (options.directory === undefined) chmodSync(directory, 0o755);
  const ended: string[] = [];
  const failures: string[] = [];
  let connector: Connector | undefined;
  /** Waits for the proxy to end `count` sessions: their recordings are then in the recorder's hands, in session order. */
  const sessionsEnded = async (count: number): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while (ended.length < count && failures.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 25));
    if (failures.length > 0) throw new DemoError(`a session failed: ${failures.join('; ')}`);
    if (ended.length < count) throw new DemoError(`the proxy did not end session ${count} within 30 s`);
  };
  try {
    connector = await startConnector({
      directory,
      localInfile: true,
      onEvent(event) {
        if (event.type === 'session_ended') ended.push(event.sessionId);
        if (event.type === 'session_failed' || event.type === 'auth_failed')
          failures.push(`${event.error.code}: ${event.error.message}`);
      },
    });
    const recordings = connector.recordingsDirectory;
    out('Tapline demo: a MySQL proxy that records, on embedded defaults.');
    out(
      `  proxy        127.0.0.1:${connector.address.port} (TLS), in front of a MariaDB started for the demo; LOAD DATA LOCAL INFILE allowed`,
    );
    out(`  recordings   ${recordings}`);
    out(`  login        ${connector.clientCommand()}  (password: ${connector.token})`);
    out();

    const csvPath = join(directory, 'notes.csv');
    writeFileSync(csvPath, LOAD_ROWS);
    out('1. the mariadb client through the proxy (-vvv echoes each statement):');
    const client = await runMariadb(connector, mariadbScript(csvPath));
    out(client.output.replace(/^/gm, '  ').trimEnd());
    // The last statement fails on purpose: the client reports it and exits 1.
    if (client.code !== 1 || !client.output.includes('ERROR 1146 (42S02)'))
      throw new DemoError(`the mariadb client exited with ${client.code}, not with the expected ERROR 1146`);
    await sessionsEnded(1);
    out();
    out('2. mysql2 through the proxy (prepared statements, bound parameters):');
    await runDriver(connector, out);
    out();

    await sessionsEnded(2);
    await connector.recorder.idle();

    const io = { stdout, stderr: process.stderr };
    const paths = ended.map((sessionId) => join(recordings, `${sessionId}.tapline`));
    const problems: string[] = [];
    for (const [index, path] of paths.entries()) {
      out(`$ tapline verify ${path}`);
      if ((await run(['verify', path], io)) !== 0) problems.push(`${path} does not verify`);
      out();
      out(`$ tapline inspect ${path}`);
      if ((await run(['inspect', path], io)) !== 0) problems.push(`tapline inspect ${path} failed`);
      out();
      const report = await inspectRecording(path, createReadStream(path));
      if (!report.recording.intact || !report.recording.complete)
        problems.push(`${path} is not intact and complete`);
      problems.push(
        ...(index === 0
          ? clientMismatches(report, expectedClientQueries(csvPath))
          : driverMismatches(report)),
      );
    }
    if (problems.length > 0) throw new DemoError(problems.join('\n'));
    out(
      'demo ok: both recordings verify (hash chain intact, end marker present) and hold every statement, with its bound parameters, row count, LOAD DATA size and the failed one with its error code.',
    );
    out(`read them again: ${commandLine(`inspect ${recordings}`)}`);
    out(`as JSON Lines:   ${commandLine(`export --format jsonl ${paths[0]}`)}`);
    return 0;
  } finally {
    await connector?.close();
    // A demo in a temp directory leaves its recordings, not a MariaDB datadir.
    if (options.directory === undefined)
      rmSync(join(directory, '.tapline'), { recursive: true, force: true });
  }
}
