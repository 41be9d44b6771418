// Runs generated sequences through the real `ssh` (in tmux) and the real
// proxy (with the real recorder and file sink) into a real shell on sshd,
// and collects, per ssh session: the shell's own log, the commands the live
// analyzer recorded, the commands extracted offline from the recording, and
// what the generator expected.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Recorder } from '@tapline/core';
import { type DecodedFrame, readFrames } from '@tapline/frames';
import { extractRecordedCommands, type RecordedTerminalStream, terminalStreamsOf } from '../../src/index.js';
import { userDirectory } from '../helpers/files.js';
import type { Fixture } from '../helpers/fixture.js';
import { until } from '../helpers/processes.js';
import { startTmux, type Tmux } from '../helpers/tmux.js';
import {
  type GeneratedSession,
  type InteractiveSequence,
  WORK_DIRECTORY_ENTRY,
  WORK_FILES,
} from './generator.js';
import { prepareShell } from './shells.js';

export interface SessionOutcome {
  /** `bash#2`: shell and session number, for the mismatch listing. */
  label: string;
  /** The shell's own log. */
  oracle: string[];
  /** Command frames the live analyzer wrote (sources terminal and fullscreen), in order. */
  live: string[];
  /** The same extractor run offline over the recorded frames. */
  offline: string[];
  /** What the generator expected the shell to run. */
  expected: string[];
  /** Sequences whose prompts did not come back in time (the run went on). */
  syncTimeouts: string[];
  /** The shell's files (logs, history dumps) and the recorded terminal stream, to keep for a look or remove. */
  directory: string;
}

const PROMPT_TIMEOUT_MS = 8000;
const SCREEN_TIMEOUT_MS = 8000;

function quote(argument: string): string {
  return `'${argument.replaceAll("'", "'\\''")}'`;
}

/** A directory the target user owns: rc files, logs, and a working directory with files to complete. */
function prepareDirectories(): { directory: string; work: string } {
  const directory = userDirectory('tapline-oracle-');
  const work = join(directory, 'work');
  mkdirSync(join(work, WORK_DIRECTORY_ENTRY), { recursive: true });
  chmodSync(work, 0o755);
  chmodSync(join(work, WORK_DIRECTORY_ENTRY), 0o755);
  for (const [name, content] of Object.entries(WORK_FILES))
    writeFileSync(join(work, name), content, { mode: 0o644 });
  return { directory, work };
}

async function perform(
  terminal: Tmux,
  sequence: InteractiveSequence,
  timeouts: string[],
  prompts: () => number,
): Promise<void> {
  const promptsBefore = prompts();
  let promptsWaited = 0;
  for (const action of sequence.actions) {
    switch (action.kind) {
      case 'keys':
        terminal.send(...action.keys);
        break;
      case 'text':
        // As bytes: tmux would take an argument's trailing ';' (`echo x ;;`) for a command separator.
        terminal.send('-H', ...[...Buffer.from(action.text)].map((byte) => byte.toString(16)));
        break;
      case 'paste':
        // tmux brackets a paste only if the shell has asked for it by then; readline asks right
        // after PROMPT_COMMAND (which the prompt wait saw), so give it a moment.
        if (action.bracketed) await new Promise((resolve) => setTimeout(resolve, 150));
        terminal.paste(action.text, action.bracketed);
        break;
      case 'screen':
        try {
          await terminal.waitFor(action.pattern, SCREEN_TIMEOUT_MS);
        } catch {
          timeouts.push(`#${sequence.index} ${sequence.feature}: screen ${action.pattern}`);
        }
        break;
      case 'pause':
        await new Promise((resolve) => setTimeout(resolve, action.ms));
        break;
      case 'prompt':
        promptsWaited++;
        try {
          await until(() => prompts() >= promptsBefore + promptsWaited, PROMPT_TIMEOUT_MS, 'a prompt');
        } catch {
          timeouts.push(`#${sequence.index} ${sequence.feature}: prompt ${promptsWaited}`);
        }
        // The prompt hook runs before the line editor sets the terminal up (zsh flushes input then).
        await new Promise((resolve) => setTimeout(resolve, 150));
        break;
    }
  }
}

