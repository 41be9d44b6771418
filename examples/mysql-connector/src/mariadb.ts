// The embedded target: a MariaDB of the connector's own (datadir under the
// state directory, a free loopback port, TLS with certificates made by openssl).

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

export interface EmbeddedMariaDb {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The CA that signed the server certificate (the proxy verifies the target with it). */
  ca: string;
  stop(): Promise<void>;
}

export interface Certificate {
  ca: string;
  cert: string;
  key: string;
  caPath: string;
  certPath: string;
  keyPath: string;
}

/** A CA and a certificate for 127.0.0.1/localhost, made once into `directory`. */
export function certificate(directory: string, name: string): Certificate {
  mkdirSync(dirname(directory), { recursive: true });
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const path = (suffix: string): string => join(directory, `${name}${suffix}`);
  if (!existsSync(path('.pem'))) {
    const openssl = (args: string[]): void => {
      execFileSync('openssl', args, { cwd: directory, stdio: 'ignore' });
    };
    openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '365',
      '-subj',
      `/CN=Tapline example ${name} CA`,
      '-keyout',
      `${name}-ca.key`,
      '-out',
      `${name}-ca.pem`,
    ]);
    openssl([
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
    writeFileSync(path('.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl([
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
      '365',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]);
  }
  return {
    ca: readFileSync(path('-ca.pem'), 'utf8'),
    cert: readFileSync(path('.pem'), 'utf8'),
    key: readFileSync(path('.key'), 'utf8'),
    caPath: path('-ca.pem'),
    certPath: path('.pem'),
    keyPath: path('.key'),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts (and on first use initialises) the embedded MariaDB under `directory`. */
export async function startEmbeddedMariaDb(directory: string): Promise<EmbeddedMariaDb> {
  const data = join(directory, 'data');
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? 'mysql' : (process.env.USER ?? 'mysql');
  const tls = certificate(join(directory, 'tls'), 'target');
  const fresh = !existsSync(data);
  if (fresh) {
    mkdirSync(directory, { recursive: true });
    execFileSync(
      'mariadb-install-db',
      [
        '--no-defaults',
        `--datadir=${data}`,
        `--user=${user}`,
        '--auth-root-authentication-method=socket',
        '--skip-test-db',
      ],
      { stdio: 'ignore' },
    );
  }
  if (asRoot) execFileSync('chown', ['-R', 'mysql:mysql', directory]);
  const port = await freePort();
  const socket = join(directory, 'mysqld.sock');
  const server = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd'].find(existsSync) ?? 'mariadbd';
  const child: ChildProcess = spawn(
    server,
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--user=${user}`,
      `--pid-file=${join(directory, 'mysqld.pid')}`,
      `--log-error=${join(directory, 'error.log')}`,
      `--ssl-ca=${tls.caPath}`,
      `--ssl-cert=${tls.certPath}`,
      `--ssl-key=${tls.keyPath}`,
      '--innodb-buffer-pool-size=32M',
      '--skip-name-resolve',
    ],
    { stdio: 'ignore' },
  );
  const sql = (statement: string): void => {
    execFileSync('mariadb', ['--no-defaults', '-S', socket, '-u', 'root', '-e', statement], {
      stdio: 'ignore',
    });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      sql('SELECT 1');
      break;
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`the embedded MariaDB did not start (see ${join(directory, 'error.log')})`, {
          cause: error,
        });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  // The target account: its password lives only here and in the proxy's grant.
  const passwordPath = join(directory, 'target-password');
  if (!existsSync(passwordPath))
    writeFileSync(passwordPath, `t-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`, {
      mode: 0o600,
    });
  const password = readFileSync(passwordPath, 'utf8');
  sql(
    `CREATE USER IF NOT EXISTS 'app'@'127.0.0.1' IDENTIFIED BY '${password}'; GRANT ALL ON *.* TO 'app'@'127.0.0.1'; CREATE DATABASE IF NOT EXISTS demo;`,
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    host: '127.0.0.1',
    port,
    user: 'app',
    password,
    ca: tls.ca,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
