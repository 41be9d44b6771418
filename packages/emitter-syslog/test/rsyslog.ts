// A real rsyslog (Debian's rsyslogd) as the receiver: its own config, imtcp on
// a free loopback port (optionally TLS through gtls), every message written
// to one file in RFC 5424 form, no system logging (no imuxsock, no imklog).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RSYSLOGD = '/usr/sbin/rsyslogd';

export interface Rsyslog {
  port: number;
  outputPath: string;
  /** PEM of the CA that signed the receiver's certificate (TLS only). */
  caPem?: string;
  /** The output file's lines. */
  lines(): string[];
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function checkRsyslog(): void {
  if (!existsSync(RSYSLOGD))
    throw new Error(`${RSYSLOGD} is missing: run "bash .ci/setup-debian.sh" (rsyslog, rsyslog-gnutls)`);
}

function makeCertificates(directory: string): { ca: string; cert: string; key: string } {
  const ca = join(directory, 'ca.pem');
  const caKey = join(directory, 'ca-key.pem');
  const key = join(directory, 'key.pem');
  const csr = join(directory, 'req.csr');
  const cert = join(directory, 'cert.pem');
  const ext = join(directory, 'ext.cnf');
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    ca,
    '-days',
    '2',
    '-subj',
    '/CN=tapline-test-ca',
  );
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=localhost');
  writeFileSync(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    cert,
    '-days',
    '2',
    '-extfile',
    ext,
  );
  return { ca, cert, key };
}

async function listening(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`rsyslogd did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startRsyslog(options: { tls?: boolean } = {}): Promise<Rsyslog> {
  checkRsyslog();
  const directory = mkdtempSync(join(tmpdir(), 'tapline-rsyslog-'));
  const port = await freePort();
  const outputPath = join(directory, 'messages.log');
  const pidPath = join(directory, 'rsyslogd.pid');
  const certs = options.tls ? makeCertificates(directory) : undefined;
  const driver = certs
    ? `global(defaultNetstreamDriverCAFile="${certs.ca}" defaultNetstreamDriverCertFile="${certs.cert}" defaultNetstreamDriverKeyFile="${certs.key}")
module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")`
    : 'module(load="imtcp")';
  const config = join(directory, 'rsyslog.conf');
  writeFileSync(
    config,
    `global(workDirectory="${directory}" maxMessageSize="64k")
${driver}
input(type="imtcp" port="${port}" address="127.0.0.1" ruleset="tapline")
ruleset(name="tapline") {
  action(type="omfile" file="${outputPath}" template="RSYSLOG_SyslogProtocol23Format")
}
`,
  );
  let child: ChildProcess | undefined;
  const launch = async () => {
    rmSync(pidPath, { force: true });
    child = spawn(RSYSLOGD, ['-n', '-f', config, '-i', pidPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.resume();
    await listening(port, 10_000);
  };
  const halt = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  await launch();
  return {
    port,
    outputPath,
    ...(certs ? { caPem: readFileSync(certs.ca, 'utf8') } : {}),
    lines() {
      try {
        return readFileSync(outputPath, 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
    async restart() {
      await halt();
      await launch();
    },
    async stop() {
      await halt();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
