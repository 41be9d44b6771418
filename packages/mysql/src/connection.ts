// One proxied client connection: the proxy's own handshake and TLS, the
// token check, the target login, then the relay with a Query event per
// statement.

import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { SecureContext } from 'node:tls';
import { TLSSocket } from 'node:tls';
import {
  checkStatements,
  type EndReasonName,
  type PolicyGate,
  type PolicySessionContext,
  policyContextOf,
  type QueryEvent,
  type QueryParameterEvent,
  type RecordedSession,
  type SessionContext,
  type StatementDenial,
} from '@tapline/core';
import { TaplineError } from '@tapline/frames';
import { createNonce, verifyNativePassword } from './auth.js';
import { MySqlErrorCode, type MySqlErrorCodeName, mysqlError } from './errors.js';
import { PacketReaderStream, writePacket } from './io.js';
import { encodePacket, type Packet, PacketParser } from './packets.js';
import { type BoundParameter, decodeExecuteParameters } from './params.js';
import {
  Capability,
  decodeCommand,
  decodeHandshakeResponse41,
  decodeSslRequest,
  type ErrPacket,
  encodeAuthMoreData,
  encodeAuthSwitchRequest,
  encodeComQuery,
  encodeErr,
  encodeHandshakeV10,
  encodeOk,
  type HandshakeResponse41,
  isSslRequest,
  ServerStatus,
} from './protocol.js';
import { type ResponseOutcome, type ResponseShape, ResponseTracker } from './response.js';
import { isKill, isLoadLocal, parseKill, splitStatements, useDatabase } from './statements.js';
import { loginToTarget, type TargetLogin } from './target.js';
import type {
  MySqlAuthRequest,
  MySqlGrant,
  MySqlProxyEvent,
  MySqlSessionInfo,
  MySqlTarget,
  SessionRecorder,
} from './types.js';

/** What the connection needs from the proxy. */
export interface ConnectionScope {
  /** The `policy` option: asked about each statement before it reaches the target. */
  policy: PolicyGate;
  secureContext: SecureContext | undefined;
  tlsRequired: boolean;
  authorize(
    request: MySqlAuthRequest,
  ): MySqlGrant | null | undefined | Promise<MySqlGrant | null | undefined>;
  recorder: SessionRecorder;
  serverVersion: string;
  authPlugin: string;
  localInfile: boolean;
  maxPacketBytes: number;
  maxParameterBytes: number;
  targetConnectTimeoutMs: number;
  emit(event: MySqlProxyEvent): void;
  /** Live connections by the id the proxy gave them (KILL maps through it). */
  byConnectionId: Map<number, MySqlConnection>;
  loggedIn(): void;
  failedLogin(): void;
}

/** Capabilities the proxy offers clients: what MySQL 5.7+ and MariaDB 10.2+ targets all support. */
const OFFERED =
  Capability.LONG_PASSWORD |
  Capability.FOUND_ROWS |
  Capability.LONG_FLAG |
  Capability.CONNECT_WITH_DB |
  Capability.NO_SCHEMA |
  Capability.ODBC |
  Capability.IGNORE_SPACE |
  Capability.PROTOCOL_41 |
  Capability.INTERACTIVE |
  Capability.IGNORE_SIGPIPE |
  Capability.TRANSACTIONS |
  Capability.SECURE_CONNECTION |
  Capability.MULTI_STATEMENTS |
  Capability.MULTI_RESULTS |
  Capability.PS_MULTI_RESULTS |
  Capability.PLUGIN_AUTH |
  Capability.CONNECT_ATTRS |
  Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA |
  Capability.SESSION_TRACK |
  Capability.DEPRECATE_EOF;

/** Server error codes the proxy answers with (the client shows them as the server's). */
const ER = {
  ACCESS_DENIED: { code: 1045, sqlState: '28000' },
  NOT_ALLOWED_COMMAND: { code: 1148, sqlState: '42000' },
  // ER_SPECIFIC_ACCESS_DENIED_ERROR: what the server says when a privilege is missing.
  POLICY_DENIED: { code: 1227, sqlState: '42000' },
  UNKNOWN_COM: { code: 1047, sqlState: '08S01' },
  NO_SUCH_THREAD: { code: 1094, sqlState: 'HY000' },
  // ER_UNSUPPORTED_PS: what the server says of a statement it cannot prepare.
  UNSUPPORTED_PS: { code: 1295, sqlState: 'HY000' },
  CONNECTION_KILLED: { code: 1927, sqlState: '70100' },
  INSECURE_TRANSPORT: { code: 3159, sqlState: 'HY000' },
  // ER_UNKNOWN_ERROR: libmariadb reports codes of its own client range (2000+) from a server as a malformed packet.
  TARGET: { code: 1105, sqlState: 'HY000' },
  TARGET_LOST: { code: 1105, sqlState: '08S01' },
} as const;

interface PreparedStatement {
  sql: string;
  paramCount: number;
  types: Buffer | undefined;
  /** Bytes sent per parameter with COM_STMT_SEND_LONG_DATA since the last execute or reset. */
  longData: Map<number, number>;
}

/** A command whose response is under way. */
interface PendingCommand {
  shape: ResponseShape;
  kind: string;
  mode: 'text' | 'prepared';
  text: string;
  /** COM_QUERY: its statements; results map to them in order. */
  statements?: string[];
  statementIndex: number;
  statementId?: number;
  prepareSql?: string;
  parameters?: QueryParameterEvent[];
  startedOffsetNs: number;
  startedAt: number;
  rows: number | undefined;
  warnings: number;
  lastInsertId: number;
  copyBytes?: number;
  /** Database the command selects on success (COM_INIT_DB, USE). */
  selects?: string;
}

