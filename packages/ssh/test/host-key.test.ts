import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTaplineError } from '@tapline/frames';
import { afterAll, describe, expect, it } from 'vitest';
import { createHostKeyVerifier, fingerprintOf, SshErrorCode } from '../src/index.js';
import { ssh2 } from '../src/ssh2-runtime.js';

const directory = mkdtempSync(join(tmpdir(), 'tapline-hostkey-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function keyPair(name: string, type: string): { line: string; blob: Buffer; fingerprint: string } {
  const path = join(directory, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', path]);
  const line = readFileSync(`${path}.pub`, 'utf8').trim();
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${path}.pub`], {
    encoding: 'utf8',
  }).split(' ')[1]!;
  return { line, blob: Buffer.from(line.split(' ')[1]!, 'base64'), fingerprint };
}

describe('target host key pins', () => {
  const ed25519 = keyPair('ed', 'ed25519');
  const rsa = keyPair('rsa', 'rsa');
  const other = keyPair('other', 'ed25519');

  it('computes the same SHA256 fingerprint as ssh-keygen -l', () => {
    expect(fingerprintOf(ed25519.blob)).toBe(ed25519.fingerprint);
    expect(fingerprintOf(rsa.blob)).toBe(rsa.fingerprint);
  });

  it('matches a pinned public key line, and offers only its algorithms', () => {
    const verifier = createHostKeyVerifier(ed25519.line);
    expect(verifier.matches(ed25519.blob)).toBe(true);
    expect(verifier.matches(other.blob)).toBe(false);
    expect(verifier.algorithms).toEqual(['ssh-ed25519']);
    expect(verifier.expected).toEqual([ed25519.fingerprint]);
    expect(createHostKeyVerifier(rsa.line).algorithms).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  });

  it('matches a SHA256 fingerprint or a raw blob; several pins match any', () => {
    const verifier = createHostKeyVerifier([other.fingerprint, rsa.blob]);
    expect(verifier.matches(other.blob)).toBe(true);
    expect(verifier.matches(rsa.blob)).toBe(true);
    expect(verifier.matches(ed25519.blob)).toBe(false);
    expect(verifier.algorithms).toBeUndefined();
  });

  it('refuses empty, malformed and private-key-less pins with a coded error', () => {
    for (const bad of [[], 'SHA256:short', 'not a key', 'ssh-ed25519 AAAA', Buffer.from([0, 0, 0, 200, 1])]) {
      let caught: unknown;
      try {
        createHostKeyVerifier(bad as never);
      } catch (error) {
        caught = error;
      }
      expect(isTaplineError(caught, SshErrorCode.INVALID_HOST_KEY)).toBe(true);
    }
  });

  it('accepts what ssh2 itself parses as a public key', () => {
    const parsed = ssh2.utils.parseKey(ed25519.line);
    expect(parsed instanceof Error).toBe(false);
  });
});

describe('generateHostKey', () => {
  it('makes Ed25519 keys ssh2 can always parse (ssh2 1.17 drops leading zero bytes of its own)', async () => {
    const { createRequire } = await import('node:module');
    const { generateHostKey } = await import('../src/index.js');
    const ssh2 = createRequire(import.meta.url)('ssh2') as typeof import('ssh2');
    // One key in a few hundred has a public key starting with a zero byte.
    const data = Buffer.from('host key check');
    for (let i = 0; i < 2000; i++) {
      const parsed = ssh2.utils.parseKey(generateHostKey('ed25519'));
      expect(parsed instanceof Error, `key ${i}`).toBe(false);
      // The public half is the private key's: what it signs, its public key verifies.
      if (i < 20 && !(parsed instanceof Error)) {
        const key = Array.isArray(parsed) ? parsed[0]! : parsed;
        expect(key.verify(data, key.sign(data) as Buffer), `key ${i}`).toBe(true);
      }
    }
  });
});
