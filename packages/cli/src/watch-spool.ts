// `tapline watch --from-spool DIR`: the live view without the connector's
// socket, from the recorder's spool directory (read-only). A live session is
// a recording there whose recording.json has no end yet; following one reads
// its segments file again whenever it grew (segments are spooled at least
// every `maxSegmentAgeMs`, 2 s by default), so the view lags by up to that.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type KeyWrapper, TaplineError, tapline } from '@tapline/frames';
import { bodyOf } from './bodies.js';
import { frameEvent } from './events.js';
import { readRecordingFrames } from './read.js';
import { describeEvent } from './render.js';
import { isOutputChannel, isTerminalStream } from './terminal.js';
import type { WatchedSession, WatchIo } from './watch.js';

const RECORDINGS = 'recordings';
const SEGMENTS_FILE = 'segments.tapline';
const RECORDING_FILE = 'recording.json';
const TARGET_TO_CLIENT = tapline.v1.Direction.DIRECTION_TARGET_TO_CLIENT;

interface SpoolRecordingFile {
  info?: {
    sessionId?: string;
    startedAt?: number;
    context?: {
      protocol?: string;
      user?: { id?: string; name?: string; email?: string };
      resource?: { id?: string; name?: string };
      accessFlow?: { id?: string; name?: string };
    };
  };
  end?: unknown;
}

async function readRecordingFile(directory: string): Promise<SpoolRecordingFile | undefined> {
  try {
    return JSON.parse(await readFile(join(directory, RECORDING_FILE), 'utf8')) as SpoolRecordingFile;
  } catch {
    // Gone (delivered), or being replaced this instant: the caller looks again.
    return undefined;
  }
}

function describe(sessionId: string, file: SpoolRecordingFile): WatchedSession {
  const context = file.info?.context ?? {};
  const session: WatchedSession = {
    sessionId,
    protocol: context.protocol ?? '?',
    user: context.user?.email ?? context.user?.name ?? context.user?.id ?? '?',
    resource: context.resource?.name ?? context.resource?.id ?? '?',
  };
  if (context.accessFlow !== undefined)
    session.accessFlow = context.accessFlow.name ?? context.accessFlow.id ?? '';
  if (typeof file.info?.startedAt === 'number') session.startedAt = file.info.startedAt;
  return session;
}

/** The sessions still being recorded in a spool directory. */
export async function listSpoolSessions(spoolDirectory: string): Promise<WatchedSession[]> {
  let names: string[];
  try {
    names = await readdir(join(spoolDirectory, RECORDINGS));
  } catch (error) {
    throw new TaplineError('TAPLINE_ERR_CLI_IO', `cannot read the spool ${spoolDirectory}`, {
      component: 'cli',
      cause: error,
    });
  }
  const sessions: WatchedSession[] = [];
  for (const name of names.sort()) {
    const file = await readRecordingFile(join(spoolDirectory, RECORDINGS, name));
    if (file !== undefined && file.end === undefined) sessions.push(describe(name, file));
  }
  return sessions.sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Follows one session from the spool until it ends (or is delivered and
 * removed): like the socket view, the most recent terminal stream is drawn,
 * else one line per action.
 */
export async function followSpoolSession(
  spoolDirectory: string,
  sessionId: string,
  io: WatchIo & { keyWrapper?: KeyWrapper; pollMs?: number },
): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(sessionId))
    throw new TaplineError('TAPLINE_ERR_CLI_USAGE', `not a session id: ${sessionId}`, { component: 'cli' });
  const directory = join(spoolDirectory, RECORDINGS, sessionId);
  const first = await readRecordingFile(directory);
  if (first === undefined || first.end !== undefined) {
    throw new TaplineError(
      'TAPLINE_ERR_WATCH_NO_SESSION',
      `no live session ${sessionId} in ${spoolDirectory}`,
      {
        component: 'watch',
      },
    );
  }
  const session = describe(sessionId, first);
  io.note(
    `watching ${sessionId}: ${session.user} on ${session.resource} (${session.protocol}) from the spool, read-only; Ctrl-C stops\n`,
  );
  let lastSeq = -1;
  let lastOffsetNs = 0;
  let lastSize = -1;
  let shown: { streamId: number; kind: number } | undefined;
  let startedAtMs: number | undefined;
  for (;;) {
    if (io.signal?.aborted) return;
    const file = await readRecordingFile(directory);
    let size = -1;
    try {
      size = (await stat(join(directory, SEGMENTS_FILE))).size;
    } catch {}
    if (size !== lastSize && size > 0) {
      lastSize = size;
      const bytes = await readFile(join(directory, SEGMENTS_FILE)).catch(() => undefined);
      if (bytes !== undefined) {
        // Whole segments before the last frame shown are skipped undecoded.
        const pass = readRecordingFrames(bytes, {
          ...(io.keyWrapper ? { keyWrapper: io.keyWrapper } : {}),
          fromOffsetNs: lastOffsetNs,
        });
        for await (const frame of pass.frames) {
          const seq = Number(frame.seq);
          if (seq <= lastSeq) continue;
          lastSeq = seq;
          lastOffsetNs = frame.offsetNs;
          const start = bodyOf(frame, 'sessionStart');
          if (start) startedAtMs = Number(start.startedAtUnixMs);
          const open = bodyOf(frame, 'streamOpen');
          if (open && isTerminalStream(open)) {
            shown = { streamId: open.streamId, kind: open.kind };
            io.write('\x1b[H\x1b[2J');
            continue;
          }
          const data = bodyOf(frame, 'data');
          if (data) {
            if (
              shown !== undefined &&
              data.streamId === shown.streamId &&
              data.direction === TARGET_TO_CLIENT &&
              isOutputChannel(shown.kind, data.channel)
            )
              io.write(data.bytes);
            continue;
          }
          const close = bodyOf(frame, 'streamClose');
          if (close && close.streamId === shown?.streamId) {
            shown = undefined;
            io.note(`\r\n[stream ${close.streamId} closed]\r\n`);
            continue;
          }
          if (frame.body === 'sessionEnd') {
            io.note('\r\n[session ended]\r\n');
            return;
          }
          if (shown !== undefined || frame.body === 'resize' || frame.body === 'sessionStart') continue;
          const line = describeEvent(frameEvent(frame, { startedAtMs }));
          if (line !== undefined) io.write(`${line}\r\n`);
        }
      }
    }
    if (file === undefined || file.end !== undefined) {
      // Ended (its last segment is read above) or delivered and removed from the spool.
      io.note('\r\n[session ended]\r\n');
      return;
    }
    await sleep(io.pollMs ?? 250);
  }
}
