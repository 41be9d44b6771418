// End-to-end through the real proxies, each package's own benchmark run in a
// child process (so its CPU and memory are its own) with `--json`:
//   - SSH (packages/ssh/bench/throughput.ts): corpus output sent by `cat` over
//     exec, OpenSSH direct vs a bare ssh2 relay vs the Tapline proxy without
//     and with the real recorder; ratios to the bare relay;
//   - kube (packages/kube/bench/proxy.ts): GET latency and exec throughput,
//     straight to the test API server vs through the proxy with the real
//     recorder and file sink.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusOutput } from './lib/corpus.js';
import type { Report } from './lib/harness.js';

const ROOT = join(import.meta.dirname, '..');

/** Runs a package bench script with tsx and returns its `BENCH_JSON` line, parsed. */
function runScript<T>(script: string, args: string[], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
      if (code !== 0 || !line) {
        reject(new Error(`${script} failed (${code}):\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line.slice('BENCH_JSON '.length)) as T);
    });
  });
}

interface SshSummary {
  name: string;
  mibPerSecond: number;
  relayMs: number;
  clientMs: number;
  cipher: string;
}

export async function sshBench(report: Report, options: { quick: boolean }): Promise<void> {
  const mib = options.quick ? 64 : 256;
  const runs = 5;
  // The payload must be readable by the target user that sshd runs `cat` as.
  const directory = mkdtempSync(join(tmpdir(), 'tapline-bench-ssh-'));
  chmodSync(directory, 0o755);
  const payload = join(directory, 'corpus-output.txt');
  writeFileSync(payload, await corpusOutput(mib * 1024 * 1024), { mode: 0o644 });
  chmodSync(payload, 0o644);
  let result: { summary: SshSummary[]; crypto: { path: string } };
  try {
    result = await runScript(
      'packages/ssh/bench/throughput.ts',
      ['--mib', String(mib), '--runs', String(runs), '--source', `file:${payload}`, '--json'],
      10 * 60_000,
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const row = (prefix: string) => {
    const found = result.summary.find((s) => s.name.startsWith(prefix));
    if (!found) throw new Error(`the SSH bench reported no ${prefix} row`);
    return found;
  };
  const group = 'SSH end-to-end (corpus output, exec cat)';
  report.note(
    `SSH: ${mib} MiB of corpus output, median of ${runs} runs per mode; ciphers ${[...new Set(result.summary.map((s) => `${s.name}: ${s.cipher}`))].join('; ')}`,
  );
  const bare = row('(b)');
  report.add({ group, name: 'bare ssh2 relay', value: bare.mibPerSecond, unit: 'MiB/s' });
  report.add({
    group,
    name: 'OpenSSH direct (no relay)',
    value: row('(a)').mibPerSecond,
    unit: 'MiB/s',
    baseline: 'bare ssh2 relay',
  });
  report.add({
    group,
    name: 'Tapline proxy, no-op recorder',
    value: row('(c0)').mibPerSecond,
    unit: 'MiB/s',
    baseline: 'bare ssh2 relay',
  });
  report.add({
    group,
    name: 'Tapline proxy, recording',
    value: row('(c)').mibPerSecond,
    unit: 'MiB/s',
    baseline: 'bare ssh2 relay',
    goal: '≥ 0.90×',
  });
  const cpuGroup = 'SSH relay CPU per MiB (same runs)';
  report.note(`SSH: ssh2 crypto path ${result.crypto.path}`);
  report.add({
    group: cpuGroup,
    name: 'bare ssh2 relay',
    value: bare.relayMs,
    unit: 'ms/MiB',
    lowerIsBetter: true,
  });
  report.add({
    group: cpuGroup,
    name: 'Tapline proxy, recording',
    value: row('(c)').relayMs,
    unit: 'ms/MiB',
    baseline: 'bare ssh2 relay',
    lowerIsBetter: true,
  });
}

interface KubeResult {
  direct: { p50: number; p99: number; count: number };
  proxy: { p50: number; p99: number; count: number };
  policy: { p50: number; p99: number; count: number };
  execMiB: number;
  execDirectMiBps: number;
  execPassthroughMiBps: number;
  execProxyMiBps: number;
  execPassthroughCpuMsPerMiB: number;
  execProxyCpuMsPerMiB: number;
}

export async function kubeBench(report: Report, options: { quick: boolean }): Promise<void> {
  const requests = options.quick ? 1000 : 4000;
  const execMiB = options.quick ? 64 : 256;
  const result = await runScript<KubeResult>(
    'packages/kube/bench/proxy.ts',
    [`--requests=${requests}`, `--exec-mib=${execMiB}`, '--recorder=file', '--json'],
    10 * 60_000,
  );
  const group = 'kube GET pod latency (keep-alive, real recorder)';
  report.note(
    `kube: ${requests} sequential GETs per path in rounds, exec of ${execMiB} MiB median of 3, recorder with file sink`,
  );
  report.add({ group, name: 'direct p50', value: result.direct.p50, unit: 'ms', lowerIsBetter: true });
  report.add({
    group,
    name: 'through the proxy p50',
    value: result.proxy.p50,
    unit: 'ms',
    baseline: 'direct p50',
    lowerIsBetter: true,
  });
  report.add({
    group,
    name: 'added by the proxy, p50',
    value: result.proxy.p50 - result.direct.p50,
    unit: 'ms',
    goal: '≤ 0.1 ms',
  });
  report.add({
    group,
    name: 'proxy with a policy, p50',
    value: result.policy.p50,
    unit: 'ms',
    baseline: 'through the proxy p50',
    lowerIsBetter: true,
  });
  report.add({
    group,
    name: 'added by the policy, p50',
    value: result.policy.p50 - result.proxy.p50,
    unit: 'ms',
    goal: '≤ 0.05 ms',
  });
  report.add({ group, name: 'direct p99', value: result.direct.p99, unit: 'ms', lowerIsBetter: true });
  report.add({
    group,
    name: 'through the proxy p99',
    value: result.proxy.p99,
    unit: 'ms',
    baseline: 'direct p99',
    lowerIsBetter: true,
  });
  // The relays run in a process of their own (packages/kube/bench/proxy-process.ts).
  const execGroup = 'kube exec stdout (head -c /dev/zero, v5 channels)';
  report.add({ group: execGroup, name: 'direct', value: result.execDirectMiBps, unit: 'MiB/s' });
  report.add({
    group: execGroup,
    name: 'bare TLS pass-through',
    value: result.execPassthroughMiBps,
    unit: 'MiB/s',
    baseline: 'direct',
  });
  report.add({
    group: execGroup,
    name: 'through the proxy, recording',
    value: result.execProxyMiBps,
    unit: 'MiB/s',
    baseline: 'direct',
    goal: '≥ 0.80× direct',
  });
  report.add({
    group: execGroup,
    name: 'pass-through CPU per MiB',
    value: result.execPassthroughCpuMsPerMiB,
    unit: 'ms/MiB',
    lowerIsBetter: true,
  });
  report.add({
    group: execGroup,
    name: 'proxy CPU per MiB',
    value: result.execProxyCpuMsPerMiB,
    unit: 'ms/MiB',
    baseline: 'pass-through CPU per MiB',
    lowerIsBetter: true,
  });
}
