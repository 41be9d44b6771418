// Request latency and exec stdout throughput through the proxy vs straight to
// the test API server, in the same run (for exec, the proxy runs in a process
// of its own: bench/proxy-process.ts). `pnpm --filter @tapline/kube bench`
// (options: --requests=N, --exec-mib=N, --rounds=N, --recorder=memory|null|file, --json).
// `--json` also prints the figures as one `BENCH_JSON {...}` line (the root harness, bench/run.ts, reads it).
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as tls from 'node:tls';
import { Pool } from 'undici';
import { RemoteCommandDecoder, WebSocketParser } from '../src/index.js';
import { CONNECTOR_TOKEN, startHarness, USER_TOKEN } from '../test/harness.js';
import type { ProxyProcessMessage, ProxyProcessSetup } from './proxy-process.js';
import { type BenchRecorderKind, benchPolicy, makeRecorder } from './setup.js';

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value ?? 'true'];
  }),
);
const requests = Number(args.requests ?? 2000);
const rounds = Number(args.rounds ?? 5);
const execMiB = Number(args['exec-mib'] ?? 256);
const recorderKind = (args.recorder ?? 'null') as BenchRecorderKind;

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function timeRequests(pool: Pool, token: string, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    const { statusCode, body } = await pool.request({
      method: 'GET',
      path: '/api/v1/namespaces/default/pods/web',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    await body.arrayBuffer();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (statusCode !== 200) throw new Error(`status ${statusCode}`);
  }
  return samples;
}

/** Runs `head -c N /dev/zero` over a v5 exec WebSocket; returns stdout bytes and seconds. */
async function execThroughput(
  url: string,
  ca: string,
  token: string,
  bytes: number,
): Promise<{ bytes: number; seconds: number; exitCode?: number }> {
  const target = new URL(url);
  const socket = tls.connect({ host: target.hostname, port: Number(target.port), ca });
  await new Promise((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  socket.setNoDelay(true);
  const start = process.hrtime.bigint();
  socket.write(
    `GET /api/v1/namespaces/default/pods/web/exec?command=head&command=-c&command=${bytes}&command=%2Fdev%2Fzero&stdout=true HTTP/1.1\r\nHost: ${target.host}\r\nAuthorization: Bearer ${token}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n`,
  );
  return new Promise((resolve, reject) => {
    let headerDone = false;
    let pending = Buffer.alloc(0);
    let stdout = 0;
    const parser = new WebSocketParser({ from: 'server', maxFramePayload: 64 * 1024 * 1024 });
    const decoder = new RemoteCommandDecoder({ protocol: 'v5.channel.k8s.io' });
    socket.on('data', (chunk: Buffer) => {
      let data = chunk;
      if (!headerDone) {
        pending = Buffer.concat([pending, chunk]);
        const end = pending.indexOf('\r\n\r\n');
        if (end === -1) return;
        if (!pending.subarray(0, 12).toString().includes('101')) reject(new Error(pending.toString()));
        headerDone = true;
        data = pending.subarray(end + 4);
      }
      parser.parse(data, (frame) =>
        decoder.frame(frame, (message) => {
          if (message.name === 'data' && message.channel === 1) stdout += message.data.byteLength;
          if (message.name === 'status') {
            const seconds = Number(process.hrtime.bigint() - start) / 1e9;
            socket.destroy();
            resolve({
              bytes: stdout,
              seconds,
              ...(message.exitCode !== undefined ? { exitCode: message.exitCode } : {}),
            });
          }
        }),
      );
    });
    socket.on('error', reject);
  });
}

/** A proxy in a process of its own (bench/proxy-process.ts), and its CPU time on demand. */
interface ProxyProcess {
  url: string;
  /** The bare TLS pass-through beside it. */
  passthroughUrl: string;
  /** CPU time of the proxy process so far, ms. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

async function startProxyProcess(setup: ProxyProcessSetup): Promise<ProxyProcess> {
  const child: ChildProcess = fork(new URL('./proxy-process.ts', import.meta.url).pathname, [], {
    execArgv: process.execArgv,
    env: { ...process.env, TAPLINE_BENCH_PROXY: JSON.stringify(setup) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends ProxyProcessMessage['type']>(
    type: T,
  ): Promise<Extract<ProxyProcessMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: ProxyProcessMessage): void => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as Extract<ProxyProcessMessage, { type: T }>);
      };
      const onExit = (code: number | null): void => {
        child.off('message', onMessage);
        reject(new Error(`the proxy process exited (${code}) before sending ${type}`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = await next('ready');
  return {
    url: ready.url,
    passthroughUrl: ready.passthroughUrl,
    async cpuMs() {
      const reply = next('cpu');
      child.send('cpu');
      const { userMicros, systemMicros } = await reply;
      return (userMicros + systemMicros) / 1000;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
    },
  };
}

async function main(): Promise<void> {
  // Latency: the proxy in this process, beside the client and the test API
  // server, so a request's added time is the proxy's own work, not the OS
  // waking another process (which any proxy pays, and which would be most of
  // the 0.1 ms measured here). Throughput: the proxy in a process of its own,
  // as a connector runs it; on a shared event loop the proxy, the client and
  // the API server would take turns on one core.
  const recorder = makeRecorder(recorderKind);
  const h = await startHarness({}, recorder);
  // The same proxy with a policy, against its own copy of the test API server, timed in the same rounds.
  const policyRecorder = makeRecorder(recorderKind);
  const withPolicy = await startHarness({ policy: benchPolicy }, policyRecorder);
  const proxyProcess = await startProxyProcess({
    tls: { key: h.pki.serverKey, cert: h.pki.serverCert },
    upstream: { url: h.api.url, ca: h.pki.ca, token: CONNECTOR_TOKEN },
    grants: { [USER_TOKEN]: 'alice@example.com' },
    recorder: recorderKind,
  });
  const direct = new Pool(h.api.url, { connections: 1, connect: { ca: h.pki.ca } });
  const proxied = new Pool(h.proxy.url, { connections: 1, connect: { ca: h.pki.ca } });
  const policed = new Pool(withPolicy.proxy.url, { connections: 1, connect: { ca: withPolicy.pki.ca } });
  try {
    // Warm up every path (TLS, JIT, the session).
    await timeRequests(direct, CONNECTOR_TOKEN, 300);
    await timeRequests(proxied, USER_TOKEN, 300);
    await timeRequests(policed, USER_TOKEN, 300);
    const directSamples: number[] = [];
    const proxySamples: number[] = [];
    const policySamples: number[] = [];
    const perRound = Math.ceil(requests / rounds);
    for (let round = 0; round < rounds; round++) {
      directSamples.push(...(await timeRequests(direct, CONNECTOR_TOKEN, perRound)));
      proxySamples.push(...(await timeRequests(proxied, USER_TOKEN, perRound)));
      policySamples.push(...(await timeRequests(policed, USER_TOKEN, perRound)));
    }
    directSamples.sort((a, b) => a - b);
    proxySamples.sort((a, b) => a - b);
    policySamples.sort((a, b) => a - b);
    const row = (name: string, s: number[]): string =>
      `${name.padEnd(22)} p50 ${percentile(s, 50).toFixed(3)} ms   p99 ${percentile(s, 99).toFixed(3)} ms   (${s.length} requests)`;
    console.log(`GET pod (keep-alive, sequential), recorder=${recorderKind}`);
    console.log(row('direct', directSamples));
    console.log(row('through the proxy', proxySamples));
    console.log(
      `added                  p50 ${(percentile(proxySamples, 50) - percentile(directSamples, 50)).toFixed(3)} ms   p99 ${(percentile(proxySamples, 99) - percentile(directSamples, 99)).toFixed(3)} ms`,
    );
    console.log(row('proxy with a policy', policySamples));
    console.log(
      `added by the policy    p50 ${(percentile(policySamples, 50) - percentile(proxySamples, 50)).toFixed(3)} ms   p99 ${(percentile(policySamples, 99) - percentile(proxySamples, 99)).toFixed(3)} ms`,
    );

    const exec = execMiB > 0 ? await measureExec(h, proxyProcess) : undefined;
    if (args.json === 'true') {
      const latency = (s: number[]) => ({ p50: percentile(s, 50), p99: percentile(s, 99), count: s.length });
      console.log(
        `BENCH_JSON ${JSON.stringify({
          recorder: recorderKind,
          direct: latency(directSamples),
          proxy: latency(proxySamples),
          policy: latency(policySamples),
          execMiB,
          ...exec,
        })}`,
      );
    }
  } finally {
    await direct.close();
    await proxied.close();
    await policed.close();
    await proxyProcess.stop();
    await h.close();
    await withPolicy.close();
    await recorder.close?.();
    await policyRecorder.close?.();
  }
}

/** exec stdout throughput, direct / TLS pass-through / proxy, in turns (`--exec-mib=0` skips it). */
async function measureExec(
  h: Awaited<ReturnType<typeof startHarness>>,
  proxyProcess: ProxyProcess,
): Promise<Record<string, number>> {
  const bytes = execMiB * 1024 * 1024;
  // In turns, each run: straight to the API server, through the bare TLS
  // pass-through, through the proxy (the last two with the CPU time of their process).
  const paths = [
    { name: 'direct', url: h.api.url, token: CONNECTOR_TOKEN, process: false },
    { name: 'TLS pass-through', url: proxyProcess.passthroughUrl, token: CONNECTOR_TOKEN, process: true },
    { name: 'through the proxy', url: proxyProcess.url, token: USER_TOKEN, process: true },
  ];
  const mibps = paths.map((): number[] => []);
  const cpuMsPerMiB = paths.map((): number[] => []);
  for (let run = 0; run < 3; run++) {
    for (const [index, path] of paths.entries()) {
      const cpuBefore = path.process ? await proxyProcess.cpuMs() : 0;
      const result = await execThroughput(path.url, h.pki.ca, path.token, bytes);
      if (path.process) cpuMsPerMiB[index]!.push(((await proxyProcess.cpuMs()) - cpuBefore) / execMiB);
      if (result.bytes !== bytes || result.exitCode !== 0)
        throw new Error(`exec ${path.name}: ${result.bytes} bytes of ${bytes}, exit ${result.exitCode}`);
      mibps[index]!.push(bytes / 1048576 / result.seconds);
    }
  }
  const median = (values: number[]): number =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const [directMiBps, passthroughMiBps, proxyMiBps] = mibps.map(median) as [number, number, number];
  const [, passthroughCpu, proxyCpu] = cpuMsPerMiB.map((values) => (values.length ? median(values) : 0));
  console.log(
    `\nexec stdout, head -c ${execMiB}M /dev/zero, v5.channel.k8s.io (median of 3; relays in their own process)`,
  );
  console.log(`direct                 ${directMiBps.toFixed(0)} MiB/s`);
  console.log(
    `TLS pass-through       ${passthroughMiBps.toFixed(0)} MiB/s   (${(passthroughMiBps / directMiBps).toFixed(2)}× direct); CPU ${passthroughCpu!.toFixed(2)} ms/MiB`,
  );
  console.log(
    `through the proxy      ${proxyMiBps.toFixed(0)} MiB/s   (${(proxyMiBps / directMiBps).toFixed(2)}× direct, ${(proxyMiBps / passthroughMiBps).toFixed(2)}× pass-through); CPU ${proxyCpu!.toFixed(2)} ms/MiB`,
  );
  return {
    execDirectMiBps: directMiBps,
    execPassthroughMiBps: passthroughMiBps,
    execProxyMiBps: proxyMiBps,
    execPassthroughCpuMsPerMiB: passthroughCpu!,
    execProxyCpuMsPerMiB: proxyCpu!,
  };
}

await main();
