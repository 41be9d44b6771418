// Issue 17: the live action stream while the real OpenSSH `ssh` runs an
// interactive shell through the proxy. Every command typed arrives on the
// stream; the delay from the target output that completes it (the chunk the
// terminal analyzer turned into the command) to the subscriber is measured.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  createFileSink,
  createJsonlMetadataEmitter,
  createRecorder,
  type LiveAction,
  type Recorder,
} from '@tapline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from './helpers/fixture.js';
import { until } from './helpers/processes.js';
import { startTmux, type Tmux } from './helpers/tmux.js';

const COMMANDS = 40;
const execFileAsync = promisify(execFile);

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

describe('alert rules on the live stream (real ssh exec through the proxy)', () => {
  let fixture: Fixture;
  let recorder: Recorder;
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tapline-alerts-'));
    recorder = createRecorder({
      spool: { directory: join(root, 'spool') },
      sinks: [createFileSink({ directory: join(root, 'recordings') })],
      metadata: createJsonlMetadataEmitter({ path: join(root, 'events.jsonl'), fsync: 'none' }),
      alerts: {
        rules: [
          {
            id: 'recursive-delete',
            severity: 'critical',
            message: 'rm -rf on a server',
            session: { protocol: 'ssh', accessFlow: 'ssh-prod' },
            action: { type: 'command', command: { regex: '^rm\\s+-rf\\s' } },
          },
        ],
      },
    });
    fixture = await startFixture({ recorder });
  });
  afterAll(async () => {
    await fixture?.close();
    await recorder?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('a matching command raises one alert, on the stream and in the emitter, within 1 s; others none', async () => {
    const commandSeenAt = new Map<string, bigint>();
    const streamAlerts: Array<{ text: string; delayMs: number }> = [];
    recorder.on('action', (action) => {
      if (action.type === 'command') commandSeenAt.set(action.command.text, process.hrtime.bigint());
      if (action.type === 'alert' && action.alert.action.type === 'command') {
        const text = action.alert.action.command.text;
        streamAlerts.push({
          text,
          delayMs: Number(process.hrtime.bigint() - commandSeenAt.get(text)!) / 1e6,
        });
      }
    });
    const eventsPath = join(root, 'events.jsonl');
    const alertLines = () =>
      (existsSync(eventsPath) ? readFileSync(eventsPath, 'utf8') : '')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> })
        .filter((event) => event.type === 'alert');
    const metadataDelays: number[] = [];
    // Paths that do not exist (rm -rf succeeds), under the world-writable temp dir.
    const scratch = join(tmpdir(), `tapline-alert-${process.pid}-${Date.now()}`);
    const commands = [
      'echo safe-1',
      `rm -rf ${scratch}-1`,
      'ls / > /dev/null',
      `rm -rf ${scratch}-2`,
      `rm -rf ${scratch}-3`,
    ];
    for (const command of commands) {
      const before = alertLines().length;
      const run = execFileAsync('ssh', [...fixture.sshArgs(), command]);
      if (!command.startsWith('rm')) {
        await run;
        continue;
      }
      // The alert in the emitter's file, timed from when the subscriber saw the command.
      await until(() => alertLines().length > before, 5_000, `the alert for ${command}`);
      const seen = commandSeenAt.get(command);
      if (seen !== undefined) metadataDelays.push(Number(process.hrtime.bigint() - seen) / 1e6);
      await run;
    }
    await until(() => streamAlerts.length >= 3, 5_000, 'three alerts on the stream');
    // Once per matching action, none for the others.
    expect(streamAlerts.map(({ text }) => text)).toEqual(commands.filter((c) => c.startsWith('rm')));
    const lines = alertLines();
    expect(lines).toHaveLength(3);
    expect(lines[0]!.data).toMatchObject({
      ruleId: 'recursive-delete',
      severity: 'critical',
      action: 'command',
      protocol: 'ssh',
      userId: 'user-tapline',
    });
    // The emitter did not opt into content: the command text stays out of metadata.
    expect(JSON.stringify(lines)).not.toContain(scratch);
    const streamMax = Math.max(...streamAlerts.map(({ delayMs }) => delayMs));
    const metadataMax = Math.max(...metadataDelays);
    console.log(
      `alerts: ${streamAlerts.length} raised for ${commands.length} commands; action -> alert on the stream max ${streamMax.toFixed(3)} ms; action seen -> alert line in the JSONL emitter's file max ${metadataMax.toFixed(1)} ms (polled every 25 ms)`,
    );
    expect(streamMax).toBeLessThan(1000);
    expect(metadataMax).toBeLessThan(1000);
  }, 120_000);
});
