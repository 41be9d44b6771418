import { TaplineError } from '@tapline/frames';

/** Every code this package raises. */
export const SftpErrorCode = {
  /** A packet's length field is above `maxPacketLength`. */
  PACKET_TOO_LARGE: 'TAPLINE_ERR_SFTP_PACKET_TOO_LARGE',
  /** A packet is shorter than its fields, or a field is out of range (length 0, handle > 256 bytes…). */
  MALFORMED_PACKET: 'TAPLINE_ERR_SFTP_MALFORMED_PACKET',
  /** A packet type that does not exist in SFTP v3 for that direction. */
  UNKNOWN_PACKET_TYPE: 'TAPLINE_ERR_SFTP_UNKNOWN_PACKET_TYPE',
  /** The stream ended in the middle of a packet. */
  TRUNCATED: 'TAPLINE_ERR_SFTP_TRUNCATED',
  /** The client offered a version below 3, or the server answered with a version other than 3. */
  UNSUPPORTED_VERSION: 'TAPLINE_ERR_SFTP_UNSUPPORTED_VERSION',
  /** A packet out of sequence: no INIT/VERSION first, a second INIT, a reply to no request, a reused id, a reply of the wrong type. */
  UNEXPECTED_PACKET: 'TAPLINE_ERR_SFTP_UNEXPECTED_PACKET',
  /** More requests awaiting a reply than `maxOutstandingRequests`. */
  TOO_MANY_REQUESTS: 'TAPLINE_ERR_SFTP_TOO_MANY_REQUESTS',
  /** More open handles than `maxOpenHandles`. */
  TOO_MANY_HANDLES: 'TAPLINE_ERR_SFTP_TOO_MANY_HANDLES',
  /** Bytes were fed after `end()`. */
  ENDED: 'TAPLINE_ERR_SFTP_ENDED',
  // The camelCase keys used before docs/conventions.md: same codes, kept for one minor version.
  /** @deprecated Use `PACKET_TOO_LARGE` (docs/conventions.md, renamed names): kept for one minor version. */
  packetTooLarge: 'TAPLINE_ERR_SFTP_PACKET_TOO_LARGE',
  /** @deprecated Use `MALFORMED_PACKET` (docs/conventions.md, renamed names): kept for one minor version. */
  malformedPacket: 'TAPLINE_ERR_SFTP_MALFORMED_PACKET',
  /** @deprecated Use `UNKNOWN_PACKET_TYPE` (docs/conventions.md, renamed names): kept for one minor version. */
  unknownPacketType: 'TAPLINE_ERR_SFTP_UNKNOWN_PACKET_TYPE',
  /** @deprecated Use `TRUNCATED` (docs/conventions.md, renamed names): kept for one minor version. */
  truncated: 'TAPLINE_ERR_SFTP_TRUNCATED',
  /** @deprecated Use `UNSUPPORTED_VERSION` (docs/conventions.md, renamed names): kept for one minor version. */
  unsupportedVersion: 'TAPLINE_ERR_SFTP_UNSUPPORTED_VERSION',
  /** @deprecated Use `UNEXPECTED_PACKET` (docs/conventions.md, renamed names): kept for one minor version. */
  unexpectedPacket: 'TAPLINE_ERR_SFTP_UNEXPECTED_PACKET',
  /** @deprecated Use `TOO_MANY_REQUESTS` (docs/conventions.md, renamed names): kept for one minor version. */
  tooManyRequests: 'TAPLINE_ERR_SFTP_TOO_MANY_REQUESTS',
  /** @deprecated Use `TOO_MANY_HANDLES` (docs/conventions.md, renamed names): kept for one minor version. */
  tooManyHandles: 'TAPLINE_ERR_SFTP_TOO_MANY_HANDLES',
  /** @deprecated Use `ENDED` (docs/conventions.md, renamed names): kept for one minor version. */
  ended: 'TAPLINE_ERR_SFTP_ENDED',
} as const;

/** One of the codes in `SftpErrorCode` (named like `SshErrorCodeName` and `KubeErrorCodeName`). */
export type SftpErrorCodeName = (typeof SftpErrorCode)[keyof typeof SftpErrorCode];
/** @deprecated Use `SftpErrorCodeName` (docs/conventions.md, renamed names): kept for one minor version. */
export type SftpErrorCodeValue = SftpErrorCodeName;

export function sftpError(
  code: SftpErrorCodeName,
  message: string,
  details?: Record<string, unknown>,
): TaplineError {
  return new TaplineError(
    code,
    message,
    details === undefined ? { component: 'sftp' } : { component: 'sftp', details },
  );
}
