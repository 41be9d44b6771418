// `--demo` as the README's main job runs it: a child process in a fresh
// directory, exit 0, and the timeline shows the scripted commands.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startConnectorProcess } from './helpers.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

const START_SH = fileURLToPath(new URL('../../../scripts/start.sh', import.meta.url));

/** `--demo` through bin/connector.mjs, or through scripts/start.sh exactly as the README says. */
async function runDemo(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  via: 'launcher' | 'start.sh' = 'launcher',
) {
  const directory = mkdtempSync(join(tmpdir(), 'tapline-demo-test-'));
  directories.push(directory);
  const child =
    via === 'launcher'
      ? startConnectorProcess(['--demo', ...args], directory, env)
      : startConnectorProcess(['--demo', ...args], directory, env, ['bash', START_SH]);
  const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
  const exit = await child.exit;
  clearTimeout(timer);
  return { exit, stdout: child.stdout(), stderr: child.stderr(), directory };
}

/** The timeline's command lines, in order. */
function timelineCommands(stdout: string): string[] {
  // tapline inspect:   +00:00.187  [1] $ echo hello world (terminal echo)
  const timeline = stdout.slice(stdout.indexOf('\nTimeline\n'));
  return [...timeline.matchAll(/^ +\+\d\d:\d\d\.\d{3} {2}\[\d+\] \$ (.*) \(terminal \S*\)$/gm)].map(
    (match) => match[1]!,
  );
}

describe('examples/ssh-connector --demo', () => {
  it('bash scripts/start.sh --demo: one session with OpenSSH in tmux, exit 0, the timeline with the commands as run', async () => {
    const { exit, stdout, stderr, directory } = await runDemo([], {}, 'start.sh');
    expect(exit, `stdout:\n${stdout}\nstderr:\n${stderr}`).toEqual({ code: 0, signal: null });
    expect(stdout).toContain('driving one session with the real OpenSSH client in a tmux pty');
    expect(stdout).toContain('typed echo helo⌫lo world⏎');
    // The typo and the Backspace are gone: the command as the shell ran it.
    expect(timelineCommands(stdout)).toEqual(['echo hello world', 'ls -la /tmp | head -3', 'pwd', 'exit']);
    expect(stdout).toMatch(/^Recording {4}complete, intact$/m);
    expect(stdout).toMatch(/^Approvers {4}Grace Hopper \(demo approver\)/m);
    expect(stdout).toMatch(/^Access flow {2}Demo: just-in-time SSH access \(af-demo\)$/m);
    expect(stdout).toContain('demo ok:');
    // bootstrap's install is quiet: no workspace cycle, no unapproved build scripts.
    expect(stderr).not.toMatch(/cyclic|Ignored build scripts|approve-builds/);
    // The recording stays in ./recordings of the directory it ran in.
    const files = readdirSync(join(directory, 'recordings'));
    expect(files.filter((name) => name.endsWith('.tapline'))).toHaveLength(1);
    expect(files).toContain('events.jsonl');
  }, 60_000);

  it("falls back to ssh2's client (a machine without tmux or OpenSSH) with the same timeline", async () => {
    const port = await freePort();
    const { exit, stdout, stderr } = await runDemo(['--demo-client', 'ssh2', '--port', String(port)]);
    expect(exit, `stdout:\n${stdout}\nstderr:\n${stderr}`).toEqual({ code: 0, signal: null });
    expect(stdout).toContain("driving one session with ssh2's client");
    expect(stdout).toContain(`proxy        127.0.0.1:${port},`);
    expect(timelineCommands(stdout)).toEqual(['echo hello world', 'ls -la /tmp | head -3', 'pwd', 'exit']);
  }, 60_000);

  /** A PATH holding only `tools` (symlinks to this machine's). */
  function pathWith(tools: string[]): string {
    const bin = mkdtempSync(join(tmpdir(), 'tapline-fresh-path-'));
    directories.push(bin);
    for (const tool of tools) {
      const found =
        tool === 'python3'
          ? execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim()
          : execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
      symlinkSync(found, join(bin, tool));
    }
    return bin;
  }
  const freshDebian = ['bash', 'sh', 'script', 'stty', 'tty', 'env', 'ls', 'head', 'cat'];

  it('picks ssh2 by itself on a machine without tmux, ssh and sshpass', async () => {
    // What a fresh Debian has (bash, util-linux script, coreutils), no OpenSSH client, no tmux.
    const { exit, stdout, stderr } = await runDemo([], { PATH: pathWith(freshDebian) });
    expect(exit, `stdout:\n${stdout}\nstderr:\n${stderr}`).toEqual({ code: 0, signal: null });
    expect(stdout).toContain(
      "driving one session with ssh2's client (no tmux, ssh (OpenSSH client), sshpass;",
    );
    expect(stdout).toContain('pty via script');
    expect(timelineCommands(stdout)).toEqual(['echo hello world', 'ls -la /tmp | head -3', 'pwd', 'exit']);
  }, 60_000);

  it("gives the shell its pty through python3's pty module when util-linux script is missing", async () => {
    const tools = [...freshDebian.filter((tool) => tool !== 'script'), 'python3'];
    const { exit, stdout, stderr } = await runDemo([], { PATH: pathWith(tools) });
    expect(exit, `stdout:\n${stdout}\nstderr:\n${stderr}`).toEqual({ code: 0, signal: null });
    expect(stdout).toContain('pty via python3');
    expect(timelineCommands(stdout)).toEqual(['echo hello world', 'ls -la /tmp | head -3', 'pwd', 'exit']);
  }, 60_000);

  it('--help lists the options and the target variables; a wrong option exits 2', async () => {
    const help = startConnectorProcess(['--help'], tmpdir());
    expect(await help.exit).toEqual({ code: 0, signal: null });
    for (const option of [
      '--port N',
      '--recordings DIR',
      '--state-dir DIR',
      '--ttl DURATION',
      '--demo',
      'TAPLINE_TARGET_HOST_KEY',
    ]) {
      expect(help.stdout()).toContain(option);
    }
    const wrong = startConnectorProcess(['--prot', '22'], tmpdir());
    expect(await wrong.exit).toEqual({ code: 2, signal: null });
    expect(wrong.stderr()).toContain("Unknown option '--prot'");
  }, 30_000);

  it('fails with exit 1 and a clear message when it cannot drive the client asked for', async () => {
    const { exit, stdout, stderr } = await runDemo(['--demo-client', 'openssh'], {
      PATH: '/usr/bin/missing',
    });
    expect(exit.code, stdout).toBe(1);
    expect(stderr).toMatch(/^demo FAILED: cannot drive OpenSSH here: no tmux, ssh \(OpenSSH client\)/m);
  }, 60_000);
});
