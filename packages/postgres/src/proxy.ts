// The PostgreSQL audit proxy: terminates the client's connection (TLS with
// the proxy's certificate), takes the user's one-time token as the password,
// asks `authorize()` for the grant and the target, logs in to the target with
// the target's own credentials, then relays the wire protocol untouched and
// records both directions plus one Query event per statement.

import { randomInt } from 'node:crypto';
import * as diagnosticsChannel from 'node:diagnostics_channel';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { createSecureContext, type SecureContext, type SecureContextOptions, TLSSocket } from 'node:tls';
import {
  checkStatements,
  createPolicyGate,
  createSourceLimiter,
  type EndReasonName,
  type FrontLimits,
  type LogLevel,
  logTo,
  type PolicyGate,
  type PolicyOptions,
  type PolicySessionContext,
  policyContextOf,
  type RecordedSession,
  resolveFrontLimits,
  type SessionContext,
  type SessionSummary,
  type SourceRefusalReason,
  type StatementDenial,
  sourceKey,
  type TaplineLogger,
} from '@tapline/core';
import { isTaplineError, type TaplineError } from '@tapline/frames';
import { PostgresErrorCode, type PostgresErrorCodeName, postgresError } from './errors.js';
import { type PgDenial, PgPolicyGate } from './policy-gate.js';
import type { BackendMessage, FrontendMessage } from './protocol/messages.js';
import { type BackendParser, FrontendParser } from './protocol/parser.js';
import * as serialize from './protocol/serializer.js';
import { MessagePump } from './pump.js';
import { connectTarget, openTargetSocket, type PostgresTarget, type TargetConnection } from './target.js';
import { QueryTracker } from './tracker.js';

/** What `authorize()` is asked to decide. The password is never recorded. */
export interface PostgresAuthRequest {
  /** The role name the client sent (`psql -U alice`). */
  user: string;
  /** The database the client asked for (the user name when it named none). */
  database: string;
  /** The password the client sent: the user's one-time token. */
  password: string;
  applicationName?: string;
  /** "203.0.113.7:51234" */
  clientAddress: string;
  /** Every startup parameter the client sent. */
  parameters: Readonly<Record<string, string>>;
}

/** A granted session: the grant to record and where to connect. */
export interface PostgresGrant {
  /** `protocol` defaults to "postgres", `clientAddress` and `target` to what the proxy sees. */
  context: Omit<SessionContext, 'protocol'> & { protocol?: string };
  target: PostgresTarget;
}

/** The recorder the proxy starts a recording with (`createRecorder()` from @tapline/core fits). */
export interface PostgresRecorder {
  start(context: SessionContext): Promise<RecordedSession>;
}

/** Something the proxy reports; also published on diagnostics_channel `tapline:postgres:<type>`. */
export type PostgresProxyEvent =
  | { type: 'listening'; address: AddressInfo }
  | { type: 'auth_failed'; clientAddress: string; user: string; error: TaplineError }
  | {
      type: 'session_started';
      sessionId: string;
      user: string;
      database: string;
      clientAddress: string;
      target: string;
    }
  | { type: 'session_failed'; sessionId?: string; clientAddress: string; error: TaplineError }
  | { type: 'connection_refused'; clientAddress: string; reason: SourceRefusalReason; error: TaplineError }
  | { type: 'cancel_forwarded'; sessionId: string; clientAddress: string }
  /** The `policy` denied a statement: the target failed it with the policy's message instead of running it. */
  | { type: 'refused'; sessionId: string; statement: string; error: TaplineError }
  | {
      type: 'session_ended';
      sessionId: string;
      reason: EndReasonName;
      summary?: SessionSummary;
      error?: TaplineError;
    }
  | { type: 'error'; sessionId?: string; clientAddress?: string; error: Error };

