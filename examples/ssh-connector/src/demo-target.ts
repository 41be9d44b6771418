// The embedded demo target: a small SSH server on 127.0.0.1 that runs REAL
// programs as the user running the connector, so the example works on a fresh
// machine without sshd. Not a hardened server: it listens on loopback only,
// accepts one random password (which only the proxy knows) and exists to give
// the proxy something real to record.
//
//   exec               -> bash -c <command> (stdout, stderr, exit status)
//   shell with a pty   -> an interactive bash in a real pty, through util-linux
//                         `script` or else python3's pty module (no native
//                         addon); window-change resizes the pty with `stty -F`
//   shell without pty  -> bash reading commands from stdin
//   subsystem sftp     -> /usr/lib/openssh/sftp-server, when installed
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Connection, ServerChannel, Session } from 'ssh2';
import { describeKey, generateEd25519Key } from './host-key.js';
import { ssh2 } from './ssh2.js';

/** Where Debian and Ubuntu put OpenSSH's sftp-server (openssh-sftp-server). */
export const SFTP_SERVER_PATHS: readonly string[] = [
  '/usr/lib/openssh/sftp-server',
  '/usr/libexec/openssh/sftp-server',
  '/usr/libexec/sftp-server',
];

export interface DemoTargetOptions {
  /** Working directory of the programs it runs. @default the user's home directory */
  cwd?: string;
  /** The prompt of the interactive shell. @default '\\u@tapline-demo:\\w\\$ ' */
  prompt?: string;
  /** A directory of its own for small per-session files (emptied at start). @default a new temp directory */
  scratchDir?: string;
}

export interface DemoTarget {
  host: string;
  port: number;
  /** The account the proxy logs in as (the OS user running the connector). */
  username: string;
  /** Random, generated at start: only the proxy gets it. */
  password: string;
  /** The target's host key, "ssh-ed25519 AAAA…": the proxy pins it. */
  hostKey: string;
  /** Whether `sftp` / `scp` work (sftp-server is installed). */
  sftpServer: string | undefined;
  /** What gives shells a real pty: "script", "python3", or undefined (no pty). */
  ptyLauncher: string | undefined;
  close(): Promise<void>;
}

interface Pty {
  term: string;
  cols: number;
  rows: number;
}

/** Single-quotes a word for sh. */
function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

// python3's pty module, when util-linux `script` is missing (its exit code is the program's).
const PYTHON_PTY = [
  'import os, pty, sys',
  "status = pty.spawn(['/bin/sh', '-c', sys.argv[1]])",
  "sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, 'waitstatus_to_exitcode') else status >> 8)",
].join('\n');

type PtyLauncher = (inner: string) => [string, string[]];

