import { isTaplineError, tapline } from '@tapline/frames';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeAsciicast } from '../src/asciicast.js';
import type { CommandEventFields } from '../src/events.js';
import { formatBytes, formatDuration, formatOffset, parseTimeToNs } from '../src/format.js';
import { inspectRecording } from '../src/inspect.js';
import { renderProgress } from '../src/progress.js';
import { readRecordingFrames } from '../src/read.js';
import { describeEvent } from '../src/render.js';
import { parseManifest } from '../src/source.js';
import { terminalFrames, writeRecording } from './helpers.js';

describe('times and sizes', () => {
  it('parses --from times', () => {
    expect(parseTimeToNs('90')).toBe(90e9);
    expect(parseTimeToNs('1.5')).toBe(1.5e9);
    expect(parseTimeToNs('90s')).toBe(90e9);
    expect(parseTimeToNs('1m30s')).toBe(90e9);
    expect(parseTimeToNs('1h2m3s')).toBe(3723e9);
    expect(parseTimeToNs('1500ms')).toBe(1.5e9);
    expect(parseTimeToNs('01:30')).toBe(90e9);
    expect(parseTimeToNs('1:02:03.5')).toBe(3723.5e9);
    expect(parseTimeToNs('0.000000001')).toBe(1);
    for (const bad of ['', 'abc', '1x', '-5', '1m 30s', 's', '1:2:3:4'])
      expect(parseTimeToNs(bad)).toBeUndefined();
  });

  it('never throws on any --from text, and reads back what it formats', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const ns = parseTimeToNs(text);
        expect(ns === undefined || (Number.isSafeInteger(ns) && ns >= 0)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 360_000 }), (ms) => {
        // formatOffset prints +[H:]MM:SS.mmm; parseTimeToNs reads that clock form.
        expect(parseTimeToNs(formatOffset(ms * 1e6).slice(1))).toBe(ms * 1e6);
      }),
    );
  });

  it('formats offsets, durations and sizes', () => {
    expect(formatOffset(0)).toBe('+00:00.000');
    expect(formatOffset(61_234_999_999)).toBe('+01:01.234');
    expect(formatOffset(3_723_500_000_000)).toBe('+1:02:03.500');
    expect(formatDuration(2.1)).toBe('2.1ms');
    expect(formatDuration(450)).toBe('450ms');
    expect(formatDuration(62_500)).toBe('1m 2.5s');
    expect(formatDuration(3_723_000)).toBe('1h 2m 3s');
    expect(formatBytes(1000)).toBe('1000 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(30 * 1024 * 1024)).toBe('30 MiB');
  });

  it('renders a progress bar', () => {
    expect(renderProgress('reading', 512, 1024, 10)).toBe('reading [#####-----]  50%  512 B / 1.0 KiB');
    expect(renderProgress('reading', 2048, 1024, 4)).toContain('[####] 100%');
    expect(renderProgress('reading', 2048, undefined)).toBe('reading  2.0 KiB');
  });
});

describe('manifests', () => {
  it('accepts a file sink manifest and refuses anything else with TAPLINE_ERR_CLI_MANIFEST', () => {
    expect(
      parseManifest('{"sessionId":"x","signature":{"algorithm":"ed25519","keyId":"k","value":"AA=="}}', 'm'),
    ).toMatchObject({ sessionId: 'x' });
    for (const bad of [
      'not json',
      '[]',
      'null',
      '{"signature":{"algorithm":"ed25519"}}',
      '{"signature":5}',
    ]) {
      expect(() => parseManifest(bad, 'm'), bad).toThrow(
        expect.objectContaining({ code: 'TAPLINE_ERR_CLI_MANIFEST' }),
      );
    }
  });
});

/** The asciicast "o" events of frames made from `chunks`, joined. */
async function asciicastOutput(chunks: Uint8Array[]): Promise<{ text: string; times: number[] }> {
  const recording = await writeRecording(terminalFrames(chunks), { segmentBytes: 200 });
  const lines: string[] = [];
  await writeAsciicast(readRecordingFrames([recording]).frames, async (line) => {
    lines.push(line);
  });
  const events = lines.slice(1).map((line) => JSON.parse(line) as [number, string, string]);
  return {
    text: events
      .filter(([, code]) => code === 'o')
      .map(([, , data]) => data)
      .join(''),
    times: events.map(([time]) => time),
  };
}

describe('asciicast UTF-8 decoding across frames', () => {
  const sample = Buffer.from('ok é 日本 😀 ✓\r\n');

  it('keeps every character whole wherever the bytes are cut (split at every offset)', async () => {
    for (let cut = 0; cut <= sample.length; cut++) {
      const { text } = await asciicastOutput([sample.subarray(0, cut), sample.subarray(cut)]);
      expect(text, `cut at ${cut}`).toBe(sample.toString('utf8'));
    }
  });

  it('keeps any text whole however it is chunked (fuzz)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (text, cuts) => {
          const bytes = Buffer.from(text);
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...points].map((start, index, all) =>
            bytes.subarray(start, all[index + 1] ?? bytes.length),
          );
          const { text: decoded, times } = await asciicastOutput(chunks);
          expect(decoded).toBe(text);
          expect(times).toEqual([...times].sort((a, b) => a - b));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('turns bytes that are not UTF-8 into U+FFFD, and a character cut off at the end too', async () => {
    const { text } = await asciicastOutput([Buffer.from([0x61, 0xff, 0x62]), Buffer.from([0xe6, 0x97])]);
    expect(text).toBe('a\uFFFDb\uFFFD');
  });
});

