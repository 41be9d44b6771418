// The Kubernetes API audit proxy: an HTTPS front that authenticates the user
// against a grant, forwards every request to the real API server with the
// connector's own credentials (and impersonation), and records what happened.
import { createHash } from 'node:crypto';
import * as diagnostics from 'node:diagnostics_channel';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import {
  type ApiCallEvent,
  createPolicyGate,
  createSourceLimiter,
  type EndReasonName,
  type FrontLimits,
  type PolicyAction,
  type PolicyCode,
  type PolicyOptions,
  type PolicySessionContext,
  policyContextOf,
  type RecordedSession,
  type ResolvedPolicyDecision,
  renamedOption,
  resolveFrontLimits,
  type SessionContext,
  type SourceRefusalReason,
  type StreamKindName,
  sourceKey,
  type TaplineChannel,
  warnDeprecated,
} from '@tapline/core';
import { isTaplineError, TaplineError } from '@tapline/frames';
import { createCommandExtractor } from '@tapline/terminal';
import { type Dispatcher, Pool } from 'undici';
import { mutatingVerbs, recordRequestBody } from './body.js';
import type { KubeErrorMessage } from './diagnostics.js';
import { KubeErrorCode, kubeError } from './errors.js';
import { encodeWatchErrorFrame, watchFrameTracker } from './k8s-protobuf.js';
import { type KubeRequestInfo, parseRequestInfo } from './request-info.js';
import { relayWebSocket } from './streams.js';

/** What the client presented. */
export interface KubeCredentials {
  /** The bearer token from `Authorization: Bearer …`, if any. */
  token?: string;
  /** The client certificate, when the front asks for one (`tls.requestCert`) and the client sent it. */
  certificate?: PeerCertificate;
  /** True when the certificate chains to the front's `tls.ca`. */
  certificateAuthorized?: boolean;
  /** "203.0.113.7:51234" */
  clientAddress: string;
}

/** The identity the upstream API server acts as for this user (impersonation headers). */
export interface KubeImpersonation {
  user: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

/** What `authorize` returns for credentials it accepts. */
export interface KubeGrant {
  /** The grant behind the session; `protocol` defaults to "kubernetes". */
  context: SessionContext;
  /** Sent upstream as Impersonate-User / -Group / -Uid / -Extra-*. Omit to act as the connector itself. */
  impersonate?: KubeImpersonation;
}

/** A request refused before it reached the API server. */
export interface KubeRefusal {
  /** Unix ms. */
  time: number;
  clientAddress: string;
  /** Empty for a connection refused before its first request (login_timeout, too_many_connections). */
  method: string;
  /** Path and query; empty like `method`. */
  path: string;
  userAgent?: string;
  /**
   * "missing_credentials", "invalid_credentials", "session_ended", "grant_expired",
   * "spdy_unsupported", "authorize_failed", "shutting_down" (a request on
   * a kept-alive connection while `close()` drains: 503), or one of the `limits`:
   * "login_timeout", "too_many_connections", "too_many_failed_logins",
   * or "policy_denied" (the `policy` denied the request: 403, code TAPLINE_ERR_POLICY_DENIED).
   */
  reason: string;
  code: string;
  /** The HTTP status answered; 0 when the connection was closed without an answer. */
  statusCode: number;
  /** The session the request belonged to, when it had one (spdy_unsupported). */
  sessionId?: string;
}

/** The part of `@tapline/core`'s Recorder the proxy uses. */
export interface KubeRecorder {
  start(context: SessionContext): Promise<RecordedSession>;
}

/**
 * A command extractor for tty streams: `@tapline/terminal`'s
 * `createCommandExtractor` is the default; any object of this shape works.
 */
export interface TerminalCommandExtractor {
  output(bytes: Uint8Array, offsetNs: number): unknown;
  input(bytes: Uint8Array, offsetNs: number): unknown;
  resize(cols: number, rows: number, offsetNs: number): void;
  /** Flushes; events still due are given to `onEvent` before it resolves. */
  end(offsetNs: number): unknown;
  dispose?(): void;
}

/**
 * The events the proxy records from an extractor: `command` and `fullscreen`
 * become CommandEvents, `gap` an annotation. Others are ignored.
 */
export type TerminalExtractorEvent =
  | { kind: 'command'; text: string; startedOffsetNs?: number; endedOffsetNs?: number }
  | { kind: 'fullscreen'; program: string; text: string; startedOffsetNs?: number; endedOffsetNs?: number }
  | { kind: 'gap'; droppedBytes: number; startedOffsetNs?: number; endedOffsetNs?: number };

export type TerminalCommandExtractorFactory = (options: {
  cols: number;
  rows: number;
  onEvent: (event: TerminalExtractorEvent) => void;
}) => TerminalCommandExtractor;

export interface KubeUpstreamOptions {
  /** The API server, "https://10.0.0.1:6443". */
  url: string;
  /** PEM CA bundle that signs the API server's certificate. */
  ca?: string | Uint8Array;
  /** The connector's bearer token. */
  token?: string;
  /** The connector's client certificate and key (PEM). */
  cert?: string | Uint8Array;
  key?: string | Uint8Array;
  /** TLS server name to verify. @default the URL's host name */
  servername?: string;
  /** Keep-alive connections to the API server. @default 16 */
  connections?: number;
}

export interface KubeProxyOptions extends PolicyOptions {
  /** TLS options of the front (the connector's certificate): `cert`, `key`, and `ca` + `requestCert` for client certificates. */
  tls: https.ServerOptions;
  /** Resolves the client's credentials to a grant, or to null / undefined (or rejects) to refuse (401). */
  authorize: (
    credentials: KubeCredentials,
  ) => KubeGrant | null | undefined | Promise<KubeGrant | null | undefined>;
  upstream: KubeUpstreamOptions;
  recorder: KubeRecorder;
  /** Request body bytes recorded for mutating verbs. @default 65536 */
  maxRecordedBody?: number;
  /** A session with no request or stream for this long ends (`client_closed`). @default 900000 (15 min) */
  idleTimeoutMs?: number;
  /** Largest WebSocket frame payload inspected; a larger frame ends that stream. @default 16 MiB */
  maxFramePayload?: number;
  /** Record port-forwarded bytes (true) or only count them. @default false */
  recordForwardContent?: boolean;
  /** @deprecated Use `recordForwardContent`. */
  recordPortForwardContent?: boolean;
  /**
   * Live analyzers fed with a copy of the traffic. `terminal` extracts typed
   * commands from tty exec/attach streams; `false` records the bytes only.
   * @default { terminal: `@tapline/terminal`'s createCommandExtractor }
   */
  analyzers?: { terminal?: TerminalCommandExtractorFactory | false };
  /** @deprecated Use `analyzers.terminal`. */
  commandExtractor?: TerminalCommandExtractorFactory | false;
  /**
   * Login deadline, connections and failed logins per source address (the
   * same `limits` as every Tapline front; see `FrontLimits`). The deadline
   * covers the TLS handshake and the first request's headers. A source over
   * its failed-login limit gets 429 for credentials without a live session;
   * requests of live sessions are still served.
   * @default { loginTimeoutMs: 30000, maxConnectionsPerSource: 100, maxFailedLoginsPerSource: 20, failedLoginWindowMs: 60000 }
   */
  limits?: FrontLimits;
  /**
   * Receives what the proxy reports: requests and connections refused before
   * reaching the API server (also on `tapline:kube:refused`) and errors that
   * ended a request or stream (also on `tapline:kube:error`). Must not throw.
   */
  onEvent?: (event: KubeProxyEvent) => void;
  /** @deprecated Use `onEvent` (events of type `refused`). */
  onRefused?: (refusal: KubeRefusal) => void;
  /** @deprecated Use `onEvent` (events of type `error`). */
  onError?: (error: TaplineError) => void;
}

/** Something the kube proxy reports. */
export type KubeProxyEvent =
  | { type: 'refused'; refusal: KubeRefusal }
  | { type: 'error'; error: TaplineError };

/** A live session, as `proxy.sessions()` reports it. */
export interface KubeSessionInfo {
  sessionId: string;
  /** The granted user's id. */
  userId: string;
  /** Requests and streams in flight. */
  active: number;
}

/** Options of `KubeProxy.close()`. */
export interface KubeCloseOptions {
  /** How long in-flight requests and streams may run on before they are ended. @default 0 */
  drainMs?: number;
}

/** The close detail of a session ended by `close()`, and what exec/attach clients are told. */
const shutdownMessage = 'the proxy is shutting down; the session is closed';

export interface KubeProxy {
  readonly server: https.Server;
  /** Starts listening. @default port 0 on 127.0.0.1 */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** "https://127.0.0.1:PORT" once listening. */
  readonly url: string;
  /** A snapshot of the live sessions. */
  sessions(): KubeSessionInfo[];
  /** @deprecated Use `sessions().length`. */
  readonly sessionCount: number;
  /**
   * Stops accepting connections and requests. With `drainMs`, requests and
   * exec/attach/port-forward/watch streams in flight get up to that long to
   * finish; a session with nothing left in flight ends as it would when idle
   * (`client_closed`). Then every remaining session ends (`shutdown`): an
   * exec/attach client is told on its stderr (or tty), a watch's stream is
   * ended. Resolves when every recording has ended (spooled) and the
   * upstream pool is closed; `recorder.close()` then delivers the spool.
   */
  close(options?: KubeCloseOptions): Promise<void>;
}

const refusedChannel = diagnostics.channel('tapline:kube:refused') as TaplineChannel<KubeRefusal>;
const errorChannel = diagnostics.channel('tapline:kube:error') as TaplineChannel<KubeErrorMessage>;

const POLICY_DENIED: (typeof PolicyCode)['DENIED'] = 'TAPLINE_ERR_POLICY_DENIED';

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'http2-settings',
]);

