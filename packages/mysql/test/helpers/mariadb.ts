// A real MariaDB server for the tests: own datadir, a free loopback port, TLS
// with generated certificates, and the general query log (the oracle).

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Certificates {
  dir: string;
  ca: string;
  /** For 127.0.0.1 / localhost, signed by `ca`. */
  cert: string;
  key: string;
  caPath: string;
  certPath: string;
  keyPath: string;
}

/** A CA and a server certificate for 127.0.0.1 and localhost (openssl). */
export function makeCertificates(dir: string, name = 'server'): Certificates {
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  run([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=Tapline test CA ${name}`,
    '-keyout',
    `${name}-ca.key`,
    '-out',
    `${name}-ca.pem`,
  ]);
  run([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  ]);
  writeFileSync(join(dir, `${name}.ext`), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run([
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${name}-ca.pem`,
    '-CAkey',
    `${name}-ca.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  ]);
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
  return {
    dir,
    ca: read(`${name}-ca.pem`),
    cert: read(`${name}.pem`),
    key: read(`${name}.key`),
    caPath: join(dir, `${name}-ca.pem`),
    certPath: join(dir, `${name}.pem`),
    keyPath: join(dir, `${name}.key`),
  };
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

export interface MariaDb {
  host: string;
  port: number;
  dir: string;
  socket: string;
  certificates: Certificates;
  generalLogPath: string;
  /** The account the proxy logs in with. */
  user: string;
  password: string;
  /** Runs SQL as root through the unix socket (not through the proxy). */
  sql(statement: string): string;
  /** Lines of the general log since `from` (a byte offset). */
  generalLog(from?: number): string;
  generalLogSize(): number;
  stop(): Promise<void>;
  /** SIGKILL, for the failure matrix. */
  kill(): void;
  process: ChildProcess;
}

const SERVER = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd', '/usr/sbin/mysqld'].find(existsSync) ?? 'mariadbd';

/**
 * `ssl: false` starts the server with `--skip-ssl` (no TLS offered), for the
 * proxy's refusal of a plaintext target.
 */
export async function startMariaDb(options: { password?: string; ssl?: boolean } = {}): Promise<MariaDb> {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-mariadb-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? 'mysql' : (process.env.USER ?? 'root');
  execFileSync(
    'mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--user=${user}`,
      '--auth-root-authentication-method=socket',
      '--skip-test-db',
    ],
    {
      stdio: 'ignore',
    },
  );
  const certificates = makeCertificates(dir);
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'mysql']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'mysql']).toString().trim());
    chownSync(dir, uid, gid);
    execFileSync('chown', ['-R', 'mysql:mysql', dir]);
  }
  const port = await freePort();
  const socket = join(dir, 'mysqld.sock');
  const generalLogPath = join(dir, 'general.log');
  const child = spawn(
    SERVER,
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--user=${user}`,
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      `--log-error=${join(dir, 'error.log')}`,
      '--general-log=1',
      `--general-log-file=${generalLogPath}`,
      ...(options.ssl === false
        ? ['--skip-ssl']
        : [
            `--ssl-ca=${certificates.caPath}`,
            `--ssl-cert=${certificates.certPath}`,
            `--ssl-key=${certificates.keyPath}`,
          ]),
      '--innodb-buffer-pool-size=64M',
      '--innodb-log-file-size=16M',
      '--skip-name-resolve',
      '--max-connections=200',
      '--local-infile=1',
    ],
    { stdio: 'ignore' },
  );
  const sql = (statement: string): string =>
    execFileSync('mariadb', ['--no-defaults', '-S', socket, '-u', 'root', '-N', '-B', '-e', statement], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      sql('SELECT 1');
      break;
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null) {
        const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '';
        throw new Error(`MariaDB did not start: ${(error as Error).message}\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const password = options.password ?? 'target-secret-Pw1';
  sql(
    `CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY '${password}'; GRANT ALL ON *.* TO 'app'@'127.0.0.1'; CREATE DATABASE shop; FLUSH PRIVILEGES;`,
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    host: '127.0.0.1',
    port,
    dir,
    socket,
    certificates,
    generalLogPath,
    user: 'app',
    password,
    sql,
    process: child,
    generalLogSize: () => (existsSync(generalLogPath) ? readFileSync(generalLogPath).length : 0),
    generalLog: (from = 0) => readFileSync(generalLogPath).subarray(from).toString('utf8'),
    kill: () => {
      child.kill('SIGKILL');
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface GeneralLogEntry {
  threadId: number;
  command: string;
  argument: string;
}

/**
 * The general log's entries: "[time]\t    id Command\targument", arguments
 * continuing over the following lines until the next entry.
 */
export function parseGeneralLog(text: string): GeneralLogEntry[] {
  const entries: GeneralLogEntry[] = [];
  const head =
    /^(?:\d{6}\s+\d{1,2}:\d{2}:\d{2})?\s+(\d+) (Connect|Quit|Query|Prepare|Execute|Close stmt|Reset stmt|Init DB|Field List|Ping|Change user|Long Data|Kill|Fetch|Refresh|Statistics|Set option|Reset connection|Processlist|Shutdown|Debug|Binlog Dump|Sleep)\t?(.*)$/;
  for (const line of text.split('\n')) {
    const match = head.exec(line);
    if (match !== null) {
      entries.push({ threadId: Number(match[1]), command: match[2]!, argument: match[3] ?? '' });
    } else if (entries.length > 0 && !/^\/usr|^Tcp port|^Time\s/.test(line)) {
      entries[entries.length - 1]!.argument += `\n${line}`;
    }
  }
  for (const entry of entries) entry.argument = entry.argument.replace(/\n+$/, '');
  return entries;
}
