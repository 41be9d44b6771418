// Holds N idle interactive SSH sessions open through a proxy running in a
// child process (bench/lib/idle-proxy.ts) and measures that process's RSS:
// before any session, and with all N shells open and idle.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'ssh2';
import { keygen, type Sshd, TEST_USER } from '../../packages/ssh/test/helpers/sshd.js';
import type { IdleProxyConfig } from './idle-proxy.js';
import { ssh2 } from './ssh2.js';

export interface IdleResult {
  sessions: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  perSessionKiB: number;
  openSeconds: number;
}

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startProxy(config: IdleProxyConfig): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(join(import.meta.dirname, 'idle-proxy.ts'), [], {
    execArgv: ['--conditions=source', '--import', 'tsx', '--expose-gc'],
    env: { ...process.env, TAPLINE_IDLE_PROXY: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`idle proxy exited with ${code}`)));
    child.on('message', (message: { type: string; port?: number }) => {
      if (message.type === 'ready') resolve({ child, port: message.port! });
    });
  });
}

async function rssOf(child: ChildProcess): Promise<{ rss: number; sessions: number }> {
  child.send({ type: 'rss' });
  for (;;) {
    const [message] = (await once(child, 'message')) as [{ type: string; rss: number; sessions: number }];
    if (message.type === 'rss') return message;
  }
}

/** Opens one pty shell and waits for the prompt. */
async function openShell(port: number, privateKey: Buffer): Promise<Client> {
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve).once('error', reject);
    client.connect({ host: '127.0.0.1', port, username: TEST_USER, privateKey, readyTimeout: 60_000 });
  });
  await new Promise<void>((resolve, reject) => {
    client.shell({ term: 'xterm', cols: 120, rows: 40 }, (error, channel) => {
      if (error) return reject(error);
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/\$ $/.test(output)) {
          channel.off('data', onData);
          channel.on('data', () => {});
          resolve();
        }
      };
      channel.on('data', onData);
      channel.stderr.resume();
    });
  });
  client.on('error', () => {});
  return client;
}

/**
 * Opens `count` idle shells through a proxy of `kind` in front of `sshd`,
 * `concurrency` handshakes at a time, and measures the proxy's RSS.
 */
export async function measureIdleSessions(
  sshd: Sshd,
  kind: 'tapline' | 'bare',
  count: number,
  concurrency = 16,
): Promise<IdleResult> {
  const directory = mkdtempSync(join(tmpdir(), 'tapline-idle-'));
  const hostKey = keygen(join(directory, 'proxy_host_key'));
  const userKey = keygen(join(directory, 'user_key'));
  const privateKey = readFileSync(join(directory, 'user_key'));
  const clients: Client[] = [];
  let child: ChildProcess | undefined;
  try {
    const proxy = await startProxy({
      kind,
      hostKey: hostKey.privateKey,
      userPublicKey: userKey.publicKey.split(' ').slice(0, 2).join(' '),
      target: {
        host: '127.0.0.1',
        port: sshd.port,
        username: TEST_USER,
        privateKey: sshd.targetPrivateKey,
        hostKey: sshd.hostPublicKey,
      },
      directory: join(directory, 'recorder'),
    });
    child = proxy.child;
    const port = proxy.port;
    // One session first, closed again: code paths loaded and JIT-warmed before the baseline.
    (await openShell(port, privateKey)).end();
    await sleep(500);
    const before = await rssOf(child);
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next++;
        clients.push(await openShell(port, privateKey));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    const openSeconds = (performance.now() - started) / 1000;
    // Let the sessions settle (the first segments spooled, timers run), then measure.
    await sleep(3000);
    const after = await rssOf(child);
    if (kind === 'tapline' && after.sessions < count)
      throw new Error(`only ${after.sessions} of ${count} sessions are live in the proxy`);
    return {
      sessions: count,
      rssBeforeMiB: before.rss / MiB,
      rssAfterMiB: after.rss / MiB,
      perSessionKiB: (after.rss - before.rss) / 1024 / count,
      openSeconds,
    };
  } finally {
    for (const client of clients) client.end();
    await sleep(500);
    child?.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  }
}