describe('damaged input never throws: it is reported', () => {
  async function inspectBytes(bytes: Uint8Array) {
    return inspectRecording(
      'memory',
      (async function* () {
        yield bytes;
      })(),
    );
  }

  it('reports a recording truncated at every offset as TRUNCATED, INCOMPLETE or EMPTY', async () => {
    const recording = await writeRecording(
      terminalFrames([Buffer.from('hello\r\n'), Buffer.from('world\r\n'), Buffer.from('bye\r\n')]),
      { segmentBytes: 64 },
    );
    const whole = await inspectBytes(recording);
    expect(whole.recording.complete).toBe(true);
    for (let length = 0; length < recording.length; length++) {
      const report = await inspectBytes(recording.subarray(0, length));
      expect(report.recording.complete).toBe(false);
      expect(['TAPLINE_ERR_TRUNCATED', 'TAPLINE_ERR_INCOMPLETE', 'TAPLINE_ERR_EMPTY']).toContain(
        report.recording.error?.code,
      );
      // What was read is a prefix of the whole.
      expect(report.recording.frames).toBeLessThanOrEqual(whole.recording.frames);
    }
  });

  it('refuses a segment that declares an oversized body, before buffering it', async () => {
    const recording = await writeRecording(terminalFrames([Buffer.from('x')]));
    const oversized = Buffer.from(recording);
    oversized.writeUInt32BE(0xffffffff, 88); // body length
    const report = await inspectBytes(oversized);
    expect(report.recording.error).toMatchObject({ code: 'TAPLINE_ERR_SEGMENT_TOO_LARGE', segmentIndex: 0 });
  });

  it('reports garbage with a coded error (fuzz)', async () => {
    const recording = await writeRecording(terminalFrames([Buffer.from('hello')]));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }),
          // A real recording with a few bytes overwritten.
          fc
            .array(fc.tuple(fc.nat(recording.length - 1), fc.integer({ min: 1, max: 255 })), {
              minLength: 1,
              maxLength: 4,
            })
            .map((edits) => {
              const copy = Buffer.from(recording);
              for (const [at, xor] of edits) copy[at] = copy[at]! ^ xor;
              return copy;
            }),
        ),
        async (bytes) => {
          const report = await inspectBytes(bytes);
          expect(report.recording.complete).toBe(false);
          expect(report.recording.error?.code).toMatch(/^TAPLINE_ERR_[A-Z_]+$/);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('throws (an I/O failure, not damage) only when the source itself fails', async () => {
    const failing = (async function* () {
      yield Buffer.alloc(10);
      throw Object.assign(new Error('disk on fire'), { code: 'EIO' });
    })();
    const error = await inspectRecording('memory', failing).catch((caught: unknown) => caught);
    expect(isTaplineError(error)).toBe(false);
    expect((error as NodeJS.ErrnoException).code).toBe('EIO');
  });
});

describe('command rendering', () => {
  const command = (fields: Partial<CommandEventFields>): CommandEventFields => ({
    seq: 1,
    offsetNs: 0,
    time: null,
    type: 'command',
    streamId: 0,
    text: '',
    source: 'terminal',
    startedOffsetNs: null,
    endedOffsetNs: null,
    program: null,
    inputSource: null,
    programs: [],
    exitCode: null,
    ...fields,
  });

  it('a multi-line command is shown as indented lines with its heredoc body, never joined with spaces', () => {
    const text = describeEvent(command({ text: 'cat <<EOF > notes\n  indented body\nEOF', program: 'cat' }))!;
    expect(text.split('\n')).toEqual([
      '$ cat <<EOF > notes (terminal cat)',
      `${' '.repeat(18)}  indented body`,
      `${' '.repeat(18)}EOF`,
    ]);
  });

  it('a pasted command is marked, an exit status shown, a typed one-line command unchanged', () => {
    expect(describeEvent(command({ text: 'echo p1', inputSource: 'pasted', exitCode: 0 }))).toBe(
      '$ [pasted] echo p1 → exit 0',
    );
    expect(describeEvent(command({ text: 'ls -l', inputSource: 'typed' }))).toBe('$ ls -l');
  });

  it('the new Command fields survive encoding; absent in an old frame they read as unknown', () => {
    const encoded = tapline.v1.Command.encode({
      text: 'false',
      inputSource: 'pasted',
      programs: ['false'],
      exitCode: 0,
    }).finish();
    const decoded = tapline.v1.Command.decode(encoded);
    expect([decoded.inputSource, decoded.programs, decoded.exitCode]).toEqual(['pasted', ['false'], 0]);
    const old = tapline.v1.Command.decode(tapline.v1.Command.encode({ text: 'ls', program: 'ls' }).finish());
    expect([old.inputSource, old.programs, old.exitCode ?? null]).toEqual(['', [], null]);
  });
});
