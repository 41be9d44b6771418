// docs/getting-started.md runs as written: every code block with a file name
// (```js title="connector.mjs"```) is written out and run, against a real
// OpenSSH server as the target and the real `ssh` as the user. The workspace
// stands in for the guide's `npm install` (the packed tarballs are installed
// with npm by scripts/pack-check.sh); the blocks themselves are not edited.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, until } from '../packages/ssh/test/helpers/processes.js';
import { type Sshd, startSshd, TEST_USER } from '../packages/ssh/test/helpers/sshd.js';

const root = join(import.meta.dirname, '..');
const guide = readFileSync(join(root, 'docs/getting-started.md'), 'utf8');
const TOKEN = 'a-one-time-token-4f2a';

function namedBlocks(markdown: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const match of markdown.matchAll(/```\w+ title="([^"]+)"\n([\s\S]*?)```/g)) {
    blocks.set(match[1]!, match[2]!);
  }
  return blocks;
}

interface Connector {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

describe('docs/getting-started.md', () => {
  const blocks = namedBlocks(guide);
  let sshd: Sshd;
  // Inside the example connector's package, so @tapline/* resolve from the workspace.
  let directory: string;
  let env: NodeJS.ProcessEnv;

  const startConnector = async (): Promise<Connector> => {
    const child = spawn('node', ['connector.mjs'], {
      cwd: directory,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await until(() => output.includes('listening on') || child.exitCode !== null, 30_000, 'the connector');
    const port = /listening on [\d.]+:(\d+)/.exec(output)?.[1];
    if (!port) throw new Error(`connector did not start: ${output}`);
    env.PORT = port;
    return { child, output: () => output, exited };
  };

  beforeAll(async () => {
    sshd = await startSshd();
    directory = mkdtempSync(join(root, 'examples/ssh-connector/.getting-started-'));
    for (const [name, code] of blocks) writeFileSync(join(directory, name), code);
    writeFileSync(join(directory, 'deploy_key'), sshd.targetPrivateKey, { mode: 0o600 });
    // `ssh` as the user types it: the wrapper only answers the password prompt
    // with the token and trusts the host key the guide's fingerprint step checked.
    writeFileSync(
      join(directory, 'ssh'),
      `#!/bin/sh\nexec sshpass -p "$ACCESS_TOKEN" /usr/bin/ssh -o UserKnownHostsFile="${directory}/known_hosts" -o StrictHostKeyChecking=yes -o PubkeyAuthentication=no "$@"\n`,
    );
    chmodSync(join(directory, 'ssh'), 0o755);
    env = {
      ...process.env,
      PATH: `${directory}:${process.env.PATH}`,
      // The workspace's packages are TypeScript sources: tsx loads them.
      NODE_OPTIONS: '--conditions=source --import=tsx',
      TARGET_HOST: '127.0.0.1',
      TARGET_PORT: String(sshd.port),
      TARGET_USER: TEST_USER,
      TARGET_KEY_FILE: 'deploy_key',
      TARGET_HOST_KEY: sshd.hostPublicKey,
      ACCESS_TOKEN: TOKEN,
      PORT: '0',
    };
  }, 60_000);

  afterAll(async () => {
    await sshd?.stop();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('has the blocks the guide walks through', () => {
    expect([...blocks.keys()]).toEqual([
      'make-host-key.mjs',
      'fingerprint.sh',
      'connector.mjs',
      'connect.sh',
      'read.sh',
    ]);
    expect(guide).not.toMatch(/lookUpGrant|deployKey/);
  });

  it('makes a host key whose fingerprint is the one ssh is shown; records a session; revokes one; reads them back', async () => {
    const made = await run('bash', ['fingerprint.sh'], { cwd: directory, env });
    expect(made.code, made.stderr.toString()).toBe(0);
    const fingerprint = /SHA256:[A-Za-z0-9+/]+/.exec(made.stdout.toString())?.[0];
    expect(fingerprint).toBeDefined();
    expect(readdirSync(directory)).toContain('host_key');

    // First run: the user connects with the token and runs a command.
    const first = await startConnector();
    const scanned = execFileSync('ssh-keyscan', ['-p', env.PORT!, '-t', 'ed25519', '127.0.0.1'], {
      encoding: 'utf8',
    });
    writeFileSync(join(directory, 'known_hosts'), scanned);
    const seen = execFileSync('ssh-keygen', ['-lf', join(directory, 'known_hosts')], { encoding: 'utf8' });
    expect(seen).toContain(fingerprint!);

    const connected = await run('bash', ['connect.sh'], { cwd: directory, env, timeoutMs: 30_000 });
    expect(connected.code, connected.stderr.toString()).toBe(0);
    expect(connected.stdout.toString()).toMatch(/^hello from \S+\n/);
    expect(connected.stdout.toString()).toContain(`${TEST_USER}\n`);
    // The token opens one connection only.
    const reused = await run('bash', ['connect.sh'], { cwd: directory, env, timeoutMs: 30_000 });
    expect(reused.code).not.toBe(0);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toMatch(/ended: client_closed[\s\S]*stopped/);

    // Second run: a live session, then the access system revokes the grant.
    const second = await startConnector();
    const live = spawn('ssh', ['-p', env.PORT!, 'alice@127.0.0.1', 'sleep 60'], { cwd: directory, env });
    const liveExit = new Promise<number | null>((resolve) => live.once('exit', resolve));
    await until(() => second.output().includes('started'), 20_000, 'the live session');
    second.child.kill('SIGUSR2');
    expect(await liveExit).not.toBe(0);
    await until(() => second.output().includes('ended: revoked'), 20_000, 'the revoked session');
    expect(second.output()).toContain('revoked 1 session(s)');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    // Four npx runs of the CLI: give a loaded machine room (scripts/soak.sh).
    const read = await run('bash', ['read.sh'], {
      cwd: directory,
      env: { ...env, NODE_OPTIONS: '' },
      timeoutMs: 120_000,
    });
    const printed = read.stdout.toString();
    expect(read.code, `${printed}\n${read.stderr}`).toBe(0);
    expect(printed.match(/^OK /gm)).toHaveLength(2);
    expect(printed).toContain('Alice');
    expect(printed).toContain('Grace');
    expect(printed).toContain('Production break-glass');
    expect(printed).toContain('revoked');
    const events = readFileSync(join(directory, 'events.jsonl'), 'utf8');
    expect(events).toContain('recording.delivered');
    expect(events).not.toContain(TOKEN);
  }, 300_000);
});
