import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createLocalKeyWrapper, type KeyWrapper } from '@tapline/frames';
import { ioError, usageError } from './errors.js';

/**
 * A local master key from a file: 32 raw bytes, or 64 hex digits (whitespace
 * around them ignored). Without `keyId`, the key is tried under whatever key
 * id the recording names (the AES-GCM check still refuses a wrong key).
 */
export async function loadLocalKeyWrapper(path: string, keyId: string | undefined): Promise<KeyWrapper> {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (cause) {
    throw ioError(`cannot read the key file ${path}`, cause);
  }
  const text = content.toString('latin1').trim();
  let key: Buffer;
  if (/^[0-9a-f]{64}$/i.test(text)) key = Buffer.from(text, 'hex');
  else if (content.length === 32) key = content;
  else throw usageError(`${path} holds no 32-byte key (expected 32 raw bytes or 64 hex digits)`);
  if (keyId !== undefined) return createLocalKeyWrapper({ key, keyId });
  return {
    wrap: (dataKey) => createLocalKeyWrapper({ key, keyId: 'local' }).wrap(dataKey),
    unwrap: (wrapped) => createLocalKeyWrapper({ key, keyId: wrapped.keyId }).unwrap(wrapped),
  };
}

/** An Ed25519 public key from a PEM file (SPKI, as `openssl pkey -pubout` writes it). */
export async function loadPublicKey(path: string): Promise<KeyObject> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (cause) {
    throw ioError(`cannot read the public key ${path}`, cause);
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (cause) {
    throw usageError(`${path} is not a PEM public key`, cause);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw usageError(`${path} is a ${key.asymmetricKeyType} key: recordings are signed with Ed25519`);
  }
  return key;
}
