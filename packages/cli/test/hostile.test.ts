// The hostile-recording generator against verify, the reader, inspect and
// export (issue #12): 0 crashes (only coded TaplineErrors), bounded memory.
// CI runs 200 inputs; TAPLINE_HOSTILE_RUNS=n (and TAPLINE_HOSTILE_SEED=s) run
// more. The inputs run in a child with a 256 MiB heap, whose peak RSS (whole
// process: code, heap, every buffer) is what is measured.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './helpers.js';

const runs = Number(process.env.TAPLINE_HOSTILE_RUNS ?? 200);

interface HostileStats {
  runs: number;
  inputs: number;
  slowestMs: number;
  slowest: string;
  maxRssBytes: number;
  codes: Record<string, number>;
}

function runHostileChild(): Promise<{
  code: number | null;
  output: string;
  stats: HostileStats | undefined;
}> {
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=256',
      '--conditions=source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'hostile-child.ts'),
    ],
    {
      cwd: packageRoot,
      env: { ...process.env, TAPLINE_HOSTILE_RUNS: String(runs) },
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
      const { code, output, stats } = await runHostileChild();
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