export interface PostgresProxyOptions extends PolicyOptions {
  /** The proxy's certificate and key (Node TLS options). Required unless `allowPlaintext`. */
  tls?: SecureContextOptions;
  /** Accept clients that do not ask for TLS (the token then travels in clear). @default false */
  allowPlaintext?: boolean;
  /**
   * Decides who may connect and where to. Resolve to a grant, or to null /
   * undefined (or reject) to refuse; the client then sees SQLSTATE 28P01.
   */
  authorize(
    request: PostgresAuthRequest,
  ): PostgresGrant | null | undefined | Promise<PostgresGrant | null | undefined>;
  recorder: PostgresRecorder;
  /**
   * Login deadline, connections and failed logins per source address (the same
   * `limits` as every Tapline front).
   * @default { loginTimeoutMs: 60000, maxConnectionsPerSource: 100, maxFailedLoginsPerSource: 20, failedLoginWindowMs: 60000 }
   */
  limits?: FrontLimits;
  /** Time to connect, verify TLS and log in to the target. @default 15000 */
  targetConnectTimeoutMs?: number;
  /** Largest message the parsers assemble (DataRow and CopyData are never assembled). @default 67108864 */
  maxMessageBytes?: number;
  /** Longest parameter value recorded (characters); longer ones are cut and carry their length. @default 4096 */
  maxParameterChars?: number;
  /** Record bytea parameter values (hex) instead of their length only. @default false */
  recordBytea?: boolean;
  /** Receives what the proxy reports. Must not throw. */
  onEvent?: (event: PostgresProxyEvent) => void;
  /** A pino-compatible logger for what the proxy reports. */
  logger?: TaplineLogger;
}

/** A live session, as `proxy.sessions()` reports it. */
export interface PostgresSessionInfo {
  sessionId: string;
  user: string;
  database: string;
  clientAddress: string;
  target: string;
  bytesClientToTarget: number;
  bytesTargetToClient: number;
  queries: number;
}

export interface PostgresProxy {
  /** Starts listening. @default port 0 (the OS picks), host "127.0.0.1" */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  address(): AddressInfo | null;
  /**
   * Stops accepting; with `drainMs`, lets live sessions end on their own for up
   * to that long; then tells every remaining client (FATAL), ends their
   * sessions with reason "shutdown" and resolves when every recording is ended.
   */
  close(options?: { drainMs?: number }): Promise<void>;
  sessions(): PostgresSessionInfo[];
}

const channels = new Map<string, diagnosticsChannel.Channel>();
function publish(event: PostgresProxyEvent): void {
  let channel = channels.get(event.type);
  if (channel === undefined) {
    channel = diagnosticsChannel.channel(`tapline:postgres:${event.type}`);
    channels.set(event.type, channel);
  }
  if (channel.hasSubscribers) channel.publish(event);
}

const eventLevels: Record<PostgresProxyEvent['type'], LogLevel> = {
  listening: 'info',
  session_started: 'info',
  session_ended: 'info',
  cancel_forwarded: 'info',
  refused: 'warn',
  auth_failed: 'warn',
  connection_refused: 'warn',
  session_failed: 'error',
  error: 'error',
};

interface CancelTarget {
  target: PostgresTarget;
  processId: number;
  secretKey: number;
  sessionId: string;
}

interface Resolved {
  options: PostgresProxyOptions;
  secureContext: SecureContext | undefined;
  limits: ReturnType<typeof resolveFrontLimits> & object;
  targetConnectTimeoutMs: number;
  maxMessageBytes: number;
  maxParameterChars: number;
  recordBytea: boolean;
  cancelKeys: Map<string, CancelTarget>;
  policy: PolicyGate;
  emit(event: PostgresProxyEvent): void;
}

/** SQLSTATE and text a client sees when the proxy ends its session. */
const endNotices: Partial<Record<EndReasonName, [string, string]>> = {
  grant_expired: ['57P01', 'terminating connection: the access grant expired (Tapline)'],
  revoked: ['57P01', 'terminating connection: access was revoked (Tapline)'],
  shutdown: ['57P01', 'terminating connection: the audit proxy is shutting down (Tapline)'],
  quota_exceeded: ['53400', 'terminating connection: a session quota was exceeded (Tapline)'],
  recording_failed: ['58030', 'terminating connection: the session can no longer be recorded (Tapline)'],
  target_closed: ['08006', 'the connection to the target database was lost'],
  error: ['08P01', 'terminating connection: protocol violation'],
};

function fatal(code: string, message: string): Buffer {
  return serialize.errorResponse({ S: 'FATAL', V: 'FATAL', C: code, M: message });
}

/**
 * Creates the PostgreSQL audit proxy.
 *
 * @example
 * const proxy = createPostgresProxy({ tls: { cert, key }, recorder, authorize: async (request) => grantFor(request) });
 * const address = await proxy.listen(5432, '0.0.0.0');
 */
