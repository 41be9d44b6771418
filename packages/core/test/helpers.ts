import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { MetadataEvent, SessionContext } from '../src/index.js';

const directories: string[] = [];

/** A temp directory removed after the test. */
export function tempDirectory(prefix = 'tapline-core-'): string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  directories.push(directory);
  return directory;
}

afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** A valid grant; override any field. */
export function grant(overrides: Partial<SessionContext> = {}): SessionContext {
  return {
    protocol: 'ssh',
    user: { id: 'u-1', name: 'Ada Lovelace', email: 'ada@example.com' },
    approvers: [{ id: 'u-2', name: 'Grace Hopper', approvedAt: Date.now() - 1000 }],
    accessFlow: { id: 'af-1', name: 'Prod access' },
    accessRequestId: `ar-${randomUUID().slice(0, 8)}`,
    resource: { id: 'r-1', type: 'ssh_server', name: 'bastion', integration: 'aws' },
    permissions: ['shell'],
    clientAddress: '127.0.0.1:40000',
    target: '127.0.0.1:22',
    expiresAt: Date.now() + 3_600_000,
    ...overrides,
  };
}

export function readEvents(path: string): MetadataEvent[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as MetadataEvent);
  } catch {
    return [];
  }
}

export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Starts the recording child (fixtures-child.ts), waits until it is busy,
 * lets it run `runMs`, then SIGKILLs it: a crash in the middle of a session.
 */
export async function recordThenKill(
  spool: string,
  recordings: string,
  sessionId: string,
  runMs = 0,
): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'fixtures-child.ts'),
      spool,
      recordings,
      sessionId,
    ],
    { cwd: join(import.meta.dirname, '..', '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('busy') && resolve());
    child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
  });
  if (runMs > 0) await new Promise((resolve) => setTimeout(resolve, runMs));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