/**
 * The recording of the ssh session that ran `launch`: among the sessions the
 * proxy ended, the one whose exec stream carries that command (a session of
 * an earlier, failed run may end late; it must not be taken for this one).
 */
async function recordedFrames(
  fixture: Fixture,
  recorder: Recorder,
  recordings: string,
  launch: string,
): Promise<DecodedFrame[]> {
  let found: DecodedFrame[] | undefined;
  const looked = new Set<string>();
  await until(
    async () => {
      for (const event of fixture.events) {
        if (event.type !== 'session_ended' || looked.has(event.sessionId)) continue;
        looked.add(event.sessionId);
        await recorder.idle();
        const frames: DecodedFrame[] = [];
        for await (const frame of readFrames(readFileSync(join(recordings, `${event.sessionId}.tapline`)))) {
          frames.push(frame);
        }
        if (frames.some((frame) => frame.streamOpen?.details?.command === launch)) found = frames;
      }
      return found !== undefined;
    },
    20_000,
    'the ssh session to end',
  );
  return found!;
}

/** Plays one generated ssh session and collects the four command lists. */
export async function runSession(
  fixture: Fixture,
  recorder: Recorder,
  recordings: string,
  session: GeneratedSession,
  label: string,
): Promise<SessionOutcome> {
  const directories = prepareDirectories();
  const setup = prepareShell(session.shell, directories.directory, directories.work);
  const ssh = ['ssh', '-tt', ...fixture.sshArgs(), setup.launch].map(quote).join(' ');
  const terminal = startTmux(`TERM=screen ${ssh}`, 120, 40);
  const syncTimeouts: string[] = [];
  try {
    await until(() => setup.prompts() >= 1, 20_000, `the first ${session.shell} prompt`);
    let prompts = setup.prompts();
    for (const sequence of session.sequences) {
      await perform(terminal, sequence, syncTimeouts, setup.prompts);
      if (sequence.exits) {
        try {
          await until(() => !terminal.alive(), 15_000, `${session.shell} to exit`);
        } catch {
          // Listed with the figures; killing tmux below ends the ssh session anyway.
          syncTimeouts.push(`#${sequence.index} ${sequence.feature}: the shell did not exit`);
        }
        continue;
      }
      const want = prompts + sequence.prompts;
      try {
        await until(() => setup.prompts() >= want, PROMPT_TIMEOUT_MS, 'prompts');
      } catch {
        syncTimeouts.push(
          `#${sequence.index} ${sequence.feature}: ${setup.prompts() - prompts}/${sequence.prompts} prompts`,
        );
      }
      // Count from what the shell showed, so one wrong estimate does not shift every later wait.
      prompts = setup.prompts();
    }
  } finally {
    terminal.kill();
  }
  const oracle = setup.commands();
  const frames = await recordedFrames(fixture, recorder, recordings, setup.launch);
  const live = frames
    .filter(
      (frame) =>
        frame.command && (frame.command.source === 'terminal' || frame.command.source === 'fullscreen'),
    )
    .map((frame) => frame.command!.text ?? '');
  const offline: string[] = [];
  for (const stream of terminalStreamsOf(frames).values()) {
    for (const command of await extractRecordedCommands(stream)) offline.push(command.text);
    writeTerminalStream(directories.directory, stream);
  }
  return {
    label,
    oracle,
    live,
    offline,
    expected: session.sequences.flatMap((sequence) => sequence.expected),
    syncTimeouts,
    directory: directories.directory,
  };
}

/** The recorded terminal stream beside the shell's files, in the trace format of packages/terminal/test/fixtures, to replay a mismatch in a unit test. */
function writeTerminalStream(directory: string, stream: RecordedTerminalStream): void {
  const events = stream.events.map((event) =>
    event.kind === 'resize'
      ? { type: 'resize', offsetNs: event.offsetNs, cols: event.cols, rows: event.rows }
      : { type: event.kind, offsetNs: event.offsetNs, data: Buffer.from(event.bytes).toString('base64') },
  );
  const file = join(directory, `terminal-${stream.streamId}.json`);
  writeFileSync(file, `${JSON.stringify({ cols: stream.cols, rows: stream.rows, events })}\n`);
}
