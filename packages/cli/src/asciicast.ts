// asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a JSON
// header line, then one `[time, code, data]` line per event, times in seconds
// since the recording's start, never decreasing.
import type { DecodedFrame } from '@tapline/frames';
import { tapline } from '@tapline/frames';
import { bodyOf } from './bodies.js';
import {
  isInputChannel,
  isOutputChannel,
  noTerminalStream,
  streamSelector,
  type TerminalStream,
} from './terminal.js';

const CLIENT_TO_TARGET = tapline.v1.Direction.DIRECTION_CLIENT_TO_TARGET;
const TARGET_TO_CLIENT = tapline.v1.Direction.DIRECTION_TARGET_TO_CLIENT;

export interface AsciicastHeader {
  version: 2;
  width: number;
  height: number;
  /** Unix seconds of the stream's start. */
  timestamp: number;
  idle_time_limit?: number;
  env: Record<string, string>;
  title: string;
}

export interface AsciicastOptions {
  /** The stream to export; the first terminal stream when absent. */
  streamId?: number;
  /** Also write keystrokes as "i" events. @default false */
  input?: boolean;
  /** Written to the header as `idle_time_limit` (players cap pauses to it). */
  idleTimeLimit?: number;
}

export interface AsciicastResult {
  stream: TerminalStream;
  /** Event lines written after the header. */
  events: number;
  /** Time of the last event, seconds. */
  duration: number;
}

/** Seconds since the stream opened, to the microsecond (rounding keeps the order). */
const seconds = (offsetNs: number, baseNs: number) => Math.round((offsetNs - baseNs) / 1000) / 1e6;

/**
 * Writes one terminal stream of a recording as asciicast v2 lines (each with
 * its "\n"). Output bytes are decoded as UTF-8 with one streaming decoder per
 * direction, so a character split across two Data frames comes out whole.
 * Throws TAPLINE_ERR_CLI_NO_TERMINAL_STREAM when there is no such stream.
 */
export async function writeAsciicast(
  frames: AsyncIterable<DecodedFrame>,
  write: (line: string) => Promise<void>,
  options: AsciicastOptions = {},
): Promise<AsciicastResult> {
  const select = streamSelector(options.streamId);
  let stream: TerminalStream | undefined;
  let header: AsciicastHeader | undefined;
  let headerWritten = false;
  let startedAtMs = 0;
  let title = '';
  let events = 0;
  let lastTime = 0;
  const output = new TextDecoder('utf-8');
  const input = new TextDecoder('utf-8');

  const writeHeader = async () => {
    if (headerWritten || !header) return;
    headerWritten = true;
    await write(`${JSON.stringify(header)}\n`);
  };
  const event = async (time: number, code: 'o' | 'i' | 'r', data: string) => {
    if (data.length === 0) return;
    await writeHeader();
    lastTime = Math.max(lastTime, time);
    events++;
    await write(`${JSON.stringify([lastTime, code, data])}\n`);
  };

  for await (const frame of frames) {
    const start = bodyOf(frame, 'sessionStart');
    if (start) {
      startedAtMs = start.startedAtUnixMs;
      const grant = start.grant;
      const who = grant?.user?.name || grant?.user?.id || '?';
      const where = grant?.resource?.name || grant?.resource?.id || start.target || '?';
      title = `${who} on ${where} (${start.sessionId})`;
      continue;
    }
    if (!stream) {
      stream = select(frame);
      if (stream) {
        const env: Record<string, string> = {};
        if (stream.details.term) env.TERM = stream.details.term;
        if (stream.details['env.SHELL']) env.SHELL = stream.details['env.SHELL'];
        header = {
          version: 2,
          width: stream.cols || 80,
          height: stream.rows || 24,
          timestamp: Math.floor((startedAtMs + stream.openOffsetNs / 1e6) / 1000),
          ...(options.idleTimeLimit !== undefined ? { idle_time_limit: options.idleTimeLimit } : {}),
          env,
          title,
        };
      }
      continue;
    }
    const data = bodyOf(frame, 'data');
    if (data) {
      if (data.streamId !== stream.streamId) continue;
      const time = seconds(frame.offsetNs, stream.openOffsetNs);
      if (data.direction === TARGET_TO_CLIENT && isOutputChannel(stream.kind, data.channel)) {
        await event(time, 'o', output.decode(data.bytes, { stream: true }));
      } else if (
        options.input &&
        data.direction === CLIENT_TO_TARGET &&
        isInputChannel(stream.kind, data.channel)
      ) {
        await event(time, 'i', input.decode(data.bytes, { stream: true }));
      }
      continue;
    }
    const resize = bodyOf(frame, 'resize');
    if (resize && resize.streamId === stream.streamId) {
      if (!headerWritten && header) {
        // Before anything was shown, a resize is the terminal's real size.
        header.width = resize.cols;
        header.height = resize.rows;
      } else {
        await event(seconds(frame.offsetNs, stream.openOffsetNs), 'r', `${resize.cols}x${resize.rows}`);
      }
    }
  }
  if (!stream) throw noTerminalStream(options.streamId);
  // Bytes of a character cut off by the end of the stream come out as U+FFFD.
  await event(lastTime, 'o', output.decode());
  if (options.input) await event(lastTime, 'i', input.decode());
  await writeHeader();
  return { stream, events, duration: lastTime };
}
