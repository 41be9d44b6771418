// Request latency and exec stdout throughput through the proxy vs straight to
// the test API server, in the same run. `pnpm --filter @tapline/kube bench`
// (options: --requests=N, --exec-mib=N, --rounds=N, --recorder=memory|null|file, --json).
// `--json` also prints the figures as one `BENCH_JSON {...}` line (the root harness, bench/run.ts, reads it).
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import type {
  Direction,
  EndReasonName,
  RecordedSession,
  SessionContext,
  SessionSummary,
} from '@tapline/core';
import { createFileSink, createRecorder } from '@tapline/core';
import { Pool } from 'undici';
import type { KubeProxyOptions, KubeRecorder } from '../src/index.js';
import { RemoteCommandDecoder, WebSocketParser } from '../src/index.js';
import { CONNECTOR_TOKEN, startHarness, USER_TOKEN } from '../test/harness.js';

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value ?? 'true'];
  }),
);
const requests = Number(args.requests ?? 2000);
const rounds = Number(args.rounds ?? 5);
const execMiB = Number(args['exec-mib'] ?? 256);
const recorderKind = (args.recorder ?? 'null') as 'null' | 'memory' | 'file';

/** Counts what it is given and keeps nothing: the proxy's own cost, not the recorder's. */
class NullSession implements RecordedSession {
  readonly sessionId = 'bench';
  readonly context: SessionContext;
  readonly signal = new AbortController().signal;
  bytes = 0;
  calls = 0;
  private next = 1;
  private readonly started = process.hrtime.bigint();
  constructor(context: SessionContext) {
    this.context = context;
  }
  now(): number {
    return Number(process.hrtime.bigint() - this.started);
  }
  openStream(): number {
    return this.next++;
  }
  closeStream(): void {}
  data(_streamId: number, _direction: Direction, bytes: Uint8Array): void {
    this.bytes += bytes.byteLength;
  }
  resize(): void {}
  command(): void {}
  query(): void {}
  apiCall(): void {
    this.calls++;
  }
  fileOperation(): void {}
  annotation(): void {}
  async end(reason: EndReasonName): Promise<SessionSummary> {
    return {
      sessionId: this.sessionId,
      reason,
      frames: 0,
      bytesClientToTarget: 0,
      bytesTargetToClient: this.bytes,
      commands: 0,
      queries: 0,
      apiCalls: this.calls,
      fileOperations: 0,
      streams: 0,
      bytesNotRecorded: 0,
      durationNs: this.now(),
    };
  }
}

function makeRecorder(): KubeRecorder & { close?: () => Promise<void> } {
  if (recorderKind === 'null') return { start: async (context) => new NullSession(context) };
  if (recorderKind === 'file') {
    const recorder = createRecorder({
      spool: { directory: mkdtempSync(join(tmpdir(), 'tapline-kube-bench-spool-')) },
      sinks: [createFileSink({ directory: mkdtempSync(join(tmpdir(), 'tapline-kube-bench-out-')) })],
    });
    return { start: (context) => recorder.start(context), close: () => recorder.close() };
  }
  return undefined as never; // memory: the harness default
}

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

/** A policy as a connector would write one: a few field checks and regexes, then allow. */
const benchPolicy: NonNullable<KubeProxyOptions['policy']> = (action) => {
  if (action.verb === 'delete' && action.resource === 'namespaces' && /^prod-/.test(action.name ?? ''))
    return { allow: false, message: 'deleting prod namespaces is not allowed', rule: 'no-prod-ns-delete' };
  if (action.subresource === 'exec' && /\brm\s+-rf\b/.test(action.command ?? ''))
    return { allow: false, message: 'rm -rf in pods is not allowed', rule: 'no-rm-rf' };
  if (action.namespace === 'kube-system' && action.verb !== 'get' && action.verb !== 'list')
    return { allow: false, message: 'kube-system is read-only' };
  return { allow: true };
};

async function main(): Promise<void> {
  const recorder = makeRecorder();
  const h = await startHarness({}, recorder ?? undefined);
  // The same proxy with a policy, against its own copy of the test API server, timed in the same rounds.
  const policyRecorder = makeRecorder();
  const withPolicy = await startHarness({ policy: benchPolicy }, policyRecorder ?? undefined);
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

    const bytes = execMiB * 1024 * 1024;
    const results: Record<string, number[]> = { direct: [], proxy: [] };
    for (let run = 0; run < 3; run++) {
      const d = await execThroughput(h.api.url, h.pki.ca, CONNECTOR_TOKEN, bytes);
      const p = await execThroughput(h.proxy.url, h.pki.ca, USER_TOKEN, bytes);
      if (d.bytes !== bytes || p.bytes !== bytes || d.exitCode !== 0 || p.exitCode !== 0) {
        throw new Error(`exec lost bytes: direct ${d.bytes}, proxy ${p.bytes}, expected ${bytes}`);
      }
      results.direct!.push(bytes / 1048576 / d.seconds);
      results.proxy!.push(bytes / 1048576 / p.seconds);
    }
    const median = (values: number[]): number =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    console.log(`\nexec stdout, head -c ${execMiB}M /dev/zero, v5.channel.k8s.io (median of 3)`);
    console.log(`direct                 ${median(results.direct!).toFixed(0)} MiB/s`);
    console.log(
      `through the proxy      ${median(results.proxy!).toFixed(0)} MiB/s   (${(median(results.proxy!) / median(results.direct!)).toFixed(2)}× direct)`,
    );
    if (args.json === 'true') {
      const latency = (s: number[]) => ({ p50: percentile(s, 50), p99: percentile(s, 99), count: s.length });
      console.log(
        `BENCH_JSON ${JSON.stringify({
          recorder: recorderKind,
          direct: latency(directSamples),
          proxy: latency(proxySamples),
          policy: latency(policySamples),
          execMiB,
          execDirectMiBps: median(results.direct!),
          execProxyMiBps: median(results.proxy!),
        })}`,
      );
    }
  } finally {
    await direct.close();
    await proxied.close();
    await policed.close();
    await h.close();
    await withPolicy.close();
    await recorder?.close?.();
    await policyRecorder?.close?.();
  }
}

await main();