/** A command just sent (or answered by the proxy), nothing counted yet. */
function newPendingCommand(
  shape: ResponseShape,
  kind: string,
  text: string,
  startedOffsetNs: number,
  extra: Partial<PendingCommand> = {},
): PendingCommand {
  return {
    shape,
    kind,
    mode: 'text',
    text,
    statementIndex: 0,
    startedOffsetNs,
    startedAt: performance.now(),
    rows: undefined,
    warnings: 0,
    lastInsertId: 0,
    ...extra,
  };
}

const ABORT_MESSAGES: Partial<Record<EndReasonName, string>> = {
  grant_expired: 'your access grant has expired; the session is closed',
  revoked: 'your access was revoked; the session is closed',
  quota_exceeded: 'the session exceeded its recording quota; the session is closed',
  recording_failed: 'the session can no longer be recorded; the session is closed',
};

export class MySqlConnection {
  readonly connectionId: number;
  readonly remoteAddress: string;
  #client: Socket | TLSSocket;
  #target: TargetLogin | undefined;
  #targetAddress = '';
  #session: RecordedSession | undefined;
  #streamId = 0;
  #user = '';
  #database: string | undefined;
  #finished: Promise<void> | undefined;
  #relaying = false;
  #clientParser: PacketParser;
  #targetParser: PacketParser;
  #tracker: ResponseTracker | undefined;
  readonly #pending: PendingCommand[] = [];
  readonly #statements = new Map<number, PreparedStatement>();
  /** LOAD DATA LOCAL INFILE under way: the client's file packets are counted. */
  #infile: PendingCommand | undefined;
  /** Client packets waiting behind a statement the policy is still deciding. */
  #held: Packet[] | undefined;
  #policyContext: PolicySessionContext | undefined;
  #lastTargetSequenceId = 0;
  #statementsCount = 0;
  #bytesClientToTarget = 0;
  #bytesTargetToClient = 0;

  constructor(
    readonly scope: ConnectionScope,
    socket: Socket,
    connectionId: number,
  ) {
    this.#client = socket;
    this.connectionId = connectionId;
    this.remoteAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    this.#clientParser = new PacketParser({ maxPacketBytes: scope.maxPacketBytes });
    this.#targetParser = new PacketParser({ maxPacketBytes: scope.maxPacketBytes });
  }

  get targetConnectionId(): number | undefined {
    return this.#target?.greeting.connectionId;
  }

  get targetAddress(): string {
    return this.#targetAddress;
  }

  hasSession(): boolean {
    return this.#session !== undefined && this.#finished === undefined;
  }

