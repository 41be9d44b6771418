import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFrames, tapline as schema } from '@tapline/frames';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Recorded,
  record,
  removeTempDirectories,
  SHELL_OUTPUT,
  tapline,
  tempDirectory,
} from './helpers.js';

afterAll(removeTempDirectories);

type AsciicastEvent = [number, 'o' | 'i' | 'r', string];

/**
 * Checks a file against the asciicast v2 rules
 * (https://docs.asciinema.org/manual/asciicast/v2/) and returns its parts.
 */
function parseAsciicast(text: string): { header: Record<string, unknown>; events: AsciicastEvent[] } {
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  const header = JSON.parse(lines[0]!) as Record<string, unknown>;
  expect(typeof header).toBe('object');
  expect(Object.keys(header)).toEqual(['version', 'width', 'height', 'timestamp', 'env', 'title']);
  expect(header.version).toBe(2);
  expect(Number.isInteger(header.width) && (header.width as number) > 0).toBe(true);
  expect(Number.isInteger(header.height) && (header.height as number) > 0).toBe(true);
  expect(Number.isInteger(header.timestamp)).toBe(true);
  expect(typeof header.env).toBe('object');
  expect(typeof header.title).toBe('string');
  const events = lines.slice(1).map((line) => JSON.parse(line) as AsciicastEvent);
  let previous = 0;
  for (const event of events) {
    expect(Array.isArray(event) && event.length === 3).toBe(true);
    const [time, code, data] = event;
    expect(typeof time === 'number' && Number.isFinite(time) && time >= 0).toBe(true);
    expect(time).toBeGreaterThanOrEqual(previous); // never decreasing
    previous = time;
    expect(['o', 'i', 'r']).toContain(code);
    expect(typeof data).toBe('string');
    if (code === 'r') expect(data).toMatch(/^\d+x\d+$/);
  }
  return { header, events };
}

const shellText = Buffer.concat(SHELL_OUTPUT).toString('utf8');

