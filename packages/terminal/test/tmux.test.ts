// Real shells driven by `tmux send-keys` (several lines per write: readline
// and busybox then skip echoing them), recorded between tmux and the shell by
// util-linux `script --log-io --logging-format advanced`, then extracted.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { type CommandTerminalEvent, extractCommands, type TerminalStreamEvent } from '../src/index.js';

function has(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The `script` advanced log as extractor events: I/O lines of the timing file over the one data file. */
function scriptEvents(dir: string): TerminalStreamEvent[] {
  const timing = readFileSync(join(dir, 'timing.log'), 'utf8').split('\n');
  const io = readFileSync(join(dir, 'io.log'));
  let at = io.indexOf(0x0a) + 1; // after the "Script started" line
  let seconds = 0;
  const events: TerminalStreamEvent[] = [];
  for (const line of timing) {
    const [kind, delay, count] = line.split(' ');
    if (kind !== 'I' && kind !== 'O') continue;
    seconds += Number(delay);
    const length = Number(count);
    events.push({
      kind: kind === 'I' ? 'input' : 'output',
      bytes: io.subarray(at, at + length),
      offsetNs: Math.round(seconds * 1e9),
    });
    at += length;
  }
  return events;
}

const tmux = (...args: string[]) => execFileSync('tmux', args, { stdio: 'ignore' });

describe.each([
  ['bash', 'bash --norc --noprofile -i'],
  ['zsh', 'zsh -f -i'],
  ['busybox sh', 'busybox sh -i'],
])('tmux send-keys into real %s', (name, shell) => {
  test.skipIf(!has('tmux') || !has('script') || !has(shell.split(' ')[0]!))(
    `every line of every write, multi-line commands whole (${name})`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tapline-tmux-'));
      const session = `tapline-${process.pid}-${name.replace(/\W/g, '')}`;
      const command = `env -i PS1='tap$ ' TERM=xterm-256color PATH=/usr/bin:/bin HOME=${dir} ${shell}`;
      tmux(
        'new-session',
        '-d',
        '-s',
        session,
        '-x',
        '100',
        '-y',
        '30',
        `cd ${dir} && exec script -q -E never --log-io io.log --log-timing timing.log --logging-format advanced -c "${command}"`,
      );
      try {
        const keys = async (...lines: string[]) => {
          tmux('send-keys', '-t', session, ...lines.flatMap((line) => [line, 'Enter']));
          await sleep(600);
        };
        await sleep(800);
        await keys('echo one', 'echo two');
        await keys('for i in 1 2; do', 'echo loop-$i', 'done');
        await keys('cat <<-EOF', 'body', 'EOF');
        await keys('sleep 0.3', 'echo ahead');
        await keys('time (cat /dev/null)', 'sudo -n true; whoami');
        await keys('exit');
        for (let i = 0; i < 50 && !readFileSync(join(dir, 'io.log'), 'latin1').includes('Script done'); i++)
          await sleep(100);
      } finally {
        // Normally gone already: the shell exited and with it the session.
        try {
          tmux('kill-session', '-t', session);
        } catch {}
      }
      expect(existsSync(join(dir, 'io.log'))).toBe(true);
      const events = (await extractCommands(scriptEvents(dir), { cols: 100, rows: 30 })).filter(
        (event): event is CommandTerminalEvent => event.kind === 'command',
      );
      const ran = events.map((event) => event.text).filter((text) => text !== 'exit');
      expect(ran).toEqual([
        'echo one',
        'echo two',
        'for i in 1 2; do\necho loop-$i\ndone',
        'cat <<-EOF\nbody\nEOF',
        'sleep 0.3',
        'echo ahead',
        'time (cat /dev/null)',
        'sudo -n true; whoami',
      ]);
      expect(events.slice(0, 8).every((event) => event.source === 'pasted')).toBe(true);
      expect(events.slice(0, 8).map((event) => event.programs.map((program) => program.name))).toEqual([
        ['echo'],
        ['echo'],
        ['echo'],
        ['cat'],
        ['sleep'],
        ['echo'],
        ['cat'],
        ['true', 'whoami'],
      ]);
    },
  );
});