export function createPostgresProxy(options: PostgresProxyOptions): PostgresProxy {
  if (typeof options !== 'object' || options === null) {
    throw postgresError(PostgresErrorCode.INVALID_OPTIONS, 'createPostgresProxy() needs an options object');
  }
  if (typeof options.authorize !== 'function') {
    throw postgresError(PostgresErrorCode.INVALID_OPTIONS, 'options.authorize must be a function');
  }
  if (typeof options.recorder?.start !== 'function') {
    throw postgresError(
      PostgresErrorCode.INVALID_OPTIONS,
      'options.recorder must have a start(context) method',
    );
  }
  if (options.tls === undefined && options.allowPlaintext !== true) {
    throw postgresError(
      PostgresErrorCode.INVALID_OPTIONS,
      'options.tls (cert and key) is required unless allowPlaintext is true',
    );
  }
  let secureContext: SecureContext | undefined;
  try {
    secureContext = options.tls === undefined ? undefined : createSecureContext(options.tls);
  } catch (error) {
    throw postgresError(
      PostgresErrorCode.INVALID_OPTIONS,
      `cannot use options.tls: ${(error as Error).message}`,
      undefined,
      error,
    );
  }
  const limits = resolveFrontLimits(options.limits, { loginTimeoutMs: 60_000 });
  if (typeof limits === 'string') throw postgresError(PostgresErrorCode.INVALID_OPTIONS, `options.${limits}`);
  let policy: PolicyGate;
  try {
    policy = createPolicyGate(options);
  } catch (error) {
    throw postgresError(PostgresErrorCode.INVALID_OPTIONS, `options.${(error as Error).message}`);
  }
  const resolved: Resolved = {
    options,
    policy,
    secureContext,
    limits,
    targetConnectTimeoutMs: options.targetConnectTimeoutMs ?? 15_000,
    maxMessageBytes: options.maxMessageBytes ?? 64 * 1024 * 1024,
    maxParameterChars: options.maxParameterChars ?? 4096,
    recordBytea: options.recordBytea ?? false,
    cancelKeys: new Map(),
    emit(event) {
      publish(event);
      if (options.logger !== undefined) {
        const fields: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(event)) {
          if (key === 'type') continue;
          fields[key] =
            value instanceof Error
              ? { code: (value as { code?: string }).code, message: value.message }
              : value;
        }
        logTo(options.logger, eventLevels[event.type], fields, `postgres.${event.type}`);
      }
      try {
        options.onEvent?.(event);
      } catch {
        // A throwing listener must not break a session.
      }
    },
  };
  const limiter = createSourceLimiter(limits);
  const connections = new Set<ClientConnection>();
  let closing: Promise<void> | undefined;

  const server = createServer({ allowHalfOpen: false, pauseOnConnect: true }, (socket) => {
    const clientAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.on('error', () => {});
    if (closing !== undefined) {
      socket.destroy();
      return;
    }
    const source = sourceKey(socket.remoteAddress);
    const refusal = limiter.admit(source);
    if (refusal !== undefined) {
      socket.destroy();
      refuse(resolved, clientAddress, refusal);
      return;
    }
    const connection = new ClientConnection(resolved, socket, clientAddress, {
      failedLogin: () => limiter.failedLogin(source),
      throttled: () => limiter.throttled(source),
    });
    connections.add(connection);
    socket.once('close', () => limiter.release(source));
    void connection.run().finally(() => connections.delete(connection));
  });
  server.on('error', (error: Error) => resolved.emit({ type: 'error', error }));

  return {
    listen(port = 0, host = '127.0.0.1') {
      return new Promise<AddressInfo>((resolve, reject) => {
        const onError = (error: Error): void => reject(error);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.removeListener('error', onError);
          const address = server.address() as AddressInfo;
          resolved.emit({ type: 'listening', address });
          resolve(address);
        });
      });
    },
    address() {
      const address = server.address();
      return typeof address === 'object' && address !== null ? address : null;
    },
    sessions() {
      const list: PostgresSessionInfo[] = [];
      for (const connection of connections) {
        const info = connection.info();
        if (info !== undefined) list.push(info);
      }
      return list;
    },
    close(closeOptions = {}) {
      if (closing !== undefined) return closing;
      closing = (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const connection of connections) if (!connection.live) connection.hangUp();
        const drainMs = closeOptions.drainMs ?? 0;
        const deadline = Date.now() + drainMs;
        while (Date.now() < deadline && [...connections].some((connection) => connection.live)) {
          await new Promise((resolve) =>
            setTimeout(resolve, Math.min(50, Math.max(1, deadline - Date.now()))),
          );
        }
        await Promise.all(
          [...connections].map((connection) =>
            connection.terminate(
              'shutdown',
              postgresError(PostgresErrorCode.SHUTDOWN, 'the proxy is shutting down'),
            ),
          ),
        );
        await stopped;
      })();
      return closing;
    },
  };
}

