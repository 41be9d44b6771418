// The proxy's own host key: generated once, kept in a file, so users' `ssh`
// sees the same key on every start (a new key on every start would teach
// people to ignore host key warnings).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fingerprintOf } from '@tapline/ssh';
import { ssh2 } from './ssh2.js';

export interface HostKey {
  /** The private key (OpenSSH format), for `createSshProxy({ hostKeys })`. */
  privateKey: string;
  /** "ssh-ed25519 AAAA…" */
  publicKey: string;
  /** "SHA256:…", as `ssh` and `ssh-keygen -lf` print it. */
  fingerprint: string;
  /** Whether this start created the file. */
  created: boolean;
}

export function describeKey(privateKey: string): Omit<HostKey, 'created'> {
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) throw new Error(`not a private key: ${parsed.message}`);
  const key = Array.isArray(parsed) ? parsed[0]! : parsed;
  const blob = key.getPublicSSH();
  return {
    privateKey,
    publicKey: `${key.type} ${blob.toString('base64')}`,
    fingerprint: fingerprintOf(blob),
  };
}

/** Reads the host key at `path`, generating an Ed25519 key there (mode 0600) the first time. */
export function loadOrCreateHostKey(path: string): HostKey {
  try {
    return { ...describeKey(readFileSync(path, 'utf8')), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const privateKey = generateEd25519Key();
  try {
    // 'wx': if another process created it meanwhile, use theirs.
    writeFileSync(path, privateKey, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { ...describeKey(readFileSync(path, 'utf8')), created: false };
  }
  return { ...describeKey(privateKey), created: true };
}

/** A known_hosts line for the proxy at host:port ("[127.0.0.1]:2222 ssh-ed25519 AAAA…"). */
export function knownHostsLine(host: string, port: number, publicKey: string): string {
  return `${port === 22 ? host : `[${host}]:${port}`} ${publicKey}`;
}

function sshString(bytes: Uint8Array | string): Buffer {
  const body = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

/**
 * A new Ed25519 private key in OpenSSH format, from node:crypto.
 * (ssh2 1.17's generateKeyPairSync('ed25519') drops leading zero bytes of the
 * public key, about one key in a few hundred, and then cannot parse its own key.)
 */
export function generateEd25519Key(comment = 'tapline-example'): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d!, 'base64url');
  const publicKey = Buffer.from(jwk.x!, 'base64url');
  const type = 'ssh-ed25519';
  const check = randomBytes(4);
  let secret = Buffer.concat([
    check,
    check,
    sshString(type),
    sshString(publicKey),
    sshString(Buffer.concat([seed, publicKey])),
    sshString(comment),
  ]);
  const padding = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from([1, 2, 3, 4, 5, 6, 7].slice(0, padding))]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'), // cipher
    sshString('none'), // kdf
    sshString(''), // kdf options
    Buffer.from([0, 0, 0, 1]), // one key
    sshString(Buffer.concat([sshString(type), sshString(publicKey)])),
    sshString(secret),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g)!;
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}
