// The local control socket `tapline watch` talks to: lists a connector's live
// sessions and streams one of them, read-only, as JSON lines. A unix socket
// created 0600, opt-in in the connector; one request per connection:
//   {"op":"list"}                      → {"type":"sessions","sessions":[…]}
//   {"op":"follow","sessionId":"…"}    → {"type":"session",…}, then
//       {"type":"stream",streamId,kind,cols,rows,replay}   (base64)
//       {"type":"output",streamId,data}                    (base64)
//       {"type":"resize",streamId,cols,rows} {"type":"closed",streamId}
//       {"type":"action",action}  {"type":"dropped",bytes}
//       {"type":"ended"} and the end of the connection.
// A viewer that reads too slowly loses output (counted, then reported with a
// `dropped` line), never slows the session.
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { TaplineError } from '@tapline/frames';
import type { RecordedSession } from './contracts.js';
import type { FollowEvent } from './follow.js';
import type { LiveAction } from './live.js';
import type { Recorder } from './recorder.js';

export interface WatchServerOptions {
  recorder: Recorder;
  /** The unix socket's path. Created 0600; a stale socket (nobody listening) is replaced. */
  path: string;
  /** Bytes a viewer may leave unread before its output is dropped (counted). @default 4194304 */
  maxBufferedBytes?: number;
}

export interface WatchServer {
  readonly path: string;
  /** Creates the socket and starts serving. */
  listen(): Promise<void>;
  /** Stops serving, ends every viewer, removes the socket. */
  close(): Promise<void>;
}

/** A live session as `list` shows it. */
export interface WatchSessionInfo {
  sessionId: string;
  protocol: string;
  user: string;
  resource: string;
  accessFlow?: string;
  /** Unix ms. */
  startedAt?: number;
}

const MAX_REQUEST_BYTES = 4096;
const REQUEST_TIMEOUT_MS = 10_000;
const SESSION_END_GRACE_MS = 2000;

function watchError(code: string, message: string): TaplineError {
  return new TaplineError(code, message, { component: 'watch' });
}

export function describeSession(session: RecordedSession): WatchSessionInfo {
  const { context } = session;
  const startedAt = (session as { startedAt?: unknown }).startedAt;
  const info: WatchSessionInfo = {
    sessionId: session.sessionId,
    protocol: context.protocol,
    user: context.user.email ?? context.user.name ?? context.user.id,
    resource: context.resource.name ?? context.resource.id,
  };
  if (context.accessFlow !== undefined) info.accessFlow = context.accessFlow.name ?? context.accessFlow.id;
  if (typeof startedAt === 'number') info.startedAt = startedAt;
  return info;
}

