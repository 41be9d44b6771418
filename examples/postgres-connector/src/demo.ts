// --demo: two scripted sessions through the connector, then the recordings read
// back with the tapline CLI. psql 15 has no \bind (it came in psql 16), so the
// statements with bound parameters go through node-postgres on a second
// connection, as an application would send them.
import { spawn } from 'node:child_process';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { commandLine, type InspectReport, inspectRecording, run } from '@tapline/cli';
import type pgTypes from 'pg';
import { type Connector, startConnector } from './connector.js';

// pg's own entry point loads pg-pool, which the workspace's `import` resolve
// condition (vitest) turns into its ESM build under require(); the Client alone is enough.
const PgClient = createRequire(import.meta.url)('pg/lib/client.js') as typeof pgTypes.Client;

export class DemoError extends Error {
  override name = 'DemoError';
}

/** Rows `\copy` loads, from a CSV file the demo writes next to the recordings. */
const COPY_ROWS = '3,copied one\n4,copied two\n5,copied three\n';

/** The psql session, one line per statement; `select * from audit_log` fails (no such table). */
export function psqlScript(csvPath: string): string {
  return [
    'create table notes (id int primary key, body text not null);',
    "insert into notes (id, body) values (1, 'hello'), (2, 'world');",
    `\\copy notes (id, body) from '${csvPath}' with (format csv)`,
    'update notes set body = upper(body) where id in (2, 3);',
    'select id, body from notes order by id;',
    'select * from audit_log;',
    '',
  ].join('\n');
}

/**
 * What the psql recording must show, in order: the statement as psql sent it
 * (without its `;`; `\copy` becomes `COPY … FROM STDIN`), then the outcome.
 */
export const EXPECTED_PSQL_QUERIES: ReadonlyArray<{
  text: string;
  kind: string;
  rows?: number;
  copyBytes?: number;
  errorCode?: string;
}> = [
  { text: 'create table notes (id int primary key, body text not null)', kind: 'query' },
  { text: "insert into notes (id, body) values (1, 'hello'), (2, 'world')", kind: 'query', rows: 2 },
  {
    text: 'COPY notes ( id, body ) FROM STDIN with (format csv)',
    kind: 'copy_in',
    rows: 3,
    copyBytes: Buffer.byteLength(COPY_ROWS),
  },
  { text: 'update notes set body = upper(body) where id in (2, 3)', kind: 'query', rows: 2 },
  { text: 'select id, body from notes order by id', kind: 'query', rows: 5 },
  { text: 'select * from audit_log', kind: 'query', errorCode: '42P01' },
];

/** What the node-postgres recording must show: the statements with their bound parameters. */
export const EXPECTED_DRIVER_QUERIES: ReadonlyArray<{ text: string; parameters: string[]; rows: number }> = [
  { text: 'select id, body from notes where id = $1', parameters: ['2'], rows: 1 },
  { text: 'insert into notes (id, body) values ($1, $2)', parameters: ['6', 'from node-postgres'], rows: 1 },
];

type QueryEvent = Extract<InspectReport['timeline'][number], { type: 'query' }>;

function queriesOf(report: InspectReport): QueryEvent[] {
  return report.timeline.filter((event): event is QueryEvent => event.type === 'query');
}

/** psql with stdout and stderr in one stream, so an error shows where it happened. */
function runPsql(connector: Connector, script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'sh',
      ['-c', 'exec psql "$@" 2>&1', 'psql', '-X', '-a', '-d', connector.dsn, '-f', '-'],
      { env: { ...process.env, PGPASSWORD: connector.token }, stdio: ['pipe', 'pipe', 'inherit'] },
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
  const client = new PgClient({
    host: 'localhost',
    port: connector.port,
    user: 'demo',
    database: 'postgres',
    password: connector.token,
    ssl: { ca: readFileSync(connector.caPath, 'utf8'), servername: 'localhost' },
    application_name: 'tapline-demo',
  });
  await client.connect();
  try {
    const [select, insert] = EXPECTED_DRIVER_QUERIES as [
      (typeof EXPECTED_DRIVER_QUERIES)[number],
      (typeof EXPECTED_DRIVER_QUERIES)[number],
    ];
    const found = await client.query({ name: 'note_by_id', text: select.text, values: [2] });
    log(`  ${select.text}  [2]  → ${JSON.stringify(found.rows)}`);
    const inserted = await client.query(insert.text, [6, 'from node-postgres']);
    log(`  ${insert.text}  [6, 'from node-postgres']  → ${inserted.command} ${inserted.rowCount}`);
  } finally {
    await client.end();
  }
}

