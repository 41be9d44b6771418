import { spawn } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createFileSink,
  createRecorder,
  type MetadataEmitter,
  type RecordedSession,
  type RecorderOptions,
  type SessionContext,
} from '@tapline/core';
import { createLocalKeyWrapper, createRecordingWriter, type Frame } from '@tapline/frames';
import { run } from '../src/cli.js';

export const packageRoot = join(import.meta.dirname, '..');
export const repositoryRoot = join(packageRoot, '..', '..');
export const binPath = join(packageRoot, 'bin', 'tapline.mjs');
export const mainPath = join(packageRoot, 'src', 'main.ts');

const directories: string[] = [];
/** Removes every temp directory made so far (call it from afterAll). */
export function removeTempDirectories(): void {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
}

/** A temp directory removed after the test file. */
export function tempDirectory(prefix = 'tapline-cli-'): string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  directories.push(directory);
  return directory;
}

export interface CliResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  text: string;
}

/**
 * Runs the real CLI as a child process. By default straight from source
 * (node --conditions=source --import tsx src/main.ts); `viaBin` goes through
 * bin/tapline.mjs as an installed command would.
 */
export function tapline(
  args: string[],
  options: { viaBin?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const argv = options.viaBin
    ? [binPath, ...args]
    : ['--conditions=source', '--import', 'tsx', mainPath, ...args];
  const child = spawn(process.execPath, argv, {
    cwd: packageRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const out = Buffer.concat(stdout);
      resolve({
        code,
        stdout: out,
        stderr: Buffer.concat(stderr).toString('utf8'),
        text: out.toString('utf8'),
      });
    });
  });
}

export const FIXED_SESSION_ID = '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b';
export const LOCAL_KEY = Buffer.from(Array.from({ length: 32 }, (_, index) => index));

export function grant(overrides: Partial<SessionContext> = {}): SessionContext {
  return {
    protocol: 'ssh',
    user: { id: 'u-1', name: 'Ada Lovelace', email: 'ada@example.com' },
    approvers: [{ id: 'u-2', name: 'Grace Hopper', approvedAt: Date.UTC(2026, 2, 1, 9, 0, 0) }],
    accessFlow: { id: 'af-1', name: 'Prod access' },
    accessRequestId: 'ar-9001',
    resource: { id: 'r-1', type: 'ssh_server', name: 'bastion', integration: 'aws-prod' },
    permissions: ['shell'],
    clientAddress: '127.0.0.1:40000',
    target: '10.0.0.5:22',
    ...overrides,
  };
}

export interface RecordOptions {
  sessionId?: string;
  context?: Partial<SessionContext>;
  segmentBytes?: number;
  maxSegmentAgeMs?: number;
  codec?: 'gzip' | 'brotli' | 'none';
  signing?: { privateKey: KeyObject; keyId: string };
  encrypted?: boolean;
  metadata?: MetadataEmitter | MetadataEmitter[];
  chainHeads?: RecorderOptions['chainHeads'];
  script?: (session: RecordedSession) => Promise<void> | void;
}

export interface Recorded {
  directory: string;
  path: string;
  manifestPath: string;
  sessionId: string;
}

