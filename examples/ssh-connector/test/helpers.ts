// Runs the example's real entry point as a child process and drives real
// OpenSSH clients (tmux for a pty, sshpass for the one-time token).
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameToJson, readFrames } from '@tapline/frames';

export const LAUNCHER = new URL('../bin/connector.mjs', import.meta.url).pathname;

/** Waits until `probe` returns something other than undefined, polling. */
export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface RunningConnector {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout after `from` (a stdout length). */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<RegExpExecArray>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `node bin/connector.mjs ARGS` (or `command ARGS`) in `cwd` (no pnpm-script variables: the cwd is the base). */
export function startConnectorProcess(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
  command: string[] = [process.execPath, LAUNCHER],
): RunningConnector {
  const environment: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const name of ['INIT_CWD', 'npm_lifecycle_event', 'npm_package_name']) delete environment[name];
  const [program, ...before] = command;
  const child = spawn(program!, [...before, ...args], {
    cwd,
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    async waitFor(pattern, timeoutMs = 30_000, from = 0) {
      try {
        return await until(
          () => {
            if (child.exitCode !== null) throw new Error(`the connector exited (${child.exitCode})`);
            return pattern.exec(stdout.slice(from)) ?? undefined;
          },
          timeoutMs,
          `${pattern} on the connector's stdout`,
        );
      } catch (error) {
        throw new Error(`${(error as Error).message}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
      }
    },
    exit,
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

export function haveOpenSsh(): string | undefined {
  for (const program of ['ssh', 'sshpass', 'tmux']) {
    const probe = spawnSync(program, ['-V'], { stdio: 'ignore' });
    if (probe.error) return `${program} is missing: run "bash .ci/setup-ssh.sh" as root`;
  }
  return undefined;
}

/** A real terminal: tmux runs the program in a pty. */
export function startTmux(command: string, cols = 100, rows = 30) {
  const socket = `tapline-example-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const directory = mkdtempSync(join(tmpdir(), 'tapline-tmux-'));
  const config = join(directory, 'tmux.conf');
  writeFileSync(config, 'set -g remain-on-exit on\n');
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', socket, '-f', config, ...args], { encoding: 'utf8' });
  // tmux 3.3 sometimes leaves a dead pane's process unreaped (no #{pane_dead_status}): the shell records it.
  const statusFile = join(directory, 'status');
  tmux(
    'new-session',
    '-d',
    '-s',
    'main',
    '-x',
    String(cols),
    '-y',
    String(rows),
    `${command}; echo $? > ${quote(statusFile)}`,
  );
  const screen = (): string => {
    try {
      return tmux('capture-pane', '-p', '-J', '-t', 'main');
    } catch {
      return '';
    }
  };
  return {
    screen,
    keys: (...keys: string[]) => void tmux('send-keys', '-t', 'main', ...keys),
    type: (text: string) => void tmux('send-keys', '-t', 'main', '-l', text),
    /**
     * Resizes the window and waits until the pane's pty has the new size (the
     * kernel signals ssh then): tmux applies it after the command returns, and
     * keys sent before then reach ssh ahead of its SIGWINCH, so the target's
     * `stty size` would still show the old size.
     */
    async resize(newCols: number, newRows: number): Promise<void> {
      tmux('resize-window', '-t', 'main', '-x', String(newCols), '-y', String(newRows));
      const tty = tmux('display-message', '-p', '-t', 'main', '#{pane_tty}').trim();
      const wanted = `${newRows} ${newCols}`;
      const size = () => execFileSync('stty', ['-F', tty, 'size'], { encoding: 'utf8' }).trim();
      await until(() => (size() === wanted ? true : undefined), 5_000, `the pane's pty to be ${wanted}`);
    },
    async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
      let last = '';
      try {
        await until(
          () => {
            last = screen();
            return pattern.test(last) ? true : undefined;
          },
          timeoutMs,
          `${pattern}`,
        );
      } catch (error) {
        throw new Error(`${(error as Error).message} on the screen; it showed:\n${last}`);
      }
      return last;
    },
    /** The client's exit status once it exited (written by the shell around it). */
    exitStatus(): number | undefined {
      try {
        const status = readFileSync(statusFile, 'utf8').trim();
        return /^\d+$/.test(status) ? Number(status) : undefined;
      } catch {
        return undefined;
      }
    },
    kill() {
      try {
        tmux('kill-server');
      } catch {}
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The frames of a recording as plain JSON (enums as names). */
export async function framesOf(path: string): Promise<Array<Record<string, unknown>>> {
  const frames: Array<Record<string, unknown>> = [];
  for await (const frame of readFrames(createReadStream(path))) frames.push(frameToJson(frame));
  return frames;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
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

export const TEST_USER = process.env.TAPLINE_SSH_TEST_USER ?? 'tapline';

/**
 * The real OpenSSH server as a target (what .ci/setup-ssh.sh installs): its own
 * config, host key and authorized key, on a free loopback port. Undefined
 * (with the reason) when the machine lacks sshd or the test user.
 */
export async function startSshd(): Promise<
  | { port: number; hostKeyFile: string; clientKeyFile: string; stop(): void; reason?: undefined }
  | { reason: string }
> {
  const sshd = '/usr/sbin/sshd';
  if (spawnSync(sshd, ['-V'], { stdio: 'ignore' }).error) return { reason: `${sshd} is missing` };
  if (spawnSync('id', ['-u', TEST_USER], { stdio: 'ignore' }).status !== 0)
    return { reason: `no user ${TEST_USER}` };
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const directory = mkdtempSync(join(tmpdir(), 'tapline-example-sshd-'));
  chmodSync(directory, 0o755);
  for (const name of ['host_key', 'client_key']) {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(directory, name)], {
      stdio: 'ignore',
    });
  }
  const authorized = join(directory, 'authorized_keys');
  writeFileSync(authorized, readFileSync(join(directory, 'client_key.pub')), { mode: 0o644 });
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
      `AuthorizedKeysFile ${authorized}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin no',
      'PrintMotd no',
      'PrintLastLog no',
      'Subsystem sftp /usr/lib/openssh/sftp-server',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const child = spawn(sshd, ['-D', '-e', '-f', config], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (Date.now() > deadline || child.exitCode !== null) return { reason: 'sshd did not start' };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    port,
    hostKeyFile: join(directory, 'host_key.pub'),
    clientKeyFile: join(directory, 'client_key'),
    stop() {
      child.kill('SIGKILL');
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
