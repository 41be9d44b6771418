// A real PostgreSQL server for tests: initdb in a temp dir as the `postgres`
// system user (PostgreSQL refuses to run as root), a free loopback port, TLS
// on with a generated certificate, and every statement logged as JSON lines
// (log_statement=all, log_min_duration_statement=0): the oracle the
// recordings are compared with. TimeZone is UTC so the log shows timestamptz
// parameters as the recording decodes them.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = readdirSync(root)
    .filter((entry) => existsSync(join(root, entry, 'bin', name)))
    .sort((a, b) => Number(b) - Number(a));
  if (versions[0] === undefined) throw new Error(`no PostgreSQL ${name} under ${root}`);
  return join(root, versions[0], 'bin', name);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Pki {
  directory: string;
  ca: string;
  cert: string;
  key: string;
  /** A second CA, which did not sign anything the server uses. */
  otherCa: string;
}

/** One CA and a certificate for 127.0.0.1/localhost, made with the openssl CLI. */
export function makePki(): Pki {
  const directory = mkdtempSync(join(tmpdir(), 'tapline-pg-pki-'));
  const at = (name: string): string => join(directory, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'ignore' });
  };
  for (const ca of ['ca', 'other']) {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      at(`${ca}.key`),
      '-out',
      at(`${ca}.pem`),
      '-days',
      '2',
      '-subj',
      `/CN=tapline-${ca}`,
    );
  }
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    at('server.key'),
    '-out',
    at('server.csr'),
    '-subj',
    '/CN=127.0.0.1',
  );
  writeFileSync(at('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(
    'x509',
    '-req',
    '-in',
    at('server.csr'),
    '-CA',
    at('ca.pem'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-out',
    at('server.pem'),
    '-days',
    '2',
    '-extfile',
    at('server.ext'),
  );
  const read = (name: string): string => readFileSync(at(name), 'utf8');
  return {
    directory,
    ca: read('ca.pem'),
    cert: read('server.pem'),
    key: read('server.key'),
    otherCa: read('other.pem'),
  };
}

export interface LoggedStatement {
  /** "statement" (simple protocol) or "execute" (extended). */
  kind: 'statement' | 'execute';
  text: string;
  /** Parameters as the server logged them ($1 = '…'). */
  parameters: Array<string | null>;
  applicationName: string;
  pid: number;
  /** The server's own duration of the statement (log_min_duration_statement), once logged. */
  durationMs?: number;
}

export interface PostgresServer {
  port: number;
  dataDirectory: string;
  superuserPassword: string;
  /** Runs SQL as the superuser over TCP (TLS). */
  sql(text: string, database?: string): string;
  /** Every statement the server logged so far. */
  statements(): LoggedStatement[];
  /** Immediate stop (like a crash of the server). */
  kill(): void;
  stop(): void;
}

export async function startPostgres(pki: Pki, extra: string[] = []): Promise<PostgresServer> {
  const root = mkdtempSync(join(tmpdir(), 'tapline-pg-'));
  chmodSync(root, 0o755);
  const dataDirectory = join(root, 'data');
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(root, uid, gid);
  const superuserPassword = 'super-secret';
  writeFileSync(join(root, 'pw'), superuserPassword);
  chownSync(join(root, 'pw'), uid, gid);
  const asPostgres = (args: string[]): void => {
    const result = spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${args[0]} failed: ${result.stderr}${result.stdout}`);
  };
  asPostgres([
    pgBin('initdb'),
    '-D',
    dataDirectory,
    '-U',
    'postgres',
    '--auth=scram-sha-256',
    `--pwfile=${join(root, 'pw')}`,
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]);
  for (const [name, content] of [
    ['server.crt', pki.cert],
    ['server.key', pki.key],
  ] as const) {
    writeFileSync(join(dataDirectory, name), content, { mode: 0o600 });
    chownSync(join(dataDirectory, name), uid, gid);
  }
  writeFileSync(
    join(dataDirectory, 'pg_hba.conf'),
    [
      'local all all trust',
      'host all md5user 127.0.0.1/32 md5',
      'host all pwuser 127.0.0.1/32 password',
      'host all all 127.0.0.1/32 scram-sha-256',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const settings = [
    `port=${port}`,
    "listen_addresses='127.0.0.1'",
    `unix_socket_directories='${root}'`,
    'ssl=on',
    'logging_collector=on',
    "log_destination='jsonlog'",
    "log_directory='log'",
    'log_statement=all',
    'log_min_duration_statement=0',
    'log_parameter_max_length=-1',
    "TimeZone='UTC'",
    'max_connections=60',
    'fsync=off',
    'synchronous_commit=off',
    'full_page_writes=off',
    ...extra,
  ];
  writeFileSync(join(dataDirectory, 'postgresql.auto.conf'), `${settings.join('\n')}\n`);
  asPostgres([
    pgBin('pg_ctl'),
    '-D',
    dataDirectory,
    '-w',
    '-t',
    '60',
    '-l',
    join(root, 'server.log'),
    'start',
  ]);
  const logDirectory = join(dataDirectory, 'log');
  const server: PostgresServer = {
    port,
    dataDirectory,
    superuserPassword,
    sql(text, database = 'postgres') {
      return execFileSync(
        'psql',
        [
          '-X',
          '-A',
          '-t',
          '-v',
          'ON_ERROR_STOP=1',
          '-h',
          root,
          '-p',
          String(port),
          '-U',
          'postgres',
          '-d',
          database,
          '-c',
          text,
        ],
        {
          encoding: 'utf8',
          env: { ...process.env, PGAPPNAME: 'tapline-test-setup' },
        },
      ).trim();
    },
    statements() {
      const out: LoggedStatement[] = [];
      // A statement log_statement already showed gets a bare "duration: 1.234 ms" line from its backend
      // when it ends; lines that repeat a text ("duration: … ms  parse …") are for the other steps.
      const lastOfPid = new Map<number, LoggedStatement>();
      if (!existsSync(logDirectory)) return out;
      for (const file of readdirSync(logDirectory)
        .filter((name) => name.endsWith('.json'))
        .sort()) {
        for (const line of readFileSync(join(logDirectory, file), 'utf8').split('\n')) {
          if (line === '') continue;
          let entry: { message?: string; detail?: string; application_name?: string; pid?: number };
          try {
            entry = JSON.parse(line);
          } catch {
            continue;
          }
          const message = entry.message ?? '';
          const duration = /^duration: ([\d.]+) ms$/.exec(message);
          const last = lastOfPid.get(entry.pid ?? 0);
          if (duration !== null && last !== undefined && last.durationMs === undefined) {
            last.durationMs = Number(duration[1]);
            continue;
          }
          const simple = /^statement: ([\s\S]*)$/.exec(message);
          const extended = /^execute [^:]*: ([\s\S]*)$/.exec(message);
          if (simple === null && extended === null) continue;
          const statement: LoggedStatement = {
            kind: simple !== null ? 'statement' : 'execute',
            text: (simple ?? extended)?.[1] as string,
            parameters: parseParameters(entry.detail),
            applicationName: entry.application_name ?? '',
            pid: entry.pid ?? 0,
          };
          out.push(statement);
          lastOfPid.set(statement.pid, statement);
        }
      }
      return out;
    },
    kill() {
      spawnSync('runuser', [
        '-u',
        'postgres',
        '--',
        pgBin('pg_ctl'),
        '-D',
        dataDirectory,
        '-m',
        'immediate',
        'stop',
      ]);
    },
    stop() {
      spawnSync('runuser', [
        '-u',
        'postgres',
        '--',
        pgBin('pg_ctl'),
        '-D',
        dataDirectory,
        '-m',
        'fast',
        'stop',
      ]);
      rmSync(root, { recursive: true, force: true });
    },
  };
  return server;
}

/** "parameters: $1 = '42', $2 = NULL, $3 = 'it''s'" → ['42', null, "it's"]. */
function parseParameters(detail: string | undefined): Array<string | null> {
  const values: Array<string | null> = [];
  if (detail === undefined || !detail.startsWith('parameters: ')) return values;
  const text = detail.slice('parameters: '.length);
  let index = 0;
  while (index < text.length) {
    const match = /^\$\d+ = /.exec(text.slice(index));
    if (match === null) break;
    index += match[0].length;
    if (text.startsWith('NULL', index)) {
      values.push(null);
      index += 4;
    } else {
      index++; // opening quote
      let value = '';
      while (index < text.length) {
        if (text[index] === "'" && text[index + 1] === "'") {
          value += "'";
          index += 2;
        } else if (text[index] === "'") {
          index++;
          break;
        } else value += text[index++];
      }
      values.push(value);
    }
    if (text.startsWith(', ', index)) index += 2;
  }
  return values;
}