describe('tapline export --format asciicast', () => {
  let recorded: Recorded;

  beforeAll(async () => {
    recorded = await record({ segmentBytes: 512 });
  });

  it('writes valid asciicast v2: the shell output, whole characters, the resize', async () => {
    const result = await tapline(['export', recorded.path, '--format', 'asciicast']);
    expect(result.code).toBe(0);
    const { header, events } = parseAsciicast(result.text);
    expect(header).toMatchObject({ width: 80, height: 24, env: { TERM: 'xterm-256color' } });
    expect(header.title).toContain(recorded.sessionId);
    const manifest = JSON.parse(readFileSync(recorded.manifestPath, 'utf8'));
    expect(Math.abs((header.timestamp as number) - manifest.startedAt / 1000)).toBeLessThan(2);
    const output = events.filter(([, code]) => code === 'o').map(([, , data]) => data);
    // UTF-8 cut across frames comes out whole; nothing is replaced; the exec stream is not mixed in.
    expect(output.join('')).toBe(shellText);
    expect(output.join('')).not.toContain('\uFFFD');
    expect(output).toContain('echo ');
    expect(output.join('')).toContain('日本 😀 done');
    expect(events.filter(([, code]) => code === 'r').map(([, , data]) => data)).toEqual(['120x40']);
    expect(events.some(([, code]) => code === 'i')).toBe(false);
  });

  it('--input adds the keystrokes; -o writes a file; --idle-limit goes in the header', async () => {
    const out = join(tempDirectory(), 'session.cast');
    const result = await tapline([
      'export',
      recorded.path,
      '-f',
      'asciicast',
      '--input',
      '-o',
      out,
      '--idle-limit',
      '2',
    ]);
    expect(result.code).toBe(0);
    expect(result.text).toBe('');
    const text = readFileSync(out, 'utf8');
    const header = JSON.parse(text.slice(0, text.indexOf('\n')));
    expect(header.idle_time_limit).toBe(2);
    const events = text
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => JSON.parse(line) as AsciicastEvent);
    expect(events.filter(([, code]) => code === 'i').map(([, , data]) => data)).toEqual([
      'ls\r',
      'echo 日本 😀 done\r',
    ]);
    expect(
      events
        .filter(([, code]) => code === 'o')
        .map(([, , data]) => data)
        .join(''),
    ).toBe(shellText);
  });

  it('asciinema plays the file and shows exactly the recorded output', async () => {
    const which = spawnSync('asciinema', ['--version'], { encoding: 'utf8' });
    expect(
      which.status,
      'asciinema is not installed: apt-get install -y asciinema (.ci/setup-cli.sh does it)',
    ).toBe(0);
    const cast = join(tempDirectory(), 'play.cast');
    const exported = await tapline(['export', recorded.path, '-f', 'asciicast', '-o', cast]);
    expect(exported.code).toBe(0);
    // Detached: no controlling terminal, so asciinema plays without reading keys from /dev/tty.
    const player = spawn('asciinema', ['play', '-s', '100', cast], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let errors = '';
    player.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    player.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => player.on('close', resolve));
    expect(errors).toBe('');
    expect(code).toBe(0);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(shellText);
  });

  it('--stream picks another stream: the exec output', async () => {
    const result = await tapline(['export', recorded.path, '-f', 'asciicast', '--stream', '2']);
    expect(result.code).toBe(0);
    const { header, events } = parseAsciicast(result.text);
    expect(header).toMatchObject({ width: 80, height: 24 });
    expect(events).toEqual([[expect.any(Number), 'o', ' 10:00:00 up 3 days\n']]);
  });

  it('exits 1 with TAPLINE_ERR_CLI_NO_TERMINAL_STREAM when there is nothing to replay', async () => {
    const database = await record({
      context: { protocol: 'postgres' },
      script: (session) => {
        const connection = session.openStream('db_connection', {});
        session.query({ streamId: connection, text: 'SELECT 1', commandTag: 'SELECT 1', rows: 1 });
        session.closeStream(connection);
      },
    });
    const none = await tapline(['export', database.path, '-f', 'asciicast']);
    expect(none.code).toBe(1);
    expect(none.text).toBe('');
    expect(none.stderr).toContain('TAPLINE_ERR_CLI_NO_TERMINAL_STREAM');
    const missing = await tapline(['export', recorded.path, '-f', 'asciicast', '--stream', '99']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no stream 99');
  });

  it('exports what precedes damage, then exits 1 naming the segment', async () => {
    const path = join(tempDirectory(), 'damaged.tapline');
    copyFileSync(recorded.path, path);
    const bytes = readFileSync(path);
    bytes[bytes.length - 60] = bytes[bytes.length - 60]! ^ 0xff; // inside the last segment
    writeFileSync(path, bytes);
    const result = await tapline(['export', path, '-f', 'asciicast']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/stopped at segment \d+: TAPLINE_ERR_HASH_MISMATCH/);
    const { events } = parseAsciicast(result.text);
    expect(events.length).toBeGreaterThan(0);
  });

  it('rejects a missing or unknown --format with exit 2', async () => {
    expect((await tapline(['export', recorded.path])).code).toBe(2);
    const unknown = await tapline(['export', recorded.path, '--format', 'mp4']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('asciicast, jsonl');
  });
});

describe('tapline export --format jsonl', () => {
  let recorded: Recorded;

  beforeAll(async () => {
    recorded = await record({ segmentBytes: 512 });
  });

  it('writes one JSON object per non-Data frame, envelope first', async () => {
    const result = await tapline(['export', recorded.path, '--format', 'jsonl']);
    expect(result.code).toBe(0);
    const events = result.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const frames = [];
    for await (const frame of readFrames(readFileSync(recorded.path))) frames.push(frame);
    expect(events).toHaveLength(frames.filter((frame) => frame.body !== 'data').length);
    for (const event of events) {
      expect(Object.keys(event).slice(0, 5)).toEqual(['sessionId', 'seq', 'offsetNs', 'time', 'type']);
      expect(event.sessionId).toBe(recorded.sessionId);
      expect(Number.isNaN(Date.parse(event.time as string))).toBe(false);
    }
    const seqs = events.map((event) => event.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(events.map((event) => event.type))).toEqual(
      new Set([
        'session_start',
        'stream_open',
        'command',
        'resize',
        'stream_close',
        'file_operation',
        'query',
        'api_call',
        'annotation',
        'session_end',
      ]),
    );
    expect(events.find((event) => event.type === 'query')).toMatchObject({
      text: 'SELECT *\n  FROM users WHERE id = $1',
      parameters: [{ value: '42', type: 'int4' }],
      commandTag: 'SELECT 1',
      rows: 1,
    });
    expect(events.find((event) => event.type === 'api_call')).toMatchObject({
      verb: 'get',
      resource: 'pods',
      namespace: 'default',
      name: 'web-1',
      statusCode: 200,
    });
    expect(events.at(-1)).toMatchObject({ type: 'session_end', reason: 'client_closed' });
  });

  it('--include-data adds Data frames with their bytes in base64', async () => {
    const result = await tapline(['export', recorded.path, '-f', 'jsonl', '--include-data']);
    expect(result.code).toBe(0);
    const data = result.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((event) => event.type === 'data');
    const shellOutput = data
      .filter((event) => event.streamId === 1 && event.direction === 'target_to_client')
      .map((event) => Buffer.from(event.bytes as string, 'base64'));
    expect(Buffer.concat(shellOutput).equals(Buffer.concat(SHELL_OUTPUT))).toBe(true);
    for (const event of data) expect(Buffer.from(event.bytes as string, 'base64').length).toBe(event.length);
  });

  it('an unknown body becomes an "unknown" event, not an error', async () => {
    const { createRecordingWriter } = await import('@tapline/frames');
    const sessionId = '0b7d2f1e-8a41-4c55-9a0e-2a7c1d9e4f60';
    const writer = createRecordingWriter({ sessionId, codec: 'none' });
    const segments: Buffer[] = [];
    writer.on('data', (segment: Buffer) => segments.push(segment));
    writer.write({
      seq: 0,
      offsetNs: 0,
      sessionStart: { sessionId, protocol: 'ssh', startedAtUnixMs: 1_790_000_000_000 },
    });
    // Body number 150 (an integrator's private body): tag (150 << 3 | 2), length 1, one byte.
    const privateBody = Buffer.from([0xb2, 0x09, 0x01, 0x2a]);
    writer.write(schema.v1.Frame.decode(Buffer.concat([Buffer.from([0x08, 0x01, 0x10, 0x05]), privateBody])));
    await new Promise((resolve) => writer.end(resolve));
    const path = join(tempDirectory(), `${sessionId}.tapline`);
    writeFileSync(path, Buffer.concat(segments));
    const result = await tapline(['export', path, '-f', 'jsonl']);
    expect(result.code).toBe(0);
    const events = result.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((event) => event.type)).toEqual(['session_start', 'unknown']);
    expect(events[1]).toMatchObject({ seq: 1, offsetNs: 5, time: '2026-09-21T14:13:20.000Z' });
  });
});
