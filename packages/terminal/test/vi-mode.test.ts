// `set -o vi` sessions from real shells, keys sent as the oracle's generator
// sends them (the line, Escape, a pause, `0 w i X`, Escape, a pause, Enter,
// then `set -o emacs`), replayed offline. zsh: recorded in tmux by util-linux
// `script --log-io`. bash: the start of an oracle run's recording through the
// proxy (TAPLINE_ORACLE_KEEP=1), where the line was typed ahead while
// `set -o vi` ran and readline showed it after its prompt before the edit.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { type CommandTerminalEvent, extractCommands } from '../src/index.js';
import { type RecordedTrace, streamEvents } from './pty.js';

function recorded(name: string): RecordedTrace {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as RecordedTrace;
}

test.each([
  ['vi-mode-zsh.json', ['set -o vi', 'echo Xvvv tag', 'set -o emacs', 'exit']],
  ['vi-mode-bash.json', ['echo kilo t13-0z', 'set -o vi', 'echo Xvvv t13-1z', 'set -o emacs']],
])('Escape then Enter in vi mode is Enter; the line is the edited one (%s)', async (name, expected) => {
  const trace = recorded(name);
  const events = await extractCommands(streamEvents(trace), { cols: trace.cols, rows: trace.rows });
  const commands = events.filter((event): event is CommandTerminalEvent => event.kind === 'command');
  expect(commands.map((command) => command.text)).toEqual(expected);
});

test('keys typed ahead that the terminal echoed (ESC as ^[) before the prompt: the line is the one readline edited', async () => {
  // The same bash run at its 35th sequence, after the first command: the
  // kernel echoed `echo vvv t13-35z^[` while `set -o vi` ran, readline drew
  // its prompt and the line after that echo on the same row, then redrew the
  // edit as if the row began with its prompt. The real screen never shows
  // the X; the extractor gives readline the fresh row it counts from, so it
  // reads the line bash ran.
  const trace = recorded('vi-mode-bash-echoed.json');
  const events = await extractCommands(streamEvents(trace), { cols: trace.cols, rows: trace.rows });
  const commands = events.filter((event): event is CommandTerminalEvent => event.kind === 'command');
  expect(commands.map((command) => command.text)).toEqual([
    'echo kilo t13-0z',
    'set -o vi',
    'echo Xvvv t13-35z',
    'set -o emacs',
  ]);
});
