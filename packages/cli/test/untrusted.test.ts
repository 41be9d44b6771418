// Recordings read back are untrusted (issue #12): hostile values in a file
// must give a coded error or be shown for what they are, never crash a command.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectRecording, MAX_TIMELINE_EVENTS } from '../src/index.js';
import {
  FIXED_SESSION_ID,
  packageRoot,
  removeTempDirectories,
  runInProcess,
  tempDirectory,
  terminalFrames,
  writeRecording,
} from './helpers.js';

afterAll(removeTempDirectories);

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

/** gzip of `bytes` zeros, streamed so the test never holds them. */
async function gzipOfZeros(bytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const block = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < bytes; written += block.length) {
    if (!gzip.write(block)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(out);
}

/**
 * One gzip segment whose body is a bomb and whose trailer claims `rawLength`,
 * with its hash recomputed: the probe of finding 2.
 */
async function bombRecording(rawLength: number, inflatedBytes: number): Promise<Buffer> {
  const [segment] = [await writeRecording([], {})];
  const body = await gzipOfZeros(inflatedBytes);
  const out = Buffer.alloc(92 + body.length + 48);
  segment!.copy(out, 0, 0, 92);
  out[5] = 1; // gzip
  out.writeUInt32BE(body.length, 88);
  body.copy(out, 92);
  const trailer = 92 + body.length;
  out.writeUInt32BE(1, trailer);
  out.writeUInt32BE(Math.floor(rawLength / 2 ** 32), trailer + 4);
  out.writeUInt32BE(rawLength >>> 0, trailer + 8);
  createHash('sha256')
    .update(out.subarray(0, trailer + 12))
    .digest()
    .copy(out, trailer + 12);
  segment!.copy(out, trailer + 44, segment!.length - 4);
  return out;
}

interface ChildResult {
  code: number | null;
  output: string;
  maxRssBytes: number | undefined;
}

/** The CLI in a child with a 256 MiB heap, killed after 60 s; reports its peak RSS. */
function runChild(args: string[]): Promise<ChildResult> {
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=256',
      '--conditions=source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'rss-child.ts'),
      ...args,
    ],
    { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const result = /@@result (.*)/.exec(output)?.[1];
      resolve({
        code,
        output,
        maxRssBytes: result ? (JSON.parse(result) as { maxRssBytes: number }).maxRssBytes : undefined,
      });
    });
  });
}

describe('an untrusted manifest beside a recording', () => {
  it('is refused above 1 MiB before it is read, and when a field has the wrong type', async () => {
    const directory = tempDirectory();
    const file = join(directory, 'r.tapline');
    writeFileSync(file, await writeRecording(terminalFrames([Buffer.from('$ ')])));
    writeFileSync(
      `${file}.json`,
      JSON.stringify({ sessionId: FIXED_SESSION_ID, pad: 'x'.repeat(2 * 1024 * 1024) }),
    );
    const large = await runInProcess(['verify', file]);
    expect(large.code).toBe(1);
    expect(large.stdout).toContain('TAPLINE_ERR_CLI_MANIFEST');
    expect(large.stdout).toContain('above the 1048576-byte limit');

    writeFileSync(
      `${file}.json`,
      JSON.stringify({ sessionId: FIXED_SESSION_ID, incompleteReason: { a: 1 } }),
    );
    const mistyped = await runInProcess(['verify', file]);
    expect(mistyped.code).toBe(1);
    expect(mistyped.stdout).toContain('"incompleteReason" is not a string');
  });
});

describe('a recording with more events than inspect keeps', () => {
  it('keeps MAX_TIMELINE_EVENTS of them, counts the rest and says so', async () => {
    const extra = 5;
    const file = join(tempDirectory(), 'many.tapline');
    const frames = Array.from({ length: MAX_TIMELINE_EVENTS + extra - 1 }, (_, index) => ({
      offsetNs: index,
      resize: { streamId: 1, cols: 80, rows: (index % 50) + 1 },
    }));
    writeFileSync(file, await writeRecording(frames));
    const report = await inspectRecording(
      file,
      (async function* () {
        yield readFileSync(file);
      })(),
    );
    expect(report.timeline).toHaveLength(MAX_TIMELINE_EVENTS);
    expect(report.timelineOmitted).toBe(extra);
    const printed = await runInProcess(['inspect', file]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain(`… ${extra} more events not shown`);
  });
});

describe('a recording whose trailer claims a huge raw length (finding 2)', () => {
  it('makes verify, inspect and export fail with a coded error in bounded memory', async () => {
    // ~275 KB on disk, inflating to 270 MB; the trailer claims 4 GiB - 1.
    const file = join(tempDirectory(), 'bomb.tapline');
    const bomb = await bombRecording(2 ** 32 - 1, 270 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(300 * 1024);
    writeFileSync(file, bomb);
    for (const args of [
      ['verify', file],
      ['inspect', file],
      ['export', '--format', 'jsonl', file],
    ]) {
      const result = await runChild(args);
      expect(result.output).toContain('TAPLINE_ERR_SEGMENT_TOO_LARGE');
      expect(result.code).toBe(1);
      expect(result.maxRssBytes).toBeLessThan(256 * 1024 * 1024);
    }
  });

  it('stops a bomb within the cap at the raw length it claims, in bounded memory', async () => {
    // Claims 1 MiB, inflates to 270 MB: stopped at the first MiB.
    const file = join(tempDirectory(), 'bomb-small.tapline');
    writeFileSync(file, await bombRecording(1024 * 1024, 270 * 1024 * 1024));
    const result = await runChild(['verify', file]);
    expect(result.output).toContain('TAPLINE_ERR_DECOMPRESS');
    expect(result.code).toBe(1);
    expect(result.maxRssBytes).toBeLessThan(256 * 1024 * 1024);
  });
});
