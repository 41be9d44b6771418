import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
  /** SHA-256 (hex) and length of everything written to stdout. */
  stdoutSha256: string;
  stdoutBytes: number;
}

export interface RunOptions {
  input?: string | Buffer;
  /** A file to use as stdin (instead of `input`). */
  stdinFile?: string;
  /** Keep at most this many stdout bytes in `stdout` (the hash covers all). @default Infinity */
  keepStdout?: number;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs a program to completion (killed after `timeoutMs`), collecting its output. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const stdinFd = options.stdinFile === undefined ? undefined : openSync(options.stdinFile, 'r');
    const child = spawn(command, args, {
      stdio: [stdinFd ?? 'pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
    if (stdinFd !== undefined) closeSync(stdinFd);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const hash = createHash('sha256');
    let stdoutBytes = 0;
    const keep = options.keepStdout ?? Number.POSITIVE_INFINITY;
    child.stdout?.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      if (stdoutBytes < keep) stdout.push(chunk);
      stdoutBytes += chunk.length;
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr),
        stdoutSha256: hash.digest('hex'),
        stdoutBytes,
      });
    });
    if (child.stdin !== null) {
      child.stdin.on('error', () => {});
      if (options.input !== undefined) child.stdin.end(options.input);
      else child.stdin.end();
    }
  });
}

/** A port that was free a moment ago (for servers that cannot report an OS-picked port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Every descendant pid of `pid` (children first found by ps). */
export function descendants(pid: number): number[] {
  let output = '';
  try {
    output = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const line of output.split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (child === undefined || parent === undefined || Number.isNaN(child)) continue;
    const list = children.get(parent) ?? [];
    list.push(child);
    children.set(parent, list);
  }
  const result: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift()!;
    for (const child of children.get(next) ?? []) {
      result.push(child);
      queue.push(child);
    }
  }
  return result;
}

/** SIGKILLs a process and all its descendants (sshd's session processes run in their own sessions). */
export function killTree(pid: number): void {
  for (const child of descendants(pid)) {
    try {
      process.kill(child, 'SIGKILL');
    } catch {}
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
}

/** Waits until `predicate` holds, polling; throws after `timeoutMs`. */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Resolves when a spawned child exits. */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

export interface Watched {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  stdoutBytes(): number;
  /** Resolves when stdout contains `text`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Spawns a program and watches its output while it runs (stdout text kept up to 1 MiB). */
export function watch(command: string, args: readonly string[], timeoutMs = 60_000): Watched {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let bytes = 0;
  child.stdout?.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (stdout.length < 1024 * 1024) stdout += chunk.toString('latin1');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    stdoutBytes: () => bytes,
    waitFor: (text, waitMs = 20_000) =>
      until(() => stdout.includes(text), waitMs, `"${text}" on stdout (stderr: ${stderr})`),
    done,
  };
}
