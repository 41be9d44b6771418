// Replays the recorded interactive shell (bench/corpus/shell-vi.tapline) through
// the real proxy to a real sshd, records it again with the real recorder, and
// checks the new recording means the same: the same commands extracted by the
// terminal, the same stream kinds and exit status, the same end. Needs what
// .ci/setup-ssh.sh installs (like @tapline/ssh's tests).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder, type Recorder } from '@tapline/core';
import { verifyRecording } from '@tapline/frames';
import { extractCommands, type TerminalStreamEvent } from '@tapline/terminal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from '../../packages/ssh/test/helpers/fixture.js';
import { until } from '../../packages/ssh/test/helpers/processes.js';
import { TEST_USER } from '../../packages/ssh/test/helpers/sshd.js';
import {
  CLIENT_TO_TARGET,
  dataOf,
  decodeRecording,
  loadFrames,
  semanticSummary,
  streamsOf,
  TARGET_TO_CLIENT,
} from '../lib/recording.js';
import { replayEvents, replaySshSession } from '../lib/replay.js';

describe('replaying a recorded shell session through the proxy', () => {
  let fixture: Fixture;
  let recorder: Recorder;
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tapline-replay-'));
    recorder = createRecorder({
      spool: { directory: join(root, 'spool') },
      sinks: [createFileSink({ directory: join(root, 'recordings'), fsync: 'close' })],
    });
    fixture = await startFixture({ recorder });
  });
  afterAll(async () => {
    await fixture?.close();
    await recorder?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  async function replayAndRecord(options: Parameters<typeof replaySshSession>[2]) {
    const original = await loadFrames('shell-vi');
    fixture.events.length = 0;
    const result = await replaySshSession(
      original,
      {
        host: '127.0.0.1',
        port: fixture.port,
        username: TEST_USER,
        privateKey: readFileSync(fixture.userKeyPath),
      },
      options,
    );
    let sessionId = '';
    await until(
      () => {
        const ended = fixture.events.find((event) => event.type === 'session_ended');
        if (ended?.type === 'session_ended') sessionId = ended.sessionId;
        return sessionId !== '';
      },
      20_000,
      'the replayed session to end',
    );
    await recorder.idle();
    const bytes = readFileSync(join(root, 'recordings', `${sessionId}.tapline`));
    expect(await verifyRecording(bytes)).toMatchObject({ complete: true, sessionId });
    return { original, replayed: await decodeRecording(bytes), result };
  }

  it('a replay at 4× speed records the same commands, streams, exit status and end', async () => {
    const { original, replayed, result } = await replayAndRecord({ speed: 4 });
    const expected = semanticSummary(original);
    // The corpus recording is what it claims to be: twelve commands, vi among them, exit 3.
    expect(expected.commands).toHaveLength(12);
    expect(expected.commands).toContainEqual({ text: 'vi notes.txt', source: 'fullscreen', program: 'vi' });
    expect(expected.commands).toContainEqual({
      text: 'echo hello world',
      source: 'terminal',
      program: 'echo',
    });
    expect(expected.streams).toEqual([{ kind: 'ssh_shell', exitStatus: 3 }]);

    expect(result.exitStatus).toBe(3);
    // The corpus was recorded by an older extractor: the command lines must be
    // the same; the programs come from today's grammar (a for loop runs echo).
    const withoutPrograms = (summary: typeof expected) => ({
      ...summary,
      commands: summary.commands.map(({ program: _program, ...command }) => command),
    });
    const again = semanticSummary(replayed);
    expect(withoutPrograms(again)).toEqual(withoutPrograms(expected));
    expect(again.commands).toContainEqual({
      text: 'for i in 1 2 3; do echo line-$i; done',
      source: 'terminal',
      program: 'echo',
    });
    // The client side went through byte for byte, and the terminal size with it.
    const sent = (frames: typeof original) =>
      Buffer.concat(dataOf(frames, { direction: CLIENT_TO_TARGET }).map((chunk) => chunk.bytes));
    expect(sent(replayed).equals(sent(original))).toBe(true);
    expect(streamsOf(replayed)[0]).toMatchObject({ kind: 'ssh_shell', cols: 120, rows: 40 });
    expect(
      replayed.filter((frame) => frame.resize).map((frame) => [frame.resize!.cols, frame.resize!.rows]),
    ).toEqual(
      original.filter((frame) => frame.resize).map((frame) => [frame.resize!.cols, frame.resize!.rows]),
    );
    // Live and offline extraction agree on the replayed recording too.
    const shellId = streamsOf(replayed)[0]!.streamId;
    const events: TerminalStreamEvent[] = dataOf(replayed, { streamId: shellId }).map((chunk) => ({
      kind: chunk.direction === TARGET_TO_CLIENT ? 'output' : 'input',
      bytes: chunk.bytes,
      offsetNs: chunk.offsetNs,
    }));
    const offline = await extractCommands(events, { cols: 120, rows: 40 });
    expect(offline.flatMap((event) => (event.kind === 'gap' ? [] : [event.text]))).toEqual(
      expected.commands.map((command) => command.text),
    );
  }, 120_000);

  it('the comparison has teeth: a replay with the backspaces dropped records a different command', async () => {
    const backspace = 0x7f;
    const { original, replayed } = await replayAndRecord({
      speed: 8,
      transform: (events) =>
        events.filter(
          (event) => !(event.kind === 'input' && event.bytes.length === 1 && event.bytes[0] === backspace),
        ),
    });
    expect(
      replayEvents(original, streamsOf(original)[0]!.streamId).some(
        (e) => e.kind === 'input' && e.bytes[0] === backspace,
      ),
    ).toBe(true);
    const texts = semanticSummary(replayed).commands.map((command) => command.text);
    expect(texts).not.toContain('echo hello world');
    expect(texts).toContain('echo hello wroldworld');
    expect(semanticSummary(replayed)).not.toEqual(semanticSummary(original));
  }, 120_000);
});
