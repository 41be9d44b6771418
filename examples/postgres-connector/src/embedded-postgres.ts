// A throwaway PostgreSQL for the demo: initdb in a temp dir (as the
// `postgres` system user when run as root: PostgreSQL refuses root), a free
// loopback port, TLS with a certificate made by the openssl CLI, and a login
// role whose password only the connector knows.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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

export interface EmbeddedPostgres {
  port: number;
  user: string;
  password: string;
  /** The CA that signed the server certificate (PEM). */
  ca: string;
  /** The certificate and key, reused by the proxy's TLS front. */
  cert: string;
  key: string;
  stop(): void;
}

function bin(name: string): string {
  const root = '/usr/lib/postgresql';
  const version = readdirSync(root)
    .filter((entry) => existsSync(join(root, entry, 'bin', name)))
    .sort((a, b) => Number(b) - Number(a))[0];
  if (version === undefined)
    throw new Error(`PostgreSQL's ${name} was not found under ${root} (apt-get install postgresql)`);
  return join(root, version, 'bin', name);
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

export async function startEmbeddedPostgres(): Promise<EmbeddedPostgres> {
  const root = mkdtempSync(join(tmpdir(), 'tapline-demo-pg-'));
  chmodSync(root, 0o755);
  const data = join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot
    ? {
        uid: Number(execFileSync('id', ['-u', 'postgres']).toString()),
        gid: Number(execFileSync('id', ['-g', 'postgres']).toString()),
      }
    : undefined;
  const own = (path: string): void => {
    if (owner !== undefined) chownSync(path, owner.uid, owner.gid);
  };
  const run = (args: string[]): void => {
    const [command, ...rest] = asRoot ? ['runuser', '-u', 'postgres', '--', ...args] : args;
    const result = spawnSync(command as string, rest, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${args[0]} failed: ${result.stderr}`);
  };
  own(root);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'ignore' });
  };
  const at = (name: string): string => join(root, name);
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.pem'),
    '-days',
    '30',
    '-subj',
    '/CN=tapline-demo-ca',
  );
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
    '/CN=localhost',
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
    '30',
    '-extfile',
    at('server.ext'),
  );
  const password = randomBytes(18).toString('base64url');
  writeFileSync(at('pw'), password);
  own(at('pw'));
  run([
    bin('initdb'),
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=scram-sha-256',
    `--pwfile=${at('pw')}`,
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]);
  for (const [name, source] of [
    ['server.crt', 'server.pem'],
    ['server.key', 'server.key'],
  ] as const) {
    writeFileSync(join(data, name), readFileSync(at(source)), { mode: 0o600 });
    own(join(data, name));
  }
  writeFileSync(join(data, 'pg_hba.conf'), 'hostssl all all 127.0.0.1/32 scram-sha-256\n');
  const port = await freePort();
  writeFileSync(
    join(data, 'postgresql.auto.conf'),
    [`port=${port}`, "listen_addresses='127.0.0.1'", `unix_socket_directories='${root}'`, 'ssl=on', ''].join(
      '\n',
    ),
  );
  run([bin('pg_ctl'), '-D', data, '-w', '-t', '60', '-l', at('server.log'), 'start']);
  return {
    port,
    user: 'postgres',
    password,
    ca: readFileSync(at('ca.pem'), 'utf8'),
    cert: readFileSync(at('server.pem'), 'utf8'),
    key: readFileSync(at('server.key'), 'utf8'),
    stop() {
      spawnSync(
        asRoot ? 'runuser' : bin('pg_ctl'),
        asRoot
          ? ['-u', 'postgres', '--', bin('pg_ctl'), '-D', data, '-m', 'fast', 'stop']
          : ['-D', data, '-m', 'fast', 'stop'],
      );
      rmSync(root, { recursive: true, force: true });
    },
  };
}
