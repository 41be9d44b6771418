// The small pieces: host keys, one-time tokens, target configuration.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDemoGrants } from '../src/grants.js';
import { describeKey, generateEd25519Key, knownHostsLine, loadOrCreateHostKey } from '../src/host-key.js';
import { ssh2 } from '../src/ssh2.js';
import { ConfigError, targetFromEnv } from '../src/target.js';

const directory = mkdtempSync(join(tmpdir(), 'tapline-example-units-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('host keys', () => {
  it('generates Ed25519 keys ssh2 parses, including public keys that start with a zero byte', () => {
    let zeroLed = 0;
    for (let attempt = 0; attempt < 4000 && zeroLed < 2; attempt++) {
      const key = describeKey(generateEd25519Key());
      const blob = Buffer.from(key.publicKey.split(' ')[1]!, 'base64');
      expect(blob.length).toBe(4 + 11 + 4 + 32);
      if (blob[19] === 0) zeroLed++;
    }
    // ~1 key in 256 starts with 0x00: the case ssh2 1.17's own generator truncates.
    expect(zeroLed).toBeGreaterThan(0);
    const parsed = ssh2.utils.parseKey(generateEd25519Key('c'));
    expect(parsed).not.toBeInstanceOf(Error);
    expect(parsed).toMatchObject({ type: 'ssh-ed25519', comment: 'c' });
  });

  it('signs with the key it describes (the private half matches the public half)', () => {
    const key = ssh2.utils.parseKey(generateEd25519Key());
    if (key instanceof Error || Array.isArray(key)) throw new Error('parse');
    const data = Buffer.from('tapline');
    expect(key.verify(data, key.sign(data))).toBe(true);
  });

  it('is created once (mode 0600) and then read back unchanged', () => {
    const path = join(directory, 'state', 'host_key');
    const first = loadOrCreateHostKey(path);
    expect(first.created).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const second = loadOrCreateHostKey(path);
    expect(second).toMatchObject({
      created: false,
      fingerprint: first.fingerprint,
      publicKey: first.publicKey,
    });
    expect(first.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(knownHostsLine('127.0.0.1', 2222, first.publicKey)).toBe(`[127.0.0.1]:2222 ${first.publicKey}`);
    expect(knownHostsLine('127.0.0.1', 22, first.publicKey)).toBe(`127.0.0.1 ${first.publicKey}`);
  });

  it('refuses a file that is not a key', () => {
    const path = join(directory, 'garbage_key');
    writeFileSync(path, 'not a key');
    expect(() => loadOrCreateHostKey(path)).toThrow(/not a private key/);
  });
});

describe('one-time tokens', () => {
  const resource = { id: 'r', type: 'ssh_server' };

  it('a token opens one login; the next token is issued at once; wrong tokens use nothing up', () => {
    const issued: string[] = [];
    const grants = createDemoGrants({ resource, ttlMs: 1000, onToken: (token) => issued.push(token.value) });
    const first = grants.current;
    expect(issued).toEqual([first.value]);
    expect(grants.redeem('alice', 'wrong')).toBeNull();
    expect(grants.redeem('alice', undefined)).toBeNull();
    expect(grants.redeem('alice', `${first.value}x`)).toBeNull();
    expect(grants.current).toBe(first);
    const before = Date.now();
    const context = grants.redeem('alice', first.value);
    expect(context).toMatchObject({
      user: { id: 'user-alice', name: 'alice' },
      accessRequestId: first.accessRequestId,
      resource,
    });
    expect(Number(context!.expiresAt)).toBeGreaterThanOrEqual(before + 1000);
    expect(grants.redeem('alice', first.value)).toBeNull();
    expect(grants.current.value).not.toBe(first.value);
    expect(grants.current.accessRequestId).not.toBe(first.accessRequestId);
    expect(issued).toHaveLength(2);
  });

  it('tokens are random and of one shape', () => {
    const values = new Set(Array.from({ length: 50 }, () => createDemoGrants({ resource }).current.value));
    expect(values.size).toBe(50);
    for (const value of values) expect(value).toMatch(/^tl-[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
  });
});

describe('a real target from the environment', () => {
  const key = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const keyFile = join(directory, 'target_key');
  writeFileSync(keyFile, key);
  const pin = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIItCyKYzcaXP/ZUNpponVPJaWdXdriucOUt8inU3Z3ac';

  it('is absent without TAPLINE_TARGET_HOST (the demo target is used)', () => {
    expect(targetFromEnv({})).toBeUndefined();
  });

  it('reads host, port, user, key file and pins (a value, or a file of ssh-keyscan lines)', () => {
    const pins = join(directory, 'pins');
    writeFileSync(pins, `# keyscan\n[db.internal]:2022 ${pin}\nhost ssh-rsa AAAAB3Nza\n`);
    expect(
      targetFromEnv({
        TAPLINE_TARGET_HOST: 'db.internal',
        TAPLINE_TARGET_PORT: '2022',
        TAPLINE_TARGET_USER: 'deploy',
        TAPLINE_TARGET_KEY: keyFile,
        TAPLINE_TARGET_HOST_KEY: pins,
      }),
    ).toEqual({
      host: 'db.internal',
      port: 2022,
      username: 'deploy',
      privateKey: readFileSync(keyFile, 'utf8'),
      hostKey: [pin, 'ssh-rsa AAAAB3Nza'],
    });
    expect(
      targetFromEnv({
        TAPLINE_TARGET_HOST: 'h',
        TAPLINE_TARGET_USER: 'u',
        TAPLINE_TARGET_PASSWORD: 'p',
        TAPLINE_TARGET_HOST_KEY: 'SHA256:abc, SHA256:def',
      }),
    ).toEqual({ host: 'h', port: 22, username: 'u', password: 'p', hostKey: ['SHA256:abc', 'SHA256:def'] });
  });

  it('says what is missing', () => {
    const base = { TAPLINE_TARGET_HOST: 'h', TAPLINE_TARGET_USER: 'u', TAPLINE_TARGET_PASSWORD: 'p' };
    expect(() => targetFromEnv({ TAPLINE_TARGET_HOST: 'h' })).toThrow(/TAPLINE_TARGET_USER/);
    expect(() => targetFromEnv({ ...base, TAPLINE_TARGET_PASSWORD: '' })).toThrow(/TAPLINE_TARGET_KEY/);
    expect(() => targetFromEnv(base)).toThrow(/TAPLINE_TARGET_HOST_KEY/);
    expect(() => targetFromEnv({ ...base, TAPLINE_TARGET_PORT: 'x', TAPLINE_TARGET_HOST_KEY: pin })).toThrow(
      /TAPLINE_TARGET_PORT/,
    );
    expect(() =>
      targetFromEnv({ ...base, TAPLINE_TARGET_KEY: join(directory, 'nope'), TAPLINE_TARGET_HOST_KEY: pin }),
    ).toThrow(ConfigError);
  });
});
