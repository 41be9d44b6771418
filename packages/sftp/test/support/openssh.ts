// Captures real SFTP sessions: OpenSSH's `sftp` client in batch mode talking
// through test/support/sftp-relay.mjs to OpenSSH's `sftp-server`, both
// directions logged in proxy order.
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SFTP_SERVER = process.env.SFTP_SERVER ?? '/usr/lib/openssh/sftp-server';
const relayScript = fileURLToPath(new URL('./sftp-relay.mjs', import.meta.url));

/** Why the OpenSSH peers cannot run here, or undefined when they can. */
export function opensshMissing(): string | undefined {
  for (const program of [SFTP_SERVER, '/usr/bin/sftp']) {
    try {
      accessSync(program, constants.X_OK);
    } catch {
      return `${program} is missing: apt-get install -y --no-install-recommends openssh-client openssh-sftp-server`;
    }
  }
  return undefined;
}

export interface CapturedChunk {
  direction: 'clientToServer' | 'serverToClient';
  bytes: Buffer;
}

export interface CapturedSession {
  chunks: CapturedChunk[];
  /** What sftp printed (stdout and stderr). */
  output: string;
  exitCode: number | null;
}

/** Runs `sftp -b` with `batch` in `cwd` (which is also sftp-server's working directory). */
export async function captureSftpSession(cwd: string, batch: string[]): Promise<CapturedSession> {
  const logPath = join(cwd, 'relay.log');
  const batchPath = join(cwd, 'batch.txt');
  const wrapperPath = join(cwd, 'relay.sh');
  writeFileSync(batchPath, `${batch.join('\n')}\n`);
  // `sftp -D` execs a program without arguments: a wrapper starts the relay.
  writeFileSync(wrapperPath, `#!/bin/sh\nexec '${process.execPath}' '${relayScript}'\n`, { mode: 0o755 });
  const child = spawn('sftp', ['-D', wrapperPath, '-b', batchPath], {
    cwd,
    env: { ...process.env, SFTP_RELAY_LOG: logPath, SFTP_SERVER },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  return { chunks: readRelayLog(readFileSync(logPath)), output, exitCode };
}

export function readRelayLog(log: Buffer): CapturedChunk[] {
  const chunks: CapturedChunk[] = [];
  let offset = 0;
  while (offset + 5 <= log.length) {
    const direction = log[offset] === 0 ? 'clientToServer' : 'serverToClient';
    const length = log.readUInt32BE(offset + 1);
    chunks.push({ direction, bytes: log.subarray(offset + 5, offset + 5 + length) });
    offset += 5 + length;
  }
  return chunks;
}
