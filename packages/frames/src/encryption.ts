import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { TaplineError } from './errors.js';
import type { KeyWrapper, WrappedKey } from './key-wrapper.js';

export const DATA_KEY_LENGTH = 32;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
export const SEAL_OVERHEAD: number = NONCE_LENGTH + TAG_LENGTH;

/** Seals `plain` as nonce || ciphertext || tag, authenticating `aad` too. */
export function seal(dataKey: Uint8Array, plain: Uint8Array, aad: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', dataKey, nonce);
  cipher.setAAD(aad);
  const out = Buffer.allocUnsafe(NONCE_LENGTH + plain.byteLength + TAG_LENGTH);
  nonce.copy(out, 0);
  const written = cipher.update(plain);
  written.copy(out, NONCE_LENGTH);
  const tail = cipher.final();
  tail.copy(out, NONCE_LENGTH + written.length);
  cipher.getAuthTag().copy(out, NONCE_LENGTH + plain.byteLength);
  return out;
}

export function open(dataKey: Uint8Array, sealed: Uint8Array, aad: Uint8Array, segmentIndex: number): Buffer {
  if (sealed.byteLength < SEAL_OVERHEAD) {
    throw new TaplineError('TAPLINE_ERR_DECRYPT', 'encrypted body shorter than its nonce and tag', {
      component: 'frames',
      segmentIndex,
    });
  }
  const view = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, view.subarray(0, NONCE_LENGTH));
    decipher.setAAD(aad);
    decipher.setAuthTag(view.subarray(view.length - TAG_LENGTH));
    const plain = decipher.update(view.subarray(NONCE_LENGTH, view.length - TAG_LENGTH));
    return Buffer.concat([plain, decipher.final()]);
  } catch (cause) {
    throw new TaplineError('TAPLINE_ERR_DECRYPT', 'segment body failed authenticated decryption', {
      component: 'frames',
      segmentIndex,
      cause,
    });
  }
}

export interface LocalKeyWrapperOptions {
  /** 32-byte master key (keep it out of the recording's storage). */
  key: Uint8Array;
  /** Names the key in every recording it wraps, e.g. "local:ops-2026". */
  keyId: string;
}

/**
 * A KeyWrapper that seals data keys with a local AES-256-GCM master key. For
 * tests, single-host setups and air-gapped sites; use a KMS wrapper in cloud.
 */
export function createLocalKeyWrapper(options: LocalKeyWrapperOptions): KeyWrapper {
  if (options.key.byteLength !== DATA_KEY_LENGTH) {
    throw new TaplineError('TAPLINE_ERR_INVALID_OPTION', 'local key wrapper needs a 32-byte key', {
      component: 'frames',
    });
  }
  const masterKey = Buffer.from(options.key);
  const aad = Buffer.from(`tapline-data-key:${options.keyId}`);
  return {
    async wrap(dataKey: Uint8Array): Promise<WrappedKey> {
      return { keyId: options.keyId, wrappedKey: seal(masterKey, dataKey, aad) };
    },
    async unwrap(wrapped: WrappedKey): Promise<Uint8Array> {
      if (wrapped.keyId !== options.keyId) {
        throw new TaplineError(
          'TAPLINE_ERR_KEY_UNAVAILABLE',
          `no key ${JSON.stringify(wrapped.keyId)} here`,
          {
            component: 'frames',
          },
        );
      }
      return open(masterKey, wrapped.wrappedKey, aad, -1);
    },
  };
}
