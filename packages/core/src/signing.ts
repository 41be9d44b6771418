import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { TaplineError } from '@tapline/frames';
import type { RecordingSignature } from './contracts.js';

export interface SigningOptions {
  /** Ed25519 private key (KeyObject or PEM). */
  privateKey: KeyObject | string;
  /** Published with the public key so auditors know which key to use. */
  keyId: string;
}

/** The exact bytes a recording signature covers. */
export function signedMessage(sessionId: string, chainHash: string): Buffer {
  return Buffer.from(`tapline-recording-v1:${sessionId}:${chainHash}`);
}

export function createSigner(
  options: SigningOptions,
): (sessionId: string, chainHash: string) => RecordingSignature {
  const key =
    typeof options.privateKey === 'string' ? createPrivateKey(options.privateKey) : options.privateKey;
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TaplineError('TAPLINE_ERR_INVALID_OPTION', 'signing needs an Ed25519 private key', {
      component: 'recorder',
    });
  }
  return (sessionId, chainHash) => ({
    algorithm: 'ed25519',
    keyId: options.keyId,
    value: sign(null, signedMessage(sessionId, chainHash), key).toString('base64'),
  });
}

/** Checks a recording signature against an Ed25519 public key (KeyObject or PEM). */
export function verifyRecordingSignature(
  sessionId: string,
  chainHash: string,
  signature: RecordingSignature,
  publicKey: KeyObject | string,
): boolean {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  if (signature.algorithm !== 'ed25519') return false;
  return verify(null, signedMessage(sessionId, chainHash), key, Buffer.from(signature.value, 'base64'));
}
