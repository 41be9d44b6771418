import { TaplineError } from '@tapline/frames';

/** Every error code `@tapline/postgres` raises, with its meaning. */
export const PostgresErrorCode = {
  /** A message broke the PostgreSQL v3 wire protocol (bad length, unknown type, malformed body). */
  PROTOCOL: 'TAPLINE_ERR_POSTGRES_PROTOCOL',
  /** A message announced a length above `maxMessageBytes`. */
  MESSAGE_TOO_LARGE: 'TAPLINE_ERR_POSTGRES_MESSAGE_TOO_LARGE',
  /** The client asked for something the proxy does not serve (replication, an old protocol version, plaintext when TLS is required). */
  UNSUPPORTED: 'TAPLINE_ERR_POSTGRES_UNSUPPORTED',
  /** `authorize` refused the user's token (or threw). */
  UNAUTHORIZED: 'TAPLINE_ERR_POSTGRES_UNAUTHORIZED',
  /** `recorder.start()` failed: the session cannot be recorded, so it is refused. */
  RECORDING_UNAVAILABLE: 'TAPLINE_ERR_POSTGRES_RECORDING_UNAVAILABLE',
  /** The target could not be reached (refused, unresolvable, timed out). */
  TARGET_UNREACHABLE: 'TAPLINE_ERR_POSTGRES_TARGET_UNREACHABLE',
  /** The target's TLS failed: it declined TLS, or its certificate was not accepted. */
  TARGET_TLS: 'TAPLINE_ERR_POSTGRES_TARGET_TLS',
  /** The target refused the proxy's credentials, or asked for a method the proxy does not speak. */
  TARGET_AUTH_FAILED: 'TAPLINE_ERR_POSTGRES_TARGET_AUTH_FAILED',
  /** The target connection closed or broke while the session was live. */
  TARGET_CLOSED: 'TAPLINE_ERR_POSTGRES_TARGET_CLOSED',
  /** The session was ended by the recorder (grant expired, revoked, quota, recording failure). */
  SESSION_ABORTED: 'TAPLINE_ERR_POSTGRES_SESSION_ABORTED',
  /** The `policy` denied a statement (a Query or a Parse): the target failed a stand-in with the policy's message (42501 for a Query, 42P01 for a Parse); the statement never reached it. */
  POLICY_DENIED: 'TAPLINE_ERR_POSTGRES_POLICY_DENIED',
  /** The client had not logged in `limits.loginTimeoutMs` after TCP accept. */
  LOGIN_TIMEOUT: 'TAPLINE_ERR_POSTGRES_LOGIN_TIMEOUT',
  /** A connection over `limits.maxConnectionsPerSource` from one address: refused at accept. */
  TOO_MANY_CONNECTIONS: 'TAPLINE_ERR_POSTGRES_TOO_MANY_CONNECTIONS',
  /** The address had `limits.maxFailedLoginsPerSource` failed logins within the window: refused. */
  TOO_MANY_FAILED_LOGINS: 'TAPLINE_ERR_POSTGRES_TOO_MANY_FAILED_LOGINS',
  /** The proxy was closed while the session was live. */
  SHUTDOWN: 'TAPLINE_ERR_POSTGRES_SHUTDOWN',
  /** Invalid options given to a factory. */
  INVALID_OPTIONS: 'TAPLINE_ERR_POSTGRES_INVALID_OPTIONS',
} as const;

export type PostgresErrorCodeName = (typeof PostgresErrorCode)[keyof typeof PostgresErrorCode];

export function postgresError(
  code: PostgresErrorCodeName,
  message: string,
  details?: Record<string, unknown>,
  cause?: unknown,
): TaplineError {
  return new TaplineError(code, message, { component: 'postgres', details, cause });
}