/** Headers never sent upstream as the client sent them, and never recorded. */
function isPrivateHeader(name: string): boolean {
  return name === 'authorization' || name === 'cookie' || name.startsWith('impersonate-');
}

/** What the proxy knows of a client connection from its earlier requests. */
interface ClientConnection {
  /** The Authorization header that `key` was derived from (undefined: none, the client certificate). */
  authorization: string | undefined;
  /** The session key of those credentials; undefined until a request on it had a session. */
  key: string | undefined;
}

const ignore = (): void => {};

/** A live recorded session: one per authorized credential. */
export interface LiveSession {
  readonly key: string;
  readonly recorded: RecordedSession;
  readonly grant: KubeGrant;
  readonly apiStreamId: number;
  /** Closers of everything in flight (requests, streams). */
  readonly active: Set<(error: TaplineError) => void>;
  /** Client connections that carried this session's requests: closed with it. */
  readonly sockets: Set<Socket>;
  /** No new requests or streams once true. */
  ended: boolean;
  /** True once `recorded.end()` was called: nothing more may be recorded. */
  finalized: boolean;
  idleTimer: NodeJS.Timeout | undefined;
  /** `performance.now()` when the last thing in flight finished. */
  idleSince: number;
  /** The session as the policy sees it, built on first use. */
  policyContext?: PolicySessionContext;
}

