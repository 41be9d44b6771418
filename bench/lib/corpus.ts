import { execFileSync } from 'node:child_process';

let cached: Buffer | undefined;

/**
 * Terminal-like text: real `ls -laR` output of system directories, repeated
 * to `bytes`. (Recorded sessions from the proxies join it in bench/corpus/.)
 */
export function terminalText(bytes: number): Buffer {
  cached ??= execFileSync('ls', ['-laR', '/usr/share/doc', '/usr/lib/node_modules'], {
    maxBuffer: 256 * 1024 * 1024,
  });
  const out = Buffer.allocUnsafe(bytes);
  for (let offset = 0; offset < bytes; offset += cached.length)
    cached.copy(out, offset, 0, Math.min(cached.length, bytes - offset));
  return out;
}
