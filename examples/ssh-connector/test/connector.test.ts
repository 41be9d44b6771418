// The example connector exactly as a person runs it (the real entry point, in
// a child process, in a fresh directory), driven by the real OpenSSH client.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { verifyRecording } from '@tapline/frames';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  framesOf,
  freePort,
  haveOpenSsh,
  quote,
  type RunningConnector,
  startConnectorProcess,
  startSshd,
  startTmux,
  TEST_USER,
  until,
} from './helpers.js';

type Json = Record<string, unknown>;

/** The `tapline` command of the workspace (@tapline/cli). */
const TAPLINE_CLI = resolve(import.meta.dirname, '../../../packages/cli/bin/tapline.mjs');

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function workDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'tapline-example-'));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

function start(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): RunningConnector {
  const connector = startConnectorProcess(args, cwd, env);
  cleanups.push(async () => {
    connector.kill('SIGTERM'); // graceful when still running (a no-op once it exited)
    const timer = setTimeout(() => connector.kill('SIGKILL'), 10_000);
    await connector.exit;
    clearTimeout(timer);
  });
  return connector;
}

/** The printed ssh command, as argv, with the options a test wants in front of the destination. */
async function printedSsh(connector: RunningConnector): Promise<{ ssh: string[]; token: string }> {
  const command = await connector.waitFor(/^ {2}(ssh -p \d+ -o UserKnownHostsFile=\S+ demo@127\.0\.0\.1)$/m);
  const token = await connector.waitFor(/^ {2}password: (tl-\S+)$/m);
  const [program, ...rest] = command[1]!.split(' ');
  // -F /dev/null: not this machine's ~/.ssh/config; StrictHostKeyChecking=yes: the printed known_hosts must pin the key.
  return {
    ssh: [program!, '-F', '/dev/null', '-o', 'StrictHostKeyChecking=yes', '-o', 'LogLevel=ERROR', ...rest],
    token: token[1]!,
  };
}