export function createKubeProxy(options: KubeProxyOptions): KubeProxy {
  if (!options?.upstream?.url || typeof options.authorize !== 'function' || !options.recorder) {
    throw kubeError(
      KubeErrorCode.INVALID_OPTIONS,
      'createKubeProxy needs tls, authorize, upstream.url and recorder',
    );
  }
  const limits = resolveFrontLimits(options.limits, { loginTimeoutMs: 30_000 });
  if (typeof limits === 'string') throw kubeError(KubeErrorCode.INVALID_OPTIONS, `options.${limits}`);
  const limiter = createSourceLimiter(limits);
  let policyGate: ReturnType<typeof createPolicyGate>;
  try {
    policyGate = createPolicyGate(options);
  } catch (error) {
    throw kubeError(KubeErrorCode.INVALID_OPTIONS, (error as Error).message);
  }
  const upstreamUrl = new URL(options.upstream.url);
  const upstreamTls = {
    ca: options.upstream.ca as string | Buffer | undefined,
    cert: options.upstream.cert as string | Buffer | undefined,
    key: options.upstream.key as string | Buffer | undefined,
    servername:
      options.upstream.servername ?? (isIp(upstreamUrl.hostname) ? undefined : upstreamUrl.hostname),
    rejectUnauthorized: true,
  };
  const pool = new Pool(upstreamUrl.origin, {
    connections: options.upstream.connections ?? 16,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    connect: upstreamTls,
  });
  const upstreamAuthorization = options.upstream.token ? `Bearer ${options.upstream.token}` : undefined;
  const maxRecordedBody = options.maxRecordedBody ?? 65536;
  const idleTimeoutMs = options.idleTimeoutMs ?? 900_000;
  const terminalAnalyzer = renamedOption(
    options.analyzers?.terminal,
    options.commandExtractor,
    'createKubeProxy({ commandExtractor })',
    'analyzers.terminal',
  );
  const recordForwardContent =
    renamedOption(
      options.recordForwardContent,
      options.recordPortForwardContent,
      'createKubeProxy({ recordPortForwardContent })',
      'recordForwardContent',
    ) ?? false;
  if (options.onRefused) warnDeprecated('createKubeProxy({ onRefused })', "onEvent (type 'refused')");
  if (options.onError) warnDeprecated('createKubeProxy({ onError })', "onEvent (type 'error')");
  const tell = (event: KubeProxyEvent): void => {
    try {
      options.onEvent?.(event);
      if (event.type === 'refused') options.onRefused?.(event.refusal);
      else options.onError?.(event.error);
    } catch {
      // A throwing listener must not break the proxy.
    }
  };
  const commandExtractor: TerminalCommandExtractorFactory | undefined =
    terminalAnalyzer === false
      ? undefined
      : (terminalAnalyzer ??
        ((extractorOptions) =>
          createCommandExtractor({
            cols: extractorOptions.cols,
            rows: extractorOptions.rows,
            retainEvents: false,
            onEvent: extractorOptions.onEvent,
          })));

  const sessions = new Map<string, Promise<LiveSession>>();
  /** The same sessions once started, for `sessions()`. */
  const liveSessions = new Map<string, LiveSession>();
  /** Credentials whose session the recorder ended (expiry, revoke): refused from then on. */
  const endedKeys = new Map<string, EndReasonName>();
  const sockets = new Set<Socket>();
  let closing = false;
  let closePromise: Promise<void> | undefined;
  /** Every `endSession` under way, so `close()` resolves after their recordings ended. */
  const endings = new Set<Promise<void>>();

  /** Login deadlines of connections that have not sent a request yet, by "ip:port" (the TLS socket's address is the TCP one). */
  const awaitingFirstRequest = new Map<string, NodeJS.Timeout>();

  const server = https.createServer({ ...options.tls });
  server.on('connection', (socket: Socket) => {
    socket.on('error', () => {});
    if (closing) {
      socket.destroy();
      return;
    }
    const source = sourceKey(socket.remoteAddress);
    const address = socketAddress(socket);
    const refusal = limiter.admit(source);
    if (refusal !== undefined) {
      socket.destroy();
      refuseConnection(address, refusal);
      return;
    }
    sockets.add(socket);
    socket.setNoDelay(true);
    const deadline = setTimeout(() => {
      awaitingFirstRequest.delete(address);
      refuseConnection(address, 'login_timeout');
      socket.destroy();
    }, limits.loginTimeoutMs);
    deadline.unref();
    awaitingFirstRequest.set(address, deadline);
    socket.on('close', () => {
      sockets.delete(socket);
      limiter.release(source);
      const pending = awaitingFirstRequest.get(address);
      if (pending !== undefined) {
        clearTimeout(pending);
        awaitingFirstRequest.delete(address);
      }
    });
  });
  /** What earlier requests on a client connection established, by its TLS socket. */
  const connections = new WeakMap<Socket, ClientConnection>();
  /** The first request's headers arrived on this connection: the login deadline is met. */
  const firstRequestArrived = (req: IncomingMessage): void => {
    if (connections.has(req.socket)) return;
    connections.set(req.socket, { authorization: undefined, key: undefined });
    const address = socketAddress(req.socket);
    const pending = awaitingFirstRequest.get(address);
    if (pending === undefined) return;
    clearTimeout(pending);
    awaitingFirstRequest.delete(address);
  };
  server.on('secureConnection', (socket: TLSSocket) => socket.setNoDelay(true));
  server.on('tlsClientError', () => {});
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    firstRequestArrived(req);
    res.on('error', ignore);
    const session = knownSession(req);
    if (session === undefined) {
      handleRequest(req, res).catch((error) => reportError(asTaplineError(error)));
      return;
    }
    try {
      forwardRequest(req, res, session);
    } catch (error) {
      // As a rejection of the async path is: reported, never thrown out of the server's 'request' event.
      reportError(asTaplineError(error));
    }
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    firstRequestArrived(req);
    socket.on('error', () => {});
    handleUpgrade(req, socket, head).catch((error) => {
      reportError(asTaplineError(error));
      socket.destroy();
    });
  });

  function reportError(error: TaplineError): void {
    if (errorChannel.hasSubscribers) errorChannel.publish({ error });
    tell({ type: 'error', error });
  }

  function refuse(
    req: IncomingMessage,
    reason: string,
    code: string,
    statusCode: number,
    sessionId?: string,
  ): KubeRefusal {
    const refusal: KubeRefusal = {
      time: Date.now(),
      clientAddress: clientAddress(req),
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      reason,
      code,
      statusCode,
    };
    const userAgent = req.headers['user-agent'];
    if (userAgent) refusal.userAgent = userAgent;
    if (sessionId) refusal.sessionId = sessionId;
    if (refusedChannel.hasSubscribers) refusedChannel.publish(refusal);
    tell({ type: 'refused', refusal });
    return refusal;
  }

  function refuseConnection(address: string, reason: SourceRefusalReason): void {
    const code =
      reason === 'login_timeout'
        ? KubeErrorCode.LOGIN_TIMEOUT
        : reason === 'too_many_connections'
          ? KubeErrorCode.TOO_MANY_CONNECTIONS
          : KubeErrorCode.TOO_MANY_FAILED_LOGINS;
    const refusal: KubeRefusal = {
      time: Date.now(),
      clientAddress: address,
      method: '',
      path: '',
      reason,
      code,
      statusCode: 0,
    };
    if (refusedChannel.hasSubscribers) refusedChannel.publish(refusal);
    tell({ type: 'refused', refusal });
  }

  function credentialsOf(req: IncomingMessage): { credentials: KubeCredentials; key: string | undefined } {
    const credentials: KubeCredentials = { clientAddress: clientAddress(req) };
    let key: string | undefined;
    const authorization = req.headers.authorization;
    if (authorization && /^bearer\s+/i.test(authorization)) {
      const token = authorization.replace(/^bearer\s+/i, '').trim();
      if (token) {
        credentials.token = token;
        key = `token:${createHash('sha256').update(token).digest('hex')}`;
      }
    }
    const socket = req.socket as TLSSocket;
    if (!key && typeof socket.getPeerCertificate === 'function') {
      const certificate = socket.getPeerCertificate();
      if (certificate && Object.keys(certificate).length > 0 && certificate.fingerprint256) {
        credentials.certificate = certificate;
        credentials.certificateAuthorized = socket.authorized;
        key = `cert:${certificate.fingerprint256}`;
      }
    }
    return { credentials, key };
  }

  /** Finds or starts the session for the request's credentials; undefined after answering a refusal. */
  async function sessionFor(
    req: IncomingMessage,
    deny: (statusCode: number, reason: string, message: string, warning?: string) => void,
  ): Promise<LiveSession | undefined> {
    if (closing) {
      // Draining: what is in flight may finish, nothing new starts.
      refuse(req, 'shutting_down', KubeErrorCode.SESSION_ENDED, 503);
      deny(503, 'ServiceUnavailable', 'the proxy is shutting down');
      return undefined;
    }
    const { credentials, key } = credentialsOf(req);
    if (!key) {
      refuse(req, 'missing_credentials', KubeErrorCode.UNAUTHORIZED, 401);
      deny(401, 'Unauthorized', 'Unauthorized: no bearer token or client certificate');
      return undefined;
    }
    const ended = endedKeys.get(key);
    if (ended) {
      refuse(req, 'session_ended', KubeErrorCode.SESSION_ENDED, 401);
      deny(401, 'Unauthorized', `Unauthorized: ${sessionEndedMessage(ended)}`, sessionEndedMessage(ended));
      return undefined;
    }
    const source = sourceKey(req.socket.remoteAddress);
    let pending = sessions.get(key);
    if (!pending && limiter.throttled(source)) {
      // Too many failed logins from this address: no more guesses reach authorize().
      // Credentials that already have a live session are still served above.
      refuse(req, 'too_many_failed_logins', KubeErrorCode.TOO_MANY_FAILED_LOGINS, 429);
      deny(429, 'TooManyRequests', 'Too many failed logins from this address; try again later');
      return undefined;
    }
    if (!pending) {
      pending = startSession(key, credentials);
      sessions.set(key, pending);
      pending.then(
        (started) => {
          if (!started.ended) liveSessions.set(key, started);
        },
        () => sessions.delete(key),
      );
    }
    let session: LiveSession | undefined;
    try {
      session = await pending;
    } catch (error) {
      if (isTaplineError(error, 'TAPLINE_ERR_GRANT_EXPIRED')) {
        // Expired before its first use: the same answer as an expiry mid-session, no stack trace.
        refuse(req, 'grant_expired', KubeErrorCode.GRANT_EXPIRED, 401);
        const message = sessionEndedMessage('grant_expired', error.message);
        deny(401, 'Unauthorized', `Unauthorized: ${message}`, message);
        return undefined;
      }
      const refused = isTaplineError(error, KubeErrorCode.UNAUTHORIZED);
      // Only a credential authorize() refused is a failed guess (not a recorder or authorize outage).
      if (refused) limiter.failedLogin(source);
      refuse(req, refused ? 'invalid_credentials' : 'authorize_failed', KubeErrorCode.UNAUTHORIZED, 401);
      if (!refused) reportError(asTaplineError(error));
      deny(401, 'Unauthorized', 'Unauthorized');
      return undefined;
    }
    if (session.ended) return sessionFor(req, deny);
    const connection = connections.get(req.socket);
    if (connection) {
      connection.authorization = req.headers.authorization;
      connection.key = key;
    }
    adoptSocket(session, req.socket);
    return session;
  }

  /**
   * The live session of a request with the same credentials as an earlier
   * request on its connection: no hashing, no address parsing, no await.
   * Undefined sends the request the long way (`sessionFor`), which answers
   * every refusal.
   */
  function knownSession(req: IncomingMessage): LiveSession | undefined {
    if (closing) return undefined;
    const connection = connections.get(req.socket);
    if (connection?.key === undefined || connection.authorization !== req.headers.authorization) {
      return undefined;
    }
    const session = liveSessions.get(connection.key);
    if (session === undefined || session.ended) return undefined;
    adoptSocket(session, req.socket);
    return session;
  }

  /** The session's client connections are closed with it. */
  function adoptSocket(session: LiveSession, socket: Socket): void {
    if (session.sockets.has(socket)) return;
    session.sockets.add(socket);
    socket.once('close', () => session.sockets.delete(socket));
  }

  async function startSession(key: string, credentials: KubeCredentials): Promise<LiveSession> {
    if (closing) throw kubeError(KubeErrorCode.SESSION_ENDED, 'the proxy is closing');
    const grant = await options.authorize(credentials);
    if (!grant) throw kubeError(KubeErrorCode.UNAUTHORIZED, 'authorize refused the credentials');
    const context: SessionContext = {
      ...grant.context,
      protocol: grant.context.protocol ?? 'kubernetes',
      clientAddress: grant.context.clientAddress ?? credentials.clientAddress,
      target: grant.context.target ?? upstreamUrl.host,
    };
    const recorded = await options.recorder.start(context);
    const apiStreamId = recorded.openStream('kube_api', {
      details: {
        server: upstreamUrl.host,
        ...(grant.impersonate ? { impersonate: grant.impersonate.user } : {}),
      },
    });
    const session: LiveSession = {
      key,
      recorded,
      grant,
      apiStreamId,
      active: new Set(),
      sockets: new Set(),
      ended: false,
      finalized: false,
      idleTimer: undefined,
      idleSince: 0,
    };
    const onAbort = (): void => {
      const reason = recorded.signal.reason;
      const endReason: EndReasonName =
        (reason as { endReason?: EndReasonName } | undefined)?.endReason ??
        (isTaplineError(reason) && /expire/i.test(reason.message) ? 'grant_expired' : 'revoked');
      if (endReason === 'grant_expired' || endReason === 'revoked') {
        endedKeys.set(key, endReason);
        if (endedKeys.size > 10_000) endedKeys.delete(endedKeys.keys().next().value as string);
      }
      void endSession(session, endReason, `session ended: ${endReason}`);
    };
    if (recorded.signal.aborted) queueMicrotask(onAbort);
    else recorded.signal.addEventListener('abort', onAbort, { once: true });
    armIdle(session);
    return session;
  }

  /**
   * Nothing is in flight from now on: the session ends after `idleTimeoutMs`
   * unless something starts. One timer per session, not one per request: it
   * is armed once and, when it fires early, re-armed for what is left.
   */
  function armIdle(session: LiveSession): void {
    if (session.ended || session.active.size > 0) return;
    session.idleSince = performance.now();
    if (session.idleTimer === undefined) startIdleTimer(session, idleTimeoutMs);
  }

  function startIdleTimer(session: LiveSession, delayMs: number): void {
    session.idleTimer = setTimeout(() => {
      session.idleTimer = undefined;
      // Busy: the release of the last thing in flight arms it again.
      if (session.ended || session.active.size > 0) return;
      const leftMs = session.idleSince + idleTimeoutMs - performance.now();
      if (leftMs >= 1) startIdleTimer(session, leftMs);
      else void endSession(session, 'client_closed', 'idle timeout');
    }, delayMs);
    session.idleTimer.unref();
  }

  function endSession(session: LiveSession, reason: EndReasonName, detail: string): Promise<void> {
    if (session.ended) return Promise.resolve();
    const ending = finalizeSession(session, reason, detail);
    endings.add(ending);
    void ending.finally(() => endings.delete(ending));
    return ending;
  }

  async function finalizeSession(session: LiveSession, reason: EndReasonName, detail: string): Promise<void> {
    session.ended = true;
    if (session.idleTimer) clearTimeout(session.idleTimer);
    sessions.delete(session.key);
    liveSessions.delete(session.key);
    const error = kubeError(KubeErrorCode.SESSION_ENDED, detail, { reason });
    for (const close of [...session.active]) {
      try {
        close(error);
      } catch {}
    }
    session.active.clear();
    // What the closers wrote last (a watch ERROR event, a WebSocket close) is flushed before the end.
    for (const socket of session.sockets) {
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    }
    session.sockets.clear();
    session.finalized = true;
    session.recorded.closeStream(session.apiStreamId, { detail });
    try {
      await session.recorded.end(reason, detail);
    } catch (endError) {
      reportError(asTaplineError(endError));
    }
  }

  /** Registers something in flight; returns its release function. */
  function track(session: LiveSession, close: (error: TaplineError) => void): () => void {
    session.active.add(close);
    return () => {
      session.active.delete(close);
      armIdle(session);
    };
  }

  function upstreamHeaders(
    headers: IncomingHttpHeaders,
    grant: KubeGrant,
  ): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const name in headers) {
      const value = headers[name];
      if (value === undefined || hopByHop.has(name) || isPrivateHeader(name)) continue;
      out[name] = value;
    }
    if (upstreamAuthorization) out.authorization = upstreamAuthorization;
    const impersonate = grant.impersonate;
    if (impersonate) {
      out['impersonate-user'] = impersonate.user;
      if (impersonate.groups?.length) out['impersonate-group'] = impersonate.groups;
      if (impersonate.uid) out['impersonate-uid'] = impersonate.uid;
      for (const [extraKey, values] of Object.entries(impersonate.extra ?? {})) {
        out[`impersonate-extra-${encodeURIComponent(extraKey)}`] = values;
      }
    }
    return out;
  }

  function baseApiCall(info: KubeRequestInfo, req: IncomingMessage, session: LiveSession): ApiCallEvent {
    const event: ApiCallEvent = {
      streamId: session.apiStreamId,
      verb: info.verb,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      statusCode: 0,
    };
    if (info.isResourceRequest) {
      event.apiGroup = info.apiGroup ?? '';
      if (info.apiVersion) event.apiVersion = info.apiVersion;
      if (info.resource) event.resource = info.resource;
      if (info.subresource) event.subresource = info.subresource;
      if (info.namespace) event.namespace = info.namespace;
      if (info.name) event.name = info.name;
    }
    const userAgent = req.headers['user-agent'];
    if (userAgent) event.userAgent = userAgent;
    return event;
  }

  function policyActionOf(info: KubeRequestInfo, req: IncomingMessage, session: LiveSession): PolicyAction {
    session.policyContext ??= policyContextOf(session.recorded.context);
    const action: PolicyAction = {
      protocol: session.recorded.context.protocol,
      type: 'api_call',
      verb: info.verb,
      path: info.path,
      context: session.policyContext,
    };
    if (info.isResourceRequest) {
      action.apiGroup = info.apiGroup ?? '';
      if (info.resource) action.resource = info.resource;
      if (info.subresource) action.subresource = info.subresource;
      if (info.namespace) action.namespace = info.namespace;
      if (info.name) action.name = info.name;
      if (
        info.subresource === 'exec' ||
        info.subresource === 'attach' ||
        info.subresource === 'portforward'
      ) {
        const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
        const command = query.getAll('command');
        if (command.length > 0) action.command = command.join(' ');
        const ports = query.getAll('ports');
        if (ports.length === 1) action.port = Number(ports[0]);
      }
    }
    return action;
  }

  /**
   * Asks the policy about a request; on a denial answers 403 Forbidden (a
   * Status with the policy's message), records the call and returns false.
   * A policy that answers synchronously is answered in the same turn.
   */
  function policyAllows(
    info: KubeRequestInfo,
    req: IncomingMessage,
    session: LiveSession,
    event: ApiCallEvent,
    startedNs: number,
    answer: (message: string) => void,
  ): boolean | Promise<boolean> {
    const action = policyActionOf(info, req, session);
    const pending = policyGate.check(
      action,
      session.finalized ? undefined : session.recorded,
      session.apiStreamId,
    );
    if (pending instanceof Promise) {
      return pending.then((decision) => applyDecision(decision, req, session, event, startedNs, answer));
    }
    return applyDecision(pending, req, session, event, startedNs, answer);
  }

  function applyDecision(
    decision: ResolvedPolicyDecision,
    req: IncomingMessage,
    session: LiveSession,
    event: ApiCallEvent,
    startedNs: number,
    answer: (message: string) => void,
  ): boolean {
    if (decision.allow) return true;
    refuse(req, 'policy_denied', POLICY_DENIED, 403, session.recorded.sessionId);
    answer(decision.message);
    event.statusCode = 403;
    event.durationNs = session.recorded.now() - startedNs;
    if (!session.finalized) session.recorded.apiCall(event);
    armIdle(session);
    return false;
  }

  /** The first request of a connection (or of new credentials on it): finds or starts its session. */
  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const session = await sessionFor(req, (statusCode, reason, message, warning) =>
      sendStatus(res, statusCode, reason, message, warning),
    );
    if (session) forwardRequest(req, res, session);
  }

  /**
   * Asks the policy (when there is one) and forwards the request upstream. A
   * request the policy denies is answered here and never reaches the API
   * server; an allowed one is forwarded in the same turn, and its ApiCall is
   * recorded once the answer went back to the client (`ApiExchange.finish`).
   */
  function forwardRequest(req: IncomingMessage, res: ServerResponse, session: LiveSession): void {
    const startedNs = session.recorded.now();
    const info = parseRequestInfo(req.method ?? 'GET', req.url ?? '/');
    const event = baseApiCall(info, req, session);
    if (policyGate.enabled) {
      const allowed = policyAllows(info, req, session, event, startedNs, (message) =>
        sendStatus(res, 403, 'Forbidden', message),
      );
      if (allowed !== true) {
        if (allowed !== false) {
          allowed
            .then((yes) => {
              if (yes) new ApiExchange(req, res, session, info, event, startedNs).start();
            })
            .catch((error) => reportError(asTaplineError(error)));
        }
        return;
      }
    }
    new ApiExchange(req, res, session, info, event, startedNs).start();
  }

  /**
   * One API request relayed to the API server: the undici dispatch handler
   * (no response stream, promise or AbortController per request) and what
   * the ApiCall event needs. The response is written to the client as it
   * arrives; the ApiCall is recorded in `finish`, after the last byte went out.
   */
  class ApiExchange implements Dispatcher.DispatchHandler {
    readonly #req: IncomingMessage;
    readonly #res: ServerResponse;
    readonly #session: LiveSession;
    readonly #info: KubeRequestInfo;
    readonly #event: ApiCallEvent;
    readonly #startedNs: number;
    readonly #recordBody: boolean;
    readonly #isWatch: boolean;
    #controller: Dispatcher.DispatchController | undefined;
    /** Why the request was aborted before undici handed over its controller. */
    #abortReason: Error | undefined;
    #release: () => void;
    #finished = false;
    #responseStarted = false;
    #statusCode = 0;
    #requestBytes = 0;
    #responseBytes = 0;
    #kept: Buffer[] = [];
    #keptBytes = 0;
    #bodyComplete = true;
    /** True while every response byte relayed ends a watch event (a JSON line): an ERROR event may follow. */
    #atEventBoundary = true;
    #responseContentType = '';
    #protobufFrames: ReturnType<typeof watchFrameTracker> | undefined;
    #drainListening = false;

    constructor(
      req: IncomingMessage,
      res: ServerResponse,
      session: LiveSession,
      info: KubeRequestInfo,
      event: ApiCallEvent,
      startedNs: number,
    ) {
      this.#req = req;
      this.#res = res;
      this.#session = session;
      this.#info = info;
      this.#event = event;
      this.#startedNs = startedNs;
      const method = req.method;
      this.#recordBody =
        mutatingVerbs.has(info.verb) || method === 'POST' || method === 'PUT' || method === 'PATCH';
      this.#isWatch = info.verb === 'watch';
      this.#release = track(session, (error) => this.#close(error));
    }

    start(): void {
      const req = this.#req;
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      this.#res.on('close', () => {
        if (!this.#res.writableFinished) {
          this.#finish(this.#res.headersSent ? this.#res.statusCode : 499);
          this.#abort(kubeError(KubeErrorCode.SESSION_ENDED, 'the client went away'));
        }
      });
      pool.dispatch(
        {
          method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
          path: req.url ?? '/',
          headers: upstreamHeaders(req.headers, this.#session.grant),
          body: hasBody ? Readable.from(this.#tapRequestBody(), { objectMode: false }) : null,
        },
        this,
      );
    }

    /** The session ended or the proxy is closing: answer what can still be answered, then stop the upstream request. */
    #close(error: TaplineError): void {
      const res = this.#res;
      const statusCode = res.headersSent ? res.statusCode : 503;
      if (!res.headersSent) sendStatus(res, 503, 'ServiceUnavailable', error.message);
      else if (
        this.#isWatch &&
        res.statusCode === 200 &&
        this.#atEventBoundary &&
        (error.details as { reason?: unknown } | undefined)?.reason === 'shutdown'
      ) {
        // Shutdown ends a watch as the API server ends one at its timeout: the
        // stream ends after a whole event and the client lists and watches again elsewhere.
        res.end();
      } else if (
        this.#isWatch &&
        res.statusCode === 200 &&
        this.#atEventBoundary &&
        /json|protobuf/i.test(this.#responseContentType)
      ) {
        // An open watch learns why it ends: a watch ERROR event carrying a Status, then the end.
        const reason = String((error.details as { reason?: unknown } | undefined)?.reason ?? 'session_ended');
        const message = sessionEndedMessage(reason, error.message);
        res.end(
          /protobuf/i.test(this.#responseContentType)
            ? encodeWatchErrorFrame({ code: 401, reason: 'Unauthorized', message })
            : `${JSON.stringify({ type: 'ERROR', object: statusObject(401, 'Unauthorized', message) })}\n`,
        );
      } else res.destroy();
      this.#finish(statusCode);
      this.#abort(error);
    }

    #abort(reason: Error): void {
      if (this.#controller) this.#controller.abort(reason);
      else this.#abortReason ??= reason;
    }

    onRequestStart(controller: Dispatcher.DispatchController): void {
      this.#controller = controller;
      if (this.#abortReason) controller.abort(this.#abortReason);
    }

    onResponseStart(
      controller: Dispatcher.DispatchController,
      statusCode: number,
      upstreamHeaders: IncomingHttpHeaders,
    ): void {
      // 1xx informational answers are not relayed (undici's request() skips them too).
      if (statusCode < 200) return;
      if (this.#finished) {
        // The client left or the session ended while the API server was answering.
        controller.abort(kubeError(KubeErrorCode.SESSION_ENDED, 'the request ended'));
        return;
      }
      this.#responseStarted = true;
      this.#statusCode = statusCode;
      const headers: Record<string, string | string[]> = {};
      for (const name in upstreamHeaders) {
        const value = upstreamHeaders[name];
        if (value !== undefined && !hopByHop.has(name)) headers[name] = value;
      }
      const contentType = headers['content-type'];
      this.#responseContentType = contentType === undefined ? '' : String(contentType);
      if (this.#isWatch && /protobuf/i.test(this.#responseContentType))
        this.#protobufFrames = watchFrameTracker();
      const res = this.#res;
      res.writeHead(statusCode, headers);
      if (headers['content-length'] === undefined) res.flushHeaders();
    }

    onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
      if (this.#finished) return;
      this.#responseBytes += chunk.byteLength;
      if (this.#protobufFrames) this.#atEventBoundary = this.#protobufFrames.feed(chunk);
      else if (chunk.byteLength > 0) this.#atEventBoundary = chunk[chunk.byteLength - 1] === 0x0a;
      if (!this.#res.write(chunk)) {
        controller.pause();
        if (!this.#drainListening) {
          this.#drainListening = true;
          this.#res.on('drain', () => this.#controller?.resume());
        }
      }
    }

    onResponseEnd(): void {
      if (this.#finished) return;
      this.#res.end();
      this.#finish(this.#statusCode);
    }

    onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
      // Finished: the answer is written or the client is gone; this is the abort coming back.
      if (this.#finished) return;
      const res = this.#res;
      if (!this.#responseStarted) {
        reportError(
          kubeError(
            KubeErrorCode.UPSTREAM,
            `the API server request failed: ${error.message}`,
            undefined,
            error,
          ),
        );
        sendStatus(res, 502, 'BadGateway', 'the API server could not be reached');
        this.#finish(502);
        return;
      }
      reportError(kubeError(KubeErrorCode.UPSTREAM, 'the API server response failed', undefined, error));
      // Not after a clean end (a watch ended by shutdown): the last bytes are still being flushed.
      if (!res.writableEnded) res.destroy();
      this.#finish(this.#statusCode);
    }

    /** Records the ApiCall, once: the answer went out, the client left, or the session ended. */
    #finish(statusCode: number): void {
      if (this.#finished) return;
      this.#finished = true;
      this.#release();
      const session = this.#session;
      const event = this.#event;
      const info = this.#info;
      const req = this.#req;
      const requestBytes = this.#requestBytes;
      event.statusCode = statusCode;
      event.durationNs = session.recorded.now() - this.#startedNs;
      event.requestBytes = requestBytes;
      event.responseBytes = this.#responseBytes;
      if (this.#recordBody && requestBytes > 0) {
        const contentType = headerValue(req.headers['content-type']);
        const recorded = recordRequestBody(Buffer.concat(this.#kept, this.#keptBytes), this.#bodyComplete, {
          resource: info.resource,
          apiGroup: info.apiGroup,
          contentType,
          contentEncoding: headerValue(req.headers['content-encoding']),
          maxBytes: maxRecordedBody,
        });
        if (recorded.body) event.requestBody = recorded.body;
        if (recorded.truncated) event.requestBodyTruncated = true;
        if (recorded.redacted && !session.finalized) {
          session.recorded.annotation({
            kind: 'redacted',
            streamId: session.apiStreamId,
            message: recorded.withheld
              ? `request body of ${event.method} ${info.path} withheld (${requestBytes} bytes, ${contentType ?? 'no content type'}): it may hold a Secret that could not be parsed`
              : `request body of ${event.method} ${info.path}: secret values redacted`,
          });
        }
      }
      if (!session.finalized) session.recorded.apiCall(event);
    }

    /** The request body on its way upstream, with a prefix kept for the recording. */
    async *#tapRequestBody(): AsyncGenerator<Buffer> {
      // Secrets are redacted from the parsed whole body, so keep as much as the API server accepts
      // (3 MiB) to parse, and record at most maxRecordedBody.
      const inspectLimit = Math.max(maxRecordedBody, kInspectLimit);
      for await (const chunk of this.#req as AsyncIterable<Buffer>) {
        this.#requestBytes += chunk.byteLength;
        if (this.#recordBody && this.#bodyComplete) {
          // Kept as one prefix: at the first chunk that does not fit, keep what fits and stop.
          const room = inspectLimit - this.#keptBytes;
          const piece = chunk.byteLength <= room ? chunk : chunk.subarray(0, room);
          if (piece.byteLength > 0) {
            this.#kept.push(piece);
            this.#keptBytes += piece.byteLength;
          }
          if (piece.byteLength < chunk.byteLength) this.#bodyComplete = false;
        }
        yield chunk;
      }
    }
  }

  async function handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    const deny = (statusCode: number, reason: string, message: string, warning?: string): void =>
      writeRawStatus(socket, statusCode, reason, message, warning);
    const session = await sessionFor(req, deny);
    if (!session) return;
    const startedNs = session.recorded.now();
    const info = parseRequestInfo(req.method ?? 'GET', req.url ?? '/');
    const event = baseApiCall(info, req, session);
    // Before the upgrade check: kubectl falls back from WebSocket to SPDY on any
    // refused upgrade, and both attempts must carry the policy's message.
    if (
      policyGate.enabled &&
      !(await policyAllows(info, req, session, event, startedNs, (message) =>
        writeRawStatus(socket, 403, 'Forbidden', message),
      ))
    ) {
      return;
    }
    const upgrade = (req.headers.upgrade ?? '').toLowerCase();
    if (upgrade !== 'websocket') {
      const spdy = upgrade.startsWith('spdy');
      const message = spdy
        ? 'This Tapline proxy streams exec, attach and port-forward over WebSockets only; SPDY is not supported. Use kubectl 1.31 or newer (and do not set KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false or KUBECTL_PORT_FORWARD_WEBSOCKETS=false).'
        : `unsupported upgrade "${upgrade}"`;
      refuse(
        req,
        spdy ? 'spdy_unsupported' : 'unsupported_upgrade',
        KubeErrorCode.SPDY_UNSUPPORTED,
        400,
        session.recorded.sessionId,
      );
      session.recorded.annotation({
        kind: 'refused',
        streamId: session.apiStreamId,
        code: KubeErrorCode.SPDY_UNSUPPORTED,
        message,
      });
      event.statusCode = 400;
      event.durationNs = session.recorded.now() - startedNs;
      session.recorded.apiCall(event);
      writeRawStatus(socket, 400, 'BadRequest', message);
      armIdle(session);
      return;
    }

    let settled = false;
    const upstreamRequest = https.request({
      host: upstreamUrl.hostname,
      port: upstreamUrl.port || 443,
      method: req.method,
      path: req.url,
      headers: {
        ...upstreamHeaders(req.headers, session.grant),
        connection: 'Upgrade',
        upgrade: 'websocket',
      },
      agent: false,
      ...upstreamTls,
    });
    const release = track(session, (error) => {
      if (!settled) {
        settled = true;
        upstreamRequest.destroy(error);
        writeRawStatus(socket, 503, 'ServiceUnavailable', error.message);
      }
    });
    socket.on('close', () => {
      if (!settled) {
        settled = true;
        upstreamRequest.destroy();
        release();
      }
    });
    upstreamRequest.on('error', (error) => {
      if (settled) return;
      settled = true;
      reportError(
        kubeError(
          KubeErrorCode.UPSTREAM,
          `the API server upgrade failed: ${error.message}`,
          undefined,
          error,
        ),
      );
      writeRawStatus(socket, 502, 'BadGateway', 'the API server could not be reached');
      event.statusCode = 502;
      event.durationNs = session.recorded.now() - startedNs;
      if (!session.finalized) session.recorded.apiCall(event);
      release();
    });
    upstreamRequest.on('response', (response) => {
      // Not upgraded (403, 404, 400): pass the answer through whole.
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size <= 1024 * 1024) chunks.push(chunk);
      });
      response.on('end', () => {
        if (settled) return;
        settled = true;
        const body = Buffer.concat(chunks);
        const lines = [`HTTP/1.1 ${response.statusCode} ${response.statusMessage ?? ''}`];
        for (const [name, value] of Object.entries(response.headers)) {
          if (value === undefined || hopByHop.has(name) || name === 'content-length') continue;
          for (const item of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${item}`);
        }
        lines.push(`content-length: ${body.byteLength}`, 'connection: close', '', '');
        socket.end(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]));
        event.statusCode = response.statusCode ?? 0;
        event.durationNs = session.recorded.now() - startedNs;
        event.responseBytes = body.byteLength;
        if (!session.finalized) session.recorded.apiCall(event);
        release();
      });
      response.on('error', () => {});
    });
    upstreamRequest.on('upgrade', (response, upstreamSocket: Socket, upstreamHead: Buffer) => {
      if (settled) {
        upstreamSocket.destroy();
        return;
      }
      settled = true;
      upstreamSocket.on('error', () => {});
      const lines = [`HTTP/1.1 101 ${response.statusMessage || 'Switching Protocols'}`];
      const raw = response.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) lines.push(`${raw[i]}: ${raw[i + 1]}`);
      lines.push('', '');
      socket.write(lines.join('\r\n'));
      event.statusCode = 101;
      event.durationNs = session.recorded.now() - startedNs;
      if (!session.finalized) session.recorded.apiCall(event);
      release();
      const protocol = headerValue(response.headers['sec-websocket-protocol']) ?? '';
      relayWebSocket({
        session,
        info,
        query: new URLSearchParams((req.url ?? '').split('?')[1] ?? ''),
        protocol,
        client: socket,
        clientHead: head,
        upstream: upstreamSocket,
        upstreamHead,
        maxFramePayload: options.maxFramePayload,
        recordForwardContent,
        commandExtractor: commandExtractor,
        track: (close) => track(session, close),
        onError: reportError,
      });
    });
    upstreamRequest.end();
  }

  /**
   * Lets what is in flight finish until `deadline`: a session with nothing in
   * flight ends as an idle one does (`client_closed`); sessions still starting
   * (authorize, recorder) are waited for.
   */
  async function drain(deadline: number): Promise<void> {
    for (;;) {
      for (const session of [...liveSessions.values()]) {
        if (session.active.size === 0) {
          void endSession(session, 'client_closed', 'nothing in flight when the proxy closed');
        }
      }
      server.closeIdleConnections();
      const left = deadline - Date.now();
      if (sessions.size === 0 || left <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(25, left)));
    }
  }

  let listenedUrl = '';
  return {
    server,
    get url() {
      return listenedUrl;
    },
    sessions() {
      return [...liveSessions.values()].map((session) => ({
        sessionId: session.recorded.sessionId,
        userId: session.grant.context.user.id,
        active: session.active.size,
      }));
    },
    get sessionCount() {
      warnDeprecated('KubeProxy.sessionCount', 'sessions().length');
      return sessions.size;
    },
    listen(port = 0, host = '127.0.0.1') {
      return new Promise<AddressInfo>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          listenedUrl = `https://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
          resolve(address);
        });
      });
    },
    close(closeOptions: KubeCloseOptions = {}) {
      if (closePromise !== undefined) return closePromise;
      closing = true;
      closePromise = (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Kept-alive connections with no request in flight go now; new requests on the others get 503.
        server.closeIdleConnections();
        const drainMs = closeOptions.drainMs ?? 0;
        if (drainMs > 0) await drain(Date.now() + drainMs);
        const live = await Promise.allSettled([...sessions.values()]);
        for (const result of live) {
          if (result.status === 'fulfilled') void endSession(result.value, 'shutdown', shutdownMessage);
        }
        await Promise.all([...endings]);
        await socketsClosed(sockets, 1000);
        await closed;
        await pool.close();
      })();
      return closePromise;
    },
  };
}