/** Differences between a recording's queries and what the demo sent; empty when they match. */
export function psqlMismatches(report: InspectReport): string[] {
  const queries = queriesOf(report);
  const problems: string[] = [];
  if (queries.length !== EXPECTED_PSQL_QUERIES.length)
    problems.push(`${queries.length} queries recorded, expected ${EXPECTED_PSQL_QUERIES.length}`);
  EXPECTED_PSQL_QUERIES.forEach((expected, index) => {
    const query = queries[index];
    if (query === undefined) return;
    const seen = {
      text: query.text.replace(/\s+/g, ' '),
      kind: query.kind,
      rows: query.rows ?? undefined,
      copyBytes: query.copyBytes ?? undefined,
      errorCode: query.errorCode ?? undefined,
    };
    const wanted = { rows: undefined, copyBytes: undefined, errorCode: undefined, ...expected };
    for (const field of Object.keys(wanted) as Array<keyof typeof wanted>) {
      if (seen[field] !== wanted[field])
        problems.push(
          `query ${index + 1}: ${field} ${JSON.stringify(seen[field])}, expected ${JSON.stringify(wanted[field])}`,
        );
    }
  });
  return problems;
}

export function driverMismatches(report: InspectReport): string[] {
  const queries = queriesOf(report).filter((query) => query.kind !== 'parse');
  const problems: string[] = [];
  for (const expected of EXPECTED_DRIVER_QUERIES) {
    const query = queries.find((candidate) => candidate.text === expected.text && candidate.rows !== null);
    if (query === undefined) {
      problems.push(`no execution of ${JSON.stringify(expected.text)} recorded`);
      continue;
    }
    const values = query.parameters.map((parameter) => parameter.value);
    if (JSON.stringify(values) !== JSON.stringify(expected.parameters))
      problems.push(`${expected.text}: parameters ${JSON.stringify(values)}`);
    if (query.rows !== expected.rows) problems.push(`${expected.text}: ${query.rows} rows`);
  }
  return problems;
}

export interface DemoOptions {
  /** Recordings go to `<directory>/recordings`. @default a new temp directory */
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
      ...(options.directory === undefined ? {} : { directory: options.directory }),
      onEvent(event) {
        if (event.type === 'session_ended') ended.push(event.sessionId);
        if (event.type === 'session_failed' || event.type === 'auth_failed')
          failures.push(`${event.error.code}: ${event.error.message}`);
      },
    });
    const recordings = join(connector.directory, 'recordings');
    out('Tapline demo: a PostgreSQL proxy that records, on embedded defaults.');
    out(`  proxy        127.0.0.1:${connector.port} (TLS), in front of a PostgreSQL started for the demo`);
    out(`  recordings   ${recordings}`);
    out(`  login        ${connector.psqlCommand}`);
    out();

    const csvPath = join(connector.directory, 'notes.csv');
    writeFileSync(csvPath, COPY_ROWS);
    out('1. psql through the proxy (-a echoes each statement):');
    const psql = await runPsql(connector, psqlScript(csvPath));
    out(psql.output.replace(/^/gm, '  ').trimEnd());
    if (psql.code !== 0) throw new DemoError(`psql exited with ${psql.code}`);
    await sessionsEnded(1);
    out();
    out('2. node-postgres through the proxy (extended protocol, bound parameters):');
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
      problems.push(...(index === 0 ? psqlMismatches(report) : driverMismatches(report)));
    }
    if (problems.length > 0) throw new DemoError(problems.join('\n'));
    out(
      'demo ok: both recordings verify (hash chain intact, end marker present) and hold every statement, with its bound parameters, row count, COPY size and the failed one with its SQLSTATE.',
    );
    out(`read them again: ${commandLine(`inspect ${recordings}`)}`);
    out(`as JSON Lines:   ${commandLine(`export --format jsonl ${paths[0]}`)}`);
    return 0;
  } finally {
    await connector?.close();
  }
}
