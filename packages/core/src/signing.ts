import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { TaplineError } from '@tapline/frames';
import type { RecordingClaim, RecordingSignature } from './contracts.js';

export interface SigningOptions {
  /** Ed25519 private key (KeyObject or PEM). */
  privateKey: KeyObject | string;
  /** Published with the public key so auditors know which key to use. */
  keyId: string;
}

/** The `format` of every signature this version writes (docs/format.md, "Signatures"). */
export const SIGNATURE_FORMAT = 'tapline-recording-v2';

const HASH = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STATES: ReadonlySet<string> = new Set(['complete', 'incomplete', 'head']);

/**
 * The exact bytes a v2 signature covers: one `name:value` line per field, in
 * this order. Every field is checked first so no value can smuggle a line
 * break in and make two different claims produce the same bytes.
 */
export function claimMessage(claim: RecordingClaim): Buffer {
  if (!isClaim(claim)) {
    throw new TaplineError(
      'TAPLINE_ERR_INVALID_CLAIM',
      'not a recording claim (session id, hashes, count, state)',
      {
        component: 'signing',
      },
    );
  }
  return Buffer.from(
    `${SIGNATURE_FORMAT}\nsession:${claim.sessionId}\nfirst:${claim.firstHash}\nsegments:${claim.segments}\nchain:${claim.chainHash}\nstate:${claim.state}\n`,
  );
}

/** True when `value` is a well-formed claim (what a reader of untrusted JSON checks first). */
export function isClaim(value: unknown): value is RecordingClaim {
  if (typeof value !== 'object' || value === null) return false;
  const claim = value as Record<string, unknown>;
  return (
    typeof claim.sessionId === 'string' &&
    UUID.test(claim.sessionId) &&
    typeof claim.firstHash === 'string' &&
    HASH.test(claim.firstHash) &&
    typeof claim.chainHash === 'string' &&
    HASH.test(claim.chainHash) &&
    Number.isSafeInteger(claim.segments) &&
    (claim.segments as number) >= 1 &&
    typeof claim.state === 'string' &&
    STATES.has(claim.state)
  );
}

/**
 * The bytes a legacy (v1) signature covers. Recordings signed before the v2
 * format carry these; they are still checked, and reported as legacy.
 */
export function signedMessage(sessionId: string, chainHash: string): Buffer {
  return Buffer.from(`tapline-recording-v1:${sessionId}:${chainHash}`);
}

export type ClaimSigner = (claim: RecordingClaim) => RecordingSignature;

export function createSigner(options: SigningOptions): ClaimSigner {
  const key =
    typeof options.privateKey === 'string' ? createPrivateKey(options.privateKey) : options.privateKey;
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TaplineError('TAPLINE_ERR_INVALID_OPTION', 'signing needs an Ed25519 private key', {
      component: 'recorder',
    });
  }
  return (claim) => ({
    algorithm: 'ed25519',
    keyId: options.keyId,
    format: SIGNATURE_FORMAT,
    signed: { ...claim },
    value: sign(null, claimMessage(claim), key).toString('base64'),
  });
}

/**
 * Checks a v2 signature over `claim` — a claim the caller computed from the
 * recording's own bytes, never the one stored beside the signature.
 */
export function verifyClaimSignature(
  claim: RecordingClaim,
  signature: RecordingSignature,
  publicKey: KeyObject | string,
): boolean {
  if (signature.algorithm !== 'ed25519' || signature.format !== SIGNATURE_FORMAT || !isClaim(claim))
    return false;
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return verify(null, claimMessage(claim), key, Buffer.from(signature.value, 'base64'));
}

/** Checks a legacy (v1) recording signature against an Ed25519 public key (KeyObject or PEM). */
export function verifyRecordingSignature(
  sessionId: string,
  chainHash: string,
  signature: RecordingSignature,
  publicKey: KeyObject | string,
): boolean {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  if (signature.algorithm !== 'ed25519' || signature.format !== undefined) return false;
  return verify(null, signedMessage(sessionId, chainHash), key, Buffer.from(signature.value, 'base64'));
}
