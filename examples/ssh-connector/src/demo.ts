// --demo: one scripted session through the connector, typed the way a person
// types (including a correction with Backspace), with the real OpenSSH `ssh`
// in a real pty (tmux) when the machine has them, else with ssh2's client.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientChannel } from 'ssh2';
import type { Connector } from './connector.js';
import { ssh2 } from './ssh2.js';

/** One key press group: literal text, or a named key. */
type Key = { text: string } | { key: 'BSpace' | 'Enter' };

export interface DemoStep {
  keys: Key[];
  /** The command line the shell runs (what the recording must show). */
  command: string;
  /** Output that shows the command ran (absent for `exit`: the client exits). */
  expect?: RegExp;
}

/** The scripted session. The first line is typed with a typo and corrected. */
export const DEMO_STEPS: readonly DemoStep[] = [
  {
    keys: [{ text: 'echo helo' }, { key: 'BSpace' }, { text: 'lo world' }, { key: 'Enter' }],
    command: 'echo hello world',
    expect: /^hello world\s*$/m,
  },
  {
    keys: [{ text: 'ls -la /tmp | head -3' }, { key: 'Enter' }],
    command: 'ls -la /tmp | head -3',
    expect: /^total \d+/m,
  },
  { keys: [{ text: 'pwd' }, { key: 'Enter' }], command: 'pwd', expect: /^\/\S*\s*$/m },
  { keys: [{ text: 'exit' }, { key: 'Enter' }], command: 'exit' },
];

export type DemoClientKind = 'openssh' | 'ssh2';

export interface DemoRun {
  client: DemoClientKind;
  /** How the client was started, for the person reading along. */
  description: string;
  /** The client's exit status (OpenSSH) or the shell's (ssh2). */
  exitStatus: number | undefined;
  /** The terminal as the person saw it at the end. */
  screen: string;
}

export class DemoError extends Error {
  override name = 'DemoError';
}

function describeKeys(keys: Key[]): string {
  return keys.map((key) => ('text' in key ? key.text : key.key === 'BSpace' ? '⌫' : '⏎')).join('');
}

