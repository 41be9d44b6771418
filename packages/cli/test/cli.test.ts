import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  binPath,
  packageRoot,
  type Recorded,
  record,
  removeTempDirectories,
  repositoryRoot,
  tapline,
} from './helpers.js';

afterAll(removeTempDirectories);

describe('the tapline command', () => {
  let recorded: Recorded;

  beforeAll(async () => {
    recorded = await record();
  });

  it('--help lists the commands and the exit statuses', async () => {
    const result = await tapline(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['inspect', 'verify', 'export', 'play']) expect(result.text).toContain(command);
    expect(result.text).toContain('Exit status: 0 ok; 1 a recording is damaged');
  });

  it('every command has --help', async () => {
    const expectations: Record<string, string[]> = {
      inspect: ['--json', '--key-file', '--resizes', '--endpoint', '--progress'],
      verify: ['--public-key', '--require-signature', '--json'],
      export: ['--format', 'asciicast', 'jsonl', '--output', '--stream', '--input', '--include-data'],
      play: ['--speed', '--idle-limit', '--from', '--stream'],
    };
    const results = await Promise.all(
      Object.keys(expectations).map((command) => tapline([command, '--help'])),
    );
    Object.entries(expectations).forEach(([command, options], index) => {
      expect(results[index]!.code, command).toBe(0);
      expect(results[index]!.text).toContain(`Usage: tapline ${command}`);
      for (const option of options) expect(results[index]!.text, `${command} ${option}`).toContain(option);
    });
  });

  it('--version prints the package version', async () => {
    const result = await tapline(['--version']);
    expect(result.code).toBe(0);
    expect(result.text.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('usage errors exit 2', async () => {
    const results = await Promise.all([
      tapline([]),
      tapline(['frobnicate']),
      tapline(['inspect']),
      tapline(['inspect', recorded.path, '--no-such-option']),
      tapline(['inspect', 'ftp://example.com/x.tapline']),
    ]);
    expect(results.map((result) => result.code)).toEqual([2, 2, 2, 2, 2]);
    expect(results[1]!.stderr).toContain("unknown command 'frobnicate'");
    expect(results[4]!.stderr).toContain('TAPLINE_ERR_CLI_USAGE');
  });

  it('runs through bin/tapline.mjs (source via tsx in the workspace)', async () => {
    const result = await tapline(['verify', recorded.path], { viaBin: true });
    expect(result.code).toBe(0);
    expect(result.text).toMatch(/^OK {4}/);
  });

  it('`pnpm exec tapline --help` works at the repository root without a build', async () => {
    const child = spawn('pnpm', ['exec', 'tapline', '--help'], {
      cwd: repositoryRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(output).toContain('Usage: tapline');
  });

  it('stops quietly (exit 0) when the reader of its output goes away', async () => {
    const big = await record({
      script: (session) => {
        const shell = session.openStream('ssh_shell', { cols: 80, rows: 24 });
        for (let index = 0; index < 3000; index++) {
          session.data(shell, 'target_to_client', Buffer.alloc(1024, 0x41 + (index % 26)));
        }
      },
    });
    const child = spawn(process.execPath, [binPath, 'export', big.path, '-f', 'jsonl', '--include-data'], {
      cwd: packageRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    let received = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      received += chunk.length;
      child.stdout.destroy(); // like `| head -c 1`
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(3000 * 1024);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
