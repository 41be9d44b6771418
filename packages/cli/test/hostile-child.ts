// Runs hostile recordings (see @tapline/testing's arbHostileRecording) through
// verifyRecording, readFrames and the `tapline` commands verify, inspect and
// export, in this one process, and reports as the last line of stdout how many
// ran, the slowest input and the peak RSS. A crash is anything but a coded
// TaplineError: an exception, or a command exiting other than 0 or 1, or
// exiting 1 without naming a TAPLINE_ERR_ code. Run with
// TAPLINE_HOSTILE_RUNS=n (default 200) and TAPLINE_HOSTILE_SEED=s;
// TAPLINE_HOSTILE_BOMBS=dir reads the bombs made beforehand (see prepareHostileBombs).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTaplineError, readFrames, verifyRecording } from '@tapline/frames';
import { arbHostileRecording, prepareHostileBombs } from '@tapline/testing/hostile';
import fc from 'fast-check';
import { runInProcess } from './helpers.js';

const runs = Number(process.env.TAPLINE_HOSTILE_RUNS ?? 200);
const seed =
  process.env.TAPLINE_HOSTILE_SEED === undefined ? undefined : Number(process.env.TAPLINE_HOSTILE_SEED);
const directory = mkdtempSync(join(tmpdir(), 'tapline-hostile-'));
const file = join(directory, 'hostile.tapline');

await prepareHostileBombs(process.env.TAPLINE_HOSTILE_BOMBS);
const baselineRssBytes = process.memoryUsage().rss;
const stats = {
  runs: 0,
  inputs: 0,
  slowestMs: 0,
  slowest: '',
  peakRssBytes: 0,
  peakRssAt: '',
  maxRssBytes: 0,
  codes: {} as Record<string, number>,
};

async function timed<T>(what: string, attacks: string[], work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  if (ms > stats.slowestMs) {
    stats.slowestMs = ms;
    stats.slowest = `${what}: ${attacks.join('; ')}`;
  }
  const rss = process.memoryUsage().rss;
  if (rss > stats.peakRssBytes) {
    stats.peakRssBytes = rss;
    stats.peakRssAt = `${what}: ${attacks.join('; ')}`;
  }
  return result;
}

const commands = [
  ['verify'],
  ['inspect'],
  ['inspect', '--json'],
  ['export', '--format', 'jsonl'],
  ['export', '--format', 'asciicast'],
];

try {
  await fc.assert(
    fc.asyncProperty(arbHostileRecording(), async ({ chunks, attacks }) => {
      stats.inputs++;
      // Each input starts from a collected heap (run with --expose-gc), so the
      // peak is what one input costs, not how long V8 lets the previous
      // input's 64 MiB buffers linger before it frees them.
      (globalThis as { gc?: () => void }).gc?.();
      const report = await timed('verifyRecording', attacks, () => verifyRecording(chunks));
      const code = report.error?.code ?? 'ok';
      stats.codes[code] = (stats.codes[code] ?? 0) + 1;
      if (report.error && !/^TAPLINE_ERR_[A-Z_]+$/.test(report.error.code)) {
        throw new Error(`verifyRecording reported ${report.error.code}: ${report.error.message}`);
      }
      await timed('readFrames', attacks, async () => {
        try {
          for await (const _ of readFrames(chunks));
        } catch (error) {
          if (!isTaplineError(error)) throw error;
        }
      });
      writeFileSync(file, Buffer.concat(chunks));
      for (const command of commands) {
        const result = await timed(`tapline ${command.join(' ')}`, attacks, () =>
          runInProcess([...command, file]),
        );
        const said = `${result.stdout}\n${result.stderr}`;
        if (result.code > 1 || (result.code === 1 && !/TAPLINE_ERR_[A-Z_]+/.test(said))) {
          throw new Error(
            `tapline ${command.join(' ')} exited ${result.code}: ${result.stderr.slice(0, 500)}`,
          );
        }
      }
    }),
    { numRuns: runs, ...(seed === undefined ? {} : { seed }) },
  );
  stats.runs = runs;
} catch (error) {
  process.exitCode = 1;
  console.error(error instanceof Error ? error.message : error);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
stats.maxRssBytes = process.resourceUsage().maxRSS * 1024;
console.log(`@@result ${JSON.stringify({ ...stats, baselineRssBytes })}`);
