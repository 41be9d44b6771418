// A real target, from environment variables. Without TAPLINE_TARGET_HOST the
// connector uses its embedded demo target instead.
import { existsSync, readFileSync } from 'node:fs';

export interface TargetConfig {
  host: string;
  port: number;
  username: string;
  password?: string;
  privateKey?: string;
  /** The pinned host key: "ssh-ed25519 AAAA…" or "SHA256:…" (several separated by commas or newlines). */
  hostKey: string[];
}

/** A configuration mistake, shown to the person as is (no stack). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const TARGET_VARIABLES: ReadonlyArray<[string, string]> = [
  ['TAPLINE_TARGET_HOST', 'the target sshd host (unset: the embedded demo target)'],
  ['TAPLINE_TARGET_PORT', 'its port (default 22)'],
  ['TAPLINE_TARGET_USER', 'the account the proxy logs in as'],
  ['TAPLINE_TARGET_KEY', 'a private key FILE for that account'],
  ['TAPLINE_TARGET_PASSWORD', "or that account's password"],
  [
    'TAPLINE_TARGET_HOST_KEY',
    'the target host key pin: "ssh-ed25519 AAAA…", "SHA256:…", or a file (ssh-keyscan output, a .pub)',
  ],
];

/** Reads pins from a value that is either pins or a file of keys (known_hosts / ssh-keyscan / .pub lines). */
function pins(value: string): string[] {
  let text = value;
  if (!/^(SHA256:|ssh-|ecdsa-|sk-)/.test(value.trim()) && existsSync(value))
    text = readFileSync(value, 'utf8');
  const result: string[] = [];
  for (const raw of text.split(/[\n,]/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('SHA256:')) {
      result.push(line);
      continue;
    }
    // "host ssh-ed25519 AAAA… comment", "ssh-ed25519 AAAA… comment"
    const words = line.split(/\s+/);
    const typeAt = words.findIndex((word) => /^(ssh-|ecdsa-|sk-)/.test(word));
    if (typeAt >= 0 && words[typeAt + 1] !== undefined) result.push(`${words[typeAt]} ${words[typeAt + 1]}`);
  }
  return result;
}

export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): TargetConfig | undefined {
  const host = env.TAPLINE_TARGET_HOST;
  if (host === undefined || host === '') return undefined;
  const username = env.TAPLINE_TARGET_USER;
  if (!username) throw new ConfigError('TAPLINE_TARGET_HOST is set: set TAPLINE_TARGET_USER too');
  const port = Number(env.TAPLINE_TARGET_PORT ?? 22);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`TAPLINE_TARGET_PORT is not a port: ${env.TAPLINE_TARGET_PORT}`);
  }
  const keyFile = env.TAPLINE_TARGET_KEY;
  const password = env.TAPLINE_TARGET_PASSWORD;
  if (!keyFile && !password) {
    throw new ConfigError('set TAPLINE_TARGET_KEY (a private key file) or TAPLINE_TARGET_PASSWORD');
  }
  let privateKey: string | undefined;
  if (keyFile) {
    try {
      privateKey = readFileSync(keyFile, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read TAPLINE_TARGET_KEY ${keyFile}: ${(error as Error).message}`);
    }
  }
  const pinned = env.TAPLINE_TARGET_HOST_KEY ? pins(env.TAPLINE_TARGET_HOST_KEY) : [];
  if (pinned.length === 0) {
    throw new ConfigError(
      'set TAPLINE_TARGET_HOST_KEY to the target host key (the proxy always verifies it), e.g.\n' +
        `  export TAPLINE_TARGET_HOST_KEY="$(ssh-keyscan -p ${port} -t ed25519 ${host} 2>/dev/null)"`,
    );
  }
  return {
    host,
    port,
    username,
    ...(password ? { password } : {}),
    ...(privateKey ? { privateKey } : {}),
    hostKey: pinned,
  };
}
