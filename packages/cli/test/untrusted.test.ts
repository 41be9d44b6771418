// Recordings read back are untrusted (issue #12): hostile values in a file
// must give a coded error or be shown for what they are, never crash a command.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli.js';
import { removeTempDirectories, tempDirectory, terminalFrames, writeRecording } from './helpers.js';

afterAll(removeTempDirectories);

/** Runs the CLI in this process, as bin/tapline.mjs would, and collects what it prints. */
export async function runInProcess(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await run(args, { stdout, stderr, env: {} });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

describe('times out of the Date range (finding 6)', () => {
  const absurd = 9e15;
  const file = join(tempDirectory(), 'absurd.tapline');

  it('inspect and export show them as out of range and go on', async () => {
    writeFileSync(
      file,
      await writeRecording(terminalFrames([Buffer.from('$ id\r\n')]), {
        start: {
          startedAtUnixMs: absurd,
          grant: {
            user: { id: 'u-1' },
            approvers: [{ id: 'u-2', approvedAtUnixMs: absurd }],
            expiresAtUnixMs: absurd,
          },
        },
      }),
    );
    const shown = `<out of range: ${absurd}>`;

    const inspect = await runInProcess(['inspect', file]);
    expect(inspect.stderr).not.toContain('Invalid time value');
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toMatch(new RegExp(`Started +${shown}`));
    expect(inspect.stdout).toMatch(new RegExp(`Grant until +${shown}`));
    expect(inspect.stdout).toContain('complete, intact');

    const json = await runInProcess(['inspect', '--json', file]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ startedAt: shown, expiresAt: shown, approvers: [{ approvedAt: shown }] });

    const jsonl = await runInProcess(['export', '--format', 'jsonl', file]);
    expect(jsonl.code).toBe(0);
    const events = jsonl.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; time: string });
    expect(events.map((event) => event.type)).toEqual(['session_start', 'stream_open']);
    // 9e15 ms is past the last Date; so is every time after it.
    expect(events.every((event) => event.time.startsWith('<out of range: '))).toBe(true);

    const cast = await runInProcess(['export', '--format', 'asciicast', file]);
    expect(cast.code).toBe(0);
    expect(cast.stdout.split('\n')[1]).toBe('[0.001,"o","$ id\\r\\n"]');
  });
});