/** Something is listening on `path` (a live server's socket, not a stale one). */
function inUse(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** Serves `tapline watch` on a unix socket. */
export function createWatchServer(options: WatchServerOptions): WatchServer {
  const { recorder, path } = options;
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  if (typeof path !== 'string' || path === '')
    throw watchError('TAPLINE_ERR_INVALID_OPTION', 'path is required');
  const viewers = new Set<Socket>();
  let server: Server | undefined;

  const serve = (socket: Socket): void => {
    viewers.add(socket);
    socket.on('close', () => viewers.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
    let request = '';
    const onData = (chunk: Buffer): void => {
      request += chunk.toString('utf8');
      const newline = request.indexOf('\n');
      if (newline === -1) {
        if (request.length > MAX_REQUEST_BYTES) fail(socket, 'TAPLINE_ERR_WATCH_REQUEST', 'request too long');
        return;
      }
      socket.off('data', onData);
      socket.setTimeout(0);
      let parsed: { op?: unknown; sessionId?: unknown };
      try {
        parsed = JSON.parse(request.slice(0, newline)) as typeof parsed;
      } catch {
        fail(socket, 'TAPLINE_ERR_WATCH_REQUEST', 'the request is not JSON');
        return;
      }
      if (parsed?.op === 'list') {
        const sessions = [...recorder.sessions.values()].map(describeSession);
        socket.end(`${JSON.stringify({ type: 'sessions', sessions })}\n`);
      } else if (parsed?.op === 'follow' && typeof parsed.sessionId === 'string') {
        follow(socket, parsed.sessionId);
      } else {
        fail(
          socket,
          'TAPLINE_ERR_WATCH_REQUEST',
          'unknown request: send {"op":"list"} or {"op":"follow","sessionId":…}',
        );
      }
    };
    socket.on('data', onData);
  };

  const follow = (socket: Socket, sessionId: string): void => {
    const session = recorder.sessions.get(sessionId);
    if (session === undefined) {
      fail(socket, 'TAPLINE_ERR_WATCH_NO_SESSION', `no live session ${sessionId}`);
      return;
    }
    let dropped = 0;
    let done = false;
    const send = (line: Record<string, unknown>, droppable: boolean): void => {
      if (done || socket.destroyed) return;
      const text = `${JSON.stringify(line)}\n`;
      if (droppable && socket.writableLength + text.length > maxBuffered) {
        dropped += text.length;
        return;
      }
      socket.write(text);
    };
    socket.on('drain', () => {
      if (dropped === 0) return;
      const bytes = dropped;
      dropped = 0;
      send({ type: 'dropped', bytes }, false);
    });
    send({ type: 'session', ...describeSession(session) }, false);
    const onAction = (action: LiveAction): void => {
      if (action.sessionId !== sessionId) return;
      // Published after every other action of the session: nothing of it is left to send.
      if (action.type === 'session.ended') {
        finish();
        return;
      }
      const { context: _context, ...rest } = action;
      send({ type: 'action', action: rest }, true);
    };
    recorder.on('action', onAction, { sessionId });
    let stop: (() => void) | undefined;
    let lastCall: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(lastCall);
      if (done) return;
      send({ type: 'ended' }, false);
      done = true;
      stop?.();
      recorder.off('action', onAction);
      socket.end();
    };
    socket.on('close', () => {
      clearTimeout(lastCall);
      done = true;
      stop?.();
      recorder.off('action', onAction);
    });
    stop = recorder.follow(sessionId, (event: FollowEvent) => {
      switch (event.type) {
        case 'stream':
          send({ ...event, replay: Buffer.from(event.replay).toString('base64') }, false);
          return;
        case 'output':
          send(
            {
              type: 'output',
              streamId: event.streamId,
              data: Buffer.from(event.bytes.buffer, event.bytes.byteOffset, event.bytes.byteLength).toString(
                'base64',
              ),
            },
            true,
          );
          return;
        case 'ended':
          // The last actions reach listeners on a later turn, `session.ended` last; should that
          // one be lost (a full queue), the viewer is let go anyway.
          lastCall = setTimeout(finish, SESSION_END_GRACE_MS);
          return;
        default:
          send({ ...event }, false);
      }
    });
    if (stop === undefined) finish();
  };

  return {
    path,
    async listen() {
      if (server !== undefined) return;
      let stat: ReturnType<typeof lstatSync> | undefined;
      try {
        stat = lstatSync(path);
      } catch {}
      if (stat !== undefined) {
        if (!stat.isSocket())
          throw watchError(
            'TAPLINE_ERR_WATCH_SOCKET',
            `${path} exists and is not a socket; not replacing it`,
          );
        if (await inUse(path))
          throw watchError('TAPLINE_ERR_WATCH_SOCKET', `${path} is in use by another process`);
        unlinkSync(path);
      }
      const created = createServer(serve);
      await new Promise<void>((resolve, reject) => {
        created.once('error', (error) =>
          reject(watchError('TAPLINE_ERR_WATCH_SOCKET', `cannot listen on ${path}: ${error.message}`)),
        );
        // The socket is created with the umask's mode: no window in which others may connect.
        const umask = process.umask(0o177);
        try {
          created.listen(path, resolve);
        } finally {
          process.umask(umask);
        }
      });
      chmodSync(path, 0o600);
      server = created;
    },
    async close() {
      const closing = server;
      server = undefined;
      if (closing === undefined) return;
      for (const viewer of viewers) viewer.destroy();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };
}

function fail(socket: Socket, code: string, message: string): void {
  socket.end(`${JSON.stringify({ type: 'error', code, message })}\n`);
}
