// The terminal streams of a recording rebuilt from its frames, and the
// extractor run over them offline: the same commands the live analyzer
// derives (issue 13: "same result live and offline"), and the commands a
// crash kept the live analyzer from writing (recovery).
import type { CommandEvent, RecoveryAnalyzer } from '@tapline/core';
import { type DecodedFrame, type Frame, tapline } from '@tapline/frames';
import { extractCommands, programOf, type TerminalStreamEvent } from '@tapline/terminal';
import type { TerminalCommandsOptions } from './analyzers.js';

const v1 = tapline.v1;

/** One terminal stream of a recording: its size when opened and its input, output and resizes in order. */
export interface RecordedTerminalStream {
  streamId: number;
  cols: number;
  rows: number;
  events: TerminalStreamEvent[];
  /** The offset of the stream's last frame. */
  lastOffsetNs: number;
}

/**
 * The streams the proxy ran the terminal analyzer on (shells and execs with
 * a pty: their StreamOpen carries a size), rebuilt from the recorded frames.
 * Stderr (channel 1) is left out, as it is live.
 */
export function terminalStreamsOf(
  frames: Iterable<Frame | DecodedFrame>,
): Map<number, RecordedTerminalStream> {
  const streams = new Map<number, RecordedTerminalStream>();
  for (const frame of frames) {
    const offsetNs = Number(frame.offsetNs ?? 0);
    const open = frame.streamOpen;
    if (open) {
      const terminal =
        (open.kind === v1.StreamKind.STREAM_KIND_SSH_SHELL ||
          open.kind === v1.StreamKind.STREAM_KIND_SSH_EXEC) &&
        (open.cols ?? 0) > 0;
      if (terminal) {
        const streamId = open.streamId ?? 0;
        streams.set(streamId, {
          streamId,
          cols: open.cols!,
          rows: open.rows ?? 24,
          events: [],
          lastOffsetNs: offsetNs,
        });
      }
      continue;
    }
    const data = frame.data;
    if (data) {
      const stream = streams.get(data.streamId ?? 0);
      if (stream === undefined || (data.channel ?? 0) !== 0 || !data.bytes) continue;
      const kind = data.direction === v1.Direction.DIRECTION_CLIENT_TO_TARGET ? 'input' : 'output';
      stream.events.push({ kind, bytes: data.bytes, offsetNs });
      stream.lastOffsetNs = offsetNs;
      continue;
    }
    const resize = frame.resize;
    if (resize) {
      const stream = streams.get(resize.streamId ?? 0);
      if (stream === undefined) continue;
      stream.events.push({ kind: 'resize', cols: resize.cols ?? 0, rows: resize.rows ?? 0, offsetNs });
      stream.lastOffsetNs = offsetNs;
    }
  }
  return streams;
}

/**
 * The command events the live `terminalCommands()` analyzer gives for one
 * recorded stream, derived offline (same extractor, same mapping).
 */
export async function extractRecordedCommands(
  stream: RecordedTerminalStream,
  options: TerminalCommandsOptions = {},
): Promise<CommandEvent[]> {
  const events = await extractCommands(stream.events, {
    ...options,
    cols: stream.cols,
    rows: stream.rows,
    endedOffsetNs: stream.lastOffsetNs,
  });
  const commands: CommandEvent[] = [];
  for (const event of events) {
    if (event.kind === 'command') {
      commands.push({
        streamId: stream.streamId,
        text: event.text,
        source: 'terminal',
        startedOffsetNs: event.startedOffsetNs,
        ...(event.endedOffsetNs === undefined ? {} : { endedOffsetNs: event.endedOffsetNs }),
        program: programOf(event.text),
      });
    } else if (event.kind === 'fullscreen') {
      commands.push({
        streamId: stream.streamId,
        text: event.text,
        source: 'fullscreen',
        program: event.program,
        startedOffsetNs: event.startedOffsetNs,
        endedOffsetNs: event.endedOffsetNs,
      });
    }
  }
  return commands;
}

const TERMINAL_SOURCES = new Set(['terminal', 'fullscreen']);

/**
 * A recovery analyzer for `createRecorder({ recoveryAnalyzers })`: after a
 * crash, runs the terminal extractor over every recovered terminal stream
 * and returns the commands the recording does not hold yet — typically the
 * one that was running when the process died (the live extractor writes a
 * command when it is over, so a kill during it left only its keystrokes).
 * A command counts as recorded when a Command frame of the same stream has
 * the same text (counted, so a command run twice is kept twice): offsets do
 * not identify it, as the live analyzer stamps its own clock reading.
 */
export function recoverTerminalCommands(options: TerminalCommandsOptions = {}): RecoveryAnalyzer {
  return async ({ frames }) => {
    const recorded = new Map<string, number>();
    for (const frame of frames) {
      const command = frame.command;
      if (command && TERMINAL_SOURCES.has(command.source ?? '')) {
        const key = `${command.streamId ?? 0}\u0000${command.text}`;
        recorded.set(key, (recorded.get(key) ?? 0) + 1);
      }
    }
    const missing: CommandEvent[] = [];
    for (const stream of terminalStreamsOf(frames).values()) {
      for (const command of await extractRecordedCommands(stream, options)) {
        const key = `${command.streamId}\u0000${command.text}`;
        const left = recorded.get(key) ?? 0;
        if (left > 0) recorded.set(key, left - 1);
        else missing.push(command);
      }
    }
    return missing;
  };
}
