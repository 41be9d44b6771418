import { describe, expect, it } from 'vitest';
import { SshErrorCode } from '../src/index.js';

// docs/conventions.md: keys are the code without `TAPLINE_ERR_SSH_`; the camelCase keys
// used before stay for one minor version as deprecated aliases of the same codes.
const renamed: Array<[string, string]> = [
  ['invalidOptions', 'INVALID_OPTIONS'],
  ['invalidHostKey', 'INVALID_HOST_KEY'],
  ['authorizeFailed', 'AUTHORIZE_FAILED'],
  ['recordingUnavailable', 'RECORDING_UNAVAILABLE'],
  ['targetUnreachable', 'TARGET_UNREACHABLE'],
  ['targetTimeout', 'TARGET_TIMEOUT'],
  ['targetHostKeyMismatch', 'TARGET_HOST_KEY_MISMATCH'],
  ['targetAuthFailed', 'TARGET_AUTH_FAILED'],
  ['targetHandshakeFailed', 'TARGET_HANDSHAKE_FAILED'],
  ['targetClosed', 'TARGET_CLOSED'],
  ['channelRefused', 'CHANNEL_REFUSED'],
  ['requestRefused', 'REQUEST_REFUSED'],
  ['clientError', 'CLIENT_ERROR'],
  ['analyzerFailed', 'ANALYZER_FAILED'],
  ['sessionAborted', 'SESSION_ABORTED'],
  ['loginTimeout', 'LOGIN_TIMEOUT'],
  ['tooManyConnections', 'TOO_MANY_CONNECTIONS'],
  ['tooManyFailedLogins', 'TOO_MANY_FAILED_LOGINS'],
  ['shutdown', 'SHUTDOWN'],
];
/** Codes added after the rename: no deprecated alias. */
const added = ['POLICY_DENIED'];

describe('SshErrorCode', () => {
  it('keys every code by its name without TAPLINE_ERR_SSH_', () => {
    for (const [key, code] of Object.entries(SshErrorCode)) {
      if (/^[A-Z_]+$/.test(key)) expect(code).toBe(`TAPLINE_ERR_SSH_${key}`);
    }
  });

  it('resolves the deprecated camelCase spelling to the same code as the SCREAMING_CASE one', () => {
    const codes = SshErrorCode as Record<string, string>;
    for (const [old, current] of renamed) {
      expect(codes[old], old).toBe(`TAPLINE_ERR_SSH_${current}`);
      expect(codes[old], old).toBe(codes[current]);
    }
    // Typed access with the old name still compiles (marked @deprecated) and is the same literal.
    const legacy: typeof SshErrorCode.SHUTDOWN = SshErrorCode.shutdown;
    expect(legacy).toBe(SshErrorCode.SHUTDOWN);
    // Every code has exactly one SCREAMING_CASE key and one deprecated alias.
    const keys = Object.keys(SshErrorCode);
    expect(keys.filter((key) => /^[A-Z_]+$/.test(key))).toHaveLength(renamed.length + added.length);
    expect(keys).toHaveLength(renamed.length * 2 + added.length);
  });
});
