import { randomUUID } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SegmentParser } from '@tapline/frames';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ed25519,
  LOCAL_KEY,
  type Recorded,
  record,
  recordCrashed,
  removeTempDirectories,
  tapline,
  tempDirectory,
} from './helpers.js';

afterAll(removeTempDirectories);

/** Byte offset and length of every segment of a recording file. */
function segmentsOf(path: string): Array<{ start: number; length: number }> {
  const parser = new SegmentParser();
  const segments: Array<{ start: number; length: number }> = [];
  let start = 0;
  parser.parse(readFileSync(path), (segment) => {
    segments.push({ start, length: segment.bytes.length });
    start += segment.bytes.length;
  });
  return segments;
}

function copyOf(recorded: Recorded, name: string, withManifest = true): string {
  const path = join(tempDirectory(), name);
  copyFileSync(recorded.path, path);
  if (withManifest) copyFileSync(recorded.manifestPath, `${path}.json`);
  return path;
}

describe('tapline verify', () => {
  let plain: Recorded;
  let signed: Recorded;
  let keys: ReturnType<typeof ed25519>;
  let publicKeyPath: string;
  let otherPublicKeyPath: string;

  beforeAll(async () => {
    keys = ed25519();
    plain = await record({ segmentBytes: 256 });
    signed = await record({ segmentBytes: 256, signing: { privateKey: keys.privateKey, keyId: 'ops-2026' } });
    const directory = tempDirectory();
    publicKeyPath = join(directory, 'ops.pub.pem');
    writeFileSync(publicKeyPath, keys.publicKey.export({ type: 'spki', format: 'pem' }));
    otherPublicKeyPath = join(directory, 'other.pub.pem');
    writeFileSync(otherPublicKeyPath, ed25519().publicKey.export({ type: 'spki', format: 'pem' }));
  });

  it('exits 0 for a complete, intact recording and states its chain hash', async () => {
    const result = await tapline(['verify', plain.path]);
    expect(result.code).toBe(0);
    const manifest = JSON.parse(readFileSync(plain.manifestPath, 'utf8'));
    expect(result.text).toMatch(/^OK {4}/);
    expect(result.text).toContain(`chain ${manifest.chainHash}`);
    expect(result.text).toContain('unsigned');
    expect(result.stderr).toBe('');
  });

  it('exits 1 for a tampered recording and names the segment and the code', async () => {
    const segments = segmentsOf(plain.path);
    expect(segments.length).toBeGreaterThan(2);
    const path = copyOf(plain, 'tampered.tapline');
    const bytes = readFileSync(path);
    const target = segments[1]!.start + 100; // inside segment 1's body
    bytes[target] = bytes[target]! ^ 0x01;
    writeFileSync(path, bytes);
    const result = await tapline(['verify', path]);
    expect(result.code).toBe(1);
    expect(result.text).toMatch(/^FAIL {2}.*segment 1: TAPLINE_ERR_HASH_MISMATCH/);
  });

  it('exits 1 for a truncated recording', async () => {
    const segments = segmentsOf(plain.path);
    const path = copyOf(plain, 'truncated.tapline');
    const cut = segments[2]!.start + 10;
    writeFileSync(path, readFileSync(path).subarray(0, cut));
    const result = await tapline(['verify', path]);
    expect(result.code).toBe(1);
    expect(result.text).toContain('segment 2: TAPLINE_ERR_TRUNCATED');
  });

  it('exits 1 for a recording whose last segments are missing (no end marker)', async () => {
    const segments = segmentsOf(plain.path);
    const path = copyOf(plain, 'cut.tapline', false);
    writeFileSync(path, readFileSync(path).subarray(0, segments[2]!.start));
    const result = await tapline(['verify', path]);
    expect(result.code).toBe(1);
    expect(result.text).toContain('segment 2: TAPLINE_ERR_INCOMPLETE');
  });

  it('exits 1 for a crash-recovered recording: TAPLINE_ERR_INCOMPLETE, with the reason', async () => {
    const crashed = await recordCrashed(randomUUID());
    const result = await tapline(['verify', crashed.path]);
    expect(result.code).toBe(1);
    expect(result.text).toContain('TAPLINE_ERR_INCOMPLETE');
    expect(result.text).toContain('reason: TAPLINE_ERR_RECORDER_CRASHED');
  });

  it('checks the Ed25519 signature with --public-key', async () => {
    const good = await tapline(['verify', signed.path, '--public-key', publicKeyPath]);
    expect(good.code).toBe(0);
    expect(good.text).toContain('signature valid (ed25519, key ops-2026)');

    const unchecked = await tapline(['verify', signed.path]);
    expect(unchecked.code).toBe(0);
    expect(unchecked.text).toContain('signed by key ops-2026, not checked');
  });

  it('exits 1 for a bad signature: another key, or a forged value', async () => {
    const otherKey = await tapline(['verify', signed.path, '--public-key', otherPublicKeyPath]);
    expect(otherKey.code).toBe(1);
    expect(otherKey.text).toContain('TAPLINE_ERR_SIGNATURE_INVALID');

    const path = copyOf(signed, 'forged.tapline');
    const manifest = JSON.parse(readFileSync(`${path}.json`, 'utf8'));
    const value = Buffer.from(manifest.signature.value, 'base64');
    value[0] = value[0]! ^ 0xff;
    manifest.signature.value = value.toString('base64');
    writeFileSync(`${path}.json`, JSON.stringify(manifest));
    const forged = await tapline(['verify', path, '--public-key', publicKeyPath]);
    expect(forged.code).toBe(1);
    expect(forged.text).toContain('TAPLINE_ERR_SIGNATURE_INVALID');
  });

  it('a signature does not survive a change to the recording', async () => {
    const path = copyOf(signed, 'resigned.tapline');
    // Replace the recording by another, intact one: the manifest's signature no longer covers it.
    copyFileSync(plain.path, path);
    const result = await tapline(['verify', path, '--public-key', publicKeyPath]);
    expect(result.code).toBe(1);
    expect(result.text).toMatch(/TAPLINE_ERR_CLI_MANIFEST|TAPLINE_ERR_SIGNATURE_INVALID/);
  });

  it('--require-signature fails unsigned recordings and needs --public-key', async () => {
    const unsigned = await tapline([
      'verify',
      plain.path,
      '--public-key',
      publicKeyPath,
      '--require-signature',
    ]);
    expect(unsigned.code).toBe(1);
    expect(unsigned.text).toContain('TAPLINE_ERR_SIGNATURE_MISSING');

    const noManifest = copyOf(signed, 'alone.tapline', false);
    const alone = await tapline(['verify', noManifest, '--public-key', publicKeyPath, '--require-signature']);
    expect(alone.code).toBe(1);
    expect(alone.text).toContain('TAPLINE_ERR_SIGNATURE_MISSING');

    const usage = await tapline(['verify', signed.path, '--require-signature']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--require-signature needs --public-key');
  });

  it('verifies several recordings and directories; --json gives one result each', async () => {
    const broken = copyOf(plain, 'broken.tapline', false);
    writeFileSync(broken, readFileSync(broken).subarray(0, 50));
    const result = await tapline([
      'verify',
      signed.directory,
      broken,
      '--public-key',
      publicKeyPath,
      '--json',
    ]);
    expect(result.code).toBe(1);
    const results = JSON.parse(result.text) as Array<Record<string, unknown>>;
    expect(
      results.map((entry) => [entry.ok, (entry.error as { code: string } | null)?.code ?? null]),
    ).toEqual([
      [true, null],
      [false, 'TAPLINE_ERR_TRUNCATED'],
    ]);
    expect(results[0]).toMatchObject({
      sessionId: signed.sessionId,
      complete: true,
      intact: true,
      signature: { status: 'valid', algorithm: 'ed25519', keyId: 'ops-2026' },
    });
  });

  it('exits 3 when a file cannot be read, 2 for a public key that is not one', async () => {
    const missing = await tapline(['verify', join(tempDirectory(), 'nope.tapline')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('TAPLINE_ERR_CLI_IO');

    const notKey = join(tempDirectory(), 'key.pem');
    writeFileSync(notKey, 'not a key');
    const bad = await tapline(['verify', plain.path, '--public-key', notKey]);
    expect(bad.code).toBe(2);
  });

  it('verifies an encrypted recording without its key (hashes), and decodes it with --key-file', async () => {
    const encrypted = await record({ encrypted: true });
    const withoutKey = await tapline(['verify', encrypted.path]);
    expect(withoutKey.code).toBe(0);
    expect(withoutKey.text).toContain('encrypted, bodies not decrypted');

    const keyFile = join(tempDirectory(), 'master.key');
    writeFileSync(keyFile, `${LOCAL_KEY.toString('hex')}\n`);
    const withKey = await tapline(['verify', encrypted.path, '--key-file', keyFile]);
    expect(withKey.code).toBe(0);
    expect(withKey.text).not.toContain('bodies not decrypted');

    const wrongKeyFile = join(tempDirectory(), 'wrong.key');
    writeFileSync(wrongKeyFile, Buffer.alloc(32, 7));
    const wrong = await tapline(['verify', encrypted.path, '--key-file', wrongKeyFile]);
    expect(wrong.code).toBe(1);
    expect(wrong.text).toContain('TAPLINE_ERR_KEY_UNAVAILABLE');
  });
});