const refusals: Record<SourceRefusalReason, [PostgresErrorCodeName, string]> = {
  login_timeout: [PostgresErrorCode.LOGIN_TIMEOUT, 'the client did not log in in time after connecting'],
  too_many_connections: [PostgresErrorCode.TOO_MANY_CONNECTIONS, 'too many connections from this address'],
  too_many_failed_logins: [
    PostgresErrorCode.TOO_MANY_FAILED_LOGINS,
    'too many failed logins from this address',
  ],
};

function refuse(resolved: Resolved, clientAddress: string, reason: SourceRefusalReason): void {
  const [code, message] = refusals[reason];
  resolved.emit({
    type: 'connection_refused',
    clientAddress,
    reason,
    error: postgresError(code, message, { clientAddress }),
  });
}

function isOff(value: string | undefined): boolean {
  return value === undefined || ['false', 'off', 'no', '0'].includes(value.toLowerCase());
}

/** A client error the proxy reports to the client as an ErrorResponse, then closes. */
class Refusal extends Error {
  constructor(
    readonly sqlstate: string,
    readonly clientMessage: string,
    readonly error: TaplineError,
  ) {
    super(clientMessage);
  }
}

class ClientConnection {
  /** The socket the client speaks through: the TCP socket, or TLS over it. */
  #client: Socket;
  readonly #raw: Socket;
  readonly #resolved: Resolved;
  readonly #clientAddress: string;
  readonly #gate: { failedLogin(): boolean; throttled(): boolean };
  #session: RecordedSession | undefined;
  #target: TargetConnection | undefined;
  #streamId = 0;
  #user = '';
  #database = '';
  #cancelKey: string | undefined;
  #ending: Promise<void> | undefined;
  /** The statement policy gate on the client's messages, when a `policy` is set. */
  #policyGate: PgPolicyGate | undefined;
  #policyContext: PolicySessionContext | undefined;
  #clientParser: FrontendParser;
  #backendParser: BackendParser | undefined;
  #tracker: QueryTracker | undefined;
  #clientTerminated = false;
  #bytesClientToTarget = 0;
  #bytesTargetToClient = 0;
  #queries = 0;
  #loginTimer: NodeJS.Timeout | undefined;

  constructor(
    resolved: Resolved,
    socket: Socket,
    clientAddress: string,
    gate: { failedLogin(): boolean; throttled(): boolean },
  ) {
    this.#resolved = resolved;
    this.#raw = socket;
    this.#client = socket;
    this.#clientAddress = clientAddress;
    this.#gate = gate;
    this.#clientParser = new FrontendParser({ maxMessageBytes: resolved.maxMessageBytes });
    socket.setNoDelay(true);
  }

  get live(): boolean {
    return this.#session !== undefined && this.#ending === undefined;
  }

  info(): PostgresSessionInfo | undefined {
    const session = this.#session;
    if (session === undefined) return undefined;
    return {
      sessionId: session.sessionId,
      user: this.#user,
      database: this.#database,
      clientAddress: this.#clientAddress,
      target: session.context.target ?? '',
      bytesClientToTarget: this.#bytesClientToTarget,
      bytesTargetToClient: this.#bytesTargetToClient,
      queries: this.#queries,
    };
  }

  hangUp(): void {
    this.#raw.destroy();
  }

