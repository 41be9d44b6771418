// `pnpm bench` runs every benchmark and prints one table; `--append` adds the
// table to bench/RESULTS.md; `--quick` shortens every run.
import { containerBench } from './container.bench.js';
import { Report } from './lib/harness.js';

const quick = process.argv.includes('--quick');
const append = process.argv.includes('--append');
const report = new Report();
await containerBench(report, { quick });
report.publish(`pnpm bench${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`, {
  append,
});
