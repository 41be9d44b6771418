import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TerminalAnalyzerContext, terminalCommands } from '../src/index.js';
import { ssh2 } from '../src/ssh2-runtime.js';
import { userDirectory } from './helpers/files.js';
import { type Fixture, startFixture } from './helpers/fixture.js';
import { until } from './helpers/processes.js';
import { TEST_PASSWORD } from './helpers/sshd.js';
import { startTmux, type Tmux } from './helpers/tmux.js';

interface AnalyzerLog {
  context: TerminalAnalyzerContext;
  input: number;
  output: number;
  resizes: Array<[number, number]>;
  ended: boolean;
}

describe('interactive shell in a real pty through the proxy', () => {
  let fixture: Fixture;
  let directory: string;
  const analyzers: AnalyzerLog[] = [];
  const terminals: Tmux[] = [];
  beforeAll(async () => {
    fixture = await startFixture({
      analyzers: {
        // The default analyzer (@tapline/terminal), observed through the hook.
        terminal(context) {
          const real = terminalCommands()(context);
          const log: AnalyzerLog = { context, input: 0, output: 0, resizes: [], ended: false };
          analyzers.push(log);
          return {
            input: (bytes, offsetNs) => {
              log.input += bytes.length;
              return real.input(bytes, offsetNs);
            },
            output: (bytes, offsetNs) => {
              log.output += bytes.length;
              return real.output(bytes, offsetNs);
            },
            resize: (cols, rows, offsetNs) => {
              log.resizes.push([cols, rows]);
              real.resize(cols, rows, offsetNs);
            },
            end: (offsetNs) => {
              log.ended = true;
              return real.end(offsetNs);
            },
          };
        },
      },
    });
    directory = userDirectory('tapline-shell-');
  });
  afterAll(async () => {
    for (const terminal of terminals) terminal.kill();
    await fixture?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('runs a shell: typing, resize, terminal modes, vi, sudo at a password prompt, exit status', async () => {
    const exitFile = join(directory, 'exit-status');
    const ssh = ['ssh', ...fixture.sshArgs()].map((arg) => `'${arg}'`).join(' ');
    // erase ^H is not the pty default (^?): it reaches the target only if the terminal modes do.
    const terminal = startTmux(`stty erase '^H'; TERM=xterm ${ssh}; echo $? > ${exitFile}`);
    terminals.push(terminal);
    await terminal.waitFor(/\$ $/m);

    terminal.type('echo hello-$((6*7))');
    await terminal.waitFor(/^hello-42$/m);
    terminal.type('stty size; stty -a | grep -o "erase = [^;]*"');
    await terminal.waitFor(/^40 120$/m);
    await terminal.waitFor(/^erase = \^H$/m);

    await terminal.resize(100, 30);
    terminal.type('clear; stty size');
    await terminal.waitFor(/^30 100$/m);

    const edited = join(directory, 'edited.txt');
    terminal.type(`vi ${edited}`);
    await terminal.waitFor(/~\s*$/m);
    terminal.send('i');
    terminal.type('written in vi', false);
    terminal.send('Escape');
    terminal.type(':wq');
    await until(
      () => {
        try {
          return readFileSync(edited, 'utf8') === 'written in vi\n';
        } catch {
          return false;
        }
      },
      15_000,
      'vi to write the file',
    );
    await until(
      () => {
        const lines = terminal
          .screen()
          .split('\n')
          .filter((line) => line.trim() !== '');
        return /\$\s*$/.test(lines.at(-1) ?? '') && !lines.some((line) => /^~\s*$/.test(line));
      },
      15_000,
      'the prompt after vi',
    );

    terminal.type('clear; sudo -k; sudo id -u');
    await terminal.waitFor(/password for tapline/);
    terminal.type(TEST_PASSWORD);
    await terminal.waitFor(/^0$/m);

    terminal.type('exit 7');
    await until(
      () => {
        try {
          return readFileSync(exitFile, 'utf8').trim() === '7';
        } catch {
          return false;
        }
      },
      15_000,
      'ssh to exit with 7',
    );

    const session = await fixture.recorder.waitFor((s) => s.streamsOf('ssh_shell').length > 0);
    await session.ended;
    expect(session.endReason).toBe('client_closed');
    const [shell] = session.streamsOf('ssh_shell');
    expect(shell?.options).toMatchObject({ cols: 120, rows: 40, details: { term: 'xterm' } });
    expect(shell?.resizes).toContainEqual({ cols: 100, rows: 30 });
    expect(shell?.closed?.exitStatus).toBe(7);
    expect(session.text(shell!.id, 'target_to_client')).toContain('hello-42');
    expect(session.text(shell!.id, 'client_to_target')).toContain('echo hello-$((6*7))');

    const analyzer = analyzers.find(
      (log) => log.context.streamId === shell!.id && log.context.session === session,
    );
    expect(analyzer?.context).toMatchObject({ kind: 'ssh_shell', cols: 120, rows: 40, term: 'xterm' });
    expect(analyzer?.input).toBe(shell?.bytes.client_to_target);
    expect(analyzer?.output).toBe(shell?.bytes.target_to_client);
    expect(analyzer?.resizes).toContainEqual([100, 30]);
    expect(analyzer?.ended).toBe(true);

    // The commands as the person ran them, read from the terminal; never the sudo password.
    const commands = session.commands.filter((command) => command.streamId === shell!.id);
    expect(commands.filter((c) => c.source === 'terminal').map((c) => c.text)).toEqual(
      expect.arrayContaining([
        'echo hello-$((6*7))',
        'stty size; stty -a | grep -o "erase = [^;]*"',
        'clear; sudo -k; sudo id -u',
        'exit 7',
      ]),
    );
    expect(commands.find((c) => c.source === 'fullscreen')).toMatchObject({
      program: 'vi',
      text: `vi ${edited}`,
    });
    expect(JSON.stringify(commands)).not.toContain(TEST_PASSWORD);
  }, 90_000);

  it('forwards signal requests and records the exit signal (ssh2 client as the user)', async () => {
    const client = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      client.on('ready', resolve).on('error', reject);
      client.connect({
        host: '127.0.0.1',
        port: fixture.port,
        username: 'tapline',
        privateKey: readFileSync(fixture.userKeyPath),
      });
    });
    const exit = await new Promise<{ code: number | null; signal?: string }>((resolve, reject) => {
      client.exec('echo started; sleep 30', (error, channel) => {
        if (error) return reject(error);
        channel.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('started')) channel.signal('KILL');
        });
        channel.stderr.resume();
        channel.on('exit', (code: number | null, signal?: string) => resolve({ code, signal }));
      });
    });
    client.end();
    expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
    const session = await fixture.recorder.waitFor((s) =>
      s.commands.some((c) => c.text === 'echo started; sleep 30'),
    );
    await session.ended;
    expect(session.streamsOf('ssh_exec')[0]?.closed?.exitSignal).toBe('KILL');
  }, 30_000);
});
