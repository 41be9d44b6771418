// pgbench straight to PostgreSQL and through three relays in the same run,
// each pass taking every path in turn: a bare TLS pass-through
// (bench/lib/passthrough.ts at the root: what terminating TLS on both legs costs in Node
// before Tapline does anything), the proxy with a recorder that records
// nothing, and the proxy with the real recorder (file sink). Workloads:
// select-only (-S -c 8 -j 2), TPC-B (-c 8 -j 2), and a single-client
// select-only run for the latency each adds; then psql's `\copy` of a
// generated table out to /dev/null (`--copy-mib=N`, default 1024). CPU of
// this process (the relay and the recorder; pgbench, psql and PostgreSQL are
// other processes) per transaction and per MiB copied. `--json` prints the
// figures as JSON; `--seconds=N` per pass; `--copy-only` skips pgbench.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder, type RecordedSession, type SessionContext } from '@tapline/core';
import { startPostgresTlsPassthrough } from '../../../bench/lib/passthrough.js';
import { createPostgresProxy } from '../src/index.js';
import { makePki, startPostgres } from '../test/helpers/postgres.js';

const seconds = Number(process.argv.find((arg) => arg.startsWith('--seconds='))?.slice(10) ?? 8);
const passes = Number(process.argv.find((arg) => arg.startsWith('--passes='))?.slice(9) ?? 2);
const json = process.argv.includes('--json');
const copyMiB = Number(process.argv.find((arg) => arg.startsWith('--copy-mib='))?.slice(11) ?? 1024);
// Only the COPY rows (no pgbench workloads).
const copyOnly = process.argv.includes('--copy-only');
// Takes TLS off the proxy→target leg to see what it costs.
const targetPlaintext = process.argv.includes('--target-plaintext');

interface Run {
  tps: number;
  latencyMs: number;
  /** Median of every transaction's latency, from pgbench's own log (`-l`). */
  p50Ms: number;
  transactions: number;
}