  async run(): Promise<void> {
    this.#loginTimer = setTimeout(() => {
      if (this.#session !== undefined) return;
      refuse(this.#resolved, this.#clientAddress, 'login_timeout');
      this.#sendAndClose(fatal('08006', 'the client did not log in in time (Tapline proxy)'));
    }, this.#resolved.limits.loginTimeoutMs);
    this.#loginTimer.unref();
    try {
      await this.#login();
    } catch (error) {
      clearTimeout(this.#loginTimer);
      if (error instanceof Refusal) {
        this.#sendAndClose(fatal(error.sqlstate, error.clientMessage));
        if (this.#session === undefined) {
          this.#resolved.emit({
            type: 'session_failed',
            clientAddress: this.#clientAddress,
            error: error.error,
          });
        } else {
          await this.#finish('error', error.error);
        }
      } else {
        // The client went away or spoke garbage before logging in.
        this.#raw.destroy();
        if (this.#session !== undefined) await this.#finish('error', asTaplineError(error));
      }
      return;
    }
    clearTimeout(this.#loginTimer);
    await new Promise<void>((resolve) => this.#raw.once('close', resolve));
    await this.#ending;
  }

  #sendAndClose(bytes: Buffer): void {
    const client = this.#client;
    if (client.destroyed) return;
    client.end(bytes);
    setTimeout(() => this.#raw.destroy(), 2000).unref();
  }

  async #login(): Promise<void> {
    const resolved = this.#resolved;
    let pump = new MessagePump(this.#clientParser, 'the client closed the connection before logging in');
    pump.attach(this.#client);
    let secure = false;
    let startup: Extract<FrontendMessage, { name: 'startup' }> | undefined;
    while (startup === undefined) {
      const { message } = await pump.next();
      if (message.name === 'sslRequest') {
        if (secure || pump.buffered > 0) throw new Error('unexpected bytes after SSLRequest');
        if (resolved.secureContext === undefined) {
          this.#client.write('N');
          continue;
        }
        pump.detach();
        this.#client.write('S');
        const tlsSocket = new TLSSocket(this.#raw, { isServer: true, secureContext: resolved.secureContext });
        tlsSocket.on('error', () => this.#raw.destroy());
        this.#client = tlsSocket;
        secure = true;
        pump = new MessagePump(this.#clientParser, 'the client closed the connection before logging in');
        pump.attach(tlsSocket);
        continue;
      }
      if (message.name === 'gssEncRequest') {
        this.#client.write('N');
        continue;
      }
      if (message.name === 'cancelRequest') {
        pump.detach();
        this.#raw.destroy();
        await this.#forwardCancel(message.processId, message.secretKey);
        throw new Error('cancel request handled');
      }
      if (message.name === 'startup') startup = message;
      else throw new Error(`unexpected ${message.name} before the startup message`);
    }
    const parameters = startup.parameters;
    const user = parameters.user ?? '';
    this.#user = user;
    this.#database = parameters.database ?? user;
    const refusal = (sqlstate: string, message: string, code: PostgresErrorCodeName): Refusal =>
      new Refusal(
        sqlstate,
        message,
        postgresError(code, message, { clientAddress: this.#clientAddress, user }),
      );
    if (!secure && resolved.options.allowPlaintext !== true) {
      throw refusal(
        '28000',
        'the Tapline proxy requires TLS: connect with sslmode=require (or verify-full)',
        PostgresErrorCode.UNSUPPORTED,
      );
    }
    if (!isOff(parameters.replication)) {
      throw refusal(
        '0A000',
        'replication connections are not supported through the Tapline audit proxy',
        PostgresErrorCode.UNSUPPORTED,
      );
    }
    if (user === '')
      throw refusal('28000', 'no user name in the startup message', PostgresErrorCode.PROTOCOL);
    if (this.#gate.throttled()) {
      refuse(resolved, this.#clientAddress, 'too_many_failed_logins');
      throw refusal(
        '53300',
        'too many failed logins from this address; try again later',
        PostgresErrorCode.TOO_MANY_FAILED_LOGINS,
      );
    }
    this.#client.write(serialize.authenticationCleartextPassword());
    const { message: passwordMessage } = await pump.next();
    if (passwordMessage.name !== 'password')
      throw new Error(`expected a password, got ${passwordMessage.name}`);
    const body = passwordMessage.body;
    const zero = body.indexOf(0);
    const password = Buffer.from(body.buffer, body.byteOffset, zero < 0 ? body.length : zero).toString(
      'utf8',
    );
    const denied = (error?: unknown): Refusal => {
      this.#gate.failedLogin();
      const refused = refusal(
        '28P01',
        `password authentication failed for user "${user}": the Tapline proxy did not accept the token`,
        PostgresErrorCode.UNAUTHORIZED,
      );
      if (error !== undefined) (refused.error as { cause?: unknown }).cause = error;
      resolved.emit({ type: 'auth_failed', clientAddress: this.#clientAddress, user, error: refused.error });
      return refused;
    };
    let grant: PostgresGrant | null | undefined;
    try {
      grant = await resolved.options.authorize({
        user,
        database: this.#database,
        password,
        ...(parameters.application_name === undefined
          ? {}
          : { applicationName: parameters.application_name }),
        clientAddress: this.#clientAddress,
        parameters,
      });
    } catch (error) {
      throw denied(error);
    }
    if (grant === null || grant === undefined) throw denied();
    const target = grant.target;
    const targetName = `${target.host}:${target.port ?? 5432}`;
    const context: SessionContext = {
      ...grant.context,
      protocol: grant.context.protocol ?? 'postgres',
      clientAddress: grant.context.clientAddress ?? this.#clientAddress,
      target: grant.context.target ?? targetName,
    };
    let session: RecordedSession;
    try {
      session = await resolved.options.recorder.start(context);
    } catch (error) {
      throw new Refusal(
        '58000',
        'the session cannot be recorded, so the Tapline proxy refuses it',
        postgresError(PostgresErrorCode.RECORDING_UNAVAILABLE, 'recorder.start() failed', undefined, error),
      );
    }
    this.#session = session;
    const database = target.database ?? this.#database;
    this.#streamId = session.openStream('db_connection', {
      details: {
        user,
        database,
        targetUser: target.user,
        ...(parameters.application_name === undefined
          ? {}
          : { applicationName: parameters.application_name }),
        clientTls: String(secure),
      },
    });
    const passThrough: Record<string, string> = {};
    for (const [name, value] of Object.entries(parameters)) {
      if (name !== 'user' && name !== 'database' && name !== 'replication') passThrough[name] = value;
    }
    let connection: TargetConnection;
    try {
      connection = await connectTarget(target, {
        parameters: passThrough,
        database,
        timeoutMs: resolved.targetConnectTimeoutMs,
        maxMessageBytes: resolved.maxMessageBytes,
      });
    } catch (error) {
      const tapline = asTaplineError(error);
      session.annotation({
        kind: 'error',
        streamId: this.#streamId,
        code: tapline.code,
        message: tapline.message,
      });
      throw new Refusal(
        '08001',
        `the Tapline proxy could not connect to the target database: ${tapline.message}`,
        tapline,
      );
    }
    if (this.#ending !== undefined || this.#raw.destroyed) {
      connection.socket.destroy();
      return;
    }
    this.#target = connection;
    // The target's own backend pid ties the recording to the server's logs (log_line_prefix %p).
    session.annotation({
      kind: 'note',
      streamId: this.#streamId,
      message: 'target backend',
      details: { processId: String(connection.processId), target: targetName },
    });
    // The greeting goes to the client with the target's cancel key replaced by one the proxy minted.
    const greeting: Buffer[] = [serialize.authenticationOk()];
    for (const { message, frame } of connection.greeting) {
      if (message.name === 'backendKeyData') {
        const processId = randomInt(1, 0x7fffffff);
        const secretKey = randomInt(-0x80000000, 0x7fffffff);
        this.#cancelKey = `${processId}:${secretKey}`;
        resolved.cancelKeys.set(this.#cancelKey, {
          target,
          processId: connection.processId,
          secretKey: connection.secretKey,
          sessionId: session.sessionId,
        });
        greeting.push(serialize.backendKeyData(processId, secretKey));
      } else if (frame !== undefined) {
        greeting.push(Buffer.from(frame));
      }
    }
    const greetingBytes = Buffer.concat(greeting);
    this.#tracker = new QueryTracker({
      streamId: this.#streamId,
      database,
      now: () => session.now(),
      maxParameterChars: resolved.maxParameterChars,
      recordBytea: resolved.recordBytea,
      emit: (event) => {
        this.#queries++;
        session.query(event);
      },
    });
    this.#backendParser = connection.parser;
    resolved.emit({
      type: 'session_started',
      sessionId: session.sessionId,
      user,
      database,
      clientAddress: this.#clientAddress,
      target: context.target ?? targetName,
    });
    const early = pump.detach();
    this.#relay(greetingBytes, early, connection);
  }

  #relay(
    greeting: Buffer,
    early: Array<{ frame: Uint8Array | undefined }>,
    connection: TargetConnection,
  ): void {
    const session = this.#session as RecordedSession;
    const client = this.#client;
    const target = connection.socket;
    const tracker = this.#tracker as QueryTracker;
    const clientParser = this.#clientParser;
    const backendParser = connection.parser;
    const streamId = this.#streamId;
    const onFrontend = (message: FrontendMessage): void => {
      if (message.name === 'terminate') this.#clientTerminated = true;
      tracker.frontend(message);
    };
    const onBackend = (message: BackendMessage): void => tracker.backend(message);
    const forward = (bytes: Buffer): void => {
      session.data(streamId, 'client_to_target', bytes);
      if (!target.write(bytes)) client.pause();
    };
    const gate = this.#resolved.policy.enabled
      ? new PgPolicyGate((statements, kind) => this.#checkStatements(statements, kind), {
          toTarget: forward,
          pauseClient: () => client.pause(),
          resumeClient: () => client.resume(),
        })
      : undefined;
    this.#policyGate = gate;

    session.data(streamId, 'target_to_client', greeting);
    this.#bytesTargetToClient += greeting.length;
    client.write(greeting);
    for (const { message, frame } of connection.leftover) {
      if (frame === undefined) continue;
      session.data(streamId, 'target_to_client', frame);
      onBackend(message);
      client.write(frame);
    }
    for (const { frame } of early) {
      // Messages the client pipelined behind its password (rare): forwarded as they came.
      if (frame === undefined) continue;
      if (gate !== undefined) gate.fromClient(Buffer.from(frame));
      else forward(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
    }

    client.on('data', (chunk: Buffer) => {
      if (this.#ending !== undefined) return;
      this.#bytesClientToTarget += chunk.length;
      try {
        clientParser.parse(chunk, onFrontend);
      } catch (error) {
        session.data(streamId, 'client_to_target', chunk);
        void this.terminate('error', asTaplineError(error));
        return;
      }
      if (gate !== undefined) gate.fromClient(chunk);
      else forward(chunk);
    });
    target.on('drain', () => client.resume());
    target.on('data', (chunk: Buffer) => {
      if (this.#ending !== undefined) return;
      this.#bytesTargetToClient += chunk.length;
      session.data(streamId, 'target_to_client', chunk);
      try {
        backendParser.parse(chunk, onBackend);
      } catch (error) {
        client.write(chunk);
        void this.terminate('error', asTaplineError(error));
        return;
      }
      if (!client.write(chunk)) target.pause();
    });
    client.on('drain', () => target.resume());
    client.on('close', () => {
      void this.terminate('client_closed');
    });
    client.on('end', () => {
      void this.terminate('client_closed');
    });
    target.on('error', () => {});
    target.on('close', () => {
      const error = postgresError(PostgresErrorCode.TARGET_CLOSED, 'the target closed the connection');
      void this.terminate(
        this.#clientTerminated ? 'client_closed' : 'target_closed',
        this.#clientTerminated ? undefined : error,
      );
    });
    target.resume();
    client.resume();
    const onAbort = (): void => {
      const reason = session.signal.reason as { endReason?: EndReasonName } | undefined;
      const endReason: EndReasonName = reason?.endReason ?? 'revoked';
      void this.terminate(
        endReason,
        postgresError(
          PostgresErrorCode.SESSION_ABORTED,
          `the session was ended: ${endReason}`,
          { endReason },
          reason,
        ),
      );
    };
    if (session.signal.aborted) queueMicrotask(onAbort);
    else session.signal.addEventListener('abort', onAbort, { once: true });
  }

  /** Asks the policy about a Query's or a Parse's statements (recorded by the gate); the first denial. */
  #checkStatements(
    statements: string[],
    kind: 'query' | 'parse',
  ): PgDenial | undefined | Promise<PgDenial | undefined> {
    const session = this.#session as RecordedSession;
    this.#policyContext ??= policyContextOf(session.context);
    const refused = (denied: StatementDenial | undefined): PgDenial | undefined => {
      if (denied === undefined) return undefined;
      this.#resolved.emit({
        type: 'refused',
        sessionId: session.sessionId,
        statement: denied.statement,
        error: postgresError(PostgresErrorCode.POLICY_DENIED, denied.decision.message, {
          statement: denied.statement.slice(0, 1024),
          kind,
        }),
      });
      return { statement: denied.statement, message: denied.decision.message };
    };
    const verdict = checkStatements(this.#resolved.policy, statements, {
      session,
      context: this.#policyContext,
      streamId: this.#streamId,
      database: this.#database,
    });
    return verdict instanceof Promise ? verdict.then(refused) : refused(verdict);
  }

  /** Ends the live session: tells the client why (when it can), closes both sides, ends the recording. */
  terminate(reason: EndReasonName, error?: TaplineError): Promise<void> {
    this.#policyGate?.close();
    if (this.#session === undefined) {
      this.hangUp();
      return Promise.resolve();
    }
    if (this.#ending !== undefined) return this.#ending;
    const notice = reason === 'client_closed' ? undefined : endNotices[reason];
    const parser = this.#backendParser;
    // Our own ErrorResponse goes in only between the target's messages.
    if (notice !== undefined && !this.#client.destroyed && (parser === undefined || parser.atBoundary)) {
      const [sqlstate, text] = notice;
      const bytes = fatal(
        sqlstate,
        reason === 'error' && error !== undefined ? `${text}: ${error.message}` : text,
      );
      this.#session.data(this.#streamId, 'target_to_client', bytes);
      this.#client.end(bytes);
      setTimeout(() => this.#raw.destroy(), 2000).unref();
    } else {
      this.#client.end();
      setTimeout(() => this.#raw.destroy(), 2000).unref();
    }
    const target = this.#target?.socket;
    if (target !== undefined && !target.destroyed) {
      if (reason !== 'target_closed') target.end(serialize.terminate());
      setTimeout(() => target.destroy(), 2000).unref();
    }
    return this.#finish(reason, error);
  }

  #finish(reason: EndReasonName, error?: TaplineError): Promise<void> {
    if (this.#ending !== undefined) return this.#ending;
    const session = this.#session;
    if (session === undefined) return Promise.resolve();
    if (this.#cancelKey !== undefined) this.#resolved.cancelKeys.delete(this.#cancelKey);
    this.#ending = (async () => {
      this.#tracker?.flush();
      if (error !== undefined && reason !== 'client_closed') {
        session.annotation({
          kind: 'error',
          streamId: this.#streamId,
          code: error.code,
          message: error.message,
        });
      }
      session.closeStream(this.#streamId, error === undefined ? {} : { detail: error.message });
      let summary: SessionSummary | undefined;
      try {
        summary = await session.end(reason, error?.message);
      } catch (endError) {
        this.#resolved.emit({ type: 'error', sessionId: session.sessionId, error: endError as Error });
      }
      this.#resolved.emit({
        type: 'session_ended',
        sessionId: session.sessionId,
        reason,
        ...(summary === undefined ? {} : { summary }),
        ...(error === undefined ? {} : { error }),
      });
    })();
    return this.#ending;
  }

  async #forwardCancel(processId: number, secretKey: number): Promise<void> {
    const entry = this.#resolved.cancelKeys.get(`${processId}:${secretKey}`);
    // An unknown key gets no answer, like PostgreSQL itself.
    if (entry === undefined) return;
    try {
      const socket = await openTargetSocket(entry.target, this.#resolved.targetConnectTimeoutMs);
      socket.on('error', () => {});
      socket.end(serialize.cancelRequest(entry.processId, entry.secretKey));
      this.#resolved.emit({
        type: 'cancel_forwarded',
        sessionId: entry.sessionId,
        clientAddress: this.#clientAddress,
      });
    } catch (error) {
      this.#resolved.emit({
        type: 'error',
        sessionId: entry.sessionId,
        clientAddress: this.#clientAddress,
        error: error as Error,
      });
    }
  }
}

function asTaplineError(error: unknown): TaplineError {
  if (isTaplineError(error)) return error;
  return postgresError(
    PostgresErrorCode.PROTOCOL,
    (error as Error)?.message ?? String(error),
    undefined,
    error,
  );
}