/** Bytes of a request body kept to parse for redaction: the API server's 3 MiB request limit, and some. */
const kInspectLimit = 3 * 1024 * 1024 + 64 * 1024;

/** What the user reads when the session behind their credentials ended. */
function sessionEndedMessage(reason: string, detail?: string): string {
  const why =
    reason === 'grant_expired'
      ? 'this access has expired'
      : reason === 'revoked'
        ? 'this access was revoked'
        : reason === 'shutdown'
          ? 'the Tapline proxy is shutting down'
          : `this access has ended (${reason})`;
  const extra = detail && !detail.startsWith('session ended') ? ` (${detail})` : '';
  return `Tapline: ${why}${extra}; request access again to continue`;
}

/** Waits up to `graceMs` for the sockets to close (the last close frames flush), then destroys the rest. */
async function socketsClosed(sockets: Set<Socket>, graceMs: number): Promise<void> {
  const open = [...sockets].filter((socket) => !socket.destroyed);
  if (open.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(open.map((socket) => new Promise((resolve) => socket.once('close', resolve)))),
    new Promise((resolve) => {
      timer = setTimeout(resolve, graceMs);
    }),
  ]);
  clearTimeout(timer);
  for (const socket of sockets) socket.destroy();
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function clientAddress(req: IncomingMessage): string {
  return socketAddress(req.socket);
}

