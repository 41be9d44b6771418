import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, mkdtempSync, openSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_USER } from './sshd.js';

/** A temp directory the target user owns (the target is this machine). */
export function userDirectory(prefix: string): string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  const uid = Number(execFileSync('id', ['-u', TEST_USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', TEST_USER], { encoding: 'utf8' }).trim());
  chownSync(directory, uid, gid);
  chmodSync(directory, 0o755);
  return directory;
}

/** Writes `bytes` random bytes to `path` (world-readable); returns the SHA-256 hex. */
export function randomFile(path: string, bytes: number): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'w', 0o644);
  const chunk = 1024 * 1024;
  for (let written = 0; written < bytes; written += chunk) {
    const block = randomBytes(Math.min(chunk, bytes - written));
    hash.update(block);
    writeSync(fd, block);
  }
  closeSync(fd);
  chmodSync(path, 0o644);
  return hash.digest('hex');
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
