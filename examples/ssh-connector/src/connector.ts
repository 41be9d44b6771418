// The recording connector: the Tapline SSH proxy in front of one target,
// recording every session to files, with JSONL metadata and a write-ahead
// spool that survives crashes. Everything a production connector has, on
// embedded defaults.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createFileSink,
  createJsonlMetadataEmitter,
  createRecorder,
  createWatchServer,
  type MetadataEmitter,
  type Recorder,
  type RecoveryReport,
  type TaplineLogger,
} from '@tapline/core';
import { createSshProxy, recoverTerminalCommands, type SshProxy, type SshTarget } from '@tapline/ssh';
import { type DemoTarget, startDemoTarget } from './demo-target.js';
import { createDemoGrants, type DemoGrants, type DemoToken } from './grants.js';
import {
  describeKey,
  generateEd25519Key,
  type HostKey,
  knownHostsLine,
  loadOrCreateHostKey,
} from './host-key.js';
import { ConfigError, type TargetConfig } from './target.js';

export interface ConnectorOptions {
  /** FileSink directory. */
  recordingsDir: string;
  /** Host key, spool, known_hosts and the lock file live here. */
  stateDir: string;
  /** @default <stateDir>/spool */
  spoolDir?: string;
  /** @default <recordingsDir>/events.jsonl */
  eventsPath?: string;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 2222 */
  port?: number;
  /** Take a free port when `port` is in use. @default true */
  portFallback?: boolean;
  /** Keep the proxy host key in <stateDir>/host_key (false: a new key per run). @default true */
  persistentHostKey?: boolean;
  /** A real target; absent: the embedded demo target. */
  target?: TargetConfig;
  /** Grant length from login. @default 1 h */
  ttlMs?: number;
  onEvent?: (event: ConnectorEvent) => void;
  /**
   * A pino logger (any pino-compatible one): the recorder's and the proxy's
   * events as JSON log lines, ids and codes only, never session content.
   */
  logger?: TaplineLogger;
  /**
   * Serve `tapline watch` on this unix socket (0600): the live sessions, each
   * followed read-only from its current screen. Off by default.
   */
  watchSocket?: string;
}

export type ConnectorEvent =
  | { type: 'token'; token: DemoToken }
  | { type: 'auth_failed'; username: string; clientAddress: string }
  | {
      type: 'session_started';
      sessionId: string;
      username: string;
      accessRequestId: string;
      clientAddress: string;
    }
  | { type: 'session_failed'; code: string; message: string }
  | { type: 'session_ended'; sessionId: string; reason: string; commands: number | undefined }
  | { type: 'delivered'; sessionId: string; path: string; bytes: number; complete: boolean }
  | { type: 'delivery_failed'; sessionId: string; detail: string };

export interface Connector {
  readonly address: AddressInfo;
  readonly hostKey: HostKey;
  /** A known_hosts file with the proxy's key, for `ssh -o UserKnownHostsFile=…`. */
  readonly knownHostsPath: string;
  readonly grants: DemoGrants;
  readonly recovery: RecoveryReport;
  /** "embedded demo target" or "user@host:port". */
  readonly targetDescription: string;
  readonly demoTarget: DemoTarget | undefined;
  readonly proxy: SshProxy;
  readonly recorder: Recorder;
  readonly recordingsDir: string;
  readonly eventsPath: string;
  /** The OpenSSH command that reaches the proxy and checks its host key. */
  sshCommand(username?: string): string;
  /** Where a session's recording is once delivered. */
  recordingPath(sessionId: string): string;
  /** proxy.close() (live users are told, sessions end as "shutdown"), then recorder.close(). */
  close(): Promise<void>;
}

