import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFrames } from '@tapline/frames';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTimeToNs } from '../src/format.js';
import { play } from '../src/play.js';
import { readRecordingFrames } from '../src/read.js';
import {
  type Recorded,
  record,
  removeTempDirectories,
  SHELL_OUTPUT,
  tapline,
  terminalFrames,
  writeRecording,
} from './helpers.js';

afterAll(removeTempDirectories);

describe('tapline play', () => {
  let shell: Recorded;
  let long: Recorded;

  beforeAll(async () => {
    shell = await record();
    // Forty lines of output a millisecond or more apart, in many small segments.
    long = await record({
      segmentBytes: 256,
      script: async (session) => {
        // Kubernetes stdout is remotecommand channel 1.
        const exec = session.openStream('kube_exec', { details: { tty: 'false' } });
        session.data(exec, 'target_to_client', Buffer.from('not a tty'), 1);
        const terminal = session.openStream('ssh_shell', { cols: 80, rows: 24 });
        for (let line = 0; line < 40; line++) {
          session.data(terminal, 'target_to_client', Buffer.from(`line ${line} ${'='.repeat(40)}\r\n`));
          await sleep(1);
        }
        session.closeStream(terminal, { exitStatus: 0 });
      },
    });
  });

  it('writes exactly the recorded terminal output', async () => {
    const result = await tapline(['play', shell.path, '--speed', '1000']);
    expect(result.code).toBe(0);
    expect(result.stdout.equals(Buffer.concat(SHELL_OUTPUT))).toBe(true);
    expect(result.stderr).toBe('');
  });

  it('--from seeks: whole segments before it are skipped undecoded, the output from there is exact', async () => {
    const outputs: Array<{ offsetNs: number; bytes: Uint8Array }> = [];
    for await (const frame of readFrames(readFileSync(long.path))) {
      if (frame.data?.streamId === 2 && frame.data.direction === 2) {
        outputs.push({ offsetNs: frame.offsetNs, bytes: frame.data.bytes! });
      }
    }
    expect(outputs).toHaveLength(40);
    const from = (outputs[25]!.offsetNs / 1e9).toFixed(9);
    const fromNs = parseTimeToNs(from)!;
    const expected = Buffer.concat(
      outputs.filter((output) => output.offsetNs >= fromNs).map((output) => output.bytes),
    );
    expect(expected.toString()).toMatch(/^line 2[45] /);

    const result = await tapline(['play', long.path, '--from', from, '--speed', '1000', '--verbose']);
    expect(result.code).toBe(0);
    expect(result.stdout.equals(expected)).toBe(true);
    // The terminal stream opened in a segment that was skipped: it was found by reading the start only.
    const skipped = /(\d+) of (\d+) segments skipped undecoded/.exec(result.stderr);
    expect(skipped).not.toBeNull();
    expect(Number(skipped![1])).toBeGreaterThan(2);
    expect(result.stderr).toContain('played stream 2');
  });

  it('plays a chosen stream, and refuses a recording without a terminal', async () => {
    const chosen = await tapline(['play', long.path, '--stream', '1', '--speed', '1000']);
    expect(chosen.code).toBe(0);
    expect(chosen.text).toBe('not a tty');
    const database = await record({
      script: (session) => session.closeStream(session.openStream('db_connection', {})),
    });
    const none = await tapline(['play', database.path]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('TAPLINE_ERR_CLI_NO_TERMINAL_STREAM');
  });

  it('rejects bad --speed, --idle-limit and --from values with exit 2', async () => {
    for (const args of [
      ['--speed', '0'],
      ['--speed', 'fast'],
      ['--idle-limit', '-1'],
      ['--from', 'yesterday'],
      ['--stream', '1.5'],
    ]) {
      const result = await tapline(['play', shell.path, ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('error: option');
    }
  });
});

describe('play() timing', () => {
  /** Plays frames with a fake clock that advances exactly by each wait; returns the waits. */
  async function waitsFor(
    offsetsMs: number[],
    options: { speed?: number; idleLimitSeconds?: number; fromMs?: number },
  ) {
    const chunks = offsetsMs.map((_, index) => Buffer.from(`chunk ${index}\n`));
    const frames = terminalFrames(chunks).map((frame, index) =>
      index === 0 ? frame : { ...frame, offsetNs: offsetsMs[index - 1]! * 1e6 },
    );
    const recording = await writeRecording(frames, { segmentBytes: 64 });
    let clock = 0;
    const waits: number[] = [];
    const written: Buffer[] = [];
    const fromOffsetNs = options.fromMs === undefined ? undefined : options.fromMs * 1e6;
    const pass = readRecordingFrames([recording], fromOffsetNs === undefined ? {} : { fromOffsetNs });
    const result = await play(
      pass.frames,
      { streamId: 1, kind: 1, openOffsetNs: 0, cols: 100, rows: 30, details: {} },
      async (bytes) => {
        written.push(Buffer.from(bytes));
      },
      {
        ...(options.speed ? { speed: options.speed } : {}),
        ...(options.idleLimitSeconds ? { idleLimitSeconds: options.idleLimitSeconds } : {}),
        ...(fromOffsetNs === undefined ? {} : { fromOffsetNs }),
        now: () => clock,
        wait: async (ms) => {
          waits.push(Math.round(ms));
          clock += ms;
        },
      },
    );
    return { waits, written: Buffer.concat(written).toString(), result, state: pass.state };
  }

  it('waits the recorded gaps', async () => {
    const { waits, written } = await waitsFor([0, 1000, 11_000, 11_500], {});
    expect(waits).toEqual([1000, 10_000, 500]);
    expect(written).toBe('chunk 0\nchunk 1\nchunk 2\nchunk 3\n');
  });

  it('divides by --speed and caps pauses at --idle-limit (recorded seconds)', async () => {
    const { waits, result } = await waitsFor([0, 1000, 11_000, 11_500], { speed: 2, idleLimitSeconds: 3 });
    expect(waits).toEqual([500, 1500, 250]);
    expect(result.scheduledSeconds).toBeCloseTo(2.25, 6);
  });

  it('starts at --from: the first pause counts from there, earlier output is not written', async () => {
    const { waits, written, state } = await waitsFor([100, 200, 5000, 5100, 9000], { fromMs: 4000 });
    expect(written).toBe('chunk 2\nchunk 3\nchunk 4\n');
    expect(waits).toEqual([1000, 100, 3900]);
    expect(state.skippedSegments).toBeGreaterThan(0);
  });

  it('does not wait when it is already behind its schedule (no drift over many frames)', async () => {
    const offsets = Array.from({ length: 50 }, (_, index) => index * 10);
    let clock = 0;
    const waits: number[] = [];
    const recording = await writeRecording(
      terminalFrames(offsets.map((offset) => Buffer.from(`${offset}\n`))).map((frame, index) =>
        index === 0 ? frame : { ...frame, offsetNs: offsets[index - 1]! * 1e6 },
      ),
    );
    await play(
      readRecordingFrames([recording]).frames,
      { streamId: 1, kind: 1, openOffsetNs: 0, cols: 0, rows: 0, details: {} },
      async () => {
        clock += 15; // every write is slower than the 10 ms between frames
      },
      {
        now: () => clock,
        wait: async (ms) => {
          waits.push(ms);
          clock += ms;
        },
      },
    );
    expect(waits).toEqual([]);
  });
});
