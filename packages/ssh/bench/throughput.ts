// SSH throughput: the same transfer through
//   (a) OpenSSH ssh -> sshd directly,
//   (b) a bare ssh2 relay (server + client, pipe(), no recording),
//   (c) the Tapline proxy with a no-op recorder (the proxy's own cost),
//   (d) the Tapline proxy recording with the real recorder and file sink,
// in one run, on the same sshd. Prints MiB/s (median of the runs), CPU per
// MiB (this process = the relay, incl. the recorder's thread pool; plus the
// client: ssh and wc), the ratios to (b), and the negotiated ciphers.
//
//   pnpm --filter @tapline/ssh bench [--mib 256] [--runs 3] [--source random|zero|file:PATH] [--cipher NAME] [--json]
// `--json` also prints the summary as one `BENCH_JSON {...}` line (the root harness, bench/run.ts, reads it).
// Needs what .ci/setup-ssh.sh installs; runs as root (it starts sshd).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedSession, SessionContext } from '@tapline/core';
import { createFileSink, createRecorder } from '@tapline/core';
import type { ClientChannel, ServerChannel } from 'ssh2';
import { createSshProxy, type SshProxy, sshCryptoInfo } from '../src/index.js';
import { ssh2 } from '../src/ssh2-runtime.js';
import { keygen, startSshd, TEST_USER } from '../test/helpers/sshd.js';

const argument = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
};
const MIB = 1024 * 1024;
const sizeMiB = Number(argument('mib', '256'));
const runs = Number(argument('runs', '3'));
const sourceKind = argument('source', 'random');
const cipher = argument('cipher', '');
/** `--cipher aes128-gcm@openssh.com` makes the OpenSSH client offer only that cipher. */
const cipherArgs = cipher === '' ? [] : ['-c', cipher];

interface Sample {
  seconds: number;
  relayCpu: number;
  clientCpu: number;
  bytes: number;
  cipher: string;
}

/**
 * Runs `ssh ... 'cat file' | wc -c` under bash's `time`, so the client CPU (ssh, and the tiny
 * reader) is measured; the clock runs from the first byte to the last, leaving the handshakes out.
 */
