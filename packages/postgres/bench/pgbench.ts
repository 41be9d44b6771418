// pgbench straight to PostgreSQL vs through the proxy with the real recorder
// (file sink), in the same run, alternating direct and proxied passes:
// select-only (-S -c 8 -j 2), TPC-B (-c 8 -j 2), and a single-client
// select-only run for the latency the proxy adds. CPU of this process (the
// proxy and the recorder; pgbench and PostgreSQL are other processes) per
// transaction. `--json` prints the figures as JSON; `--seconds=N` per pass.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder, type RecordedSession, type SessionContext } from '@tapline/core';
import { createPostgresProxy } from '../src/index.js';
import { makePki, startPostgres } from '../test/helpers/postgres.js';

const seconds = Number(process.argv.find((arg) => arg.startsWith('--seconds='))?.slice(10) ?? 8);
const passes = Number(process.argv.find((arg) => arg.startsWith('--passes='))?.slice(9) ?? 2);
const json = process.argv.includes('--json');
// Variants that take a cost out to see where the overhead is: plaintext proxy→target, no recorder at all.
const targetPlaintext = process.argv.includes('--target-plaintext');
const noRecording = process.argv.includes('--no-recording');

interface Run {
  tps: number;
  latencyMs: number;
  transactions: number;
}

function pgbench(args: string[], dsn: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile('pgbench', [...args, dsn], { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`));
      const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
      const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]);
      const transactions = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1]);
      resolve({ tps, latencyMs, transactions });
    });
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const pki = makePki();
const server = await startPostgres(pki, ['log_statement=none', 'max_connections=40']);
server.sql("create role bench login password 'bench-pw' superuser");
const root = mkdtempSync(join(tmpdir(), 'tapline-pg-bench-'));
const caPath = join(root, 'ca.pem');
writeFileSync(caPath, pki.ca);
const recorder = createRecorder({
  spool: { directory: join(root, 'spool') },
  sinks: [createFileSink({ directory: join(root, 'recordings') })],
});
/** A recorder that records nothing (the `--no-recording` variant). */
const nullRecorder = {
  async start(context: SessionContext): Promise<RecordedSession> {
    const controller = new AbortController();
    const started = process.hrtime.bigint();
    const session: RecordedSession = {
      sessionId: 'none',
      context,
      signal: controller.signal,
      now: () => Number(process.hrtime.bigint() - started),
      openStream: () => 1,
      closeStream: () => {},
      data: () => {},
      resize: () => {},
      command: () => {},
      query: () => {},
      apiCall: () => {},
      fileOperation: () => {},
      annotation: () => {},
      end: async (reason) => ({
        sessionId: 'none',
        reason,
        frames: 0,
        bytesClientToTarget: 0,
        bytesTargetToClient: 0,
        commands: 0,
        queries: 0,
        apiCalls: 0,
        fileOperations: 0,
        streams: 0,
        bytesNotRecorded: 0,
        durationNs: 0,
      }),
    };
    return session;
  },
};
const proxy = createPostgresProxy({
  tls: { cert: pki.cert, key: pki.key },
  recorder: noRecording ? nullRecorder : recorder,
  limits: { maxConnectionsPerSource: Number.POSITIVE_INFINITY },
  authorize: ({ user }) => ({
    context: { user: { id: user }, accessRequestId: 'bench', resource: { id: 'pg', type: 'postgres' } },
    target: {
      host: '127.0.0.1',
      port: server.port,
      user: 'bench',
      password: 'bench-pw',
      tls: targetPlaintext ? false : { ca: pki.ca },
    },
  }),
});
const { port } = await proxy.listen();
const tlsParams = `sslmode=verify-full sslrootcert=${caPath}`;
const direct = `host=127.0.0.1 port=${server.port} user=bench password=bench-pw dbname=postgres ${tlsParams}`;
const proxied = `host=127.0.0.1 port=${port} user=alice password=token dbname=postgres ${tlsParams}`;
await pgbench(['-i', '-s', '4', '-q'], direct);

const workloads = [
  { name: 'select-only -S -c 8 -j 2', args: ['-S', '-c', '8', '-j', '2', '-T', String(seconds)], goal: 0.85 },
  { name: 'TPC-B -c 8 -j 2', args: ['-c', '8', '-j', '2', '-T', String(seconds)], goal: 0.9 },
  { name: 'select-only -S -c 1 (latency)', args: ['-S', '-c', '1', '-T', String(seconds)], goal: undefined },
];
const rows: Array<Record<string, number | string | undefined>> = [];
for (const workload of workloads) {
  const directRuns: Run[] = [];
  const proxyRuns: Run[] = [];
  let cpuMicros = 0;
  for (let pass = 0; pass < passes; pass++) {
    directRuns.push(await pgbench(workload.args, direct));
    const before = process.cpuUsage();
    proxyRuns.push(await pgbench(workload.args, proxied));
    const used = process.cpuUsage(before);
    cpuMicros += used.user + used.system;
  }
  const directTps = median(directRuns.map((run) => run.tps));
  const proxyTps = median(proxyRuns.map((run) => run.tps));
  const transactions = proxyRuns.reduce((sum, run) => sum + run.transactions, 0);
  rows.push({
    workload: workload.name,
    directTps,
    proxyTps,
    ratio: proxyTps / directTps,
    goal: workload.goal,
    directLatencyMs: median(directRuns.map((run) => run.latencyMs)),
    proxyLatencyMs: median(proxyRuns.map((run) => run.latencyMs)),
    addedLatencyMs:
      median(proxyRuns.map((run) => run.latencyMs)) - median(directRuns.map((run) => run.latencyMs)),
    proxyCpuMicrosPerTransaction: cpuMicros / transactions,
  });
}
await proxy.close();
await recorder.close();
server.stop();
rmSync(root, { recursive: true, force: true });
rmSync(pki.directory, { recursive: true, force: true });

if (json) console.log(JSON.stringify(rows));
else {
  console.log(
    `pgbench through the Tapline proxy (recording to a file sink) vs direct, ${passes} alternating passes of ${seconds} s, TLS on both legs`,
  );
  console.log(
    '| workload | direct TPS | proxy TPS | ratio | goal | added latency (avg) | proxy CPU / transaction |',
  );
  console.log('| --- | ---: | ---: | ---: | --- | ---: | ---: |');
  for (const row of rows) {
    console.log(
      `| ${row.workload} | ${Number(row.directTps).toFixed(0)} | ${Number(row.proxyTps).toFixed(0)} | ${Number(row.ratio).toFixed(2)}× | ${row.goal === undefined ? '' : `≥ ${row.goal}×`} | ${Number(row.addedLatencyMs).toFixed(3)} ms | ${Number(row.proxyCpuMicrosPerTransaction).toFixed(0)} µs |`,
    );
  }
}
