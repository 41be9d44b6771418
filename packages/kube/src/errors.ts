import { TaplineError } from '@tapline/frames';

/** Every error code `@tapline/kube` raises, with its meaning. */
export const KubeErrorCode = {
  /** A WebSocket frame broke RFC 6455 (reserved bits, bad opcode, bad control frame, bad close code, masking). */
  WS_PROTOCOL: 'TAPLINE_ERR_KUBE_WS_PROTOCOL',
  /** A WebSocket frame announced a payload larger than `maxFramePayload`. */
  WS_FRAME_TOO_LARGE: 'TAPLINE_ERR_KUBE_WS_FRAME_TOO_LARGE',
  /** A channel-protocol message (status, resize) was malformed or too large to inspect. */
  CHANNEL_PROTOCOL: 'TAPLINE_ERR_KUBE_CHANNEL_PROTOCOL',
  /** A port-forward stream (channels or tunnelled SPDY) was malformed. */
  PORT_FORWARD_PROTOCOL: 'TAPLINE_ERR_KUBE_PORT_FORWARD_PROTOCOL',
  /** Tunnelled SPDY header blocks inflated past `maxHeaderBlockBytes` (one block) or `maxInflatedHeaderBytes` (one direction): the port-forward connection ends. */
  SPDY_HEADER_LIMIT: 'TAPLINE_ERR_KUBE_SPDY_HEADER_LIMIT',
  /** The client asked for a SPDY upgrade; only WebSocket streaming is proxied. */
  SPDY_UNSUPPORTED: 'TAPLINE_ERR_KUBE_SPDY_UNSUPPORTED',
  /** The client's credentials were missing or refused by `authorize`. */
  UNAUTHORIZED: 'TAPLINE_ERR_KUBE_UNAUTHORIZED',
  /** The upstream API server could not be reached or failed mid-response. */
  UPSTREAM: 'TAPLINE_ERR_KUBE_UPSTREAM',
  /** The grant had already expired when its credentials were first used: refused with 401 (reason `grant_expired`). */
  GRANT_EXPIRED: 'TAPLINE_ERR_KUBE_GRANT_EXPIRED',
  /** The session ended (grant expiry, revoke, idle timeout, proxy close) while a request or stream was open. */
  SESSION_ENDED: 'TAPLINE_ERR_KUBE_SESSION_ENDED',
  /** The client had not finished the TLS handshake and sent a request's headers `limits.loginTimeoutMs` after TCP accept. */
  LOGIN_TIMEOUT: 'TAPLINE_ERR_KUBE_LOGIN_TIMEOUT',
  /** A connection over `limits.maxConnectionsPerSource` from one address: closed at accept. */
  TOO_MANY_CONNECTIONS: 'TAPLINE_ERR_KUBE_TOO_MANY_CONNECTIONS',
  /** The address had `limits.maxFailedLoginsPerSource` failed logins within the window: 429 for credentials without a live session. */
  TOO_MANY_FAILED_LOGINS: 'TAPLINE_ERR_KUBE_TOO_MANY_FAILED_LOGINS',
  /** Invalid options given to a factory. */
  INVALID_OPTIONS: 'TAPLINE_ERR_KUBE_INVALID_OPTIONS',
} as const;

export type KubeErrorCodeName = (typeof KubeErrorCode)[keyof typeof KubeErrorCode];

export function kubeError(
  code: KubeErrorCodeName,
  message: string,
  details?: Record<string, unknown>,
  cause?: unknown,
): TaplineError {
  return new TaplineError(code, message, { component: 'kube', details, cause });
}