function transfer(
  sshArgs: string[],
  command: string,
): Promise<{ seconds: number; clientCpu: number; bytes: number; cipher: string }> {
  return new Promise((resolve, reject) => {
    const quoted = [...cipherArgs, ...sshArgs, command]
      .map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`)
      .join(' ');
    const script = [
      "TIMEFORMAT='CPU %3U %3S'",
      `time (ssh -v ${quoted} 2>ssh.log | { head -c 1 >/dev/null; date +%s.%N >&2; wc -c; date +%s.%N >&2; })`,
      "grep -m1 'server->client cipher' ssh.log >&2 || true",
    ].join('\n');
    const child = spawn('bash', ['-c', script], { cwd: workDirectory, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('close', (code) => {
      const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(stderr);
      const stamps = stderr.match(/^\d+\.\d+$/gm)?.map(Number) ?? [];
      const cipher = /server->client cipher: (\S+)/.exec(stderr)?.[1] ?? '?';
      if (code !== 0 || cpu === null || stamps.length !== 2) {
        reject(new Error(`transfer failed (${code}): ${stderr}`));
        return;
      }
      resolve({
        seconds: stamps[1]! - stamps[0]!,
        clientCpu: Number(cpu[1]) + Number(cpu[2]),
        bytes: Number(stdout.trim()) + 1,
        cipher,
      });
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const workDirectory = mkdtempSync(join(tmpdir(), 'tapline-ssh-bench-'));
chmodSync(workDirectory, 0o755);
/** `--source file:PATH` sends that (world-readable) file, which must be exactly `--mib` MiB. */
const payload = sourceKind.startsWith('file:')
  ? sourceKind.slice('file:'.length)
  : join(workDirectory, 'payload.bin');
if (!sourceKind.startsWith('file:')) {
  const fd = openSync(payload, 'w', 0o644);
  const block = sourceKind === 'zero' ? Buffer.alloc(MIB) : randomBytes(MIB);
  for (let index = 0; index < sizeMiB; index++) {
    // Fresh random blocks would cost minutes of CPU; a repeated 1 MiB random block is still incompressible for gzip's 32 KiB window.
    writeSync(fd, block);
  }
  closeSync(fd);
}

const sshd = await startSshd();
const targetKeyPath = join(sshd.directory, 'target_key');
const commonClient = [
  '-F',
  '/dev/null',
  '-o',
  'StrictHostKeyChecking=no',
  '-o',
  'UserKnownHostsFile=/dev/null',
  '-o',
  'BatchMode=yes',
  '-o',
  'IdentitiesOnly=yes',
  '-i',
  targetKeyPath,
];
const userKey = keygen(join(workDirectory, 'user_key'));
const proxyHostKey = keygen(join(workDirectory, 'proxy_host_key'));
const command = `cat ${payload}`;

// (b) The bare relay: ssh2 server in, ssh2 client out, pipe() both ways, nothing else.
function startBareRelay(): Promise<{ port: number; ciphers: string[]; close(): Promise<void> }> {
  const ciphers: string[] = [];
  const server = new ssh2.Server({ hostKeys: [proxyHostKey.privateKey] }, (connection) => {
    connection.on('error', () => {});
    (connection as unknown as { setNoDelay(value: boolean): void }).setNoDelay(true);
    connection.on('handshake', (negotiated) => ciphers.push(`client leg ${negotiated.cs.cipher}`));
    connection.on('authentication', (context) => context.accept());
    connection.on('ready', () => {
      const upstream = new ssh2.Client();
      upstream.on('error', () => {});
      upstream.on('handshake', (negotiated) => ciphers.push(`target leg ${negotiated.cs.cipher}`));
      const ready = new Promise<void>((resolve) => upstream.on('ready', () => resolve()));
      upstream.on('connect', () => upstream.setNoDelay(true));
      upstream.connect({
        host: '127.0.0.1',
        port: sshd.port,
        username: TEST_USER,
        privateKey: sshd.targetPrivateKey,
      });
      connection.on('close', () => upstream.end());
      connection.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec, _reject, info) => {
          const clientChannel: ServerChannel = acceptExec();
          void ready.then(() =>
            upstream.exec(info.command, (error, targetChannel: ClientChannel) => {
              if (error) return clientChannel.end();
              clientChannel.pipe(targetChannel);
              targetChannel.stderr.pipe(clientChannel.stderr, { end: false });
              targetChannel.on('data', (chunk: Buffer) => {
                if (!clientChannel.write(chunk)) targetChannel.pause();
              });
              clientChannel.on('drain', () => targetChannel.resume());
              targetChannel.on('exit', (code: number) => clientChannel.exit(code));
              targetChannel.on('close', () => clientChannel.end());
            }),
          );
        });
      });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        ciphers,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}

function noopRecorder(): { start(context: SessionContext): Promise<RecordedSession> } {
  let streams = 0;
  return {
    async start(context) {
      const controller = new AbortController();
      return {
        sessionId: `bench-${Date.now()}`,
        context,
        signal: controller.signal,
        now: () => 0,
        openStream: () => ++streams,
        closeStream() {},
        data() {},
        resize() {},
        command() {},
        query() {},
        apiCall() {},
        fileOperation() {},
        annotation() {},
        end: async (reason) => ({
          sessionId: 'bench',
          reason,
          frames: 0,
          bytesClientToTarget: 0,
          bytesTargetToClient: 0,
          commands: 0,
          queries: 0,
          apiCalls: 0,
          fileOperations: 0,
          streams,
          bytesNotRecorded: 0,
          durationNs: 0,
        }),
      };
    },
  };
}

async function startTapline(
  recording: boolean,
): Promise<{ proxy: SshProxy; port: number; ciphers: string[]; close(): Promise<void> }> {
  const ciphers: string[] = [];
  const recordings = join(workDirectory, 'recordings');
  const recorder = recording
    ? createRecorder({
        spool: { directory: join(workDirectory, 'spool') },
        sinks: [createFileSink({ directory: recordings })],
      })
    : undefined;
  const proxy = createSshProxy({
    hostKeys: [proxyHostKey.privateKey],
    recorder: recorder ?? noopRecorder(),
    authorize: (request) =>
      request.publicKey?.openssh === userKey.publicKey.split(' ').slice(0, 2).join(' ')
        ? {
            context: {
              user: { id: 'bench' },
              accessRequestId: 'ar-bench',
              resource: { id: 'r', type: 'ssh' },
            },
            target: {
              host: '127.0.0.1',
              port: sshd.port,
              username: TEST_USER,
              privateKey: sshd.targetPrivateKey,
              hostKey: sshd.hostPublicKey,
            },
          }
        : null,
    onEvent: (event) => {
      if (event.type === 'session_started')
        ciphers.push(`client leg ${event.clientCipher}`, `target leg ${event.targetCipher}`);
    },
  });
  const address = await proxy.listen(0, '127.0.0.1');
  return {
    proxy,
    port: address.port,
    ciphers,
    async close() {
      await proxy.close();
      if (recorder) {
        await recorder.idle();
        await recorder.close();
      }
      rmSync(recordings, { recursive: true, force: true });
      rmSync(join(workDirectory, 'spool'), { recursive: true, force: true });
    },
  };
}

async function measure(
  port: number,
  user: string,
  keyPath: string,
  ciphers: () => string[],
  recordedDelay?: () => Promise<void>,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let run = 0; run < runs; run++) {
    const cpuBefore = process.cpuUsage();
    const result = await transfer(
      [...commonClient.slice(0, -2), '-i', keyPath, '-p', String(port), `${user}@127.0.0.1`],
      command,
    );
    await recordedDelay?.();
    const cpu = process.cpuUsage(cpuBefore);
    if (result.bytes !== sizeMiB * MIB)
      throw new Error(`expected ${sizeMiB * MIB} bytes, got ${result.bytes}`);
    const legs = ciphers();
    samples.push({
      seconds: result.seconds,
      relayCpu: (cpu.user + cpu.system) / 1e6,
      clientCpu: result.clientCpu,
      bytes: result.bytes,
      cipher: legs.length > 0 ? [...new Set(legs)].join(', ') : result.cipher,
    });
  }
  return samples;
}

const rows: Array<{ name: string; samples: Sample[] }> = [];
try {
  // Warm-up (page cache, sshd, JIT).
  await transfer([...commonClient, '-p', String(sshd.port), `${TEST_USER}@127.0.0.1`], command);

  rows.push({
    name: '(a) OpenSSH direct',
    samples: await measure(sshd.port, TEST_USER, targetKeyPath, () => []),
  });
  rows[0]!.samples.forEach((sample) => {
    sample.relayCpu = 0;
  });

  const bare = await startBareRelay();
  rows.push({
    name: '(b) bare ssh2 relay',
    samples: await measure(bare.port, TEST_USER, targetKeyPath, () => bare.ciphers.splice(0)),
  });
  await bare.close();

  const proxyOnly = await startTapline(false);
  rows.push({
    name: '(c0) Tapline, no-op recorder',
    samples: await measure(proxyOnly.port, TEST_USER, join(workDirectory, 'user_key'), () =>
      proxyOnly.ciphers.splice(0),
    ),
  });
  await proxyOnly.close();

  const recording = await startTapline(true);
  rows.push({
    name: '(c) Tapline, recording',
    samples: await measure(recording.port, TEST_USER, join(workDirectory, 'user_key'), () =>
      recording.ciphers.splice(0),
    ),
  });
  await recording.close();
} finally {
  await sshd.stop();
  rmSync(workDirectory, { recursive: true, force: true });
}

const summary = rows.map(({ name, samples }) => {
  const mibPerSecond = median(samples.map((sample) => sizeMiB / sample.seconds));
  const relayMs = median(samples.map((sample) => (sample.relayCpu * 1000) / sizeMiB));
  const clientMs = median(samples.map((sample) => (sample.clientCpu * 1000) / sizeMiB));
  return { name, mibPerSecond, relayMs, clientMs, cipher: samples.at(-1)?.cipher ?? '?' };
});
const crypto = sshCryptoInfo();
console.log(
  `\nSSH throughput: ${sizeMiB} MiB of ${sourceKind} bytes via exec 'cat', median of ${runs} runs, client cipher ${cipher || 'OpenSSH default'}; ssh2 crypto: ${crypto.path}` +
    ` (binding ${crypto.nativeBinding ? 'loaded' : 'missing'}, cpu-features ${crypto.cpuFeatures ? 'loaded' : 'missing'})\n`,
);
console.log('| mode | MiB/s | relay CPU ms/MiB | client CPU ms/MiB | total CPU ms/MiB | cipher |');
console.log('| --- | ---: | ---: | ---: | ---: | --- |');
for (const row of summary) {
  console.log(
    `| ${row.name} | ${row.mibPerSecond.toFixed(0)} | ${row.relayMs.toFixed(2)} | ${row.clientMs.toFixed(2)} | ${(row.relayMs + row.clientMs).toFixed(2)} | ${row.cipher} |`,
  );
}
const bare = summary.find((row) => row.name.startsWith('(b)'));
const recorded = summary.find((row) => row.name.startsWith('(c)'));
const proxyOnlyRow = summary.find((row) => row.name.startsWith('(c0)'));
if (bare && recorded && proxyOnlyRow) {
  console.log(
    `\nc/b throughput ${(recorded.mibPerSecond / bare.mibPerSecond).toFixed(2)}, c/b relay CPU per MiB ${(recorded.relayMs / bare.relayMs).toFixed(2)}; ` +
      `c0/b throughput ${(proxyOnlyRow.mibPerSecond / bare.mibPerSecond).toFixed(2)}, c0/b relay CPU per MiB ${(proxyOnlyRow.relayMs / bare.relayMs).toFixed(2)}`,
  );
}
if (process.argv.includes('--json')) {
  console.log(`BENCH_JSON ${JSON.stringify({ sizeMiB, runs, source: sourceKind, crypto, summary })}`);
}