function pgbench(args: string[], dsn: string): Promise<Run> {
  // pgbench logs each transaction (`-l`): its third field is the latency in µs.
  const logs = mkdtempSync(join(tmpdir(), 'tapline-pgbench-log-'));
  return new Promise<Run>((resolve, reject) => {
    execFile(
      'pgbench',
      [...args, ...(args.includes('-i') ? [] : ['-l', `--log-prefix=${join(logs, 'tx')}`]), dsn],
      { encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${error.message}\n${stderr}`));
        const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
        const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]);
        const transactions = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1]);
        const latencies = readdirSync(logs).flatMap((name) =>
          readFileSync(join(logs, name), 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => Number(line.split(' ')[2]) / 1000),
        );
        resolve({ tps, latencyMs, p50Ms: median(latencies), transactions });
      },
    );
  }).finally(() => rmSync(logs, { recursive: true, force: true }));
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const pki = makePki();
const server = await startPostgres(pki, [
  'log_statement=none',
  'log_min_duration_statement=-1',
  'max_connections=40',
]);
server.sql("create role bench login password 'bench-pw' superuser");
const root = mkdtempSync(join(tmpdir(), 'tapline-pg-bench-'));
const caPath = join(root, 'ca.pem');
writeFileSync(caPath, pki.ca);
const recorder = createRecorder({
  spool: { directory: join(root, 'spool') },
  sinks: [createFileSink({ directory: join(root, 'recordings') })],
});
/** A recorder that records nothing: the proxy's own cost without the recorder's. */
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
const proxyOptions = (recording: boolean) =>
  createPostgresProxy({
    tls: { cert: pki.cert, key: pki.key },
    recorder: recording ? recorder : nullRecorder,
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
const proxy = proxyOptions(true);
const unrecordedProxy = proxyOptions(false);
const passthrough = await startPostgresTlsPassthrough({
  cert: pki.cert,
  key: pki.key,
  ca: pki.ca,
  targetPort: server.port,
});
const tlsParams = `sslmode=verify-full sslrootcert=${caPath}`;
const dsnFor = (port: number, user: string, password: string): string =>
  `host=127.0.0.1 port=${port} user=${user} password=${password} dbname=postgres ${tlsParams}`;
const direct = dsnFor(server.port, 'bench', 'bench-pw');
// Every path runs in each pass, in this order, so a busier moment of the machine hits them alike.
const paths = [
  { name: 'direct', dsn: direct },
  { name: 'TLS pass-through', dsn: dsnFor(passthrough.port, 'bench', 'bench-pw') },
  { name: 'proxy, not recording', dsn: dsnFor((await unrecordedProxy.listen()).port, 'alice', 'token') },
  { name: 'proxy', dsn: dsnFor((await proxy.listen()).port, 'alice', 'token') },
];
await pgbench(['-i', '-s', '4', '-q'], direct);

const workloads = [
  { name: 'select-only -S -c 8 -j 2', args: ['-S', '-c', '8', '-j', '2', '-T', String(seconds)], goal: 0.85 },
  { name: 'TPC-B -c 8 -j 2', args: ['-c', '8', '-j', '2', '-T', String(seconds)], goal: 0.9 },
  { name: 'select-only -S -c 1 (latency)', args: ['-S', '-c', '1', '-T', String(seconds)], goal: undefined },
];
interface PathFigures {
  path: string;
  tps: number;
  ratio: number;
  latencyMs: number;
  addedLatencyMs: number;
  /** Median transaction latency added to direct's (pgbench's per-transaction log). */
  addedP50Ms: number;
  /** CPU of this process per transaction (0 for direct: the work is in pgbench and PostgreSQL). */
  cpuMicrosPerTransaction: number;
}
const rows: Array<{ workload: string; goal: number | undefined; paths: PathFigures[] }> = [];
for (const workload of copyOnly ? [] : workloads) {
  const runs = paths.map(() => [] as Run[]);
  const cpuMicros = paths.map(() => 0);
  for (let pass = 0; pass < passes; pass++) {
    for (const [index, path] of paths.entries()) {
      const before = process.cpuUsage();
      runs[index]!.push(await pgbench(workload.args, path.dsn));
      const used = process.cpuUsage(before);
      cpuMicros[index]! += used.user + used.system;
    }
  }
  const tps = runs.map((list) => median(list.map((run) => run.tps)));
  const latency = runs.map((list) => median(list.map((run) => run.latencyMs)));
  const p50 = runs.map((list) => median(list.map((run) => run.p50Ms)));
  rows.push({
    workload: workload.name,
    goal: workload.goal,
    paths: paths.map((path, index) => ({
      path: path.name,
      tps: tps[index]!,
      ratio: tps[index]! / tps[0]!,
      latencyMs: latency[index]!,
      addedLatencyMs: latency[index]! - latency[0]!,
      addedP50Ms: p50[index]! - p50[0]!,
      cpuMicrosPerTransaction:
        index === 0 ? 0 : cpuMicros[index]! / runs[index]!.reduce((sum, run) => sum + run.transactions, 0),
    })),
  });
}
// COPY out of a table made once: rows of an integer and three md5 strings
// that never repeat within a segment (hex digests: zstd-1 keeps about half,
// a table of tokens or hashes, the hard case for the recorder), about 108
// bytes each, `copyMiB` MiB in all. Made beforehand so the server only reads and
// formats rows while the relays are timed (generating them on the fly held
// every path at the server's md5 speed).
const copyRows = Math.ceil((copyMiB * 1024 * 1024) / 108);
server.sql(
  `create unlogged table copy_out as select i, md5(i::text) as a, md5((-i)::text) as b, md5((i || 'c')::text) as c from generate_series(1, ${copyRows}) i`,
);
// 3 × 32 characters, 3 tabs and a newline besides the integer.
const copyBytes = Number(server.sql('select sum(octet_length(i::text) + 100) from copy_out').trim());
function copyOut(dsn: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    execFile(
      'psql',
      [dsn, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', "\\copy copy_out to '/dev/null'"],
      { encoding: 'utf8' },
      (error, _stdout, stderr) => {
        if (error) return reject(new Error(`${error.message}\n${stderr}`));
        resolve(Number(process.hrtime.bigint() - started) / 1e9);
      },
    );
  });
}
const copySeconds = paths.map(() => [] as number[]);
const copyCpuMicros = paths.map(() => 0);
for (let pass = 0; pass < passes; pass++) {
  for (const [index, path] of paths.entries()) {
    const before = process.cpuUsage();
    copySeconds[index]!.push(await copyOut(path.dsn));
    const used = process.cpuUsage(before);
    copyCpuMicros[index]! += used.user + used.system;
  }
}
const copyMiBps = copySeconds.map((list) => copyBytes / 1048576 / median(list));
const copyFigures = paths.map((path, index) => ({
  path: path.name,
  mibps: copyMiBps[index]!,
  ratio: copyMiBps[index]! / copyMiBps[0]!,
  cpuMsPerMiB: index === 0 ? 0 : copyCpuMicros[index]! / 1000 / ((copyBytes / 1048576) * passes),
}));

await proxy.close();
await unrecordedProxy.close();
await passthrough.close();
await recorder.close();
server.stop();
rmSync(root, { recursive: true, force: true });
rmSync(pki.directory, { recursive: true, force: true });

if (json) console.log(JSON.stringify({ pgbench: rows, copyOut: { bytes: copyBytes, paths: copyFigures } }));
else {
  console.log(
    `pgbench direct, through a bare TLS pass-through, and through the Tapline proxy without and with recording (file sink); ${passes} alternating passes of ${seconds} s, TLS on both legs${targetPlaintext ? ' (proxy→target plaintext)' : ''}`,
  );
  console.log(
    '| workload | path | TPS | vs direct | goal | added latency (avg) | added p50 | CPU / transaction |',
  );
  console.log('| --- | --- | ---: | ---: | --- | ---: | ---: | ---: |');
  for (const row of rows) {
    for (const figures of row.paths) {
      const goal = figures.path === 'proxy' && row.goal !== undefined ? `≥ ${row.goal}×` : '';
      const cpu =
        figures.cpuMicrosPerTransaction > 0 ? `${figures.cpuMicrosPerTransaction.toFixed(0)} µs` : '';
      const added = figures.path === 'direct' ? '' : `${figures.addedLatencyMs.toFixed(3)} ms`;
      const addedP50 = figures.path === 'direct' ? '' : `${figures.addedP50Ms.toFixed(3)} ms`;
      console.log(
        `| ${row.workload} | ${figures.path} | ${figures.tps.toFixed(0)} | ${figures.ratio.toFixed(2)}× | ${goal} | ${added} | ${addedP50} | ${cpu} |`,
      );
    }
  }
}
if (!json) {
  console.log(
    `\nCOPY out: psql \\copy of ${(copyBytes / 1048576).toFixed(0)} MiB (${copyRows} rows) to /dev/null, ${passes} alternating passes, median`,
  );
  console.log('| path | MiB/s | vs direct | goal | CPU / MiB |');
  console.log('| --- | ---: | ---: | --- | ---: |');
  for (const figures of copyFigures) {
    const goal = figures.path === 'proxy' ? '≥ 0.8×' : '';
    const cpu = figures.cpuMsPerMiB > 0 ? `${figures.cpuMsPerMiB.toFixed(2)} ms` : '';
    console.log(
      `| ${figures.path} | ${figures.mibps.toFixed(0)} | ${figures.ratio.toFixed(2)}× | ${goal} | ${cpu} |`,
    );
  }
}
