import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cachingSha2Scramble, clientEd25519Response } from '../src/auth.js';
import { ed25519PublicKey, ed25519Sign } from '../src/ed25519.js';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function nodeSign(seed: Buffer, message: Buffer): Buffer {
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return sign(null, message, key);
}

function nodeVerify(publicKey: Buffer, message: Buffer, signature: Buffer): boolean {
  const key = createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]),
    format: 'der',
    type: 'spki',
  });
  return verify(null, message, key, signature);
}

describe('Ed25519 from a password (MariaDB client_ed25519)', () => {
  it('matches RFC 8032 §7.1 TEST 1 (a 32-byte seed is a password of 32 bytes)', () => {
    const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    expect(ed25519PublicKey(seed).toString('hex')).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
    expect(ed25519Sign(seed, Buffer.alloc(0)).toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  it("matches a login the real mariadb client made to MariaDB 10.11 as an ed25519 account (password 'secret')", () => {
    // Captured on the wire between `mariadb -u app2 --password=secret` and the
    // server (CREATE USER app2 IDENTIFIED VIA ed25519 USING PASSWORD('secret')),
    // which accepted it. The stored authentication_string is the public key.
    const scramble = Buffer.from('b0cfd970ddc129eaf2fbb8e60bb6ad14070da733b3d5c8afb2e76925b9ef43be', 'hex');
    const signature =
      '471bcdfe225d7b90fc4627838aac7af40763680c70b3c4085629298adb71201219234926c7762670e8efeb6469e3160d28f599211da85b464d696ea2da2db906';
    expect(clientEd25519Response('secret', scramble).toString('hex')).toBe(signature);
    expect(ed25519PublicKey(Buffer.from('secret')).toString('base64')).toBe(
      'ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJY=',
    );
  });

  it("equals node:crypto's Ed25519 for random 32-byte seeds and messages", () => {
    for (let round = 0; round < 16; round++) {
      const seed = randomBytes(32);
      const message = randomBytes(round * 5);
      expect(ed25519Sign(seed, message).equals(nodeSign(seed, message))).toBe(true);
    }
  });

  it('gives signatures node:crypto verifies for passwords of any length, and only for their message', () => {
    for (const password of [
      '',
      'a',
      'secret',
      'pässwörd-ünicode',
      'x'.repeat(31),
      'y'.repeat(33),
      'z'.repeat(200),
    ]) {
      const secret = Buffer.from(password, 'utf8');
      const scramble = randomBytes(32);
      const signature = ed25519Sign(secret, scramble);
      expect(signature).toHaveLength(64);
      expect(nodeVerify(ed25519PublicKey(secret), scramble, signature)).toBe(true);
      scramble[0]! ^= 1;
      expect(nodeVerify(ed25519PublicKey(secret), scramble, signature)).toBe(false);
    }
  });
});

describe('caching_sha2_password scramble', () => {
  // The vector was computed with Python's hashlib; the random rounds here
  // from the definition, not with the code under test:
  // XOR(SHA256(pw), SHA256(SHA256(SHA256(pw)) ‖ nonce)).
  const sha256 = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();

  it('matches a fixed known-answer vector', () => {
    const nonce = Buffer.from('0123456789abcdefghij', 'latin1');
    expect(cachingSha2Scramble('target-secret-Pw1', nonce).toString('hex')).toBe(
      'cd17d28b413d7537927451deb13accb4519dc0cf74c5da735d862dc0ec8b2a16',
    );
  });

  it('matches the definition for random passwords and nonces, and is empty for an empty password', () => {
    for (let round = 0; round < 16; round++) {
      const password = randomBytes(1 + round).toString('base64');
      const nonce = randomBytes(20);
      const stage1 = sha256(Buffer.from(password, 'utf8'));
      const mask = sha256(sha256(stage1), nonce);
      const expected = Buffer.from(stage1.map((byte, index) => byte ^ mask[index]!));
      expect(cachingSha2Scramble(password, nonce).equals(expected)).toBe(true);
    }
    expect(cachingSha2Scramble('', Buffer.alloc(20))).toHaveLength(0);
  });
});
