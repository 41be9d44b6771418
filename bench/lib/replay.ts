// Replays the client side of a recorded SSH shell session against a live
// target (normally through the Tapline proxy): opens a pty shell of the
// recorded size and terminal type, then sends the recorded client→target Data
// of that stream and its window changes in order, with the recorded gaps
// divided by `speed`. Before each keystroke chunk it also waits (boundedly)
// until the target has sent about as much output as it had at that point of
// the recording, so a compressed replay does not type ahead of the shell.
import type { DecodedFrame } from '@tapline/frames';
import type { ClientChannel } from 'ssh2';
import { CLIENT_TO_TARGET, payloadOf, streamsOf, TARGET_TO_CLIENT } from './recording.js';
import { ssh2 } from './ssh2.js';

export interface ReplayTarget {
  host: string;
  port: number;
  username: string;
  privateKey?: string | Buffer;
  password?: string;
}

export interface ReplayOptions {
  /** The shell stream to replay. @default the first ssh_shell stream */
  streamId?: number;
  /** Divides the recorded gaps between client events. @default 1 */
  speed?: number;
  /** Longest single wait between two client events, after dividing. @default 2000 */
  maxGapMs?: number;
  /**
   * Wait before each client chunk until the output received is within this
   * many bytes of what the recording had received by then. `false` turns
   * the output sync off. @default 16
   */
  outputSlack?: number | false;
  /**
   * Where the recording shows the target quiet for at least 100 ms before a
   * client chunk, also wait until the live output has been quiet this long.
   * @default 30
   */
  quietMs?: number;
  /** Longest wait for the output sync, per chunk. @default 5000 */
  maxSyncWaitMs?: number;
  /** Changes the chunks before they are sent (tests use it to break a replay on purpose). */
  transform?: (chunks: ReplayEvent[]) => ReplayEvent[];
  /** Gives up on the whole replay after this long. @default 120000 */
  timeoutMs?: number;
}

/** A client event to replay, with how much output the recording had seen before it and when the last came. */
export type ReplayEvent = { offsetNs: number; outputBefore: number; lastOutputNs: number } & (
  | { kind: 'input'; bytes: Uint8Array }
  | { kind: 'resize'; cols: number; rows: number }
);

export interface ReplayResult {
  exitStatus?: number;
  exitSignal?: string;
  /** Client→target bytes sent. */
  inputBytes: number;
  /** Target→client bytes received. */
  outputBytes: number;
  seconds: number;
  /** Chunks whose output sync gave up waiting (the shell produced less than recorded). */
  syncTimeouts: number;
}

/** The client-side events of one shell stream, in recorded order, with the output seen before each. */
export function replayEvents(frames: readonly DecodedFrame[], streamId: number): ReplayEvent[] {
  const events: ReplayEvent[] = [];
  let outputBefore = 0;
  let lastOutputNs = 0;
  for (const frame of frames) {
    const offsetNs = Number(frame.offsetNs);
    const data = payloadOf(frame);
    if (data && data.streamId === streamId) {
      if (data.direction === TARGET_TO_CLIENT) {
        outputBefore += data.bytes.length;
        lastOutputNs = offsetNs;
      } else if (data.direction === CLIENT_TO_TARGET)
        events.push({ kind: 'input', offsetNs, bytes: data.bytes, outputBefore, lastOutputNs });
    }
    if (frame.resize && frame.resize.streamId === streamId) {
      const cols = frame.resize.cols ?? 0;
      const rows = frame.resize.rows ?? 0;
      events.push({ kind: 'resize', offsetNs, cols, rows, outputBefore, lastOutputNs });
    }
  }
  return events;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function replaySshSession(
  frames: readonly DecodedFrame[],
  target: ReplayTarget,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  const shell = streamsOf(frames).find((stream) =>
    options.streamId === undefined ? stream.kind === 'ssh_shell' : stream.streamId === options.streamId,
  );
  if (!shell) throw new Error('the recording has no ssh_shell stream to replay');
  let events = replayEvents(frames, shell.streamId);
  if (options.transform) events = options.transform(events);
  const speed = options.speed ?? 1;
  const maxGapMs = options.maxGapMs ?? 2000;
  const outputSlack = options.outputSlack ?? 16;
  const quietMs = options.quietMs ?? 30;
  const maxSyncWaitMs = options.maxSyncWaitMs ?? 5000;
  const started = performance.now();

  const client = new ssh2.Client();
  const result: ReplayResult = { inputBytes: 0, outputBytes: 0, seconds: 0, syncTimeouts: 0 };
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve).once('error', reject);
      client.connect({
        host: target.host,
        port: target.port,
        username: target.username,
        ...(target.privateKey !== undefined ? { privateKey: target.privateKey } : {}),
        ...(target.password !== undefined ? { password: target.password } : {}),
        readyTimeout: 20_000,
      });
    });
    const channel = await new Promise<ClientChannel>((resolve, reject) =>
      client.shell(
        { term: shell.details.term ?? 'xterm', cols: shell.cols || 80, rows: shell.rows || 24 },
        (error, stream) => (error ? reject(error) : resolve(stream)),
      ),
    );
    const exited = new Promise<void>((resolve) => {
      channel.on('exit', (code: number | null, signal?: string) => {
        if (code !== null && code !== undefined) result.exitStatus = code;
        if (signal) result.exitSignal = signal.replace(/^SIG/, '');
      });
      channel.on('close', () => resolve());
    });
    let lastOutputAt = performance.now();
    channel.on('data', (chunk: Buffer) => {
      result.outputBytes += chunk.length;
      lastOutputAt = performance.now();
    });
    channel.stderr.resume();

    let timeout: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timeout = setTimeout(
        () => reject(new Error('the replay did not finish in time')),
        options.timeoutMs ?? 120_000,
      );
    });
    const play = async () => {
      let previousNs = events[0]?.offsetNs ?? 0;
      for (const event of events) {
        await sleep(Math.min(maxGapMs, (event.offsetNs - previousNs) / 1e6 / speed));
        previousNs = event.offsetNs;
        if (outputSlack !== false) {
          const wanted = event.outputBefore - outputSlack;
          const wantQuiet = (event.offsetNs - event.lastOutputNs) / 1e6 >= 100;
          const synced = () =>
            result.outputBytes >= wanted && (!wantQuiet || performance.now() - lastOutputAt >= quietMs);
          const syncDeadline = performance.now() + maxSyncWaitMs;
          while (!synced() && performance.now() < syncDeadline) await sleep(5);
          if (!synced()) result.syncTimeouts++;
        }
        if (event.kind === 'resize') {
          channel.setWindow(event.rows, event.cols, 0, 0);
        } else {
          result.inputBytes += event.bytes.length;
          if (!channel.write(event.bytes)) await new Promise((resolve) => channel.once('drain', resolve));
        }
      }
      // The last input normally ends the shell ("exit"); otherwise end it.
      const closedSoon = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!closedSoon) channel.end();
      await exited;
    };
    try {
      await Promise.race([play(), deadline]);
    } finally {
      clearTimeout(timeout);
    }
  } finally {
    client.end();
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
