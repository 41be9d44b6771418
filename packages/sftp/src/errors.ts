import { TaplineError } from '@tapline/frames';

/** Every code this package raises. */
export const SftpErrorCode = {
  /** A packet's length field is above `maxPacketLength`. */
  packetTooLarge: 'TAPLINE_ERR_SFTP_PACKET_TOO_LARGE',
  /** A packet is shorter than its fields, or a field is out of range (length 0, handle > 256 bytes…). */
  malformedPacket: 'TAPLINE_ERR_SFTP_MALFORMED_PACKET',
  /** A packet type that does not exist in SFTP v3 for that direction. */
  unknownPacketType: 'TAPLINE_ERR_SFTP_UNKNOWN_PACKET_TYPE',
  /** The stream ended in the middle of a packet. */
  truncated: 'TAPLINE_ERR_SFTP_TRUNCATED',
  /** The client offered a version below 3, or the server answered with a version other than 3. */
  unsupportedVersion: 'TAPLINE_ERR_SFTP_UNSUPPORTED_VERSION',
  /** A packet out of sequence: no INIT/VERSION first, a second INIT, a reply to no request, a reused id, a reply of the wrong type. */
  unexpectedPacket: 'TAPLINE_ERR_SFTP_UNEXPECTED_PACKET',
  /** More requests awaiting a reply than `maxOutstandingRequests`. */
  tooManyRequests: 'TAPLINE_ERR_SFTP_TOO_MANY_REQUESTS',
  /** More open handles than `maxOpenHandles`. */
  tooManyHandles: 'TAPLINE_ERR_SFTP_TOO_MANY_HANDLES',
  /** Bytes were fed after `end()`. */
  ended: 'TAPLINE_ERR_SFTP_ENDED',
} as const;

export type SftpErrorCodeValue = (typeof SftpErrorCode)[keyof typeof SftpErrorCode];

export function sftpError(
  code: SftpErrorCodeValue,
  message: string,
  details?: Record<string, unknown>,
): TaplineError {
  return new TaplineError(
    code,
    message,
    details === undefined ? { component: 'sftp' } : { component: 'sftp', details },
  );
}
