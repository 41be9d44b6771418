// Issue 13: SIGKILL of the recording proxy while a command runs, then
// recovery: the command in flight is in the recovered recording, because
// recovery runs the terminal extractor over the recovered raw frames
// (`recoveryAnalyzers: [recoverTerminalCommands()]`).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder, type RecoveryAnalyzer } from '@tapline/core';
import { readFrames, verifyRecording } from '@tapline/frames';
import { afterAll, describe, expect, it } from 'vitest';
import { recoverTerminalCommands } from '../src/index.js';
import { exited, killTree, until } from './helpers/processes.js';
import { startTmux, type Tmux } from './helpers/tmux.js';

const repositoryRoot = join(import.meta.dirname, '..', '..', '..');

/** Recovers `spool` into `recordings`; returns the recovered recording's commands and its verify report. */
async function recoverInto(spool: string, recordings: string, recoveryAnalyzers: RecoveryAnalyzer[]) {
  const recorder = createRecorder({
    spool: { directory: spool },
    sinks: [createFileSink({ directory: recordings })],
    recoveryAnalyzers,
  });
  const report = await recorder.recover();
  await recorder.idle();
  await recorder.close();
  expect(report.recovered).toHaveLength(1);
  const file = readFileSync(join(recordings, `${report.recovered[0]!.sessionId}.tapline`));
  const commands: Array<{ text: string; source: string }> = [];
  for await (const frame of readFrames(file)) {
    if (frame.command) commands.push({ text: frame.command.text ?? '', source: frame.command.source ?? '' });
  }
  return { commands, verified: await verifyRecording(file) };
}

describe('crash recovery of terminal commands (SIGKILL of the recording proxy)', () => {
  const cleanups: Array<() => void> = [];
  afterAll(() => {
    for (const cleanup of cleanups.reverse()) cleanup();
  });

  it('keeps the command that was running when the proxy was killed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tapline-ssh-crash-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const spool = join(root, 'spool');
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        join(import.meta.dirname, 'helpers', 'recording-proxy-child.ts'),
        spool,
        join(root, 'unused-recordings'),
      ],
      { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => killTree(child.pid ?? 0));
    const started = await new Promise<{ sshArgs: string[]; sshdPid: number }>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n')[0];
        if (output.includes('\n') && line) resolve(JSON.parse(line));
      });
      child.on('exit', (code) => reject(new Error(`the proxy child exited early with ${code}`)));
    });
    cleanups.push(() => killTree(started.sshdPid));

    const ssh = ['ssh', ...started.sshArgs].map((arg) => `'${arg}'`).join(' ');
    const terminal: Tmux = startTmux(`TERM=xterm ${ssh}`);
    cleanups.push(() => terminal.kill());
    await terminal.waitFor(/\$ $/m);
    terminal.type('echo finished-before-the-crash');
    await terminal.waitFor(/^finished-before-the-crash$/m);
    const inFlight = 'sleep 977 && echo in-flight-done';
    terminal.type(inFlight);
    // The command runs on the target, and its keystrokes had time to reach the spool (segments every 50 ms).
    await until(
      () => execFileSync('ps', ['-e', '-o', 'args='], { encoding: 'utf8' }).includes('sleep 977'),
      15_000,
      'the sleep to run on the target',
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const gone = exited(child);
    child.kill('SIGKILL');
    await gone;
    killTree(started.sshdPid);
    terminal.kill();

    const sessions = readdirSync(join(spool, 'recordings'));
    expect(sessions).toHaveLength(1);
    // The control: recovery without the analyzer (today's behaviour) has the keystrokes but not the command.
    const withoutSpool = join(root, 'spool-copy');
    cpSync(spool, withoutSpool, { recursive: true });
    const without = await recoverInto(withoutSpool, join(root, 'recordings-without'), []);
    expect(without.commands.map((c) => c.text)).not.toContain(inFlight);

    const recovered = await recoverInto(spool, join(root, 'recordings'), [recoverTerminalCommands()]);
    expect(recovered.verified).toMatchObject({ intact: true, complete: false });
    expect(recovered.commands).toContainEqual({ text: inFlight, source: 'terminal' });
    // Recorded live before the crash, and not added twice by recovery.
    expect(recovered.commands.filter((c) => c.text === 'echo finished-before-the-crash')).toHaveLength(1);
  }, 90_000);
});