function socketAddress(socket: Socket): string {
  const address = socket.remoteAddress ?? '';
  return address.includes(':') ? `[${address}]:${socket.remotePort}` : `${address}:${socket.remotePort}`;
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':') || host.startsWith('[');
}

function asTaplineError(error: unknown): TaplineError {
  if (error instanceof TaplineError) return error;
  return kubeError(KubeErrorCode.UPSTREAM, (error as Error)?.message ?? String(error), undefined, error);
}

/** A metav1.Status body, as the API server answers errors. */
export function statusObject(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** A `Warning` header (RFC 7234 299): kubectl prints it, also on errors it reports without the Status message. */
function warningHeader(text: string): string {
  return `299 - "${text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?')}"`;
}

function sendStatus(
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
  warning?: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(statusObject(code, reason, message));
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(warning ? { warning: warningHeader(warning) } : {}),
    // Shutting down: do not keep the connection for another request.
    ...(code === 503 ? { connection: 'close' } : {}),
  });
  res.end(body);
}

function writeRawStatus(
  socket: Socket,
  code: number,
  reason: string,
  message: string,
  warning?: string,
): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(statusObject(code, reason, message));
  const text =
    code === 401
      ? 'Unauthorized'
      : code === 400
        ? 'Bad Request'
        : code === 403
          ? 'Forbidden'
          : code === 429
            ? 'Too Many Requests'
            : code === 502
              ? 'Bad Gateway'
              : 'Error';
  socket.end(
    `HTTP/1.1 ${code} ${text}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${warning ? `warning: ${warningHeader(warning)}\r\n` : ''}connection: close\r\n\r\n${body}`,
  );
}

export type { StreamKindName };
