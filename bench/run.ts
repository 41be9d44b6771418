// `pnpm bench` runs every benchmark and prints one table.
//   --quick        shorter runs
//   --append       add the table to bench/RESULTS.md
//   --only=a,b     run only these suites
//   --ci           quick mode, then compare each gated ratio with
//                  bench/thresholds.json and exit 1 on a regression (or a
//                  gated row that did not run); a deliberately slowed control
//                  run must trip the gate too (proof the gate has teeth).
// Suites: parsers, terminal, container, sinks, ssh, kube, memory. The ssh,
// memory and replay parts need what .ci/setup-ssh.sh installs; kube needs
// kubectl ≥ 1.31. See bench/README.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerBench, encodeBench } from './container.bench.js';
import { Report, type Row } from './lib/harness.js';
import { memoryBench } from './memory.bench.js';
import { parsersBench } from './parsers.bench.js';
import { kubeBench, sshBench } from './proxies.bench.js';
import { sinksBench } from './sinks.bench.js';
import { terminalBench } from './terminal.bench.js';

type Suite = (report: Report, options: { quick: boolean }) => Promise<void>;
const suites: Record<string, Suite> = {
  parsers: parsersBench,
  terminal: terminalBench,
  container: containerBench,
  sinks: sinksBench,
  ssh: sshBench,
  kube: kubeBench,
  memory: memoryBench,
};

const args = process.argv.slice(2).filter((arg) => arg !== '--');
const ci = args.includes('--ci');
const quick = ci || args.includes('--quick');
const append = args.includes('--append');
const onlyArg = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const selected = onlyArg ? onlyArg.split(',') : Object.keys(suites);

const started = performance.now();
const report = new Report();
for (const name of selected) {
  const suite = suites[name];
  if (!suite) throw new Error(`unknown suite ${name}; known: ${Object.keys(suites).join(', ')}`);
  console.error(`bench: ${name}${quick ? ' (quick)' : ''}`);
  report.suite = name;
  await suite(report, { quick });
}
report.publish(`pnpm bench${args.length ? ` ${args.join(' ')}` : ''}`, { append });

if (ci) {
  interface Threshold {
    suite: string;
    minRatio: number;
  }
  const thresholds = JSON.parse(readFileSync(join(import.meta.dirname, 'thresholds.json'), 'utf8')) as {
    gated: Record<string, Threshold>;
  };
  const key = (row: Row) => `${row.group} | ${row.name}`;
  const regressions = (rows: Row[]) =>
    rows.flatMap((row) => {
      const threshold = thresholds.gated[key(row)];
      if (!threshold || row.ratio === undefined || row.ratio >= threshold.minRatio) return [];
      return [`${key(row)}: ratio ${row.ratio.toFixed(3)} < ${threshold.minRatio}`];
    });
  const checked = report.rows.filter((row) => thresholds.gated[key(row)] !== undefined);
  let failures = regressions(report.rows);
  if (failures.length > 0) {
    // A regression must show twice in a row: the suites behind the failing
    // rows run once more, and only rows that fail again count. One slow run on
    // a shared machine is noise; a real regression is slow every time.
    const failingSuites = [
      ...new Set(
        report.rows
          .filter((row) => regressions([row]).length > 0)
          .map((row) => thresholds.gated[key(row)]!.suite),
      ),
    ];
    console.log(
      `bench:ci: ${failures.length} ratios below threshold; running ${failingSuites.join(', ')} again to confirm`,
    );
    const again = new Report();
    for (const name of failingSuites) {
      again.suite = name;
      await suites[name]!(again, { quick });
    }
    const confirmed = new Set(regressions(again.rows).map((failure) => failure.split(': ratio')[0]));
    failures = failures.filter((failure) => confirmed.has(failure.split(': ratio')[0]!));
  }
  const missing = Object.entries(thresholds.gated)
    .filter(
      ([name, threshold]) =>
        selected.includes(threshold.suite) && !report.rows.some((row) => key(row) === name),
    )
    .map(([name]) => name);
  // The control: the same encode benchmark with a per-frame copy added must fail the same gate.
  const control = new Report();
  await encodeBench(control, { sabotage: true });
  const controlFailures = regressions(control.rows);
  console.log(
    `bench:ci: ${checked.length} gated ratios checked, ${failures.length} regressions, ${missing.length} missing`,
  );
  for (const failure of failures) console.log(`  REGRESSION ${failure}`);
  for (const name of missing) console.log(`  MISSING ${name}`);
  console.log(
    `bench:ci: control with a per-frame copy ${controlFailures.length > 0 ? `was caught (the gate has teeth): ${controlFailures.join('; ')}` : 'was NOT caught'}`,
  );
  console.log(`bench:ci: ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
  if (failures.length > 0 || missing.length > 0 || controlFailures.length === 0) process.exit(1);
}
