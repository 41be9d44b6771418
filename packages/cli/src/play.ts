// Replays a terminal stream with its recorded timing.
import { setTimeout as sleep } from 'node:timers/promises';
import type { DecodedFrame } from '@tapline/frames';
import { tapline } from '@tapline/frames';
import { bodyOf } from './bodies.js';
import { isOutputChannel, noTerminalStream, streamSelector, type TerminalStream } from './terminal.js';

const TARGET_TO_CLIENT = tapline.v1.Direction.DIRECTION_TARGET_TO_CLIENT;

export interface PlayOptions {
  /** 2 plays twice as fast. @default 1 */
  speed?: number;
  /** Longest pause, in recorded seconds, before speed is applied. @default unlimited */
  idleLimitSeconds?: number;
  /** Where playing starts, ns since the session start (the pause before the first output counts from here). @default 0 */
  fromOffsetNs?: number;
  /** Waits; tests may replace it (with `now`). */
  wait?: (ms: number) => Promise<unknown>;
  /** A millisecond clock. @default performance.now */
  now?: () => number;
}

export interface PlayResult {
  bytes: number;
  chunks: number;
  /** Seconds of (capped, scaled) waiting the replay asked for. */
  scheduledSeconds: number;
}

/**
 * Finds the stream to play by reading from the start until it opens (it
 * usually opens in the first segment, so this reads little).
 */
export async function findStream(
  frames: AsyncGenerator<DecodedFrame>,
  wanted: number | undefined,
): Promise<TerminalStream> {
  const select = streamSelector(wanted);
  try {
    for await (const frame of frames) {
      const stream = select(frame);
      if (stream) return stream;
    }
  } finally {
    await frames.return(undefined);
  }
  throw noTerminalStream(wanted);
}

/**
 * Writes the stream's output bytes as they were shown, sleeping between them
 * (pauses capped at the idle limit, then divided by the speed). Sleeps are
 * scheduled against one clock, so timing does not drift over a long replay.
 */
export async function play(
  frames: AsyncIterable<DecodedFrame>,
  stream: TerminalStream,
  write: (bytes: Uint8Array) => Promise<void>,
  options: PlayOptions = {},
): Promise<PlayResult> {
  const speed = options.speed ?? 1;
  const idleLimitNs = options.idleLimitSeconds === undefined ? Infinity : options.idleLimitSeconds * 1e9;
  const wait = options.wait ?? ((ms: number) => sleep(ms));
  let previousNs = Math.max(options.fromOffsetNs ?? 0, stream.openOffsetNs);
  const now = options.now ?? (() => performance.now());
  let scheduledMs = 0;
  const startedAt = now();
  const result: PlayResult = { bytes: 0, chunks: 0, scheduledSeconds: 0 };
  for await (const frame of frames) {
    const data = bodyOf(frame, 'data');
    if (!data || data.streamId !== stream.streamId || data.direction !== TARGET_TO_CLIENT) continue;
    if (!isOutputChannel(stream.kind, data.channel) || data.bytes.length === 0) continue;
    const gapNs = Math.min(Math.max(0, frame.offsetNs - previousNs), idleLimitNs);
    previousNs = frame.offsetNs;
    scheduledMs += gapNs / 1e6 / speed;
    const ahead = scheduledMs - (now() - startedAt);
    if (ahead >= 1) await wait(ahead);
    await write(data.bytes);
    result.bytes += data.bytes.length;
    result.chunks++;
  }
  result.scheduledSeconds = scheduledMs / 1000;
  return result;
}