/** An interactive shell (`ssh -tt`) through the connector, once the demo target's prompt shows. */
async function openShell(ssh: string[], token: string) {
  const client = spawn('sshpass', ['-p', token, ...ssh.slice(0, -1), '-tt', ssh.at(-1)!], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  cleanups.push(() => client.kill('SIGKILL'));
  let output = '';
  client.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await until(() => (/tapline-demo:~[#$] ?$/m.test(output) ? true : undefined), 20_000, 'the prompt');
  return { client, seen: () => output };
}

/** Command texts in a recording or spool file; [] while it is unreadable (a torn tail). */
async function commandsIn(path: string): Promise<string[]> {
  try {
    return (await framesOf(path))
      .filter((frame) => frame.command)
      .map((frame) => String((frame.command as Json).text));
  } catch {
    return [];
  }
}

function withTarget(ssh: string[], ...command: string[]): string[] {
  return [...ssh, ...command];
}

function runSsh(token: string, argv: string[], input = '') {
  return spawnSync('sshpass', ['-p', token, ...argv], { input, encoding: 'utf8', timeout: 30_000 });
}

describe('examples/ssh-connector with OpenSSH', () => {
  beforeAll(() => {
    const missing = haveOpenSsh();
    if (missing) throw new Error(missing);
  });

  it('records an interactive session typed in a real pty: edited line, resize, exit; the recording verifies', async () => {
    const directory = workDirectory();
    const connector = start(['--port', '0'], directory);
    const { ssh, token } = await printedSsh(connector);
    const hostKeyFile = join(directory, '.tapline', 'host_key');
    expect(statSync(hostKeyFile).mode & 0o777).toBe(0o600);

    const terminal = startTmux(['sshpass', '-p', token, ...ssh].map(quote).join(' '), 100, 30);
    cleanups.push(() => terminal.kill());
    // The demo target's PS1 is user@tapline-demo:DIR$ . Each command is typed once the prompt is
    // back, as a person does (keys typed ahead of the prompt would land before it on the screen).
    const prompt = (cwd: string) => `\\S+@tapline-demo:${cwd}[#$] ?$`;
    await terminal.waitFor(new RegExp(prompt('~'), 'm'));
    terminal.type('echo helo');
    terminal.keys('BSpace');
    terminal.type('lo world');
    terminal.keys('Enter');
    await terminal.waitFor(new RegExp(`^hello world\\n${prompt('~')}`, 'm'));
    await terminal.resize(120, 40);
    terminal.type('stty size');
    terminal.keys('Enter');
    await terminal.waitFor(new RegExp(`^40 120\\n${prompt('~')}`, 'm'));
    terminal.type('cd /tmp && pwd');
    terminal.keys('Enter');
    await terminal.waitFor(new RegExp(`^/tmp\\n${prompt('/tmp')}`, 'm'));
    terminal.type('exit');
    terminal.keys('Enter');
    expect(await until(() => terminal.exitStatus(), 15_000, 'ssh to exit')).toBe(0);

    const started = await connector.waitFor(
      /session (\S+) started: demo from \S+, access request (ar-demo-\S+)/,
    );
    const delivered = await connector.waitFor(/recording delivered: (\S+\.tapline) \((\d+) bytes\)/);
    const inspect = await connector.waitFor(/inspect it: (.+ inspect \S+)$/m);
    const sessionId = started[1]!;
    const path = resolve(directory, delivered[1]!);
    expect(path).toBe(join(directory, 'recordings', `${sessionId}.tapline`));
    expect(inspect[1]).toContain(`recordings/${sessionId}.tapline`);

    const report = await verifyRecording(createReadStream(path));
    expect(report).toMatchObject({ intact: true, complete: true, sessionId, error: undefined });

    const frames = await framesOf(path);
    const header = frames[0]!.sessionStart as Json;
    const grant = header.grant as Json;
    expect(grant).toMatchObject({
      user: { id: 'user-demo', name: 'demo' },
      accessRequestId: started[2],
      accessRequestStatus: 'approved',
      accessFlow: { id: 'af-demo' },
      resource: { type: 'ssh_server' },
    });
    expect((grant.approvers as Json[])[0]).toMatchObject({ id: 'u-approver-1' });
    const expiresIn = Number(grant.expiresAtUnixMs) - Number(header.startedAtUnixMs);
    expect(expiresIn).toBeGreaterThan(59 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(60 * 60_000 + 1000);

    const commands = frames.filter((frame) => frame.command).map((frame) => (frame.command as Json).text);
    expect(commands).toEqual(['echo hello world', 'stty size', 'cd /tmp && pwd', 'exit']);
    const resizes = frames.filter((frame) => frame.resize).map((frame) => frame.resize as Json);
    expect(resizes).toContainEqual(expect.objectContaining({ cols: 120, rows: 40 }));
    expect(frames.at(-1)!.sessionEnd).toMatchObject({ reason: 'END_REASON_CLIENT_CLOSED' });

    // The token (a secret typed at login) is in neither the recording nor the metadata.
    const events = readFileSync(join(directory, 'recordings', 'events.jsonl'), 'utf8');
    expect(readFileSync(path).includes(Buffer.from(token))).toBe(false);
    expect(events.includes(token)).toBe(false);
    const types = events
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; sessionId: string })
      .filter((event) => event.sessionId === sessionId)
      .map((event) => event.type);
    expect(types).toEqual(['session.started', 'session.ended', 'recording.delivered']);

    // The printed inspect command (the tapline CLI) works from where the connector was started.
    const [node, launcher, , file] = inspect[1]!.split(' ');
    expect(node).toBe('node'); // outside the workspace: node <repo>/packages/cli/bin/tapline.mjs inspect <path>
    const timeline = execFileSync(process.execPath, [launcher!, 'inspect', file!], {
      cwd: directory,
      encoding: 'utf8',
    });
    expect(timeline).toMatch(/\[1\] \$ echo hello world \(terminal echo\)$/m);
    expect(timeline).toMatch(/^Recording {4}complete, intact$/m);
  }, 60_000);

  it('a token opens one connection; exec keeps stdout, stderr and the exit status; sftp works', async () => {
    const directory = workDirectory();
    const connector = start(['--port', '0'], directory);
    const { ssh, token } = await printedSsh(connector);

    const exec = runSsh(token, withTarget(ssh, 'echo out; echo err >&2; exit 7'));
    expect(exec.status).toBe(7);
    expect(exec.stdout).toBe('out\n');
    expect(exec.stderr).toContain('err\n');
    const next = (await connector.waitFor(/next one-time token \(for a new connection\): (tl-\S+)/))[1]!;
    expect(next).not.toBe(token);

    const reused = runSsh(token, withTarget(ssh, 'true'));
    expect(reused.status).not.toBe(0);
    await connector.waitFor(/login refused for demo from \S+: wrong or used token/);

    const upload = join(directory, 'uploaded.txt');
    const sftpArgs = ssh
      .map((arg) => (arg === '-p' ? '-P' : arg))
      .filter((arg) => arg !== '-F' && arg !== '/dev/null');
    const sftp = runSsh(
      next,
      ['sftp', '-F', '/dev/null', ...sftpArgs.slice(1)],
      `put /etc/hostname ${upload}\n`,
    );
    expect(sftp.status, sftp.stderr).toBe(0);
    expect(readFileSync(upload, 'utf8')).toBe(readFileSync('/etc/hostname', 'utf8'));

    const delivered = await connector.waitFor(
      /recording delivered: (\S+\.tapline)[\s\S]*recording delivered: (\S+\.tapline)/,
    );
    const execFrames = await framesOf(resolve(directory, delivered[1]!));
    expect(execFrames.find((frame) => frame.command)?.command).toMatchObject({
      text: 'echo out; echo err >&2; exit 7',
      source: 'exec',
    });
    expect(execFrames.find((frame) => frame.streamClose)?.streamClose).toMatchObject({ exitStatus: 7 });
    const sftpFrames = await framesOf(resolve(directory, delivered[2]!));
    expect(sftpFrames.map((frame) => frame.fileOperation).filter(Boolean)).toContainEqual(
      expect.objectContaining({ kind: 'FILE_OPERATION_KIND_OPEN', path: upload }),
    );

    // pino JSON log lines (default <state-dir>/connector.log): every line parses, the proxy's and the
    // recorder's events of the exec session are there with pino's fields; no token is ever logged.
    const logPath = join(directory, '.tapline', 'connector.log');
    expect(statSync(logPath).mode & 0o777).toBe(0o600);
    const logText = readFileSync(logPath, 'utf8');
    const logged = logText
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Json);
    const execSession = /([0-9a-f-]{36})\.tapline$/.exec(delivered[1]!)![1]!;
    const of = (msg: string) => logged.find((line) => line.msg === msg && line.sessionId === execSession);
    expect(of('ssh.session_started')).toMatchObject({
      level: 30,
      name: 'tapline-example-ssh-connector',
      pid: connector.child.pid,
      time: expect.any(Number),
      username: 'demo',
    });
    expect(of('ssh.session_ended')).toMatchObject({ level: 30, reason: 'client_closed' });
    expect(of('session.started')).toMatchObject({ level: 30 });
    expect(of('recording.delivered')).toMatchObject({ level: 30, complete: true });
    // The reused token was a failed login: a warning.
    expect(logged).toContainEqual(
      expect.objectContaining({ level: 40, msg: 'ssh.auth_failed', username: 'demo' }),
    );
    expect(logText).not.toContain(token);
    expect(logText).not.toContain(next);
  }, 60_000);

  it('--metrics-port serves Prometheus text that moves with a session (OpenTelemetry through @tapline/core)', async () => {
    const directory = workDirectory();
    const metricsPort = await freePort();
    const connector = start(['--port', '0', '--metrics-port', String(metricsPort)], directory);
    const { ssh, token } = await printedSsh(connector);
    const url = (await connector.waitFor(/^Metrics: (http:\/\/\S+)$/m))[1]!;
    expect(url).toBe(`http://127.0.0.1:${metricsPort}/metrics`);
    const scrape = async () => {
      const text = await (await fetch(url)).text();
      const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
      return {
        active: value(/^tapline_sessions_active(?:\{[^}]*\})? (\d+)/m),
        bytes: value(/^tapline_recorded_bytes\w*\{[^}]*protocol="ssh"[^}]*\} (\d+)/m),
        segments: value(/^tapline_segments_spooled\w*(?:\{[^}]*\})? (\d+)/m),
        text,
      };
    };
    const before = await scrape();
    expect(before.active, before.text).toBe(0);

    const { client, seen } = await openShell(ssh, token);
    client.stdin!.write('head -c 20000 /dev/zero | tr "\\0" x; echo\r');
    await until(() => (seen().includes('x'.repeat(20000)) ? true : undefined), 10_000, 'the output');
    const during = await scrape();
    expect(during.active, during.text).toBe(1);
    expect(during.bytes).toBeGreaterThan(20_000);

    client.stdin!.write('exit\r');
    await connector.waitFor(/recording delivered/);
    const after = await scrape();
    expect(after.active).toBe(0);
    expect(after.bytes).toBeGreaterThanOrEqual(during.bytes);
    expect(after.segments).toBeGreaterThan(0);
  }, 60_000);

  it('--watch-socket: `tapline watch` lists the live session and follows it in tmux from its current screen', async () => {
    const directory = workDirectory();
    const socket = join(directory, 'watch.sock');
    const connector = start(['--port', '0', '--watch-socket', socket], directory);
    const { ssh, token } = await printedSsh(connector);
    await connector.waitFor(/^Watch: .*tapline watch --socket/m);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    const tapline = [process.execPath, TAPLINE_CLI];
    const { client, seen } = await openShell(ssh, token);
    client.stdin!.write('echo before-watch-$((6*7))\r');
    await until(() => (seen().includes('before-watch-42') ? true : undefined), 10_000, 'the first output');

    const listed = spawnSync(tapline[0]!, [...tapline.slice(1), 'watch', '--socket', socket], {
      encoding: 'utf8',
    });
    expect(listed.status, listed.stderr).toBe(0);
    const sessionId = /^([0-9a-f-]{36})\s+ssh\s+/m.exec(listed.stdout)?.[1];
    expect(sessionId, listed.stdout).toBeDefined();

    const viewer = startTmux(
      [...tapline, 'watch', '--socket', socket, sessionId!].map(quote).join(' '),
      100,
      30,
    );
    cleanups.push(() => viewer.kill());
    // Drawn from the output kept before the viewer came: the earlier command is on its screen.
    await viewer.waitFor(/before-watch-42/);
    client.stdin!.write('echo live-$((6*9))-watched\r');
    await viewer.waitFor(/^live-54-watched$/m);
    client.stdin!.write('exit\r');
    await viewer.waitFor(/\[session ended\]/);
    expect(await until(() => viewer.exitStatus(), 10_000, 'the viewer to exit')).toBe(0);

    const missing = spawnSync(tapline[0]!, [...tapline.slice(1), 'watch', '--socket', socket, sessionId!], {
      encoding: 'utf8',
    });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('TAPLINE_ERR_WATCH_NO_SESSION');
  }, 60_000);

  it('a client that vanishes (ssh killed) leaves none of its processes running on the demo target', async () => {
    const directory = workDirectory();
    const connector = start(['--port', '0'], directory);
    const { ssh, token } = await printedSsh(connector);
    // A number no other process has: the shell's foreground job, looked up by its argv.
    const marker = String(4_000_000 + Math.floor(Math.random() * 1_000_000));
    const { client } = await openShell(ssh, token);
    client.stdin!.write(`sleep ${marker}\r`);
    const running = () => spawnSync('pgrep', ['-f', `^sleep ${marker}$`]).status === 0;
    await until(() => (running() ? true : undefined), 10_000, 'the command to run');
    // Both the sshpass wrapper and ssh itself die at once, as when a laptop lid closes.
    spawnSync('pkill', ['-KILL', '-f', `ssh .*-tt ${ssh.at(-1)}`]);
    await until(() => (running() ? undefined : true), 15_000, 'the target to hang up on the shell');
    await connector.waitFor(/session \S+ ended/);
  }, 60_000);

  it('after a crash (SIGKILL) the next start recovers the recording; SIGTERM tells the live user and delivers', async () => {
    const directory = workDirectory();
    const first = start(['--port', '0'], directory);
    const fingerprint = (await first.waitFor(/host key (SHA256:\S+) \(new\)/))[1];
    const login = await printedSsh(first);
    const crashed = startTmux(['sshpass', '-p', login.token, ...login.ssh].map(quote).join(' '));
    cleanups.push(() => crashed.kill());
    await crashed.waitFor(/[#$]\s*$/m);
    crashed.type('echo before-the-crash');
    crashed.keys('Enter');
    await crashed.waitFor(/^before-the-crash$/m);
    const lost = (await first.waitFor(/session (\S+) started/))[1]!;
    // Crash only once the command is in a spooled segment (<spool>/recordings/<id>/segments.tapline,
    // cut at least every 2 s): what a crash can lose is the unspooled tail, by design.
    const spooled = join(directory, '.tapline', 'spool', 'recordings', lost, 'segments.tapline');
    await until(
      async () => ((await commandsIn(spooled)).includes('echo before-the-crash') ? true : undefined),
      20_000,
      'the spooled command',
    );
    first.kill('SIGKILL');
    await first.exit;

    // Same directory: the same host key, the spool recovered, the lock of the dead process taken over.
    const second = start(['--port', '0'], directory);
    await second.waitFor(/recovered {4}1 recording\(s\)/);
    expect((await second.waitFor(/host key (SHA256:\S+)$/m))[1]).toBe(fingerprint);
    const recovered = join(directory, 'recordings', `${lost}.tapline`);
    const deadline = Date.now() + 20_000;
    while (!existsSync(recovered) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const report = await verifyRecording(createReadStream(recovered));
    expect(report).toMatchObject({ intact: true, complete: false });
    expect(await commandsIn(recovered)).toContain('echo before-the-crash');
    const crashNote = (await framesOf(recovered)).map((frame) => frame.annotation as Json | undefined);
    expect(crashNote).toContainEqual(expect.objectContaining({ code: 'TAPLINE_ERR_RECORDER_CRASHED' }));

    const { ssh, token } = await printedSsh(second);
    const live = startTmux(['sshpass', '-p', token, ...ssh].map(quote).join(' '));
    cleanups.push(() => live.kill());
    await live.waitFor(/[#$]\s*$/m);
    const sessionId = (await second.waitFor(/session (\S+) started/))[1]!;
    second.kill('SIGTERM');
    await live.waitFor(/tapline: the proxy is shutting down; the session is closed/);
    expect(await second.exit).toEqual({ code: 0, signal: null });
    expect(second.stdout()).toContain(`session ${sessionId} ended (shutdown`);
    expect(second.stdout()).toMatch(/stopped\n$/);
    expect(existsSync(join(directory, '.tapline', 'connector.pid'))).toBe(false);
    const shutdown = await framesOf(join(directory, 'recordings', `${sessionId}.tapline`));
    expect(shutdown.at(-1)!.sessionEnd).toMatchObject({ reason: 'END_REASON_SHUTDOWN' });
  }, 60_000);

  it('proxies to a real sshd from TAPLINE_TARGET_*, with the target host key pinned', async () => {
    const sshd = await startSshd();
    if (sshd.reason !== undefined) throw new Error(`${sshd.reason}: run "bash .ci/setup-ssh.sh" as root`);
    cleanups.push(() => sshd.stop());
    const directory = workDirectory();
    const env = {
      TAPLINE_TARGET_HOST: '127.0.0.1',
      TAPLINE_TARGET_PORT: String(sshd.port),
      TAPLINE_TARGET_USER: TEST_USER,
      TAPLINE_TARGET_KEY: sshd.clientKeyFile,
      TAPLINE_TARGET_HOST_KEY: sshd.hostKeyFile,
    };
    const connector = start(['--port', '0'], directory, env);
    await connector.waitFor(new RegExp(`target {7}${TEST_USER}@127\\.0\\.0\\.1:${sshd.port}`));
    const { ssh, token } = await printedSsh(connector);
    const exec = runSsh(token, withTarget(ssh, 'id -un'));
    expect(exec.stdout).toBe(`${TEST_USER}\n`);
    expect(exec.status).toBe(0);
    const delivered = await connector.waitFor(/recording delivered: (\S+\.tapline)/);
    const frames = await framesOf(resolve(directory, delivered[1]!));
    expect(frames[0]!.sessionStart).toMatchObject({ target: `127.0.0.1:${sshd.port}` });

    // A wrong pin refuses the session: the user is told, nothing reaches the target.
    const wrongPin = start(['--port', '0', '--state-dir', 'other-state'], directory, {
      ...env,
      TAPLINE_TARGET_HOST_KEY: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    });
    const other = await printedSsh(wrongPin);
    const refused = runSsh(other.token, withTarget(other.ssh, 'id -un'));
    expect(refused.status).toBe(255);
    expect(refused.stderr).toContain('does not match the pinned key');
    expect(refused.stdout).toBe('');
  }, 60_000);

  it('refuses to start with a half-configured target and says what is missing', async () => {
    const directory = workDirectory();
    const connector = start(['--port', '0'], directory, {
      TAPLINE_TARGET_HOST: '127.0.0.1',
      TAPLINE_TARGET_USER: 'x',
    });
    expect(await connector.exit).toEqual({ code: 2, signal: null });
    expect(connector.stderr()).toContain(
      'set TAPLINE_TARGET_KEY (a private key file) or TAPLINE_TARGET_PASSWORD',
    );
  }, 30_000);
});
