// The hostile-recording generator against verify, the reader, inspect and
// export (issue #12): 0 crashes (only coded TaplineErrors), bounded memory.
// CI runs 200 inputs; TAPLINE_HOSTILE_RUNS=n (and TAPLINE_HOSTILE_SEED=s) run
// more. The inputs run in a child with a 128 MiB heap (the live set must fit
// it; a larger heap only lets garbage pile up before a collection), whose
// peak RSS (whole process: code, heap, every buffer) is what is measured,
// from a collected heap at each input; the bombs are made beforehand in the
// test's own process.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { prepareHostileBombs } from '@tapline/testing/hostile';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot, removeTempDirectories, tempDirectory } from './helpers.js';

const runs = Number(process.env.TAPLINE_HOSTILE_RUNS ?? 200);

afterAll(removeTempDirectories);

interface HostileStats {
  runs: number;
  inputs: number;
  slowestMs: number;
  slowest: string;
  maxRssBytes: number;
  codes: Record<string, number>;
}

function runHostileChild(bombs: string): Promise<{
  code: number | null;
  output: string;
  stats: HostileStats | undefined;
}> {
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=128',
      '--expose-gc',
      '--conditions=source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'hostile-child.ts'),
    ],
    {
      cwd: packageRoot,
      env: { ...process.env, TAPLINE_HOSTILE_RUNS: String(runs), TAPLINE_HOSTILE_BOMBS: bombs },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const line = /@@result (.*)/.exec(output)?.[1];
      resolve({ code, output, stats: line ? (JSON.parse(line) as HostileStats) : undefined });
    });
  });
}

describe('hostile recordings', () => {
  it(
    `${runs} of them through verifyRecording, readFrames, tapline verify/inspect/export: only coded errors, RSS under 256 MiB`,
    async () => {
      // The bombs are made here, so the child's RSS is what reading them costs.
      const bombs = tempDirectory('tapline-bombs-');
      await prepareHostileBombs(bombs);
      const { code, output, stats } = await runHostileChild(bombs);
      expect(code, output.slice(-3000)).toBe(0);
      expect(stats?.runs).toBe(runs);
      console.log(
        `hostile recordings: ${stats!.runs} runs, peak RSS ${(stats!.maxRssBytes / 2 ** 20).toFixed(0)} MiB, ` +
          `slowest tool run ${stats!.slowestMs.toFixed(0)} ms (${stats!.slowest}); codes ${JSON.stringify(stats!.codes)}`,
      );
      expect(stats!.maxRssBytes).toBeLessThan(256 * 1024 * 1024);
    },
    Math.max(300_000, runs * 2_000),
  );
});
