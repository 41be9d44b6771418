// Issue 17: the live action stream while the real OpenSSH `ssh` runs an
// interactive shell through the proxy. Every command typed arrives on the
// stream; the delay from the target output that completes it (the chunk the
// terminal analyzer turned into the command) to the subscriber is measured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder, type LiveAction, type Recorder } from '@tapline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from './helpers/fixture.js';
import { until } from './helpers/processes.js';
import { startTmux, type Tmux } from './helpers/tmux.js';

const COMMANDS = 40;

describe('live action stream through the proxy (real ssh in tmux)', () => {
  let fixture: Fixture;
  let recorder: Recorder;
  let root: string;
  let terminal: Tmux | undefined;
  /** When the relay last handed the recorder bytes from the target (hrtime ns). */
  let lastTargetChunkAt = 0n;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tapline-live-'));
    recorder = createRecorder({
      spool: { directory: join(root, 'spool') },
      sinks: [createFileSink({ directory: join(root, 'recordings') })],
      redact: {
        // Not a redaction: a probe that sees every chunk as the relay records it, before the analyzers.
        data(bytes, where) {
          if (where.direction === 'target_to_client') lastTargetChunkAt = process.hrtime.bigint();
          return bytes;
        },
      },
    });
    fixture = await startFixture({ recorder });
  });
  afterAll(async () => {
    terminal?.kill();
    await fixture?.close();
    await recorder?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('each command arrives on the stream; p99 delay from the target output to the subscriber is printed', async () => {
    const arrivals: Array<{ action: LiveAction; delayMs: number; streamMs: number }> = [];
    recorder.on('action', (action) => {
      const delayMs = Number(process.hrtime.bigint() - lastTargetChunkAt) / 1e6;
      // The stream's own part: from the session publishing the action (its clock) to here.
      const session = recorder.sessions.get(action.sessionId);
      const streamMs = session ? (session.now() - action.offsetNs) / 1e6 : Number.NaN;
      arrivals.push({ action, delayMs, streamMs });
    });
    const ssh = ['ssh', ...fixture.sshArgs()].map((arg) => `'${arg}'`).join(' ');
    terminal = startTmux(`TERM=xterm ${ssh}`);
    await terminal.waitFor(/\$ $/m);
    for (let i = 0; i < COMMANDS; i++) {
      terminal.type(`echo live-${i}-$((${i}*3))`);
      // The command ends at the next prompt: wait for it before typing again.
      // (Not by polling the screen: the tmux helper's execFileSync would
      // block this process's event loop, proxy and subscriber included.)
      await until(
        () =>
          arrivals.some(
            ({ action }) => action.type === 'command' && action.command.text === `echo live-${i}-$((${i}*3))`,
          ),
        10_000,
        `command ${i} on the live stream`,
      );
    }
    const screen = terminal.screen();
    expect(screen).toMatch(new RegExp(`^live-${COMMANDS - 1}-${(COMMANDS - 1) * 3}$`, 'm'));
    terminal.type('exit');
    await until(
      () => arrivals.some(({ action }) => action.type === 'session.ended'),
      15_000,
      'the session to end',
    );
    const commands = arrivals.filter(
      (
        entry,
      ): entry is { action: Extract<LiveAction, { type: 'command' }>; delayMs: number; streamMs: number } =>
        entry.action.type === 'command',
    );
    const texts = commands.map(({ action }) => action.command.text);
    expect(texts.slice(0, COMMANDS)).toEqual(
      Array.from({ length: COMMANDS }, (_, i) => `echo live-${i}-$((${i}*3))`),
    );
    for (const { action } of commands) {
      expect(action).toMatchObject({ sessionId: expect.any(String), dropped: 0 });
      expect(action.command.source).toBe('terminal');
      expect(action.context.user.id).toBe('user-tapline');
    }
    const types = arrivals.map(({ action }) => action.type);
    expect(types[0]).toBe('session.started');
    expect(types).toContain('stream.opened');
    expect(types).toContain('stream.closed');
    const percentiles = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return {
        p50: sorted[Math.floor(0.5 * (sorted.length - 1))]!,
        p99: sorted[Math.ceil(0.99 * (sorted.length - 1))]!,
        max: sorted.at(-1)!,
      };
    };
    const measured = commands.slice(0, COMMANDS);
    const echo = percentiles(measured.map(({ delayMs }) => delayMs));
    const stream = percentiles(measured.map(({ streamMs }) => streamMs));
    const ms = (value: number) => `${value.toFixed(3)} ms`;
    console.log(
      `live stream, ${measured.length} commands through the real ssh:\n` +
        `  target output -> subscriber: p50 ${ms(echo.p50)}, p99 ${ms(echo.p99)}, max ${ms(echo.max)}\n` +
        `  of which publish -> subscriber (the stream itself): p50 ${ms(stream.p50)}, p99 ${ms(stream.p99)}, max ${ms(stream.max)}`,
    );
    // Printed, not enforced at 50 ms: on this shared 2-core machine a stall of
    // the whole process (other jobs' load) lands in any single sample. The
    // bound enforced is the alert budget (1 s); the figures go in the report.
    expect(stream.p99).toBeLessThan(1000);
    expect(echo.p99).toBeLessThan(1000);
    expect(recorder.stats().live.dropped).toBe(0);
  }, 180_000);
});
