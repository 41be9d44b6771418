import { TaplineError } from '@tapline/frames';

/** Every error code `@tapline/mysql` raises, with its meaning (docs/errors.md). */
export const MySqlErrorCode = {
  /** `createMySqlProxy()` was given options it cannot use. */
  INVALID_OPTIONS: 'TAPLINE_ERR_MYSQL_INVALID_OPTIONS',
  /** A packet broke the MySQL client/server protocol (bad field, truncated payload, unexpected packet). */
  PROTOCOL: 'TAPLINE_ERR_MYSQL_PROTOCOL',
  /** A packet (joined across 16 MiB parts) announced more than `maxPacketBytes`. */
  PACKET_TOO_LARGE: 'TAPLINE_ERR_MYSQL_PACKET_TOO_LARGE',
  /** The client did not upgrade to TLS while `tls.required` is on. */
  TLS_REQUIRED: 'TAPLINE_ERR_MYSQL_TLS_REQUIRED',
  /** The client's token was refused by `authorize` (or `authorize` threw). */
  UNAUTHORIZED: 'TAPLINE_ERR_MYSQL_UNAUTHORIZED',
  /** The client asked for an authentication method the proxy cannot use here (cleartext without TLS, unknown plugin). */
  AUTH_METHOD: 'TAPLINE_ERR_MYSQL_AUTH_METHOD',
  /** `recorder.start()` failed: the session cannot be recorded, so it is refused. */
  RECORDING_UNAVAILABLE: 'TAPLINE_ERR_MYSQL_RECORDING_UNAVAILABLE',
  /** The target refused the TCP connection, timed out, or the name did not resolve. */
  TARGET_UNREACHABLE: 'TAPLINE_ERR_MYSQL_TARGET_UNREACHABLE',
  /** The target's TLS certificate failed verification, or the target offers no TLS while it is required (the default). */
  TARGET_TLS: 'TAPLINE_ERR_MYSQL_TARGET_TLS',
  /** The target refused the target credentials. */
  TARGET_AUTH_FAILED: 'TAPLINE_ERR_MYSQL_TARGET_AUTH_FAILED',
  /** The target lacks a capability the proxy promised the client (protocol 4.1, plugin auth, deprecate-EOF, session tracking). */
  TARGET_UNSUPPORTED: 'TAPLINE_ERR_MYSQL_TARGET_UNSUPPORTED',
  /** The target connection closed or broke while the session was live. */
  TARGET_CLOSED: 'TAPLINE_ERR_MYSQL_TARGET_CLOSED',
  /** The proxy refused a command by policy (COM_CHANGE_USER, LOAD DATA LOCAL INFILE). */
  COMMAND_REFUSED: 'TAPLINE_ERR_MYSQL_COMMAND_REFUSED',
  /** The `policy` denied a statement (COM_QUERY, COM_STMT_PREPARE): answered with ERR 1227 (42000), never sent to the target. */
  POLICY_DENIED: 'TAPLINE_ERR_MYSQL_POLICY_DENIED',
  /** The session was ended by the recorder (grant expired, revoked, quota, recording failure). */
  SESSION_ENDED: 'TAPLINE_ERR_MYSQL_SESSION_ENDED',
  /** The client had not authenticated `limits.loginTimeoutMs` after TCP accept: disconnected. */
  LOGIN_TIMEOUT: 'TAPLINE_ERR_MYSQL_LOGIN_TIMEOUT',
  /** A connection over `limits.maxConnectionsPerSource` from one address: refused at accept. */
  TOO_MANY_CONNECTIONS: 'TAPLINE_ERR_MYSQL_TOO_MANY_CONNECTIONS',
  /** The address had `limits.maxFailedLoginsPerSource` failed logins within the window: refused. */
  TOO_MANY_FAILED_LOGINS: 'TAPLINE_ERR_MYSQL_TOO_MANY_FAILED_LOGINS',
  /** The client connection failed (reset, TLS error) before a clean close. */
  CLIENT_ERROR: 'TAPLINE_ERR_MYSQL_CLIENT_ERROR',
  /** The proxy was closed while the session was live. */
  SHUTDOWN: 'TAPLINE_ERR_MYSQL_SHUTDOWN',
} as const;

export type MySqlErrorCodeName = (typeof MySqlErrorCode)[keyof typeof MySqlErrorCode];

export function mysqlError(
  code: MySqlErrorCodeName,
  message: string,
  details?: Record<string, unknown>,
  cause?: unknown,
): TaplineError {
  return new TaplineError(code, message, { component: 'mysql', details, cause });
}
