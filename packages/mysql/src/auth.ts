// Password scrambles of the MySQL authentication plugins.

import { constants, createHash, publicEncrypt, randomBytes, timingSafeEqual } from 'node:crypto';
import { ed25519Sign } from './ed25519.js';

function sha1(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function xor(left: Buffer, right: Buffer): Buffer {
  const out = Buffer.allocUnsafe(left.length);
  for (let index = 0; index < left.length; index++) out[index] = left[index]! ^ right[index % right.length]!;
  return out;
}

/** A fresh 20-byte scramble of printable, non-NUL bytes (as servers send it). */
export function createNonce(): Buffer {
  const nonce = randomBytes(20);
  for (let index = 0; index < nonce.length; index++) nonce[index] = 0x21 + (nonce[index]! % 94);
  return nonce;
}

/** mysql_native_password: SHA1(password) XOR SHA1(nonce ‖ SHA1(SHA1(password))); empty for an empty password. */
export function nativePasswordScramble(password: string, nonce: Uint8Array): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha1(Buffer.from(password, 'utf8'));
  return xor(stage1, sha1(nonce.subarray(0, 20), sha1(stage1)));
}

/** caching_sha2_password: SHA256(password) XOR SHA256(SHA256(SHA256(password)) ‖ nonce). */
export function cachingSha2Scramble(password: string, nonce: Uint8Array): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha256(Buffer.from(password, 'utf8'));
  return xor(stage1, sha256(sha256(stage1), nonce.subarray(0, 20)));
}

/**
 * MariaDB client_ed25519: the Ed25519 signature of the server's 32-byte
 * scramble, with the key derived from SHA-512 of the whole password.
 */
export function clientEd25519Response(password: string, scramble: Uint8Array): Buffer {
  return ed25519Sign(Buffer.from(password, 'utf8'), scramble);
}

/**
 * True when `response` is the mysql_native_password scramble of `password`
 * for `nonce`: how `authorize` checks a token it would accept against a
 * client that only sends the scramble (the token itself never arrives).
 */
export function verifyNativePassword(password: string, nonce: Uint8Array, response: Uint8Array): boolean {
  const expected = nativePasswordScramble(password, nonce);
  return expected.length === response.length && timingSafeEqual(expected, response);
}

/** The RSA path of caching_sha2_password / sha256_password without TLS: (password ‖ NUL) XOR nonce, OAEP-encrypted. */
export function rsaEncryptPassword(password: string, nonce: Uint8Array, publicKeyPem: string): Buffer {
  const plain = xor(
    Buffer.concat([Buffer.from(password, 'utf8'), Buffer.of(0)]),
    Buffer.from(nonce.subarray(0, 20)),
  );
  return publicEncrypt({ key: publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING }, plain);
}