  info(): MySqlSessionInfo | undefined {
    const session = this.#session;
    if (session === undefined || this.#target === undefined) return undefined;
    return {
      sessionId: session.sessionId,
      user: this.#user,
      remoteAddress: this.remoteAddress,
      target: this.#targetAddress,
      connectionId: this.connectionId,
      targetConnectionId: this.#target.greeting.connectionId,
      statements: this.#statementsCount,
      bytesClientToTarget: this.#bytesClientToTarget,
      bytesTargetToClient: this.#bytesTargetToClient,
    };
  }

  /** Hangs up on a client that has no session yet. */
  hangUp(): void {
    if (this.#session === undefined) this.#client.destroy();
  }

  // -------------------------------------------------------------------------
  // Connection phase

  async run(): Promise<void> {
    const socket = this.#client;
    socket.setNoDelay(true);
    socket.on('error', () => {});
    let reader = new PacketReaderStream('the client', this.scope.maxPacketBytes);
    reader.attach(socket);
    const nonce = createNonce();
    const offered = (OFFERED | (this.scope.secureContext !== undefined ? Capability.SSL : 0)) >>> 0;
    writePacket(
      socket,
      encodeHandshakeV10({
        serverVersion: this.scope.serverVersion,
        connectionId: this.connectionId,
        authPluginData: nonce,
        capabilities: offered,
        characterSet: 45,
        statusFlags: ServerStatus.AUTOCOMMIT,
        authPluginName: this.scope.authPlugin,
      }),
      0,
    );
    let response: HandshakeResponse41;
    let sequenceId: number;
    let tls = false;
    try {
      let packet = await reader.read(true);
      if (isSslRequest(packet.payload) && this.scope.secureContext !== undefined) {
        decodeSslRequest(packet.payload);
        // Clients start TLS without waiting for an answer, so the ClientHello
        // often came in the same read as the SSLRequest. Put it back: a
        // TLSSocket takes what the socket has buffered first and then reads
        // the handle natively (a JS Duplex in between would cost every later
        // read and write an extra trip through JavaScript).
        const leftover = reader.detach();
        if (leftover.length > 0) socket.unshift(leftover);
        const tlsSocket = new TLSSocket(socket, { isServer: true, secureContext: this.scope.secureContext });
        tlsSocket.on('error', () => {});
        await new Promise<void>((resolve, reject) => {
          tlsSocket.once('secure', resolve);
          tlsSocket.once('error', reject);
          tlsSocket.once('close', () =>
            reject(new Error('the client closed the connection during the TLS handshake')),
          );
        });
        tlsSocket.setNoDelay?.(true);
        this.#client = tlsSocket;
        tls = true;
        reader = new PacketReaderStream('the client', this.scope.maxPacketBytes);
        reader.attach(tlsSocket);
        packet = await reader.read();
      } else {
        reader.detach();
        reader = new PacketReaderStream('the client', this.scope.maxPacketBytes);
        // The packet was read already; re-attach for the following ones.
        reader.attach(socket);
      }
      sequenceId = packet.lastSequenceId;
      response = decodeHandshakeResponse41(packet.payload);
      this.#user = response.user;
      if (!tls && this.scope.tlsRequired) {
        const error = mysqlError(
          MySqlErrorCode.TLS_REQUIRED,
          'the client did not upgrade to TLS, which the proxy requires',
          {
            remoteAddress: this.remoteAddress,
          },
        );
        this.#refuseLogin(error, response.user, response.authPluginName ?? '', sequenceId + 1, {
          ...ER.INSECURE_TRANSPORT,
          message: 'Connections using insecure transport are prohibited: connect with TLS (mysql --ssl)',
        });
        return;
      }
      const credentials = await this.#clientCredentials(reader, response, nonce, tls, sequenceId);
      if (credentials === undefined) return;
      sequenceId = credentials.sequenceId;
      let grant: MySqlGrant | null | undefined;
      try {
        grant = await this.scope.authorize({ ...credentials.request, remoteAddress: this.remoteAddress });
      } catch (error) {
        grant = null;
        this.scope.emit({ type: 'error', remoteAddress: this.remoteAddress, error: error as Error });
      }
      if (grant === null || grant === undefined || typeof grant !== 'object' || grant.target === undefined) {
        this.#refuseLogin(
          mysqlError(MySqlErrorCode.UNAUTHORIZED, 'authorize() refused the token', {
            remoteAddress: this.remoteAddress,
            user: response.user,
          }),
          response.user,
          credentials.request.plugin,
          sequenceId + 1,
          {
            ...ER.ACCESS_DENIED,
            message: `Access denied for user '${response.user}': Tapline did not accept the token`,
          },
        );
        return;
      }
      reader.detach();
      this.scope.loggedIn();
      await this.#startSession(grant, response, sequenceId + 1);
    } catch (error) {
      reader.detach();
      this.scope.emit({
        type: 'session_failed',
        remoteAddress: this.remoteAddress,
        error:
          error instanceof TaplineError
            ? error
            : mysqlError(MySqlErrorCode.CLIENT_ERROR, (error as Error).message, undefined, error),
      });
      this.#client.destroy();
    }
  }

  async #clientCredentials(
    reader: PacketReaderStream,
    response: HandshakeResponse41,
    nonce: Buffer,
    tls: boolean,
    sequenceId: number,
  ): Promise<{ request: Omit<MySqlAuthRequest, 'remoteAddress'>; sequenceId: number } | undefined> {
    let plugin = response.authPluginName || 'mysql_native_password';
    let data = response.authResponse;
    const base = { user: response.user, tls, ...(response.database ? { database: response.database } : {}) };
    const refuseMethod = (message: string): undefined => {
      this.#refuseLogin(
        mysqlError(MySqlErrorCode.AUTH_METHOD, message, { plugin }),
        response.user,
        plugin,
        sequenceId + 1,
        {
          ...ER.ACCESS_DENIED,
          message: `Access denied for user '${response.user}': ${message}`,
        },
      );
      return undefined;
    };
    if (
      plugin !== 'caching_sha2_password' &&
      plugin !== 'mysql_clear_password' &&
      plugin !== 'mysql_native_password'
    ) {
      // An unknown plugin (client_ed25519, sha256_password, dialog): switch to
      // the configured one (as a server switches to the account's plugin),
      // or to native where that one needs TLS and the client has none.
      plugin =
        tls || this.scope.authPlugin === 'mysql_native_password'
          ? this.scope.authPlugin
          : 'mysql_native_password';
      writePacket(
        this.#client,
        encodeAuthSwitchRequest({ pluginName: plugin, pluginData: nonce }),
        ++sequenceId,
      );
      const answer = await reader.read();
      sequenceId = answer.lastSequenceId;
      data = answer.payload;
    }
    if (plugin === 'mysql_clear_password') {
      if (!tls) return refuseMethod('mysql_clear_password needs TLS');
      const end = data.indexOf(0);
      return {
        request: {
          ...base,
          plugin,
          password: data.subarray(0, end === -1 ? data.length : end).toString('utf8'),
        },
        sequenceId,
      };
    }
    if (plugin === 'caching_sha2_password') {
      if (!tls) return refuseMethod('caching_sha2_password needs TLS at this proxy (connect with --ssl)');
      if (data.length === 0) return refuseMethod('an empty token');
      // The proxy holds no password hash to compare the fast-path scramble with: ask for full authentication.
      writePacket(this.#client, encodeAuthMoreData(Buffer.of(0x04)), ++sequenceId);
      const answer = await reader.read();
      sequenceId = answer.lastSequenceId;
      const end = answer.payload.indexOf(0);
      return {
        request: {
          ...base,
          plugin,
          password: answer.payload.subarray(0, end === -1 ? answer.payload.length : end).toString('utf8'),
        },
        sequenceId,
      };
    }
    // mysql_native_password: only the scramble arrives; authorize checks candidates with matches().
    const responseCopy = Buffer.from(data);
    const nonceCopy = Buffer.from(nonce);
    return {
      request: {
        ...base,
        plugin,
        scramble: {
          plugin: 'mysql_native_password',
          nonce: nonceCopy,
          response: responseCopy,
          matches: (candidate: string) => verifyNativePassword(candidate, nonceCopy, responseCopy),
        },
      },
      sequenceId,
    };
  }

  #refuseLogin(error: TaplineError, user: string, plugin: string, sequenceId: number, err: ErrPacket): void {
    this.scope.failedLogin();
    this.scope.emit({ type: 'auth_failed', remoteAddress: this.remoteAddress, user, plugin, error });
    this.#client.end(encodePacket(encodeErr(err), sequenceId));
  }

  async #startSession(grant: MySqlGrant, response: HandshakeResponse41, okSequenceId: number): Promise<void> {
    const target: MySqlTarget = grant.target;
    this.#targetAddress = `${target.host}:${target.port ?? 3306}`;
    const context: SessionContext = {
      ...grant.context,
      protocol: grant.context.protocol ?? 'mysql',
      clientAddress: grant.context.clientAddress ?? this.remoteAddress,
      target: grant.context.target ?? this.#targetAddress,
    };
    let session: RecordedSession;
    try {
      session = await this.scope.recorder.start(context);
    } catch (error) {
      const failure = mysqlError(
        MySqlErrorCode.RECORDING_UNAVAILABLE,
        'the session cannot be recorded, so it is refused',
        undefined,
        error,
      );
      this.scope.emit({ type: 'session_failed', remoteAddress: this.remoteAddress, error: failure });
      this.#client.end(
        encodePacket(
          encodeErr({ ...ER.ACCESS_DENIED, message: 'Tapline cannot record this session, so it is refused' }),
          okSequenceId,
        ),
      );
      return;
    }
    this.#session = session;
    this.#database = target.database ?? response.database;
    this.#streamId = session.openStream('db_connection', {
      details: {
        protocol: 'mysql',
        target: this.#targetAddress,
        connectionId: String(this.connectionId),
        user: response.user,
      },
    });
    const clientClosed = (): void => void this.finish('client_closed');
    this.#client.once('close', clientClosed);
    try {
      const clientCapabilities = (response.capabilities & OFFERED) >>> 0;
      this.#target = await loginToTarget({
        target,
        clientCapabilities: this.scope.localInfile
          ? clientCapabilities | (response.capabilities & Capability.LOCAL_FILES)
          : clientCapabilities,
        characterSet: response.characterSet,
        maxPacketSize: response.maxPacketSize || 16 * 1024 * 1024,
        ...(response.database ? { database: response.database } : {}),
        ...(response.attributes ? { attributes: response.attributes } : {}),
        timeoutMs: this.scope.targetConnectTimeoutMs,
        maxPacketBytes: this.scope.maxPacketBytes,
      });
    } catch (error) {
      const failure =
        error instanceof TaplineError
          ? error
          : mysqlError(MySqlErrorCode.TARGET_UNREACHABLE, (error as Error).message, undefined, error);
      this.#client.removeListener('close', clientClosed);
      session.annotation({
        kind: 'error',
        streamId: this.#streamId,
        code: failure.code,
        message: failure.message,
      });
      this.scope.emit({
        type: 'session_failed',
        sessionId: session.sessionId,
        remoteAddress: this.remoteAddress,
        error: failure,
      });
      await this.finish(
        'error',
        failure,
        { ...ER.TARGET, message: `Tapline could not open the target: ${publicReason(failure)}` },
        okSequenceId,
      );
      return;
    }
    if (this.#finished !== undefined) {
      this.#target.socket.destroy();
      return;
    }
    const login = this.#target;
    this.#tracker = new ResponseTracker(
      login.capabilities,
      (login.capabilities & Capability.DEPRECATE_EOF) !== 0,
    );
    this.scope.byConnectionId.set(this.connectionId, this);
    session.annotation({
      kind: 'auth',
      streamId: this.#streamId,
      message: `logged in to ${this.#targetAddress} as the target account`,
      details: {
        targetConnectionId: String(login.greeting.connectionId),
        serverVersion: login.greeting.serverVersion,
        tls: String(login.tls),
      },
    });
    this.#client.write(encodePacket(encodeOk({ statusFlags: login.statusFlags }), okSequenceId));
    this.#relay();
    this.scope.emit({
      type: 'session_started',
      sessionId: session.sessionId,
      user: response.user,
      remoteAddress: this.remoteAddress,
      target: this.#targetAddress,
      connectionId: this.connectionId,
      targetConnectionId: login.greeting.connectionId,
    });
    session.signal.addEventListener('abort', () => this.#onAbort(), { once: true });
    if (session.signal.aborted) this.#onAbort();
  }

  // -------------------------------------------------------------------------
  // Relay

  #relay(): void {
    const client = this.#client;
    const target = this.#target!.socket;
    this.#relaying = true;
    target.on('error', () => {});
    target.on('data', (chunk: Buffer) => this.#fromTarget(chunk));
    target.once('close', () => {
      void this.finish(
        'target_closed',
        mysqlError(MySqlErrorCode.TARGET_CLOSED, 'the target closed the connection'),
        this.#pending.length > 0
          ? { ...ER.TARGET_LOST, message: 'Lost connection to the target during the query (Tapline)' }
          : undefined,
      );
    });
    client.on('data', (chunk: Buffer) => this.#fromClient(chunk));
    client.on('drain', () => target.resume());
    target.on('drain', () => client.resume());
    client.resume();
    target.resume();
  }

  #fromTarget(chunk: Buffer): void {
    const session = this.#session!;
    this.#bytesTargetToClient += chunk.length;
    session.data(this.#streamId, 'target_to_client', chunk);
    if (!this.#client.write(chunk)) this.#target!.socket.pause();
    try {
      this.#targetParser.parse(chunk, (packet) => this.#onTargetPacket(packet));
    } catch (error) {
      this.#protocolFailure(error);
    }
  }

  #fromClient(chunk: Buffer): void {
    try {
      this.#clientParser.parse(chunk, (packet) => this.#onClientPacket(packet));
    } catch (error) {
      this.#protocolFailure(error);
    }
  }

  /**
   * Asks the policy about a command's statements. True when the packet was
   * taken care of here (denied, or held until an asynchronous answer).
   */
  #gated(packet: Packet, statements: string[], kind: string): boolean {
    const verdict = this.#policyVerdict(statements);
    if (verdict === undefined) return false;
    if (!(verdict instanceof Promise)) {
      this.#statementsCount--;
      this.#deny(verdict, packet.sequenceId + 1, kind);
      return true;
    }
    this.#statementsCount--;
    this.#held = [];
    this.#client.pause();
    void verdict.then((denial) => {
      const held = this.#held ?? [];
      this.#held = undefined;
      if (this.#finished !== undefined) return;
      if (denial === undefined) this.#onClientPacket(packet, true);
      else this.#deny(denial, packet.sequenceId + 1, kind);
      for (const next of held) this.#onClientPacket(next);
      if (this.#held === undefined) this.#client.resume();
    });
    return true;
  }

  #protocolFailure(error: unknown): void {
    const failure =
      error instanceof TaplineError
        ? error
        : mysqlError(MySqlErrorCode.PROTOCOL, (error as Error).message, undefined, error);
    this.#session?.annotation({
      kind: 'error',
      streamId: this.#streamId,
      code: failure.code,
      message: failure.message,
    });
    this.scope.emit({
      type: 'error',
      sessionId: this.#session?.sessionId,
      remoteAddress: this.remoteAddress,
      error: failure,
    });
    void this.finish('error', failure, {
      code: 1158,
      sqlState: '08S01',
      message: `Tapline closed the session: ${failure.message}`,
    });
  }

  #toTarget(payload: Buffer, sequenceId: number): void {
    const wire = encodePacket(payload, sequenceId);
    this.#bytesClientToTarget += wire.length;
    this.#session!.data(this.#streamId, 'client_to_target', wire);
    if (!this.#target!.socket.write(wire)) this.#client.pause();
  }

  /** Answers the client from the proxy (a refusal), as the response to the command just read. */
  #answer(err: ErrPacket, sequenceId: number): void {
    const wire = encodePacket(encodeErr(err), sequenceId);
    this.#session!.data(this.#streamId, 'target_to_client', wire);
    this.#client.write(wire);
  }

  /**
   * The policy's word on the statements of a COM_QUERY or COM_STMT_PREPARE:
   * undefined when every one is allowed (or there is no policy), else the
   * first denial; a promise when the policy answers asynchronously.
   */
  #policyVerdict(statements: string[]): StatementDenial | undefined | Promise<StatementDenial | undefined> {
    if (!this.scope.policy.enabled) return undefined;
    const session = this.#session!;
    this.#policyContext ??= policyContextOf(session.context);
    return checkStatements(this.scope.policy, statements, {
      session,
      context: this.#policyContext,
      streamId: this.#streamId,
      database: this.#database,
    });
  }

  /** Answers a statement the policy denied with the server's own "access denied" error; it never reaches the target. */
  #deny(denial: StatementDenial, sequenceId: number, kind: string): void {
    const session = this.#session!;
    const message = `denied by policy: ${denial.decision.message}`;
    this.#answer({ ...ER.POLICY_DENIED, message: `${message} (Tapline)` }, sequenceId);
    const now = session.now();
    this.#emitQuery(newPendingCommand('none', kind, denial.statement, now), {
      code: ER.POLICY_DENIED.code,
      sqlState: ER.POLICY_DENIED.sqlState,
      message,
    });
    this.scope.emit({
      type: 'refused',
      sessionId: session.sessionId,
      command: kind === 'prepare' ? 'COM_STMT_PREPARE' : 'COM_QUERY',
      error: mysqlError(MySqlErrorCode.POLICY_DENIED, denial.decision.message, {
        statement: denial.statement,
      }),
    });
  }

  #onClientPacket(packet: Packet, policyChecked = false): void {
    if (this.#finished !== undefined) return;
    if (this.#held !== undefined) {
      // A statement before this one waits for the policy: keep the order.
      this.#held.push(packet);
      return;
    }
    const payload = packet.payload;
    if (this.#infile !== undefined) {
      // LOAD DATA LOCAL INFILE content; an empty packet ends the file.
      this.#infile.copyBytes = (this.#infile.copyBytes ?? 0) + payload.length;
      this.#toTarget(payload, packet.sequenceId);
      if (payload.length === 0) {
        this.#infile = undefined;
        this.#tracker!.infileSent();
      }
      return;
    }
    const command = decodeCommand(payload);
    const now = this.#session!.now();
    const begin = (
      shape: ResponseShape,
      kind: string,
      text: string,
      extra: Partial<PendingCommand> = {},
    ): PendingCommand => newPendingCommand(shape, kind, text, now, extra);
    const forward = (pending: PendingCommand | undefined, rewritten?: Buffer): void => {
      if (pending !== undefined && pending.shape !== 'none') {
        // An ERR the proxy adds before the target answers continues this command's sequence.
        if (this.#pending.length === 0) this.#lastTargetSequenceId = packet.lastSequenceId;
        this.#pending.push(pending);
        if (this.#pending.length === 1) this.#tracker!.begin(pending.shape);
      }
      this.#toTarget(rewritten ?? payload, packet.sequenceId);
    };
    this.#statementsCount++;
    switch (command.name) {
      case 'query': {
        const statements = splitStatements(command.sql);
        const kill = this.#killTarget(statements);
        if (kill !== undefined) {
          if ('refusal' in kill) {
            this.#refuse('KILL', kill.refusal, packet.sequenceId + 1, ER.NO_SUCH_THREAD, command.sql);
            return;
          }
          forward(begin('results', 'query', command.sql), kill.rewritten);
          return;
        }
        if (isLoadLocal(command.sql) && !this.scope.localInfile) {
          this.#refuse(
            'LOAD DATA LOCAL INFILE',
            'LOAD DATA LOCAL INFILE is disabled at the Tapline proxy (localInfile option)',
            packet.sequenceId + 1,
            ER.NOT_ALLOWED_COMMAND,
            command.sql,
            'load_data',
          );
          return;
        }
        if (
          !policyChecked &&
          this.#gated(packet, statements.length > 0 ? statements : [command.sql], 'query')
        )
          return;
        forward(
          begin('results', 'query', statements[0] ?? command.sql, {
            statements,
            selects: useDatabase(command.sql),
          }),
        );
        return;
      }
      case 'init_db':
        forward(begin('ok', 'init_db', command.database, { selects: command.database }));
        return;
      case 'ping':
        forward(begin('ok', 'ping', ''));
        return;
      case 'quit':
        this.#toTarget(payload, packet.sequenceId);
        void this.finish('client_closed');
        return;
      case 'stmt_prepare':
        if (isKill(command.sql)) {
          // Its id would be bound at execute time, out of reach of the mapping.
          this.#refuse(
            'COM_STMT_PREPARE',
            'KILL cannot be prepared through the Tapline proxy: send it as a plain query',
            packet.sequenceId + 1,
            ER.UNSUPPORTED_PS,
            command.sql,
            'prepare',
          );
          return;
        }
        if (!policyChecked && this.#gated(packet, [command.sql], 'prepare')) return;
        forward(begin('prepare', 'prepare', command.sql, { mode: 'prepared', prepareSql: command.sql }));
        return;
      case 'stmt_execute': {
        const statement = this.#statements.get(command.statementId);
        let parameters: QueryParameterEvent[] | undefined;
        if (statement !== undefined) {
          try {
            const decoded = decodeExecuteParameters(
              command.body,
              statement.paramCount,
              statement.types,
              statement.longData,
              this.scope.maxParameterBytes,
            );
            statement.types = decoded.types;
            parameters = decoded.parameters.map(parameterEvent);
          } catch (error) {
            this.#session!.annotation({
              kind: 'error',
              streamId: this.#streamId,
              code: (error as TaplineError).code,
              message: `parameters of statement ${command.statementId} not decoded: ${(error as Error).message}`,
            });
          }
          statement.longData = new Map();
        }
        forward(
          begin('results', 'execute', statement?.sql ?? '', {
            mode: 'prepared',
            statementId: command.statementId,
            ...(parameters ? { parameters } : {}),
          }),
        );
        return;
      }
      case 'stmt_send_long_data': {
        const statement = this.#statements.get(command.statementId);
        if (statement !== undefined)
          statement.longData.set(
            command.paramId,
            (statement.longData.get(command.paramId) ?? 0) + command.length,
          );
        this.#statementsCount--;
        this.#toTarget(payload, packet.sequenceId);
        return;
      }
      case 'stmt_close': {
        const statement = this.#statements.get(command.statementId);
        this.#statements.delete(command.statementId);
        this.#toTarget(payload, packet.sequenceId);
        this.#emitQuery({
          ...begin('none', 'close', statement?.sql ?? '', {
            mode: 'prepared',
            statementId: command.statementId,
          }),
        });
        return;
      }
      case 'stmt_reset': {
        const statement = this.#statements.get(command.statementId);
        if (statement !== undefined) statement.longData = new Map();
        forward(
          begin('ok', 'reset', statement?.sql ?? '', { mode: 'prepared', statementId: command.statementId }),
        );
        return;
      }
      case 'stmt_fetch': {
        const statement = this.#statements.get(command.statementId);
        forward(
          begin('fetch', 'fetch', statement?.sql ?? '', {
            mode: 'prepared',
            statementId: command.statementId,
          }),
        );
        return;
      }
      case 'process_kill': {
        const mapped = this.#mapKill(command.connectionId);
        if (typeof mapped === 'string') {
          this.#refuse(
            'COM_PROCESS_KILL',
            killRefusal(command.connectionId, mapped),
            packet.sequenceId + 1,
            ER.NO_SUCH_THREAD,
            `KILL ${command.connectionId}`,
            'cancel',
          );
          return;
        }
        const rewritten = Buffer.from(payload);
        rewritten.writeUInt32LE(mapped, 1);
        forward(begin('ok', 'cancel', `KILL ${command.connectionId}`), rewritten);
        return;
      }
      case 'change_user':
        this.#refuse(
          'COM_CHANGE_USER',
          'COM_CHANGE_USER is refused by the Tapline proxy: connect again as the other user',
          packet.sequenceId + 1,
          ER.NOT_ALLOWED_COMMAND,
          command.user,
          'change_user',
        );
        return;
      case 'field_list':
        forward(begin('field_list', 'field_list', command.table));
        return;
      case 'set_option':
        forward(begin('ok', 'set_option', String(command.option)));
        return;
      case 'reset_connection':
        this.#statements.clear();
        forward(begin('ok', 'reset_connection', ''));
        return;
      case 'statistics':
        forward(begin('single', 'statistics', ''));
        return;
      case 'other':
        this.#refuse(
          `command 0x${command.command.toString(16)}`,
          `command 0x${command.command.toString(16)} is not relayed by the Tapline proxy`,
          packet.sequenceId + 1,
          ER.UNKNOWN_COM,
          '',
          'other',
        );
        return;
    }
  }

  /**
   * A connection id a client names in KILL → the target's thread id: a proxy
   * id maps to its session's target connection; a target thread id passes
   * unchanged only when it is the target connection of one of this proxy's
   * sessions. Anything else (another application's connection, a session
   * already gone) is refused: every session shares the target account, so the
   * server itself would let it through.
   */
  #mapKill(id: number): number | 'foreign' | 'unknown' {
    const victim = this.scope.byConnectionId.get(id);
    if (victim !== undefined) {
      if (victim.targetAddress !== this.#targetAddress) return 'foreign';
      return victim.targetConnectionId ?? 'unknown';
    }
    for (const session of this.scope.byConnectionId.values())
      if (session.targetConnectionId === id && session.targetAddress === this.#targetAddress) return id;
    return 'unknown';
  }

  /**
   * A COM_QUERY (its statements) that kills: undefined when it is no KILL, else the text to
   * send (the id mapped) or why it is refused. Only `KILL [QUERY|CONNECTION]
   * <id>` sent on its own can be checked; `KILL USER` (every session of the
   * shared target account), `KILL QUERY ID`, an expression or a KILL inside a
   * multi-statement query are refused.
   */
  #killTarget(statements: string[]): { rewritten: Buffer | undefined } | { refusal: string } | undefined {
    if (!statements.some(isKill)) return undefined;
    const kill = statements.length === 1 ? parseKill(statements[0]!) : undefined;
    if (kill === undefined || kill.queryId)
      return {
        refusal:
          'only KILL [QUERY|CONNECTION] <connection id>, sent on its own, is relayed by the Tapline proxy',
      };
    const mapped = this.#mapKill(kill.id);
    if (typeof mapped === 'string') return { refusal: killRefusal(kill.id, mapped) };
    return { rewritten: mapped === kill.id ? undefined : encodeComQuery(kill.withId(mapped)) };
  }

  #refuse(
    command: string,
    message: string,
    sequenceId: number,
    err: { code: number; sqlState: string },
    text: string,
    kind = 'query',
  ): void {
    const error = mysqlError(MySqlErrorCode.COMMAND_REFUSED, message, { command });
    const session = this.#session!;
    this.#answer({ ...err, message: `${message} (Tapline)` }, sequenceId);
    session.annotation({ kind: 'refused', streamId: this.#streamId, code: error.code, message });
    const now = session.now();
    this.#emitQuery(
      {
        shape: 'none',
        kind,
        mode: kind === 'prepare' ? 'prepared' : 'text',
        text,
        statementIndex: 0,
        startedOffsetNs: now,
        startedAt: performance.now(),
        rows: undefined,
        warnings: 0,
        lastInsertId: 0,
      },
      { code: err.code, sqlState: err.sqlState, message },
    );
    this.scope.emit({ type: 'refused', sessionId: session.sessionId, command, error });
  }

  #onTargetPacket(packet: Packet): boolean {
    this.#lastTargetSequenceId = packet.lastSequenceId;
    const pending = this.#pending[0];
    if (pending === undefined) {
      // Unsolicited: an ERR before the target closes (e.g. it was killed).
      return true;
    }
    const outcome = this.#tracker!.packet(packet.payload);
    if (outcome !== undefined) this.#onOutcome(pending, outcome);
    return true;
  }

  #onOutcome(pending: PendingCommand, outcome: ResponseOutcome): void {
    if (outcome.type === 'local_infile') {
      pending.kind = 'load_data';
      pending.copyBytes = 0;
      this.#infile = pending;
      return;
    }
    if (outcome.type === 'prepare') {
      if (outcome.prepareOk !== undefined && !this.#statements.has(outcome.prepareOk.statementId)) {
        this.#statements.set(outcome.prepareOk.statementId, {
          sql: pending.prepareSql ?? pending.text,
          paramCount: outcome.prepareOk.paramCount,
          types: undefined,
          longData: new Map(),
        });
        pending.statementId = outcome.prepareOk.statementId;
        pending.warnings = outcome.prepareOk.warnings;
      }
      if (outcome.done) this.#completed(pending, outcome.err);
      return;
    }
    if (outcome.ok !== undefined) {
      pending.rows = (pending.rows ?? 0) + outcome.ok.affectedRows;
      if (outcome.ok.lastInsertId > 0) pending.lastInsertId = outcome.ok.lastInsertId;
    } else if (outcome.rows !== undefined) {
      pending.rows = (pending.rows ?? 0) + outcome.rows;
    }
    pending.warnings += outcome.warnings;
    const transaction = outcome.statusFlags & ServerStatus.IN_TRANS ? 'transaction' : 'idle';
    const statements = pending.statements;
    if (outcome.more && statements !== undefined && pending.statementIndex < statements.length - 1) {
      // The next result answers the next statement: this one is complete.
      this.#emitQuery(pending, outcome.err, transaction);
      pending.statementIndex++;
      pending.text = statements[pending.statementIndex]!;
      pending.startedOffsetNs = this.#session!.now();
      pending.startedAt = performance.now();
      pending.rows = undefined;
      pending.warnings = 0;
      pending.lastInsertId = 0;
      return;
    }
    if (outcome.more) return;
    this.#completed(pending, outcome.err, transaction);
  }

  #completed(
    pending: PendingCommand,
    err: ErrPacket | undefined,
    transaction?: 'idle' | 'transaction',
  ): void {
    this.#pending.shift();
    if (err === undefined && pending.selects !== undefined) this.#database = pending.selects;
    this.#emitQuery(pending, err, transaction);
    const next = this.#pending[0];
    if (next !== undefined) this.#tracker!.begin(next.shape);
  }

  #emitQuery(pending: PendingCommand, err?: ErrPacket, transaction?: 'idle' | 'transaction'): void {
    const session = this.#session;
    if (session === undefined) return;
    const event: QueryEvent = {
      streamId: this.#streamId,
      text: pending.text,
      mode: pending.mode,
      kind: pending.kind,
      startedOffsetNs: pending.startedOffsetNs,
      durationNs: Math.max(0, Math.round((performance.now() - pending.startedAt) * 1e6)),
    };
    if (this.#database !== undefined) event.database = this.#database;
    if (pending.statementId !== undefined) event.statement = String(pending.statementId);
    if (pending.parameters !== undefined) event.parameters = pending.parameters;
    if (pending.rows !== undefined && err === undefined) event.rows = pending.rows;
    if (pending.warnings > 0) event.warnings = pending.warnings;
    if (pending.lastInsertId > 0) event.lastInsertId = pending.lastInsertId;
    if (pending.copyBytes !== undefined) event.copyBytes = pending.copyBytes;
    if (transaction !== undefined) event.transactionStatus = transaction;
    if (err !== undefined) {
      event.errorCode = String(err.code);
      event.errorMessage = `${err.sqlState}: ${err.message}`;
      event.errorSeverity = 'ERROR';
    }
    session.query(event);
  }

  // -------------------------------------------------------------------------
  // Ending

  #onAbort(): void {
    const reason = this.#session?.signal.reason as
      | { endReason?: unknown; details?: { endReason?: unknown } }
      | undefined;
    const candidate = reason?.endReason ?? reason?.details?.endReason;
    const endReason = (typeof candidate === 'string' ? candidate : 'revoked') as EndReasonName;
    const message = ABORT_MESSAGES[endReason] ?? 'the session was ended by the access policy';
    void this.finish(endReason, mysqlError(MySqlErrorCode.SESSION_ENDED, message, { endReason }, reason), {
      ...ER.CONNECTION_KILLED,
      message: `Tapline: ${message}`,
    });
  }

  /**
   * Ends the session once: tells the client (an ERR packet) when `notify` is
   * given, closes both connections and ends the recording.
   */
  finish(
    reason: EndReasonName,
    error?: TaplineError,
    notify?: ErrPacket,
    sequenceId?: number,
  ): Promise<void> {
    if (this.#finished !== undefined) return this.#finished;
    this.#finished = (async () => {
      this.scope.byConnectionId.delete(this.connectionId);
      const client = this.#client;
      if (notify !== undefined && !client.destroyed && client.writable) {
        // In the middle of a response, the ERR continues its sequence; between commands it answers the next one (1).
        const sequence = sequenceId ?? (this.#pending.length > 0 ? this.#lastTargetSequenceId + 1 : 1);
        const wire = encodePacket(encodeErr(notify), sequence & 0xff);
        if (this.#session !== undefined && this.#relaying)
          this.#session.data(this.#streamId, 'target_to_client', wire);
        client.end(wire);
      } else {
        client.end();
      }
      const destroyLater = setTimeout(() => client.destroy(), 2000);
      destroyLater.unref();
      client.once('close', () => clearTimeout(destroyLater));
      const target = this.#target?.socket;
      if (target !== undefined) {
        // end(), not destroy(): the last commands (COM_STMT_CLOSE, COM_QUIT) are still being written.
        target.end();
        const destroyTarget = setTimeout(() => target.destroy(), 2000);
        destroyTarget.unref();
        target.once('close', () => clearTimeout(destroyTarget));
      }
      const session = this.#session;
      if (session === undefined) return;
      // Statements without an answer: recorded with what is known.
      for (const pending of this.#pending.splice(0)) {
        this.#emitQuery(pending, {
          code: ER.TARGET_LOST.code,
          sqlState: ER.TARGET_LOST.sqlState,
          message: `no answer: the session ended (${reason})`,
        });
      }
      if (error !== undefined) {
        session.annotation({
          kind: 'error',
          streamId: this.#streamId,
          code: error.code,
          message: error.message,
        });
      }
      session.closeStream(this.#streamId);
      try {
        const summary = await session.end(reason, error?.message);
        this.scope.emit({ type: 'session_ended', sessionId: session.sessionId, reason, summary });
      } catch (endError) {
        this.scope.emit({ type: 'error', sessionId: session.sessionId, error: endError as Error });
      }
    })();
    return this.#finished;
  }
}