/** Keeps a second connector from sharing (and "recovering") this one's live spool. */
function lock(stateDir: string): () => void {
  const path = join(stateDir, 'connector.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(readFileSync(path, 'utf8').trim());
    let alive = false;
    try {
      process.kill(owner, 0);
      alive = owner !== process.pid;
    } catch (error) {
      alive = (error as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (alive) {
      throw new ConfigError(
        `another connector (pid ${owner}) is using ${stateDir}; stop it first or give this one its own --state-dir`,
      );
    }
    rmSync(path, { force: true }); // its owner is gone
  }
  throw new ConfigError(`cannot lock ${stateDir}`);
}

export async function startConnector(options: ConnectorOptions): Promise<Connector> {
  const emit = options.onEvent ?? (() => {});
  const recordingsDir = resolve(options.recordingsDir);
  const stateDir = resolve(options.stateDir);
  const spoolDir = resolve(options.spoolDir ?? join(stateDir, 'spool'));
  const eventsPath = resolve(options.eventsPath ?? join(recordingsDir, 'events.jsonl'));
  mkdirSync(recordingsDir, { recursive: true });
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const unlock = lock(stateDir);
  const cleanup: Array<() => Promise<void> | void> = [unlock];
  try {
    const hostKey: HostKey =
      options.persistentHostKey === false
        ? { ...describeKey(generateEd25519Key()), created: true }
        : loadOrCreateHostKey(join(stateDir, 'host_key'));

    let demoTarget: DemoTarget | undefined;
    let target: SshTarget;
    if (options.target) {
      const { hostKey: pins, ...rest } = options.target;
      target = { ...rest, hostKey: pins };
    } else {
      demoTarget = await startDemoTarget({ scratchDir: join(stateDir, 'demo-target') });
      cleanup.push(() => demoTarget?.close());
      target = {
        host: demoTarget.host,
        port: demoTarget.port,
        username: demoTarget.username,
        password: demoTarget.password,
        hostKey: demoTarget.hostKey, // pinned: the proxy verifies the demo target like any other
      };
    }
    const targetDescription = demoTarget
      ? `embedded demo target (${target.username}@${target.host}:${target.port}: real bash, ` +
        `${demoTarget.ptyLauncher ? `pty via ${demoTarget.ptyLauncher}` : 'NO pty (install util-linux or python3)'}, ` +
        `${demoTarget.sftpServer ? 'sftp-server' : 'no sftp (install openssh-sftp-server)'})`
      : `${target.username}@${target.host}:${target.port ?? 22}`;

    // Metadata goes to a JSONL file; the wrapper also tells us when a recording is delivered.
    const jsonl = createJsonlMetadataEmitter({ path: eventsPath });
    const metadata: MetadataEmitter = {
      name: jsonl.name,
      async emit(event) {
        await jsonl.emit(event);
        if (event.type === 'recording.delivered' && typeof event.data.location === 'string') {
          emit({
            type: 'delivered',
            sessionId: event.sessionId,
            path: event.data.location.startsWith('file:')
              ? fileURLToPath(event.data.location)
              : event.data.location,
            bytes: Number(event.data.bytes ?? 0),
            complete: event.data.complete === true,
          });
        } else if (event.type === 'recording.failed') {
          emit({ type: 'delivery_failed', sessionId: event.sessionId, detail: JSON.stringify(event.data) });
        }
      },
      close: () => jsonl.close(),
    };
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: recordingsDir })],
      metadata,
      spool: { directory: spoolDir },
      labels: { connector: 'tapline-example-ssh-connector' },
      // After a crash, the command that was running is derived from the recovered keystrokes.
      recoveryAnalyzers: [recoverTerminalCommands()],
      logger: options.logger,
      // A viewer who starts `tapline watch` mid-session is shown the screen from the last 64 KiB of output.
      ...(options.watchSocket === undefined ? {} : { followReplayBytes: 64 * 1024 }),
    });
    cleanup.push(() => recorder.close());
    if (options.watchSocket !== undefined) {
      const watch = createWatchServer({ recorder, path: options.watchSocket });
      await watch.listen();
      cleanup.push(() => watch.close());
    }
    // Recordings a crash left in the spool are finished and delivered first.
    const recovery = await recorder.recover();

    const grants = createDemoGrants({
      ttlMs: options.ttlMs,
      resource: demoTarget
        ? {
            id: 'res-demo-target',
            type: 'ssh_server',
            name: 'embedded demo target',
            integration: 'tapline-example',
          }
        : {
            id: `res-${target.host}`,
            type: 'ssh_server',
            name: `${target.host}:${target.port ?? 22}`,
            integration: 'tapline-example',
          },
      onToken: (token) => emit({ type: 'token', token }),
    });

    const grantsBySession = new Map<string, string>();
    const proxy = createSshProxy({
      hostKeys: [hostKey.privateKey],
      recorder,
      // The token is typed as the password; no public keys (a person's agent
      // keys would each count as a failed attempt).
      authMethods: ['password', 'keyboard-interactive'],
      banner: 'This session is recorded by Tapline.\n',
      logger: options.logger,
      authorize({ username, password }) {
        const context = grants.redeem(username, password);
        return context === null ? null : { context, target };
      },
      onEvent(event) {
        switch (event.type) {
          case 'auth_failed':
            if (event.method !== 'none') {
              emit({ type: 'auth_failed', username: event.username, clientAddress: event.clientAddress });
            }
            break;
          case 'session_started': {
            const accessRequestId = recorder.sessions.get(event.sessionId)?.context.accessRequestId ?? '';
            grantsBySession.set(event.sessionId, accessRequestId);
            emit({
              type: 'session_started',
              sessionId: event.sessionId,
              username: event.username,
              accessRequestId,
              clientAddress: event.clientAddress,
            });
            break;
          }
          case 'session_failed':
            emit({ type: 'session_failed', code: event.error.code, message: event.error.message });
            break;
          case 'session_ended':
            grantsBySession.delete(event.sessionId);
            emit({
              type: 'session_ended',
              sessionId: event.sessionId,
              reason: event.reason,
              commands: event.summary?.commands,
            });
            break;
        }
      },
    });
    cleanup.push(() => proxy.close());

    const host = options.host ?? '127.0.0.1';
    const wanted = options.port ?? 2222;
    let address: AddressInfo;
    try {
      address = await proxy.listen(wanted, host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' || options.portFallback === false) {
        throw new ConfigError(`cannot listen on ${host}:${wanted}: ${(error as Error).message}`);
      }
      address = await proxy.listen(0, host);
    }

    const knownHostsPath = join(stateDir, 'known_hosts');
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    writeFileSync(knownHostsPath, `${knownHostsLine(shownHost, address.port, hostKey.publicKey)}\n`);

    let closing: Promise<void> | undefined;
    return {
      address,
      hostKey,
      knownHostsPath,
      grants,
      recovery,
      targetDescription,
      demoTarget,
      proxy,
      recorder,
      recordingsDir,
      eventsPath,
      sshCommand(username = 'demo') {
        const port = address.port === 22 ? '' : ` -p ${address.port}`;
        return `ssh${port} -o UserKnownHostsFile=${knownHostsPath} ${username}@${shownHost}`;
      },
      recordingPath: (sessionId) => join(recordingsDir, `${sessionId}.tapline`),
      close() {
        closing ??= (async () => {
          await proxy.close(); // tells live users, ends their sessions as "shutdown"
          await recorder.close(); // waits for the deliveries
          await demoTarget?.close();
          unlock();
        })();
        return closing;
      },
    };
  } catch (error) {
    for (const step of cleanup.reverse()) await Promise.resolve(step()).catch(() => {});
    throw error;
  }
}
