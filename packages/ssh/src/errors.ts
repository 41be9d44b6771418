import { TaplineError } from '@tapline/frames';

/** Stable codes of the errors `@tapline/ssh` raises (see the package README). */
export const SshErrorCode = {
  /** `createSshProxy()` was given options it cannot use. */
  INVALID_OPTIONS: 'TAPLINE_ERR_SSH_INVALID_OPTIONS',
  /** A pinned target host key (or fingerprint) could not be parsed. */
  INVALID_HOST_KEY: 'TAPLINE_ERR_SSH_INVALID_HOST_KEY',
  /** `authorize()` threw or rejected: the user was refused. */
  AUTHORIZE_FAILED: 'TAPLINE_ERR_SSH_AUTHORIZE_FAILED',
  /** `recorder.start()` failed: the session cannot be recorded, so it is refused. */
  RECORDING_UNAVAILABLE: 'TAPLINE_ERR_SSH_RECORDING_UNAVAILABLE',
  /** The target refused the TCP connection, or the name did not resolve. */
  TARGET_UNREACHABLE: 'TAPLINE_ERR_SSH_TARGET_UNREACHABLE',
  /** The target did not finish the handshake and authentication in time. */
  TARGET_TIMEOUT: 'TAPLINE_ERR_SSH_TARGET_TIMEOUT',
  /** The target presented a host key that is not the pinned one. */
  TARGET_HOST_KEY_MISMATCH: 'TAPLINE_ERR_SSH_TARGET_HOST_KEY_MISMATCH',
  /** The target refused the proxy's credentials for the target account. */
  TARGET_AUTH_FAILED: 'TAPLINE_ERR_SSH_TARGET_AUTH_FAILED',
  /** The target connection failed during the handshake for another reason. */
  TARGET_HANDSHAKE_FAILED: 'TAPLINE_ERR_SSH_TARGET_HANDSHAKE_FAILED',
  /** The target connection closed or broke while the session was live. */
  TARGET_CLOSED: 'TAPLINE_ERR_SSH_TARGET_CLOSED',
  /** The target refused a channel or a channel request (exec, shell, subsystem, direct-tcpip). */
  CHANNEL_REFUSED: 'TAPLINE_ERR_SSH_CHANNEL_REFUSED',
  /** The proxy refused a request by policy (remote forwarding, X11, agent, local forwarding when off). */
  REQUEST_REFUSED: 'TAPLINE_ERR_SSH_REQUEST_REFUSED',
  /** The `policy` denied an exec, a subsystem, a forward or an SFTP operation; it never reached the target. */
  POLICY_DENIED: 'TAPLINE_ERR_SSH_POLICY_DENIED',
  /** The client connection failed (protocol error, reset) before a clean close. */
  CLIENT_ERROR: 'TAPLINE_ERR_SSH_CLIENT_ERROR',
  /** A terminal or SFTP analyzer threw; it was switched off for that channel. */
  ANALYZER_FAILED: 'TAPLINE_ERR_SSH_ANALYZER_FAILED',
  /** The session was ended by the recorder (grant expired, revoked, quota, recording failure). */
  SESSION_ABORTED: 'TAPLINE_ERR_SSH_SESSION_ABORTED',
  /** The client had not authenticated `limits.loginTimeoutMs` after TCP accept: disconnected. */
  LOGIN_TIMEOUT: 'TAPLINE_ERR_SSH_LOGIN_TIMEOUT',
  /** A connection over `limits.maxConnectionsPerSource` from one address: refused at accept. */
  TOO_MANY_CONNECTIONS: 'TAPLINE_ERR_SSH_TOO_MANY_CONNECTIONS',
  /** The address had `limits.maxFailedLoginsPerSource` failed logins within the window: refused. */
  TOO_MANY_FAILED_LOGINS: 'TAPLINE_ERR_SSH_TOO_MANY_FAILED_LOGINS',
  /** The proxy was closed while the session was live. */
  SHUTDOWN: 'TAPLINE_ERR_SSH_SHUTDOWN',
  // The camelCase keys used before docs/conventions.md: same codes, kept for one minor version.
  /** @deprecated Use `INVALID_OPTIONS` (docs/conventions.md, renamed names): kept for one minor version. */
  invalidOptions: 'TAPLINE_ERR_SSH_INVALID_OPTIONS',
  /** @deprecated Use `INVALID_HOST_KEY` (docs/conventions.md, renamed names): kept for one minor version. */
  invalidHostKey: 'TAPLINE_ERR_SSH_INVALID_HOST_KEY',
  /** @deprecated Use `AUTHORIZE_FAILED` (docs/conventions.md, renamed names): kept for one minor version. */
  authorizeFailed: 'TAPLINE_ERR_SSH_AUTHORIZE_FAILED',
  /** @deprecated Use `RECORDING_UNAVAILABLE` (docs/conventions.md, renamed names): kept for one minor version. */
  recordingUnavailable: 'TAPLINE_ERR_SSH_RECORDING_UNAVAILABLE',
  /** @deprecated Use `TARGET_UNREACHABLE` (docs/conventions.md, renamed names): kept for one minor version. */
  targetUnreachable: 'TAPLINE_ERR_SSH_TARGET_UNREACHABLE',
  /** @deprecated Use `TARGET_TIMEOUT` (docs/conventions.md, renamed names): kept for one minor version. */
  targetTimeout: 'TAPLINE_ERR_SSH_TARGET_TIMEOUT',
  /** @deprecated Use `TARGET_HOST_KEY_MISMATCH` (docs/conventions.md, renamed names): kept for one minor version. */
  targetHostKeyMismatch: 'TAPLINE_ERR_SSH_TARGET_HOST_KEY_MISMATCH',
  /** @deprecated Use `TARGET_AUTH_FAILED` (docs/conventions.md, renamed names): kept for one minor version. */
  targetAuthFailed: 'TAPLINE_ERR_SSH_TARGET_AUTH_FAILED',
  /** @deprecated Use `TARGET_HANDSHAKE_FAILED` (docs/conventions.md, renamed names): kept for one minor version. */
  targetHandshakeFailed: 'TAPLINE_ERR_SSH_TARGET_HANDSHAKE_FAILED',
  /** @deprecated Use `TARGET_CLOSED` (docs/conventions.md, renamed names): kept for one minor version. */
  targetClosed: 'TAPLINE_ERR_SSH_TARGET_CLOSED',
  /** @deprecated Use `CHANNEL_REFUSED` (docs/conventions.md, renamed names): kept for one minor version. */
  channelRefused: 'TAPLINE_ERR_SSH_CHANNEL_REFUSED',
  /** @deprecated Use `REQUEST_REFUSED` (docs/conventions.md, renamed names): kept for one minor version. */
  requestRefused: 'TAPLINE_ERR_SSH_REQUEST_REFUSED',
  /** @deprecated Use `CLIENT_ERROR` (docs/conventions.md, renamed names): kept for one minor version. */
  clientError: 'TAPLINE_ERR_SSH_CLIENT_ERROR',
  /** @deprecated Use `ANALYZER_FAILED` (docs/conventions.md, renamed names): kept for one minor version. */
  analyzerFailed: 'TAPLINE_ERR_SSH_ANALYZER_FAILED',
  /** @deprecated Use `SESSION_ABORTED` (docs/conventions.md, renamed names): kept for one minor version. */
  sessionAborted: 'TAPLINE_ERR_SSH_SESSION_ABORTED',
  /** @deprecated Use `LOGIN_TIMEOUT` (docs/conventions.md, renamed names): kept for one minor version. */
  loginTimeout: 'TAPLINE_ERR_SSH_LOGIN_TIMEOUT',
  /** @deprecated Use `TOO_MANY_CONNECTIONS` (docs/conventions.md, renamed names): kept for one minor version. */
  tooManyConnections: 'TAPLINE_ERR_SSH_TOO_MANY_CONNECTIONS',
  /** @deprecated Use `TOO_MANY_FAILED_LOGINS` (docs/conventions.md, renamed names): kept for one minor version. */
  tooManyFailedLogins: 'TAPLINE_ERR_SSH_TOO_MANY_FAILED_LOGINS',
  /** @deprecated Use `SHUTDOWN` (docs/conventions.md, renamed names): kept for one minor version. */
  shutdown: 'TAPLINE_ERR_SSH_SHUTDOWN',
} as const;

export type SshErrorCodeName = (typeof SshErrorCode)[keyof typeof SshErrorCode];

export function sshError(
  code: SshErrorCodeName,
  message: string,
  cause?: unknown,
  details?: Record<string, unknown>,
): TaplineError {
  return new TaplineError(code, message, { component: 'ssh', cause, details });
}