function killRefusal(id: number, why: 'foreign' | 'unknown'): string {
  return why === 'foreign'
    ? `KILL ${id}: that connection goes to another target`
    : `Unknown thread id: ${id}: no session of this proxy has that connection id`;
}

function parameterEvent(parameter: BoundParameter): QueryParameterEvent {
  const event: QueryParameterEvent = { type: parameter.type, format: 'binary' };
  if (parameter.isNull) event.isNull = true;
  if (parameter.value !== undefined) event.value = parameter.value;
  if (parameter.length !== undefined && (parameter.elided || parameter.longData))
    event.length = parameter.length;
  return event;
}

/** What the client may be told about a target failure: the code's meaning, never target credentials. */
function publicReason(error: TaplineError): string {
  const reasons: Partial<Record<MySqlErrorCodeName, string>> = {
    [MySqlErrorCode.TARGET_UNREACHABLE]: 'the target database is unreachable',
    [MySqlErrorCode.TARGET_TLS]: 'TLS to the target database failed (certificate not trusted)',
    [MySqlErrorCode.TARGET_AUTH_FAILED]: 'the target database refused the proxy’s credentials',
    [MySqlErrorCode.TARGET_UNSUPPORTED]: 'the target database lacks a capability the proxy needs',
  };
  const reason =
    error.code === MySqlErrorCode.TARGET_TLS && error.details?.tlsOffered === false
      ? 'the target database does not offer TLS, which the proxy requires'
      : reasons[error.code as MySqlErrorCodeName];
  return `${reason ?? 'an error'} (${error.code})`;
}