/** Records one session with the real recorder and FileSink; returns where the file is. */
export async function record(options: RecordOptions = {}): Promise<Recorded> {
  const root = tempDirectory();
  const directory = join(root, 'recordings');
  const recorder = createRecorder({
    sinks: [createFileSink({ directory, fsync: 'close' })],
    spool: { directory: join(root, 'spool') },
    segment: {
      codec: options.codec ?? 'gzip',
      ...(options.segmentBytes ? { segmentBytes: options.segmentBytes } : {}),
      ...(options.maxSegmentAgeMs ? { maxSegmentAgeMs: options.maxSegmentAgeMs } : {}),
    },
    ...(options.signing ? { signing: options.signing } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
    ...(options.chainHeads !== undefined ? { chainHeads: options.chainHeads } : {}),
    ...(options.encrypted
      ? { encryption: { keyWrapper: createLocalKeyWrapper({ key: LOCAL_KEY, keyId: 'local:test' }) } }
      : {}),
  });
  const session = await recorder.start(
    grant({ ...(options.sessionId ? { sessionId: options.sessionId } : {}), ...options.context }),
  );
  await (options.script ?? shellSession)(session);
  await session.end('client_closed');
  await recorder.idle();
  await recorder.close();
  return {
    directory,
    path: join(directory, `${session.sessionId}.tapline`),
    manifestPath: join(directory, `${session.sessionId}.tapline.json`),
    sessionId: session.sessionId,
  };
}

const echoLine = Buffer.from('echo 日本 😀 done\r\n$ ');
const emojiAt = echoLine.indexOf(Buffer.from('😀'));

/** What `shellSession` shows on the terminal, in order. */
export const SHELL_OUTPUT: Buffer[] = [
  Buffer.from('Welcome to bastion\r\n$ '),
  Buffer.from('ls\r\n'),
  Buffer.from('café.txt  naïve.md  日本語.txt\r\n$ '),
  // A three-byte character (日) and a four-byte emoji, each cut across two frames.
  echoLine.subarray(0, 6),
  echoLine.subarray(6, emojiAt + 2),
  echoLine.subarray(emojiAt + 2),
  Buffer.from('exit\r\nlogout\r\n'),
];

/**
 * A session with every kind of event: a shell (output with split UTF-8,
 * keystrokes, a resize, commands), an exec with exit status, an SFTP file
 * operation, a database query, a Kubernetes API call, a forward that is only
 * counted, and a gap annotation.
 */
export async function shellSession(session: RecordedSession): Promise<void> {
  const shell = session.openStream('ssh_shell', { cols: 80, rows: 24, details: { term: 'xterm-256color' } });
  const out = (index: number) => session.data(shell, 'target_to_client', SHELL_OUTPUT[index]!);
  out(0);
  await sleep(2);
  session.data(shell, 'client_to_target', Buffer.from('ls\r'));
  out(1);
  out(2);
  session.command({ streamId: shell, text: 'ls', source: 'terminal' });
  await sleep(2);
  session.resize(shell, 120, 40);
  session.data(shell, 'client_to_target', Buffer.from('echo 日本 😀 done\r'));
  out(3);
  out(4);
  out(5);
  session.command({ streamId: shell, text: 'echo 日本 😀 done', source: 'terminal' });

  const exec = session.openStream('ssh_exec', { details: { command: 'uptime' } });
  session.command({ streamId: exec, text: 'uptime', source: 'exec' });
  session.data(exec, 'target_to_client', Buffer.from(' 10:00:00 up 3 days\n'));
  session.closeStream(exec, { exitStatus: 0 });

  const sftp = session.openStream('ssh_sftp', {});
  session.fileOperation({
    streamId: sftp,
    kind: 'open',
    path: '/etc/hosts',
    flags: ['read'],
    status: 'ok',
  });
  session.fileOperation({ streamId: sftp, kind: 'close', path: '/etc/hosts', bytesRead: 1234, status: 'ok' });
  session.closeStream(sftp, {});

  const db = session.openStream('db_connection', { details: { database: 'app' } });
  session.query({
    streamId: db,
    text: 'SELECT *\n  FROM users WHERE id = $1',
    parameters: [{ value: '42', type: 'int4' }],
    commandTag: 'SELECT 1',
    rows: 1,
    durationNs: 2_100_000,
    database: 'app',
  });
  session.closeStream(db, {});

  const api = session.openStream('kube_api', {});
  session.apiCall({
    streamId: api,
    verb: 'get',
    method: 'GET',
    path: '/api/v1/namespaces/default/pods/web-1',
    apiVersion: 'v1',
    resource: 'pods',
    namespace: 'default',
    name: 'web-1',
    statusCode: 200,
  });
  session.closeStream(api, {});

  const forward = session.openStream('ssh_forward', {
    details: { host: '127.0.0.1', port: '5432' },
    contentRecorded: false,
  });
  session.data(forward, 'client_to_target', Buffer.alloc(1000));
  session.data(forward, 'target_to_client', Buffer.alloc(3000));
  session.closeStream(forward, {});

  session.annotation({
    kind: 'gap',
    streamId: shell,
    code: 'TAPLINE_ERR_QUOTA_EXCEEDED',
    message: 'spool quota reached',
    bytesNotRecorded: 2048,
  });
  await sleep(2);
  out(6);
  session.closeStream(shell, { exitStatus: 0 });
}

export function ed25519(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ed25519');
}

/**
 * A recording cut off by a crash: a child records and is SIGKILLed once a
 * segment is spooled; a new recorder recovers the spool and delivers the
 * recording, incomplete, with a TAPLINE_ERR_RECORDER_CRASHED note.
 */
export async function recordCrashed(
  sessionId: string,
  options: { signing?: { privateKey: KeyObject; keyId: string }; metadata?: MetadataEmitter } = {},
): Promise<Recorded> {
  const root = tempDirectory();
  const spool = join(root, 'spool');
  const directory = join(root, 'recordings');
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'crash-child.ts'),
      spool,
      directory,
      sessionId,
    ],
    { cwd: packageRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`crash child exited early with ${code}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  const recorder = createRecorder({
    sinks: [createFileSink({ directory })],
    spool: { directory: spool },
    ...(options.signing ? { signing: options.signing } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
  });
  await recorder.recover();
  await recorder.idle();
  await recorder.close();
  return {
    directory,
    path: join(directory, `${sessionId}.tapline`),
    manifestPath: join(directory, `${sessionId}.tapline.json`),
    sessionId,
  };
}

/** A recording written straight through the container writer (exact offsets, no recorder). */
export async function writeRecording(
  frames: Frame[],
  options: {
    sessionId?: string;
    segmentBytes?: number;
    end?: boolean;
    /** Fields of the SessionStart frame (over a minimal one). */
    start?: Frame['sessionStart'];
  } = {},
): Promise<Buffer> {
  const sessionId = options.sessionId ?? FIXED_SESSION_ID;
  const writer = createRecordingWriter({
    sessionId,
    codec: 'none',
    ...(options.segmentBytes ? { segmentBytes: options.segmentBytes } : {}),
    ...(options.end === false ? { endMarker: false } : {}),
  });
  const segments: Buffer[] = [];
  writer.on('data', (segment: Buffer) => segments.push(segment));
  const all: Frame[] = [
    { sessionStart: { sessionId, protocol: 'ssh', startedAtUnixMs: 1_790_000_000_000, ...options.start } },
    ...frames,
  ];
  all.forEach((frame, seq) => {
    writer.write({ ...frame, seq, offsetNs: frame.offsetNs ?? 0 });
  });
  await new Promise((resolve) => writer.end(resolve));
  return Buffer.concat(segments);
}

/** Frames of a terminal session: a shell stream 1 and one output frame per chunk, `stepNs` apart. */
export function terminalFrames(chunks: Uint8Array[], stepNs = 1_000_000): Frame[] {
  return [
    { offsetNs: 0, streamOpen: { streamId: 1, kind: 1, cols: 100, rows: 30, contentRecorded: true } },
    ...chunks.map((bytes, index) => ({
      offsetNs: (index + 1) * stepNs,
      data: { streamId: 1, direction: 2, bytes },
    })),
  ];
}

export interface InProcessResult {
  code: number;
  /** The first 256 KiB of stdout. */
  stdout: string;
  stdoutBytes: number;
  stderr: string;
}

/**
 * Runs the CLI in this process, through the same `run()` bin/tapline.mjs
 * calls, and collects what it prints (stdout only up to 256 KiB, so a big
 * export costs no memory here).
 */
export async function runInProcess(args: string[]): Promise<InProcessResult> {
  const keep = 256 * 1024;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let stdoutBytes = 0;
  stdout.on('data', (chunk: Buffer) => {
    if (stdoutBytes < keep) out.push(chunk.subarray(0, keep - stdoutBytes));
    stdoutBytes += chunk.length;
  });
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await run(args, { stdout, stderr, env: {} });
  return {
    code,
    stdout: Buffer.concat(out).toString('utf8'),
    stdoutBytes,
    stderr: Buffer.concat(err).toString('utf8'),
  };
}
