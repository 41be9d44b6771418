import { createHash } from 'node:crypto';
import { SshErrorCode, sshError } from './errors.js';
import { ssh2 } from './ssh2-runtime.js';

/**
 * A pinned target host key: an OpenSSH public key line
 * ("ssh-ed25519 AAAAC3Nz... comment"), its SHA-256 fingerprint
 * ("SHA256:base64-without-padding", as `ssh-keygen -lf` prints it), or the raw
 * public key blob.
 */
export type HostKeyPin = string | Uint8Array;

/** A parsed set of pins that verifies what a target presents. */
export interface HostKeyVerifier {
  /** True when the presented key blob matches one of the pins. */
  matches(keyBlob: Uint8Array): boolean;
  /** Fingerprints of the pins, for messages and metadata. */
  readonly expected: readonly string[];
  /**
   * Host key algorithms to offer the target, when every pin is a full key
   * (so the target presents the pinned key type). Undefined when a pin is a
   * bare fingerprint: ssh2's default order applies.
   */
  readonly algorithms: string[] | undefined;
}

/** "SHA256:..." of an SSH public key blob, as OpenSSH prints it. */
export function fingerprintOf(keyBlob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

const RSA_ALGORITHMS = ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/** The SSH key type named inside a public key blob (its first string). */
function blobKeyType(blob: Uint8Array): string | undefined {
  if (blob.length < 4) return undefined;
  const view = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const length = view.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > view.length) return undefined;
  return view.toString('latin1', 4, 4 + length);
}

/**
 * Parses target host key pins. Throws TAPLINE_ERR_SSH_INVALID_HOST_KEY for an
 * empty list or a pin that is neither a public key nor a SHA256 fingerprint.
 */
export function createHostKeyVerifier(pins: HostKeyPin | readonly HostKeyPin[]): HostKeyVerifier {
  const list: readonly HostKeyPin[] = Array.isArray(pins) ? pins : [pins as HostKeyPin];
  if (list.length === 0) {
    throw sshError(SshErrorCode.INVALID_HOST_KEY, 'The target has no pinned host key: set target.hostKey');
  }
  const fingerprints = new Set<string>();
  const keyTypes = new Set<string>();
  let everyPinIsAKey = true;
  for (const pin of list) {
    if (typeof pin === 'string' && /^SHA256:[A-Za-z0-9+/]{43}=?$/.test(pin.trim())) {
      fingerprints.add(pin.trim().replace(/=+$/, ''));
      everyPinIsAKey = false;
      continue;
    }
    let blob: Buffer;
    if (typeof pin === 'string') {
      const parsed = ssh2.utils.parseKey(pin.trim());
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      if (key instanceof Error || key === undefined) {
        throw sshError(
          SshErrorCode.INVALID_HOST_KEY,
          'A target host key pin is neither an OpenSSH public key nor a SHA256 fingerprint',
          key,
        );
      }
      blob = key.getPublicSSH();
    } else {
      blob = Buffer.from(pin);
    }
    const type = blobKeyType(blob);
    if (type === undefined) {
      throw sshError(SshErrorCode.INVALID_HOST_KEY, 'A target host key pin is not an SSH public key blob');
    }
    keyTypes.add(type);
    fingerprints.add(fingerprintOf(blob));
  }
  let algorithms: string[] | undefined;
  if (everyPinIsAKey) {
    algorithms = [];
    for (const type of keyTypes) {
      if (type === 'ssh-rsa') algorithms.push(...RSA_ALGORITHMS);
      else algorithms.push(type);
    }
  }
  const expected = Object.freeze([...fingerprints]);
  return {
    expected,
    algorithms,
    matches(keyBlob) {
      return fingerprints.has(fingerprintOf(keyBlob));
    },
  };
}