function has(program: string, args: string[]): boolean {
  const result = spawnSync(program, args, { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/** Which client --demo can use here: OpenSSH (with tmux, and sshpass or SSH_ASKPASS) or ssh2. */
export function availableClient(): {
  kind: DemoClientKind;
  reason: string;
  password: 'sshpass' | 'askpass' | '';
} {
  const missing: string[] = [];
  if (!has('tmux', ['-V'])) missing.push('tmux');
  const version = spawnSync('ssh', ['-V'], { encoding: 'utf8' });
  const match = /OpenSSH_(\d+)\.(\d+)/.exec(`${version.stderr ?? ''}${version.stdout ?? ''}`);
  if (version.error || !match) missing.push('ssh (OpenSSH client)');
  let password: 'sshpass' | 'askpass' | '' = '';
  if (has('sshpass', ['-V'])) password = 'sshpass';
  else if (match && (Number(match[1]) > 8 || (Number(match[1]) === 8 && Number(match[2]) >= 4)))
    password = 'askpass';
  else missing.push('sshpass');
  if (missing.length > 0) return { kind: 'ssh2', reason: `no ${missing.join(', ')}`, password };
  return { kind: 'openssh', reason: 'OpenSSH ssh in a tmux pty', password };
}

interface Terminal {
  send(key: Key): void;
  /** Everything shown since the mark (screen text for tmux, output without escapes for ssh2). */
  since(mark: number): string;
  mark(): number;
  /** Resolves with the exit status once the client is gone. */
  exited(): number | undefined;
  screen(): string;
  close(): void;
}

async function until<T>(probe: () => T | undefined, timeoutMs: number, what: string, screen: () => string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new DemoError(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}; the terminal showed:\n${screen()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}

// Prompts end in "$ " or "# " (capture-pane trims the trailing space).
const PROMPT_AT_END = /[$#] ?\s*$/;

function stripEscapes(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences
      .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>]/g, '')
      .replace(/\r\n?/g, '\n')
  );
}

function openSshInTmux(
  connector: Connector,
  token: string,
  password: 'sshpass' | 'askpass',
): {
  terminal: Terminal;
  description: string;
} {
  const scratch = mkdtempSync(join(tmpdir(), 'tapline-demo-client-'));
  const tokenFile = join(scratch, 'token');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const tmuxConfig = join(scratch, 'tmux.conf');
  // Keep the pane after ssh exits, to read its last screen.
  writeFileSync(tmuxConfig, 'set -g remain-on-exit on\nset -g history-limit 2000\n');
  const address = connector.address;
  const sshArgs = [
    'ssh',
    '-F',
    '/dev/null',
    '-p',
    String(address.port),
    '-o',
    `UserKnownHostsFile=${connector.knownHostsPath}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'PubkeyAuthentication=no',
    '-o',
    'LogLevel=ERROR',
    'demo@127.0.0.1',
  ];
  const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
  let command: string;
  if (password === 'sshpass') {
    command = ['sshpass', '-f', tokenFile, ...sshArgs].map(quote).join(' ');
  } else {
    const askpass = join(scratch, 'askpass.sh');
    writeFileSync(askpass, `#!/bin/sh\ncat ${quote(tokenFile)}\n`, { mode: 0o700 });
    chmodSync(askpass, 0o700);
    command = `SSH_ASKPASS=${quote(askpass)} SSH_ASKPASS_REQUIRE=force ${sshArgs.map(quote).join(' ')}`;
  }
  const socket = `tapline-demo-${process.pid}`;
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', socket, '-f', tmuxConfig, ...args], { encoding: 'utf8' });
  const statusFile = join(scratch, 'status');
  tmux(
    'new-session',
    '-d',
    '-s',
    'demo',
    '-x',
    '100',
    '-y',
    '30',
    `${command}; echo $? > ${quote(statusFile)}`,
  );
  const screen = (): string => {
    try {
      return tmux('capture-pane', '-p', '-J', '-S', '-2000', '-t', 'demo');
    } catch {
      return '';
    }
  };
  let marks: string[] = [];
  return {
    description: `${password === 'sshpass' ? 'sshpass -f <token file> ' : 'SSH_ASKPASS=<prints the token> '}${sshArgs.join(' ')}`,
    terminal: {
      send(key) {
        if ('text' in key) tmux('send-keys', '-t', 'demo', '-l', key.text);
        else tmux('send-keys', '-t', 'demo', key.key);
      },
      mark() {
        marks.push(screen().trimEnd());
        return marks.length - 1;
      },
      since(mark) {
        const before = marks[mark] ?? '';
        const now = screen().trimEnd();
        return now.startsWith(before) ? now.slice(before.length) : now;
      },
      exited() {
        // The shell around the client writes its status (tmux 3.3 sometimes leaves a dead
        // pane's process unreaped, with no #{pane_dead_status}).
        try {
          const status = readFileSync(statusFile, 'utf8').trim();
          return /^\d+$/.test(status) ? Number(status) : undefined;
        } catch {
          return undefined;
        }
      },
      screen,
      close() {
        try {
          tmux('kill-server');
        } catch {}
        marks = [];
        rmSync(scratch, { recursive: true, force: true });
      },
    },
  };
}

async function ssh2Shell(
  connector: Connector,
  token: string,
): Promise<{ terminal: Terminal; description: string }> {
  const client = new ssh2.Client();
  const address = connector.address;
  const expected = connector.hostKey.publicKey.split(' ')[1];
  let output = '';
  let status: number | undefined;
  let gone = false;
  const channel = await new Promise<ClientChannel>((resolve, reject) => {
    client.once('error', reject);
    client.once('ready', () => {
      client.shell({ term: 'xterm-256color', cols: 100, rows: 30 }, (error, stream) =>
        error ? reject(error) : resolve(stream),
      );
    });
    client.connect({
      host: '127.0.0.1',
      port: address.port,
      username: 'demo',
      password: token,
      // Check the proxy's host key, as `ssh` does with known_hosts.
      hostVerifier: (key: Buffer) => key.toString('base64') === expected,
      readyTimeout: 15_000,
    });
  });
  client.on('error', () => {});
  channel.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  channel.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  channel.on('exit', (code: number | null) => {
    status = code ?? undefined;
  });
  channel.on('close', () => {
    gone = true;
    client.end();
  });
  const marks: number[] = [];
  return {
    description: `ssh2 Client with a pty shell to demo@127.0.0.1:${address.port} (password: the token)`,
    terminal: {
      send(key) {
        channel.write('text' in key ? key.text : key.key === 'Enter' ? '\r' : '\x7f');
      },
      mark() {
        marks.push(output.length);
        return marks.length - 1;
      },
      since: (mark) => stripEscapes(output.slice(marks[mark] ?? 0)),
      exited: () => (gone ? (status ?? 0) : undefined),
      screen: () => stripEscapes(output).split('\n').slice(-30).join('\n'),
      close() {
        client.end();
      },
    },
  };
}

/**
 * Types DEMO_STEPS into a shell through the connector as user "demo" with the
 * current one-time token. `log` gets one line per step.
 */
export async function driveDemoSession(
  connector: Connector,
  options: { client?: DemoClientKind | 'auto'; log: (line: string) => void; timeoutMs?: number },
): Promise<DemoRun> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const token = connector.grants.current.value;
  const available = availableClient();
  const kind = options.client === undefined || options.client === 'auto' ? available.kind : options.client;
  if (kind === 'openssh' && available.kind !== 'openssh') {
    throw new DemoError(`cannot drive OpenSSH here: ${available.reason}`);
  }
  const { terminal, description } =
    kind === 'openssh'
      ? openSshInTmux(connector, token, available.password as 'sshpass' | 'askpass')
      : await ssh2Shell(connector, token);
  options.log(
    kind === 'openssh'
      ? `driving one session with the real OpenSSH client in a tmux pty:`
      : `driving one session with ssh2's client (${available.kind === 'ssh2' ? `${available.reason}; ` : ''}pty shell):`,
  );
  options.log(`  ${description}`);
  try {
    const first = terminal.mark();
    await until(
      () => {
        const shown = terminal.since(first);
        if (terminal.exited() !== undefined)
          throw new DemoError(`the client exited before the shell prompt:\n${shown}`);
        return PROMPT_AT_END.test(shown) ? true : undefined;
      },
      timeoutMs,
      'the shell prompt',
      terminal.screen,
    );
    for (const step of DEMO_STEPS) {
      const mark = terminal.mark();
      for (const key of step.keys) terminal.send(key);
      const expect = step.expect;
      const isExit = expect === undefined;
      const result = await until(
        () => {
          if (isExit) return terminal.exited();
          const shown = terminal.since(mark);
          const output = expect.exec(shown);
          return output && PROMPT_AT_END.test(shown) ? output[0].trim() : undefined;
        },
        timeoutMs,
        isExit ? 'the client to exit' : `the output of "${step.command}"`,
        terminal.screen,
      );
      const typed = describeKeys(step.keys);
      options.log(
        `  typed ${typed.padEnd(26)} → ${isExit ? `ssh exited with status ${result}` : `${result}${step.command.startsWith('ls') ? ' …' : ''}`}`,
      );
    }
    const exitStatus = terminal.exited();
    return { client: kind, description, exitStatus, screen: terminal.screen() };
  } finally {
    terminal.close();
  }
}