/** How to give a program a real pty without a native addon here, if at all. */
export function findPtyLauncher(): { name: string; launch: PtyLauncher } | undefined {
  // util-linux script (Debian's bsdutils, always installed); busybox's lacks --version and -e.
  if (spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0) {
    return { name: 'script', launch: (inner) => ['script', ['-qfec', inner, '/dev/null']] };
  }
  if (spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0) {
    return { name: 'python3', launch: (inner) => ['python3', ['-c', PYTHON_PTY, inner]] };
  }
  return undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Starts the demo target on 127.0.0.1 at a port the OS picks. */
export async function startDemoTarget(options: DemoTargetOptions = {}): Promise<DemoTarget> {
  const key = describeKey(generateEd25519Key('tapline-demo-target'));
  const password = randomBytes(24).toString('base64url');
  const username = userInfo().username;
  const cwd = options.cwd ?? homedir();
  const prompt = options.prompt ?? '\\u@tapline-demo:\\w\\$ ';
  const sftpServer = SFTP_SERVER_PATHS.find((path) => existsSync(path));
  const ptyLauncher = findPtyLauncher();
  // Per-session files telling which pty was allocated (for window-change).
  let scratch: string;
  if (options.scratchDir) {
    scratch = options.scratchDir;
    rmSync(scratch, { recursive: true, force: true }); // what a crashed run left
    mkdirSync(scratch, { recursive: true, mode: 0o700 });
  } else scratch = mkdtempSync(join(tmpdir(), 'tapline-demo-target-'));
  const running = new Set<ChildProcess>();
  const connections = new Set<Connection>();
  let sessionCount = 0;

  const baseEnvironment = (pty: Pty | undefined, extra: Record<string, string>): NodeJS.ProcessEnv => ({
    // Only what a login would set: the connector's own environment (target
    // passwords, cloud credentials) never reaches the demo shell.
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: homedir(),
    USER: username,
    LOGNAME: username,
    SHELL: '/bin/bash',
    LANG: process.env.LANG ?? 'C.UTF-8',
    ...(pty
      ? { TERM: pty.term || 'xterm-256color', COLUMNS: String(pty.cols), LINES: String(pty.rows) }
      : {}),
    // No history file: the demo shell leaves nothing in ~/.bash_history.
    HISTFILE: '',
    ...extra,
  });

  /** Runs `argv` for a channel: in a real pty through `script` when the client asked for one. */
  const run = (
    channel: ServerChannel,
    argv: string[],
    pty: Pty | undefined,
    env: Record<string, string>,
    ofConnection: Set<ChildProcess>,
  ) => {
    const environment = baseEnvironment(pty, env);
    let ttyFile: string | undefined;
    let child: ChildProcess;
    if (pty && ptyLauncher) {
      ttyFile = join(scratch, `session-${++sessionCount}.tty`);
      // The inner shell records the pty's name, sets its size and then becomes the program.
      const inner = [
        `tty > ${shellQuote(ttyFile)}`,
        `stty cols ${pty.cols || 80} rows ${pty.rows || 24} 2>/dev/null`,
        // PS1 through env: the non-interactive `sh -c` in between may drop it.
        `exec env PS1=${shellQuote(prompt)} ${argv.map(shellQuote).join(' ')}`,
      ].join('; ');
      const [program, args] = ptyLauncher.launch(inner);
      child = spawn(program, args, {
        cwd,
        env: environment,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } else {
      if (pty)
        channel.stderr.write('demo target: no pty here (install util-linux or python3); no terminal\r\n');
      const [program, ...args] = argv;
      child = spawn(program!, args, {
        cwd,
        env: environment,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    }
    running.add(child);
    ofConnection.add(child);
    channel.pipe(child.stdin!);
    child.stdin!.on('error', () => {});
    child.stdout!.pipe(channel, { end: false });
    child.stderr!.pipe(channel.stderr, { end: false });
    let finished = false;
    child.once('error', (error) => {
      finished = true;
      running.delete(child);
      channel.stderr.write(`demo target: cannot run ${argv[0]}: ${error.message}\r\n`);
      channel.exit(127);
      channel.end();
    });
    child.once('close', (code, signal) => {
      running.delete(child);
      ofConnection.delete(child);
      if (finished) return;
      finished = true;
      // sshd's order: the data, EOF, the exit status, CLOSE (ssh2 sends EOF and CLOSE on end()).
      if (signal) channel.exit(signal.replace(/^SIG/, ''), false, '');
      else channel.exit(code ?? 0);
      channel.end();
    });
    channel.once('close', () => {
      if (!finished) hangUp(child);
    });
    return {
      resize(cols: number, rows: number) {
        if (!ttyFile) return;
        let tty = '';
        try {
          tty = readFileSync(ttyFile, 'utf8').trim();
        } catch {
          return;
        }
        // Setting the size on the pty makes the kernel send SIGWINCH to its foreground job.
        if (tty.startsWith('/dev/'))
          execFile('stty', ['-F', tty, 'cols', String(cols), 'rows', String(rows)], () => {});
      },
      signal(name: string) {
        killGroup(child, `SIG${name}` as NodeJS.Signals);
      },
    };
  };

  const onSession = (session: Session, ofConnection: Set<ChildProcess>) => {
    let pty: Pty | undefined;
    const env: Record<string, string> = {};
    let program: ReturnType<typeof run> | undefined;
    session.on('pty', (accept, _reject, info) => {
      pty = { term: info.term, cols: info.cols, rows: info.rows };
      accept?.();
    });
    session.on('env', (accept, reject, info) => {
      if (/^(LANG|LC_[A-Z]+|TZ)$/.test(info.key)) {
        env[info.key] = info.val;
        accept?.();
      } else reject?.();
    });
    session.on('window-change', (accept, _reject, info) => {
      if (pty) {
        pty.cols = info.cols;
        pty.rows = info.rows;
      }
      program?.resize(info.cols, info.rows);
      accept?.();
    });
    session.on('signal', (accept, _reject, info) => {
      program?.signal(info.name);
      accept?.();
    });
    session.on('shell', (accept) => {
      const channel = accept();
      program = run(
        channel,
        pty ? ['bash', '--norc', '--noprofile', '-i'] : ['bash', '--norc', '--noprofile', '-s'],
        pty,
        env,
        ofConnection,
      );
    });
    session.on('exec', (accept, _reject, info) => {
      const channel = accept();
      program = run(channel, ['bash', '-c', info.command], pty, env, ofConnection);
    });
    session.on('subsystem', (accept, reject, info) => {
      if (info.name !== 'sftp' || sftpServer === undefined) {
        reject?.();
        return;
      }
      program = run(accept(), [sftpServer], undefined, env, ofConnection);
    });
  };

  const server = new ssh2.Server({ hostKeys: [key.privateKey] }, (connection) => {
    connections.add(connection);
    // ssh2 closes no channel when the connection drops (the proxy gone, the
    // client killed): hang up on what this connection started, as sshd does.
    const children = new Set<ChildProcess>();
    connection.once('close', () => {
      connections.delete(connection);
      for (const child of children) hangUp(child);
    });
    connection.on('error', () => {});
    connection.on('authentication', (context) => {
      if (
        context.method === 'password' &&
        context.username === username &&
        sameSecret(context.password, password)
      ) {
        context.accept();
      } else context.reject(['password']);
    });
    connection.on('ready', () => connection.on('session', (accept) => onSession(accept(), children)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    username,
    password,
    hostKey: key.publicKey,
    sftpServer,
    ptyLauncher: ptyLauncher?.name,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const child of running) killGroup(child, 'SIGKILL');
      for (const connection of connections) connection.end();
      await closed;
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * Ends what a channel started when its user is gone. SIGHUP for a plain
 * program; util-linux `script` ignores SIGHUP, and its SIGTERM closes the pty,
 * which hangs up the shell's session the way sshd's closing pty does.
 */
function hangUp(child: ChildProcess): void {
  killGroup(child, 'SIGHUP');
  killGroup(child, 'SIGTERM');
}

/** Signals the program and everything it started (it leads its own process group). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {}
  }
}
