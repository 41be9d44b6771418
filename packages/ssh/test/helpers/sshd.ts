// Starts the real OpenSSH server (/usr/sbin/sshd) as a test TARGET, with its
// own config, host key, authorized_keys and a free loopback port.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exited, freePort, killTree } from './processes.js';

export const TEST_USER = process.env.TAPLINE_SSH_TEST_USER ?? 'tapline';
export const TEST_PASSWORD = process.env.TAPLINE_SSH_TEST_PASSWORD ?? 'tapline-test-password';
const SSHD = '/usr/sbin/sshd';

export interface Sshd {
  port: number;
  /** "ssh-ed25519 AAAA..." of the target's host key. */
  hostPublicKey: string;
  /** The private key whose public half is in authorized_keys (for the proxy's target credentials). */
  targetPrivateKey: string;
  directory: string;
  process: ChildProcess;
  /** SIGKILLs sshd and every session process it started. */
  kill(): void;
  stop(): Promise<void>;
}

/** Throws a clear error when the machine lacks what .ci/setup-ssh.sh installs. */
export function checkPrerequisites(): void {
  const missing: string[] = [];
  for (const program of [SSHD, '/usr/bin/ssh', '/usr/bin/sftp', '/usr/bin/scp', '/usr/bin/ssh-keygen']) {
    if (!existsSync(program)) missing.push(program);
  }
  try {
    execFileSync('id', ['-u', TEST_USER], { stdio: 'ignore' });
  } catch {
    missing.push(`user ${TEST_USER}`);
  }
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(', ')}: run "bash .ci/setup-ssh.sh" as root first`);
  }
}

export function keygen(path: string, type = 'ed25519'): { privateKey: string; publicKey: string } {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'tapline-test', '-f', path], {
    stdio: 'ignore',
  });
  return { privateKey: readFileSync(path, 'utf8'), publicKey: readFileSync(`${path}.pub`, 'utf8').trim() };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startSshd(): Promise<Sshd> {
  checkPrerequisites();
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const directory = mkdtempSync(join(tmpdir(), 'tapline-sshd-'));
  // sshd reads authorized_keys as the target user: the directory must be traversable.
  chmodSync(directory, 0o755);
  const hostKey = keygen(join(directory, 'host_key'));
  const targetKey = keygen(join(directory, 'target_key'));
  const authorizedKeys = join(directory, 'authorized_keys');
  writeFileSync(authorizedKeys, `${targetKey.publicKey}\n`, { mode: 0o644 });
  chmodSync(authorizedKeys, 0o644);

  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const config = join(directory, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(directory, 'host_key')}`,
        'PidFile none',
        'UsePAM no',
        'StrictModes no',
        `AuthorizedKeysFile ${authorizedKeys}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication yes',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin no',
        'AllowTcpForwarding yes',
        'X11Forwarding no',
        'PrintMotd no',
        'PrintLastLog no',
        'AcceptEnv LANG LC_* TAPLINE_*',
        'MaxStartups 200',
        'MaxSessions 100',
        'Subsystem sftp /usr/lib/openssh/sftp-server',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (log.length < 64 * 1024) log += chunk.toString();
    });
    let gone = false;
    child.once('exit', () => {
      gone = true;
    });
    let listening = false;
    const deadline = Date.now() + 10_000;
    while (!gone && Date.now() < deadline) {
      if (await accepts(port)) {
        listening = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (!listening) {
      killTree(child.pid ?? 0);
      if (attempt === 4) throw new Error(`sshd did not start: ${log}`);
      continue;
    }
    const kill = (): void => killTree(child.pid ?? 0);
    return {
      port,
      hostPublicKey: hostKey.publicKey.split(' ').slice(0, 2).join(' '),
      targetPrivateKey: targetKey.privateKey,
      directory,
      process: child,
      kill,
      async stop() {
        kill();
        await exited(child);
        rmSync(directory, { recursive: true, force: true });
      },
    };
  }
  throw new Error('sshd did not start');
}
