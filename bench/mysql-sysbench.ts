// sysbench oltp_read_only through the MySQL proxy vs direct to the same
// MariaDB, in the same run, each round taking every path in turn: direct, a
// bare TCP pass-through (bench/lib/passthrough.ts: what relaying through
// a Node process costs on this machine before the proxy does anything), the
// proxy with a recorder that records nothing, and the proxy recording. CPU of
// this process (the relay and the recorder) per transaction. Not part of `pnpm
// bench` (a real database and sysbench; figures move with the machine's load).
//
//   node --import tsx --conditions=source bench/mysql-sysbench.ts [--time=S] [--rounds=N] [--threads=N] [--result-mib=N]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { RecordedSession, SessionContext } from '@tapline/core';
import { run, startProxy, sysbenchTlsDirectory, TOKEN } from '../packages/mysql/test/helpers/fixture.js';
import { startMariaDb } from '../packages/mysql/test/helpers/mariadb.js';
import { startTcpPassthrough } from './lib/passthrough.js';

function nullSession(context: SessionContext): RecordedSession {
  let streams = 0;
  return {
    sessionId: randomUUID(),
    context,
    signal: new AbortController().signal,
    now: () => Number(process.hrtime.bigint()),
    openStream: () => ++streams,
    closeStream: () => {},
    data: () => {},
    resize: () => {},
    command: () => {},
    query: () => {},
    apiCall: () => {},
    fileOperation: () => {},
    annotation: () => {},
    end: async (reason) => ({
      sessionId: '',
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
}

const { values } = parseArgs({
  options: {
    time: { type: 'string' },
    rounds: { type: 'string' },
    threads: { type: 'string' },
    'result-mib': { type: 'string' },
  },
});
const seconds = Number(values.time ?? 10);
const rounds = Number(values.rounds ?? 3);
const threads = Number(values.threads ?? 2);

const db = await startMariaDb();
const startedProxy = (recording: boolean) =>
  startProxy(
    () => ({
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password,
      tls: { ca: db.certificates.ca },
    }),
    {
      // Without recording: a recorder whose sessions drop everything (the proxy's own cost).
      ...(recording ? {} : { recorder: { start: async (context) => nullSession(context) } }),
      onEvent: (event) => {
        if (event.type === 'session_failed')
          console.error(event.error, (event.error as { cause?: unknown }).cause);
      },
    },
  );
const fixture = await startedProxy(true);
const unrecorded = await startedProxy(false);
const passthrough = await startTcpPassthrough(db.port);
const proxyTls = sysbenchTlsDirectory(fixture.proxyCertificates.ca, fixture.proxyCertificates);
const unrecordedTls = sysbenchTlsDirectory(unrecorded.proxyCertificates.ca, unrecorded.proxyCertificates);
const directTls = sysbenchTlsDirectory(db.certificates.ca, db.certificates);

function args(port: number, user: string, password: string): string[] {
  return [
    'oltp_read_only',
    '--db-driver=mysql',
    '--mysql-host=127.0.0.1',
    `--mysql-port=${port}`,
    `--mysql-user=${user}`,
    `--mysql-password=${password}`,
    '--mysql-db=shop',
    '--mysql-ssl=on',
    '--tables=2',
    '--table-size=10000',
    '--percentile=50',
  ];
}

interface Figures {
  tps: number;
  p50: number;
  transactions: number;
  /** CPU of this process while it ran, µs. */
  cpuMicros: number;
}

async function measure(port: number, user: string, password: string, cwd: string): Promise<Figures> {
  const before = process.cpuUsage();
  const result = await run(
    'sysbench',
    [...args(port, user, password), `--threads=${threads}`, `--time=${seconds}`, 'run'],
    undefined,
    cwd,
  );
  const used = process.cpuUsage(before);
  const tps = /transactions:\s+(\d+)\s+\(([\d.]+) per sec/.exec(result.stdout);
  const p50 = /50th percentile:\s+([\d.]+)/.exec(result.stdout);
  if (!tps || !p50) throw new Error(`sysbench failed: ${result.stderr}${result.stdout}`);
  return {
    tps: Number(tps[2]),
    p50: Number(p50[1]),
    transactions: Number(tps[1]),
    cpuMicros: used.user + used.system,
  };
}

try {
  const prepared = await run(
    'sysbench',
    [...args(db.port, db.user, db.password), 'prepare'],
    undefined,
    directTls,
  );
  if (prepared.code !== 0) throw new Error(prepared.stderr);
  // Every path in turn, each round: `tls` is sysbench's certificate directory, `ca` the mariadb client's.
  const paths = [
    {
      name: 'direct',
      port: db.port,
      user: db.user,
      password: db.password,
      tls: directTls,
      ca: db.certificates.caPath,
    },
    {
      name: 'TCP pass-through',
      port: passthrough.port,
      user: db.user,
      password: db.password,
      tls: directTls,
      ca: db.certificates.caPath,
    },
    {
      name: 'proxy, not recording',
      port: unrecorded.port,
      user: 'alice',
      password: TOKEN,
      tls: unrecordedTls,
      ca: unrecorded.proxyCertificates.caPath,
    },
    {
      name: 'proxy',
      port: fixture.port,
      user: 'alice',
      password: TOKEN,
      tls: proxyTls,
      ca: fixture.proxyCertificates.caPath,
    },
  ];
  const sysbenchFigures = paths.map((): Figures[] => []);
  for (let round = 0; round < rounds; round++) {
    for (const [index, path] of paths.entries())
      sysbenchFigures[index]!.push(await measure(path.port, path.user, path.password, path.tls));
  }
  const [direct, passedThrough, notRecording, proxied] = sysbenchFigures as [
    Figures[],
    Figures[],
    Figures[],
    Figures[],
  ];
  const cpuPerTransaction = (list: Figures[]): string =>
    (
      list.reduce((sum, figure) => sum + figure.cpuMicros, 0) /
      list.reduce((sum, figure) => sum + figure.transactions, 0)
    ).toFixed(0);
  const median = (list: number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  const directTps = median(direct.map((figure) => figure.tps));
  const proxyTps = median(proxied.map((figure) => figure.tps));
  const passthroughTps = median(passedThrough.map((figure) => figure.tps));
  const notRecordingTps = median(notRecording.map((figure) => figure.tps));
  const directP50 = median(direct.map((figure) => figure.p50));
  const proxyP50 = median(proxied.map((figure) => figure.p50));
  console.log(
    `sysbench oltp_read_only, ${threads} threads, ${seconds} s x ${rounds} rounds each, TLS on both paths`,
  );
  console.log(`  direct TPS ${direct.map((figure) => figure.tps).join(', ')}  median ${directTps}`);
  console.log(
    `  TCP pass-through TPS ${passedThrough.map((figure) => figure.tps).join(', ')}  median ${passthroughTps}, ratio ${(passthroughTps / directTps).toFixed(3)}, CPU ${cpuPerTransaction(passedThrough)} µs per transaction`,
  );
  console.log(
    `  proxy, not recording TPS ${notRecording.map((figure) => figure.tps).join(', ')}  median ${notRecordingTps}, ratio ${(notRecordingTps / directTps).toFixed(3)}, CPU ${cpuPerTransaction(notRecording)} µs per transaction`,
  );
  console.log(
    `  proxy  TPS ${proxied.map((figure) => figure.tps).join(', ')}  median ${proxyTps}, CPU ${cpuPerTransaction(proxied)} µs per transaction`,
  );
  console.log(
    `  ratio proxy/direct ${(proxyTps / directTps).toFixed(3)} (goal >= 0.85), proxy/pass-through ${(proxyTps / passthroughTps).toFixed(3)}`,
  );
  console.log(
    `  p50 latency direct ${directP50} ms, proxy ${proxyP50} ms, added ${(proxyP50 - directP50).toFixed(2)} ms per transaction (goal <= 0.1 ms per statement)`,
  );
  // A large result set: --result-mib MiB of 1 MiB rows (MariaDB's sequence engine), read by the mariadb client into /dev/null.
  const resultMib = Number(values['result-mib'] ?? 256);
  const bigQuery = `SELECT REPEAT('x', 1048576) FROM seq_1_to_${resultMib}`;
  const timed = async (port: number, user: string, password: string, ca: string): Promise<number> => {
    const started = performance.now();
    // Counted as it streams (execFile would buffer it all).
    const received = await new Promise<number>((resolve, reject) => {
      const child = spawn(
        'mariadb',
        [
          '--no-defaults',
          '-h',
          '127.0.0.1',
          '-P',
          String(port),
          '-u',
          user,
          `--password=${password}`,
          '--ssl',
          `--ssl-ca=${ca}`,
          '--max-allowed-packet=64M',
          '--batch',
          '--skip-column-names',
          '--database=shop',
          '-e',
          bigQuery,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let bytes = 0;
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
      });
      child.on('close', (code) => (code === 0 ? resolve(bytes) : reject(new Error(stderr))));
    });
    if (received < resultMib * 1048576) throw new Error(`short result: ${received} bytes`);
    return (resultMib / (performance.now() - started)) * 1000;
  };
  // The same four paths in turn, each round; CPU of this process (the relays and the recorder) per MiB.
  const resultMibs = paths.map((): number[] => []);
  const resultCpuMs = paths.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    for (const [index, path] of paths.entries()) {
      const before = process.cpuUsage();
      resultMibs[index]!.push(await timed(path.port, path.user, path.password, path.ca));
      const used = process.cpuUsage(before);
      resultCpuMs[index]! += (used.user + used.system) / 1000;
    }
  }
  const directMib = median(resultMibs[0]!);
  console.log(`${resultMib} MiB result set (1 MiB rows), mariadb client, ${rounds} rounds each`);
  for (const [index, path] of paths.entries()) {
    const mib = median(resultMibs[index]!);
    const cpu = index === 0 ? '' : `, CPU ${(resultCpuMs[index]! / (resultMib * rounds)).toFixed(2)} ms/MiB`;
    console.log(
      `  ${path.name} MiB/s ${resultMibs[index]!.map((figure) => figure.toFixed(0)).join(', ')}  median ${mib.toFixed(0)}, ratio ${(mib / directMib).toFixed(3)}${cpu}`,
    );
  }
  console.log(
    `  ratio proxy/direct ${(median(resultMibs[3]!) / directMib).toFixed(3)} (goal >= 0.80 at 1 GiB), proxy/pass-through ${(median(resultMibs[3]!) / median(resultMibs[1]!)).toFixed(3)}`,
  );
} finally {
  await passthrough.close();
  await unrecorded.close();
  await fixture.close();
  await db.stop();
  rmSync(proxyTls, { recursive: true, force: true });
  rmSync(directTls, { recursive: true, force: true });
  rmSync(unrecordedTls, { recursive: true, force: true });
}
