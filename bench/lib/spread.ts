// Turns repeated quick runs into the CI gate: reads the results JSON of each
// run (bench/out/results.json copied aside), prints the spread of every ratio
// as a markdown table, and with --write sets bench/thresholds.json:
//   - the gate is one-sided (it fails on a ratio that fell), so what decides
//     whether a ratio can be gated is how far below its median it was seen to
//     fall: the downside spread (median − min) / median. A ratio is gated when
//     that is at most MAX_DOWNSIDE and it is not listed in REPORT_ONLY (the
//     full spread (max − min) / median is shown too);
//   - its threshold is the observed minimum minus MARGIN of it, rounded down
//     to three decimals.
//
//   pnpm exec tsx bench/lib/spread.ts bench/out/quick-runs/*.json [--write]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from './harness.js';

export const MAX_DOWNSIDE = 0.2;
export const MARGIN = 0.15;

/** Ratios reported but never gated, whatever their spread, and why. */
export const REPORT_ONLY: Record<string, string> = {
  'SSH end-to-end (corpus output, exec cat) | OpenSSH direct (no relay)':
    'compares OpenSSH with the bare ssh2 relay: neither is Tapline code',
  'SSH end-to-end (corpus output, exec cat) | Tapline proxy, no-op recorder':
    'three processes on two cores, modes run one after the other: it fell 39 % below its median under load (2026-11-24 runs)',
  'parse SFTP (recorded sftp -b upload) | createSftpTracker':
    'a sub-millisecond parse against a plain loop: it fell 25 % below its median under load (2026-11-24 runs)',
  'container 64 B frames, zstd (corpus output) | container write+read (zstd-1)':
    'per-frame bookkeeping against zstd at 400 MB/s: steady in the seven runs, 27 % below its median in a bench:ci run right after',
  'container encryption (32 KiB frames, corpus output) | write+read, AES-256-GCM envelope':
    'the envelope and its baseline lose different shares on contended cores: 0.779 under load (2026-11-24 runs) and 0.789 in a CI run, against a quiet minimum of 0.933',
  'kube exec stdout (head -c /dev/zero, v5 channels) | bare TLS pass-through':
    'a bare Node TLS relay against direct: no Tapline code',
  'kube exec stdout (head -c /dev/zero, v5 channels) | through the proxy, recording':
    'throughput against direct on two shared cores: 0.43 in a CI run (2026-12-05) against a median of 0.637; the proxy CPU per MiB of the same runs is gated',
  'kube GET pod latency (keep-alive, real recorder) | through the proxy p99':
    'a tail latency of 1,000 requests on a shared machine: one descheduling moves it',
  'segment primitives (1 MiB blocks, corpus output, one thread) | SHA-256':
    'OpenSSL against zlib: no Tapline code in either',
  'segment primitives (1 MiB blocks, corpus output, one thread) | AES-256-GCM seal':
    'OpenSSL against zlib: no Tapline code in either',
  'segment primitives (1 MiB blocks, corpus output, one thread) | gunzip':
    'zlib against zlib: no Tapline code',
};

interface RunFile {
  date: string;
  machine: string;
  command: string;
  rows: Row[];
}

const args = process.argv.slice(2).filter((arg) => arg !== '--');
const write = args.includes('--write');
const files = args.filter((arg) => !arg.startsWith('--'));
if (files.length < 2) throw new Error('give at least two results files');
const runs = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as RunFile);

const key = (row: Row) => `${row.group} | ${row.name}`;
const observed = new Map<string, { suite: string; ratios: number[] }>();
for (const run of runs) {
  for (const row of run.rows) {
    if (row.ratio === undefined) continue;
    const entry = observed.get(key(row)) ?? { suite: row.suite ?? '?', ratios: [] };
    entry.ratios.push(row.ratio);
    observed.set(key(row), entry);
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const gated: Record<string, unknown> = {};
const reported: Record<string, unknown> = {};
const lines = [
  `${runs.length} runs: ${runs.map((run) => run.date.slice(0, 16)).join(', ')}; machine ${runs[0]!.machine}`,
  '',
  '| ratio | runs | min | median | max | spread | downside | gate |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
];
for (const [name, { suite, ratios }] of observed) {
  const sorted = [...ratios].sort((a, b) => a - b);
  const min = sorted[0]!;
  const max = sorted.at(-1)!;
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const spread = (max - min) / median;
  const downside = (median - min) / median;
  const stats = {
    runs: ratios.length,
    min: round(min),
    median: round(median),
    max: round(max),
    spread: round(spread),
    downside: round(downside),
  };
  let gate: string;
  if (REPORT_ONLY[name]) {
    reported[name] = { suite, reason: REPORT_ONLY[name], observed: stats };
    gate = `reported: ${REPORT_ONLY[name]}`;
  } else if (ratios.length < runs.length) {
    reported[name] = { suite, reason: 'missing from some runs', observed: stats };
    gate = 'reported: missing from some runs';
  } else if (downside > MAX_DOWNSIDE) {
    const reason = `fell ${(downside * 100).toFixed(0)}% below its median (> ${MAX_DOWNSIDE * 100}%)`;
    reported[name] = { suite, reason, observed: stats };
    gate = `reported: ${reason}`;
  } else {
    const minRatio = Math.floor(min * (1 - MARGIN) * 1000) / 1000;
    gated[name] = { suite, minRatio, observed: stats };
    gate = `**≥ ${minRatio}**`;
  }
  lines.push(
    `| ${name} | ${ratios.length} | ${min.toFixed(3)} | ${median.toFixed(3)} | ${max.toFixed(3)} | ${(spread * 100).toFixed(0)}% | ${(downside * 100).toFixed(0)}% | ${gate} |`,
  );
}
console.log(lines.join('\n'));
if (write) {
  const path = join(import.meta.dirname, '..', 'thresholds.json');
  writeFileSync(
    path,
    `${JSON.stringify(
      {
        method: `Each ratio from ${runs.length} runs of \`pnpm bench --quick\` on ${runs[0]!.machine}. Gated when (median − min) / median ≤ ${MAX_DOWNSIDE} and not report-only; minRatio = observed min × ${1 - MARGIN}, rounded down to 0.001. Regenerate: bench/README.md, "Thresholds".`,
        gated,
        reported,
      },
      null,
      2,
    )}\n`,
  );
  console.log(
    `\nwrote ${path}: ${Object.keys(gated).length} gated, ${Object.keys(reported).length} reported only`,
  );
}
