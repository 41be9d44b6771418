// One PostgreSQL server, the proxy in front of it, the real recorder with a
// file sink; helpers to run psql through the proxy and read recordings back.
import { type ExecFileException, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createFileSink,
  createRecorder,
  type QueryEvent,
  type Recorder,
  type SessionContext,
} from '@tapline/core';
import { type DecodedFrame, frameToJson, readFrames, verifyRecording } from '@tapline/frames';
import {
  createPostgresProxy,
  type PostgresProxy,
  type PostgresProxyEvent,
  type PostgresProxyOptions,
  type PostgresTarget,
} from '../../src/index.js';
import { makePki, type Pki, type PostgresServer, startPostgres } from './postgres.js';

export const TARGET_USER = 'app';
export const TARGET_PASSWORD = 'target-secret-pw';

export interface Fixture {
  pki: Pki;
  server: PostgresServer;
  recorder: Recorder;
  proxy: PostgresProxy;
  port: number;
  root: string;
  caPath: string;
  events: PostgresProxyEvent[];
  /** Token → target overrides and grant context overrides. */
  tokens: Map<string, { target?: Partial<PostgresTarget>; context?: Partial<SessionContext> }>;
  /** A libpq connection string to the proxy. */
  dsn(token: string, extra?: string): string;
  psql(
    token: string,
    args: string[],
    options?: { input?: string; extra?: string },
  ): Promise<{ stdout: string; stderr: string; code: number }>;
  /** The recording of a session: verified, its frames decoded. */
  recording(sessionId: string): Promise<{
    frames: Array<Record<string, unknown>>;
    queries: QueryEvent[];
    endReason: string;
    processId: number;
    report: unknown;
  }>;
  /** Waits for the next session_ended event and returns its session id. */
  nextEnded(): Promise<{ sessionId: string; reason: string }>;
  close(): Promise<void>;
}

export async function startFixture(options: Partial<PostgresProxyOptions> = {}): Promise<Fixture> {
  const pki = makePki();
  const server = await startPostgres(pki);
  server.sql(`create role ${TARGET_USER} login password '${TARGET_PASSWORD}' superuser`);
  server.sql(`set password_encryption = 'md5'; create role md5user login password 'md5-secret' superuser`);
  server.sql(`create role pwuser login password 'pw-secret' superuser`);
  const root = mkdtempSync(join(tmpdir(), 'tapline-pg-proxy-'));
  const caPath = join(root, 'ca.pem');
  writeFileSync(caPath, pki.ca);
  const recorder = createRecorder({
    spool: { directory: join(root, 'spool') },
    sinks: [createFileSink({ directory: join(root, 'recordings') })],
  });
  const events: PostgresProxyEvent[] = [];
  const waiters: Array<(event: { sessionId: string; reason: string }) => void> = [];
  const ended: Array<{ sessionId: string; reason: string }> = [];
  const tokens: Fixture['tokens'] = new Map();
  tokens.set('token-1', {});
  const proxy = createPostgresProxy({
    tls: { cert: pki.cert, key: pki.key },
    recorder,
    authorize: ({ user, password }) => {
      const grant = tokens.get(password);
      if (grant === undefined) return null;
      return {
        context: {
          user: { id: user },
          accessRequestId: `ar-${password}`,
          resource: { id: 'pg-1', type: 'postgres' },
          ...grant.context,
        },
        target: {
          host: '127.0.0.1',
          port: server.port,
          user: TARGET_USER,
          password: TARGET_PASSWORD,
          tls: { ca: pki.ca },
          ...grant.target,
        },
      };
    },
    onEvent: (event) => {
      events.push(event);
      if (event.type === 'session_ended') {
        const waiter = waiters.shift();
        if (waiter) waiter(event);
        else ended.push(event);
      }
    },
    ...options,
  });
  const { port } = await proxy.listen();
  const dsn = (token: string, extra = ''): string =>
    `host=127.0.0.1 port=${port} user=alice dbname=postgres sslmode=verify-full sslrootcert=${caPath} password=${token} ${extra}`;
  return {
    pki,
    server,
    recorder,
    proxy,
    port,
    root,
    caPath,
    events,
    tokens,
    dsn,
    psql(token, args, psqlOptions = {}) {
      return new Promise((resolve) => {
        const child = execFile(
          'psql',
          ['-X', '-v', 'ON_ERROR_STOP=1', '-d', dsn(token, psqlOptions.extra), ...args],
          {
            encoding: 'utf8',
            maxBuffer: 256 * 1024 * 1024,
            env: { ...process.env, PGAPPNAME: 'tapline-test' },
          },
          (error: ExecFileException | null, stdout, stderr) => {
            resolve({
              stdout,
              stderr,
              code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1,
            });
          },
        );
        if (psqlOptions.input !== undefined) child.stdin?.end(psqlOptions.input);
        else child.stdin?.end();
      });
    },
    async recording(sessionId) {
      // recorder.idle() would wait for live sessions too: poll for this recording's complete file instead.
      const path = join(root, 'recordings', `${sessionId}.tapline`);
      let bytes: Buffer = Buffer.alloc(0);
      let report: Awaited<ReturnType<typeof verifyRecording>> | undefined;
      for (let attempt = 0; attempt < 400; attempt++) {
        if (existsSync(path)) {
          bytes = readFileSync(path);
          report = await verifyRecording(bytes).catch(() => undefined);
          if (report?.complete) break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const frames: Array<Record<string, unknown>> = [];
      const queries: QueryEvent[] = [];
      let endReason = '';
      let processId = 0;
      for await (const frame of readFrames(bytes)) {
        // Raw bytes stay out of the JSON (a bulk COPY records hundreds of MB): their size is enough here.
        const data = (frame as DecodedFrame).data;
        if (data !== null && data !== undefined) {
          frames.push({
            seq: Number(frame.seq),
            body: 'data',
            data: { streamId: data.streamId, length: data.bytes?.length ?? 0 },
          });
          continue;
        }
        const json = frameToJson(frame as DecodedFrame) as Record<string, unknown>;
        frames.push(json);
        if (json.body === 'query') queries.push(json.query as QueryEvent);
        const note = json.annotation as { message?: string; details?: Record<string, string> } | undefined;
        if (json.body === 'annotation' && note?.message === 'target backend')
          processId = Number(note.details?.processId);
        if (json.body === 'sessionEnd') endReason = String((json.sessionEnd as { reason: string }).reason);
      }
      return { frames, queries, endReason, report, processId };
    },
    nextEnded() {
      const already = ended.shift();
      if (already) return Promise.resolve(already);
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close() {
      await proxy.close();
      await recorder.close();
      server.stop();
      rmSync(root, { recursive: true, force: true });
      rmSync(pki.directory, { recursive: true, force: true });
    },
  };
}
