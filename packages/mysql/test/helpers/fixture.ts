import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder, type Recorder, type SessionContext } from '@tapline/core';
import { frameToJson, readFrames, verifyRecording } from '@tapline/frames';
import {
  createMySqlProxy,
  type MySqlGrant,
  type MySqlProxy,
  type MySqlProxyEvent,
  type MySqlProxyOptions,
  type MySqlTarget,
} from '../../src/index.js';
import { type Certificates, makeCertificates } from './mariadb.js';

export const TOKEN = 'tok-one-time-7f3a';

/**
 * A directory sysbench can run in with --mysql-ssl=on: it loads cacert.pem,
 * client-cert.pem and client-key.pem from its working directory.
 */
export function sysbenchTlsDirectory(ca: string, certificates: Certificates): string {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-sysbench-'));
  writeFileSync(join(dir, 'cacert.pem'), ca);
  writeFileSync(join(dir, 'client-cert.pem'), certificates.cert);
  writeFileSync(join(dir, 'client-key.pem'), certificates.key);
  return dir;
}

export interface ProxyFixture {
  proxy: MySqlProxy;
  recorder: Recorder;
  port: number;
  events: MySqlProxyEvent[];
  proxyCertificates: Certificates;
  recordings: string;
  /** Every recording's frames (as JSON), after the recorder delivered them. */
  recordingsJson(): Promise<
    Array<{ sessionId: string; frames: Record<string, unknown>[]; intact: boolean; complete: boolean }>
  >;
  close(): Promise<void>;
}

export function grantContext(user = 'alice', expiresAt?: number): Omit<SessionContext, 'protocol'> {
  return {
    user: { id: user, name: user },
    accessRequestId: `ar-${user}`,
    resource: { id: 'db-1', type: 'mysql_database', name: 'shop' },
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}

export async function startProxy(
  target: () => MySqlTarget,
  options: Partial<MySqlProxyOptions> & { expiresAt?: () => number | undefined } = {},
): Promise<ProxyFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-mysql-proxy-'));
  const proxyCertificates = makeCertificates(dir, 'proxy');
  const recordings = join(dir, 'recordings');
  const recorder = createRecorder({
    spool: { directory: join(dir, 'spool') },
    sinks: [createFileSink({ directory: recordings })],
  });
  const events: MySqlProxyEvent[] = [];
  const proxy = createMySqlProxy({
    tls: { key: proxyCertificates.key, cert: proxyCertificates.cert },
    recorder,
    authorize: (request) => {
      const ok = request.password === TOKEN || request.scramble?.matches(TOKEN) === true;
      if (!ok) return null;
      const grant: MySqlGrant = {
        context: grantContext(request.user, options.expiresAt?.()),
        target: target(),
      };
      return grant;
    },
    onEvent: (event) => events.push(event),
    ...options,
  });
  const { port } = await proxy.listen();
  return {
    proxy,
    recorder,
    port,
    events,
    proxyCertificates,
    recordings,
    async recordingsJson() {
      await recorder.idle();
      const { existsSync, readdirSync } = await import('node:fs');
      const out = [];
      if (!existsSync(recordings)) return [];
      for (const file of readdirSync(recordings).filter((name) => name.endsWith('.tapline'))) {
        const bytes = readFileSync(join(recordings, file));
        const report = await verifyRecording(bytes);
        const frames: Record<string, unknown>[] = [];
        for await (const frame of readFrames(bytes))
          frames.push(frameToJson(frame) as Record<string, unknown>);
        out.push({
          sessionId: file.replace(/\.tapline$/, ''),
          frames,
          intact: report.intact,
          complete: report.complete,
        });
      }
      return out;
    },
    async close() {
      await proxy.close();
      await recorder.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ClientResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real `mariadb` client through the proxy, batch mode; `input` goes to stdin. */
export function mariadbClient(
  port: number,
  args: string[],
  options: { input?: string; token?: string; ca?: string } = {},
): Promise<ClientResult> {
  return new Promise((resolve) => {
    const child = spawn(
      'mariadb',
      [
        '--no-defaults',
        '-h',
        '127.0.0.1',
        '-P',
        String(port),
        '-u',
        'alice',
        `--password=${options.token ?? TOKEN}`,
        '--ssl',
        ...(options.ca ? [`--ssl-ca=${options.ca}`] : []),
        '--batch',
        ...args,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdin.end(options.input ?? '');
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function run(command: string, args: string[], input?: string, cwd?: string): Promise<ClientResult> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { maxBuffer: 64 * 1024 * 1024, ...(cwd ? { cwd } : {}) },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** The Query frames of a recording, as JSON objects. */
export function queriesOf(frames: Record<string, unknown>[]): Array<Record<string, unknown>> {
  return frames
    .filter((frame) => frame.query !== undefined)
    .map((frame) => frame.query as Record<string, unknown>);
}

export function endOf(frames: Record<string, unknown>[]): Record<string, unknown> | undefined {
  return frames.find((frame) => frame.sessionEnd !== undefined)?.sessionEnd as
    | Record<string, unknown>
    | undefined;
}
