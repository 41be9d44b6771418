import { describe, expect, it } from 'vitest';
import { SftpErrorCode } from '../src/index.js';

const renamed: Array<[string, string]> = [
  ['packetTooLarge', 'PACKET_TOO_LARGE'],
  ['malformedPacket', 'MALFORMED_PACKET'],
  ['unknownPacketType', 'UNKNOWN_PACKET_TYPE'],
  ['truncated', 'TRUNCATED'],
  ['unsupportedVersion', 'UNSUPPORTED_VERSION'],
  ['unexpectedPacket', 'UNEXPECTED_PACKET'],
  ['tooManyRequests', 'TOO_MANY_REQUESTS'],
  ['tooManyHandles', 'TOO_MANY_HANDLES'],
  ['ended', 'ENDED'],
];

describe('SftpErrorCode', () => {
  it('keys every code by its name without TAPLINE_ERR_SFTP_', () => {
    for (const [key, code] of Object.entries(SftpErrorCode)) {
      if (/^[A-Z_]+$/.test(key)) expect(code).toBe(`TAPLINE_ERR_SFTP_${key}`);
    }
  });

  it('resolves the deprecated camelCase spelling to the same code as the SCREAMING_CASE one', () => {
    const codes = SftpErrorCode as Record<string, string>;
    for (const [old, current] of renamed) {
      expect(codes[old], old).toBe(`TAPLINE_ERR_SFTP_${current}`);
      expect(codes[old], old).toBe(codes[current]);
    }
    expect(Object.keys(SftpErrorCode)).toHaveLength(renamed.length * 2);
  });
});
