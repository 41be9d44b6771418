// The proxy's own host key: generated once, kept in a file, so users' `ssh`
// sees the same key on every start (a new key on every start would teach
// people to ignore host key warnings).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fingerprintOf, generateHostKey } from '@tapline/ssh';
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

/** A new Ed25519 private key in OpenSSH format (see `generateHostKey` in @tapline/ssh). */
export function generateEd25519Key(comment = 'tapline-example'): string {
  return generateHostKey('ed25519', comment);
}
