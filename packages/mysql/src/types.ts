import type { AddressInfo } from 'node:net';
import type { SecureContextOptions } from 'node:tls';
import type {
  EndReasonName,
  FrontLimits,
  PolicyOptions,
  RecordedSession,
  SessionContext,
  SessionSummary,
  SourceRefusalReason,
  TaplineLogger,
} from '@tapline/core';
import type { TaplineError } from '@tapline/frames';

/** What `authorize()` is asked to decide. The token in it is never recorded. */
export interface MySqlAuthRequest {
  /** The user name the client sent (`mysql -u USER`). */
  user: string;
  /** The database the client asked for (`mysql ... DB`), if any. */
  database?: string;
  /**
   * The token in clear: sent by `mysql_clear_password`, or by
   * `caching_sha2_password` full authentication (both over TLS only).
   */
  password?: string;
  /**
   * Set instead of `password` when the client answered with
   * `mysql_native_password`: the token never arrives, only its scramble.
   * `matches(candidate)` is true when the candidate token produces it.
   */
  scramble?: {
    plugin: 'mysql_native_password';
    nonce: Buffer;
    response: Buffer;
    matches(candidate: string): boolean;
  };
  /** The authentication plugin the client used. */
  plugin: string;
  /** True when the client connection is TLS. */
  tls: boolean;
  /** "203.0.113.7:51234" */
  remoteAddress: string;
}

/** The target database, with credentials the user never sees. */
export interface MySqlTarget {
  host: string;
  /** @default 3306 */
  port?: number;
  user: string;
  password: string;
  /** The database to open; the client's choice when omitted. */
  database?: string;
  /**
   * TLS towards the target, with certificate verification. Required by
   * default: a target that does not offer TLS ends the session with
   * `TAPLINE_ERR_MYSQL_TARGET_TLS`. `false` for plaintext (a target on the
   * same host or a private link). An object sets `ca`, `servername`, a client
   * `cert`/`key`, and `rejectUnauthorized` (verification stays on unless
   * turned off); `true` is the same as `{}`.
   * @default {} (TLS, verified)
   */
  tls?:
    | boolean
    | {
        ca?: string | Buffer | Array<string | Buffer>;
        servername?: string;
        rejectUnauthorized?: boolean;
        cert?: string | Buffer;
        key?: string | Buffer;
      };
}

/** A granted session: the grant to record and where to connect. */
export interface MySqlGrant {
  /** `protocol` defaults to "mysql", `clientAddress` and `target` to what the proxy sees. */
  context: Omit<SessionContext, 'protocol'> & { protocol?: string };
  target: MySqlTarget;
}

/** The recorder the proxy starts a recording with (`createRecorder()` from @tapline/core fits). */
export interface SessionRecorder {
  start(context: SessionContext): Promise<RecordedSession>;
}

/** Something the proxy reports; also published on diagnostics_channel `tapline:mysql:<type>`. */
export type MySqlProxyEvent =
  | { type: 'listening'; address: AddressInfo }
  | { type: 'auth_failed'; remoteAddress: string; user: string; plugin: string; error: TaplineError }
  | {
      type: 'session_started';
      sessionId: string;
      user: string;
      remoteAddress: string;
      target: string;
      connectionId: number;
      targetConnectionId: number;
    }
  | { type: 'session_failed'; sessionId?: string; remoteAddress: string; error: TaplineError }
  | { type: 'refused'; sessionId: string; command: string; error: TaplineError }
  | { type: 'connection_refused'; remoteAddress: string; reason: SourceRefusalReason; error: TaplineError }
  | { type: 'session_ended'; sessionId: string; reason: EndReasonName; summary?: SessionSummary }
  | { type: 'error'; sessionId?: string; remoteAddress?: string; error: Error };

/** A live session, as `proxy.sessions()` reports it. */
export interface MySqlSessionInfo {
  sessionId: string;
  user: string;
  remoteAddress: string;
  target: string;
  /** The id the client sees (`SELECT CONNECTION_ID()` shows the target's). */
  connectionId: number;
  targetConnectionId: number;
  statements: number;
  bytesClientToTarget: number;
  bytesTargetToClient: number;
}

export interface MySqlProxyOptions extends PolicyOptions {
  /**
   * The proxy's TLS certificate and key for clients (node:tls secure context
   * options). `required` (default true) refuses clients that do not upgrade.
   */
  tls: SecureContextOptions & { required?: boolean };
  /**
   * Decides who may connect and where to. Resolve to a grant, or to null /
   * undefined (or reject) to refuse: the client gets ERR 1045 "Access denied".
   * A client's Ctrl-C opens a second connection with the same credentials
   * (to send KILL QUERY): accept the token again while the grant lasts.
   */
  authorize(
    request: MySqlAuthRequest,
  ): MySqlGrant | null | undefined | Promise<MySqlGrant | null | undefined>;
  recorder: SessionRecorder;
  /** The server version string in the proxy's greeting. @default '8.0.99-tapline' */
  serverVersion?: string;
  /**
   * The plugin named in the proxy's greeting, and the one a client opening
   * with a plugin the proxy cannot read (client_ed25519, sha256_password) is
   * switched to (native instead when this one needs TLS and the client has
   * none). `caching_sha2_password` makes default clients send the token in
   * full over TLS; `mysql_native_password` gives `authorize` a `scramble`.
   * @default 'caching_sha2_password'
   */
  authPlugin?: 'caching_sha2_password' | 'mysql_clear_password' | 'mysql_native_password';
  /** Let clients run `LOAD DATA LOCAL INFILE` (recorded with byte counts). @default false */
  localInfile?: boolean;
  /** The largest packet accepted from the client or the target. @default 67108864 */
  maxPacketBytes?: number;
  /** Bound parameter values longer than this are recorded as their length only. @default 65536 */
  maxParameterBytes?: number;
  /** The same `limits` as every Tapline front (see `FrontLimits`). */
  limits?: FrontLimits;
  /** Time to connect, upgrade to TLS and log in to the target. @default 15000 */
  targetConnectTimeoutMs?: number;
  /** Receives what the proxy reports. Must not throw. */
  onEvent?: (event: MySqlProxyEvent) => void;
  /** A pino-compatible logger for what the proxy reports. */
  logger?: TaplineLogger;
}

export interface MySqlProxy {
  /** Starts listening. @default port 0 (the OS picks), host "127.0.0.1" */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  address(): AddressInfo | null;
  /**
   * Stops accepting; with `drainMs`, lets live sessions end on their own for
   * up to that long; then tells every remaining user (an ERR packet), ends
   * their sessions with end reason "shutdown" and resolves when every
   * recording is ended.
   */
  close(options?: { drainMs?: number }): Promise<void>;
  sessions(): MySqlSessionInfo[];
}
