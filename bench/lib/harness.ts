// A small benchmark harness: plain functions timed with process.hrtime, the
// median of several runs, every row compared with a baseline measured in the
// same run (ratios survive a slower or busier machine; absolute figures don't).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Row {
  /** The suite that added the row (set by the Report). */
  suite?: string;
  /** Stable across runs and modes: `group | name` is the key bench/thresholds.json uses. */
  group: string;
  name: string;
  /** The figure, in `unit`. Higher is better unless `lowerIsBetter`. */
  value: number;
  unit: string;
  /** Name of the baseline row in the same group this row is compared to. */
  baseline?: string;
  /** Computed from the baseline row when not given (pair-wise measurements give their own). */
  ratio?: number;
  goal?: string;
  lowerIsBetter?: boolean;
}

export interface Measurement {
  seconds: number;
  runs: number[];
}

/** Runs `fn` `warmup` times untimed then `runs` times; returns the median duration. */
export async function measure(fn: () => unknown, runs = 5, warmup = 1): Promise<Measurement> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)]!, runs: times };
}

/**
 * Times `baseline` and `subject` alternately (warm-up, then `runs` pairs), so
 * a load change on a shared machine hits both alike. `ratio` is the median of
 * the per-pair ratios subject/baseline in throughput terms (baseline time ÷
 * subject time): above 1 the subject is faster.
 */
export async function comparePair(
  baseline: () => unknown,
  subject: () => unknown,
  runs = 5,
  warmup = 1,
  /** When one run of each does different amounts of work (repetitions calibrated apart): ratio per unit. */
  units: { baseline: number; subject: number } = { baseline: 1, subject: 1 },
): Promise<{ baseline: Measurement; subject: Measurement; ratio: number }> {
  for (let i = 0; i < warmup; i++) {
    await baseline();
    await subject();
  }
  const baseTimes: number[] = [];
  const subjectTimes: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = await time(baseline);
    const b = await time(subject);
    baseTimes.push(a);
    subjectTimes.push(b);
    ratios.push(a / units.baseline / (b / units.subject));
  }
  return { baseline: summarize(baseTimes), subject: summarize(subjectTimes), ratio: median(ratios) };
}

/**
 * How many repetitions of `fn` make one timed run last at least `minSeconds`
 * (from a warm-up and one probe), so fast code is not timed at the clock's
 * resolution and the machine's jitter.
 */
export async function repetitionsFor(fn: () => unknown, minSeconds: number): Promise<number> {
  await fn();
  const probe = await time(fn);
  return Math.max(1, Math.ceil(minSeconds / Math.max(probe, 1e-6)));
}

async function time(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function summarize(times: number[]): Measurement {
  const runs = [...times].sort((a, b) => a - b);
  return { seconds: median(runs), runs };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export const MB = 1_000_000;

export class Report {
  readonly rows: Row[] = [];
  /** Sizes, counts, ciphers: what the figures were measured on (kept out of the row keys). */
  readonly notes: string[] = [];
  /** The suite now running; stamped on every row added. */
  suite: string | undefined;

  note(text: string): void {
    this.notes.push(this.suite ? `${this.suite}: ${text}` : text);
  }

  add(row: Row): Row {
    if (this.suite !== undefined && row.suite === undefined) row.suite = this.suite;
    if (row.baseline !== undefined && row.ratio === undefined) {
      const base = this.rows.find((r) => r.group === row.group && r.name === row.baseline);
      if (base) row.ratio = row.lowerIsBetter ? base.value / row.value : row.value / base.value;
    }
    this.rows.push(row);
    return row;
  }

  table(): string {
    const isBaseline = (row: Row) =>
      this.rows.some((other) => other.group === row.group && other.baseline === row.name);
    const lines = [
      '| group | benchmark | figure | vs baseline | goal |',
      '| --- | --- | ---: | ---: | --- |',
      ...this.rows.map(
        (r) =>
          `| ${r.group} | ${r.name} | ${format(r.value)} ${r.unit} | ${
            r.ratio !== undefined
              ? `${r.ratio.toFixed(2)}× ${r.baseline}`
              : isBaseline(r)
                ? '(baseline)'
                : '—'
          } | ${r.goal ?? ''} |`,
      ),
    ];
    if (this.notes.length > 0) lines.push('', ...this.notes.map((note) => `- ${note}`));
    return lines.join('\n');
  }

  /** Prints the table, writes JSON to bench/out/, appends to bench/RESULTS.md when asked. */
  publish(command: string, options: { append: boolean }): void {
    const table = this.table();
    console.log(`\n${table}\n`);
    const benchDir = join(import.meta.dirname, '..');
    mkdirSync(join(benchDir, 'out'), { recursive: true });
    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
    writeFileSync(
      join(benchDir, 'out', 'results.json'),
      `${JSON.stringify({ date: new Date().toISOString(), machine, command, rows: this.rows, notes: this.notes }, null, 2)}\n`,
    );
    if (options.append) {
      appendFileSync(
        join(benchDir, 'RESULTS.md'),
        `\n## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC\n\nCommand: \`${command}\`  \nMachine: ${machine}\n\n${table}\n`,
      );
    }
  }
}

function format(value: number): string {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
