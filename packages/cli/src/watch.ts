// `tapline watch`: the client of a connector's watch socket (@tapline/core's
// createWatchServer). Lists the live sessions, or follows one read-only: a
// terminal stream is drawn in the viewer's terminal from its recent output
// on, other sessions scroll as a list of actions.
import { connect } from 'node:net';
import type { WatchSessionInfo } from '@tapline/core';
import { TaplineError } from '@tapline/frames';
import { formatBytes } from './format.js';

/** What the server sends (one JSON object per line). */
type WatchLine =
  | { type: 'sessions'; sessions: WatchedSession[] }
  | ({ type: 'session' } & WatchedSession)
  | { type: 'stream'; streamId: number; kind: string; cols: number; rows: number; replay: string }
  | { type: 'output'; streamId: number; data: string }
  | { type: 'resize'; streamId: number; cols: number; rows: number }
  | { type: 'closed'; streamId: number }
  | { type: 'action'; action: Record<string, unknown> & { type: string } }
  | { type: 'dropped'; bytes: number }
  | { type: 'ended' }
  | { type: 'error'; code: string; message: string };

/** A live session as the watch socket lists it. */
export type WatchedSession = WatchSessionInfo;

export interface WatchIo {
  /** The viewer's terminal. */
  write(bytes: Uint8Array | string): void;
  /** Notes about the session (not part of its screen). */
  note(text: string): void;
  signal?: AbortSignal;
}

/** Longest line accepted from the server (a base64 output chunk is far below it). */
const MAX_LINE_CHARS = 64 * 1024 * 1024;

function ioError(message: string, cause?: unknown): TaplineError {
  return new TaplineError('TAPLINE_ERR_CLI_IO', message, { component: 'cli', ...(cause ? { cause } : {}) });
}

/** Sends one request and hands each line of the answer to `onLine` until the server ends. */
function request(
  socketPath: string,
  body: object,
  onLine: (line: WatchLine) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let buffered = '';
    let failed = false;
    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      socket.destroy();
      reject(error);
    };
    const abort = (): void => {
      socket.destroy();
      resolve();
    };
    signal?.addEventListener('abort', abort, { once: true });
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(body)}\n`));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline !== -1) {
        const text = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        let line: WatchLine;
        try {
          line = JSON.parse(text) as WatchLine;
        } catch {
          fail(ioError(`the watch socket ${socketPath} sent something that is not JSON`));
          return;
        }
        try {
          onLine(line);
        } catch (error) {
          fail(error as Error);
          return;
        }
        newline = buffered.indexOf('\n');
      }
      if (buffered.length > MAX_LINE_CHARS)
        fail(ioError(`the watch socket ${socketPath} sent an oversized line`));
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      fail(
        ioError(
          `cannot reach the watch socket ${socketPath} (${error.code ?? error.message}); is the connector running with its watch socket on?`,
          error,
        ),
      ),
    );
    socket.on('close', () => {
      signal?.removeEventListener('abort', abort);
      if (!failed) resolve();
    });
  });
}

function remoteError(line: { code: string; message: string }): TaplineError {
  return new TaplineError(line.code, line.message, { component: 'watch' });
}

/** The live sessions, one line each. */
export async function listWatchedSessions(socketPath: string): Promise<WatchedSession[]> {
  let sessions: WatchedSession[] | undefined;
  await request(socketPath, { op: 'list' }, (line) => {
    if (line.type === 'error') throw remoteError(line);
    if (line.type === 'sessions') sessions = line.sessions;
  });
  if (sessions === undefined) throw ioError(`the watch socket ${socketPath} closed without an answer`);
  return sessions;
}

export function renderSessionList(sessions: WatchedSession[], now: number = Date.now()): string {
  if (sessions.length === 0) return 'no live sessions\n';
  const rows = sessions.map((s) => [
    s.sessionId,
    s.protocol,
    s.user,
    s.resource,
    s.startedAt === undefined ? '' : `${Math.max(0, Math.round((now - s.startedAt) / 1000))}s ago`,
  ]);
  const header = ['SESSION', 'PROTOCOL', 'USER', 'RESOURCE', 'STARTED'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const format = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(format).join('\n')}\n`;
}

/** One line for an action of a session without a terminal shown. */
export function actionLine(action: Record<string, unknown> & { type: string }): string | undefined {
  const time = typeof action.time === 'number' ? new Date(action.time).toISOString().slice(11, 19) : '';
  const body = (name: string): Record<string, unknown> =>
    typeof action[name] === 'object' && action[name] !== null
      ? (action[name] as Record<string, unknown>)
      : {};
  const text = (value: unknown): string =>
    typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  switch (action.type) {
    case 'command':
      return `${time} command  ${text(body('command').text)}`;
    case 'query': {
      const query = body('query');
      const error = text(query.errorCode);
      return `${time} query    ${text(query.text)}${error ? `  [error ${error}]` : ''}`;
    }
    case 'api_call': {
      const call = body('apiCall');
      return `${time} api      ${text(call.method)} ${text(call.path)} ${text(call.statusCode)}`.trimEnd();
    }
    case 'file_operation': {
      const operation = body('fileOperation');
      const target = text(operation.targetPath);
      return `${time} file     ${text(operation.kind)} ${text(operation.path)}${target ? ` -> ${target}` : ''}`;
    }
    case 'alert': {
      const alert = body('alert');
      return `${time} ALERT    ${text(alert.ruleId)} ${text(alert.message)}`.trimEnd();
    }
    case 'stream.opened':
      return `${time} stream   ${text(action.streamId)} opened (${text(action.kind)})`;
    case 'stream.closed':
      return `${time} stream   ${text(action.streamId)} closed`;
    default:
      return undefined;
  }
}

/**
 * Follows one live session until it ends (or `io.signal` aborts). The most
 * recently opened terminal stream is drawn (the screen is cleared first and
 * redrawn from the recent output the server kept); without one, actions
 * scroll one per line.
 */
export async function followWatchedSession(
  socketPath: string,
  sessionId: string,
  io: WatchIo,
): Promise<void> {
  let shown: number | undefined;
  await request(
    socketPath,
    { op: 'follow', sessionId },
    (line) => {
      switch (line.type) {
        case 'error':
          throw remoteError(line);
        case 'session':
          io.note(
            `watching ${line.sessionId}: ${line.user} on ${line.resource} (${line.protocol}), read-only; Ctrl-C stops\n`,
          );
          return;
        case 'stream':
          shown = line.streamId;
          io.write('\x1b[H\x1b[2J');
          io.write(Buffer.from(line.replay, 'base64'));
          return;
        case 'output':
          if (line.streamId === shown) io.write(Buffer.from(line.data, 'base64'));
          return;
        case 'closed':
          if (line.streamId === shown) {
            shown = undefined;
            io.note(`\r\n[stream ${line.streamId} closed]\r\n`);
          }
          return;
        case 'action': {
          if (shown !== undefined) return;
          const text = actionLine(line.action);
          if (text !== undefined) io.write(`${text}\r\n`);
          return;
        }
        case 'dropped':
          io.note(`\r\n[the viewer fell behind: ${formatBytes(line.bytes)} not shown]\r\n`);
          return;
        case 'ended':
          io.note('\r\n[session ended]\r\n');
          return;
        default:
          return;
      }
    },
    io.signal,
  );
}
