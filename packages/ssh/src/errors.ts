import { TaplineError } from '@tapline/frames';

/** Stable codes of the errors `@tapline/ssh` raises (see the package README). */
export const SshErrorCode = {
  /** `createSshProxy()` was given options it cannot use. */
  invalidOptions: 'TAPLINE_ERR_SSH_INVALID_OPTIONS',
  /** A pinned target host key (or fingerprint) could not be parsed. */
  invalidHostKey: 'TAPLINE_ERR_SSH_INVALID_HOST_KEY',
  /** `authorize()` threw or rejected: the user was refused. */
  authorizeFailed: 'TAPLINE_ERR_SSH_AUTHORIZE_FAILED',
  /** `recorder.start()` failed: the session cannot be recorded, so it is refused. */
  recordingUnavailable: 'TAPLINE_ERR_SSH_RECORDING_UNAVAILABLE',
  /** The target refused the TCP connection, or the name did not resolve. */
  targetUnreachable: 'TAPLINE_ERR_SSH_TARGET_UNREACHABLE',
  /** The target did not finish the handshake and authentication in time. */
  targetTimeout: 'TAPLINE_ERR_SSH_TARGET_TIMEOUT',
  /** The target presented a host key that is not the pinned one. */
  targetHostKeyMismatch: 'TAPLINE_ERR_SSH_TARGET_HOST_KEY_MISMATCH',
  /** The target refused the proxy's credentials for the target account. */
  targetAuthFailed: 'TAPLINE_ERR_SSH_TARGET_AUTH_FAILED',
  /** The target connection failed during the handshake for another reason. */
  targetHandshakeFailed: 'TAPLINE_ERR_SSH_TARGET_HANDSHAKE_FAILED',
  /** The target connection closed or broke while the session was live. */
  targetClosed: 'TAPLINE_ERR_SSH_TARGET_CLOSED',
  /** The target refused a channel or a channel request (exec, shell, subsystem, direct-tcpip). */
  channelRefused: 'TAPLINE_ERR_SSH_CHANNEL_REFUSED',
  /** The proxy refused a request by policy (remote forwarding, X11, agent, local forwarding when off). */
  requestRefused: 'TAPLINE_ERR_SSH_REQUEST_REFUSED',
  /** The client connection failed (protocol error, reset) before a clean close. */
  clientError: 'TAPLINE_ERR_SSH_CLIENT_ERROR',
  /** A terminal or SFTP analyzer threw; it was switched off for that channel. */
  analyzerFailed: 'TAPLINE_ERR_SSH_ANALYZER_FAILED',
  /** The session was ended by the recorder (grant expired, revoked, quota, recording failure). */
  sessionAborted: 'TAPLINE_ERR_SSH_SESSION_ABORTED',
  /** The client had not authenticated `limits.loginTimeoutMs` after TCP accept: disconnected. */
  loginTimeout: 'TAPLINE_ERR_SSH_LOGIN_TIMEOUT',
  /** A connection over `limits.maxConnectionsPerSource` from one address: refused at accept. */
  tooManyConnections: 'TAPLINE_ERR_SSH_TOO_MANY_CONNECTIONS',
  /** The address had `limits.maxFailedLoginsPerSource` failed logins within the window: refused. */
  tooManyFailedLogins: 'TAPLINE_ERR_SSH_TOO_MANY_FAILED_LOGINS',
  /** The proxy was closed while the session was live. */
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
