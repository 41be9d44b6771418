// Drives a real terminal: tmux runs the program in a pty, send-keys types,
// capture-pane reads the screen.
import { execFileSync } from 'node:child_process';
import { until } from './processes.js';

export interface Tmux {
  send(...keys: string[]): void;
  /** Types text literally (no key names), then Enter when asked. */
  type(text: string, enter?: boolean): void;
  /** Pastes through a tmux buffer; `bracketed` wraps it in paste marks when the program asked for them. */
  paste(text: string, bracketed: boolean): void;
  screen(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resizes, and resolves once the pane's pty has the new size (keys sent earlier reach ssh before its SIGWINCH). */
  resize(cols: number, rows: number): Promise<void>;
  alive(): boolean;
  kill(): void;
}

export function startTmux(command: string, cols = 120, rows = 40): Tmux {
  const socket = `tapline-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  tmux('new-session', '-d', '-s', 'main', '-x', String(cols), '-y', String(rows), command);
  tmux('set-option', '-t', 'main', 'remain-on-exit', 'on');
  const screen = (): string => {
    try {
      return tmux('capture-pane', '-p', '-J', '-t', 'main');
    } catch {
      return '';
    }
  };
  return {
    send: (...keys) => void tmux('send-keys', '-t', 'main', ...keys),
    type(text, enter = true) {
      tmux('send-keys', '-t', 'main', '-l', text);
      if (enter) tmux('send-keys', '-t', 'main', 'Enter');
    },
    paste(text, bracketed) {
      tmux('set-buffer', '-b', 'tapline-paste', '--', text);
      tmux('paste-buffer', '-d', '-b', 'tapline-paste', ...(bracketed ? ['-p'] : []), '-t', 'main');
    },
    screen,
    async waitFor(pattern, timeoutMs = 15_000) {
      let last = '';
      try {
        await until(
          () => {
            last = screen();
            return pattern.test(last);
          },
          timeoutMs,
          `${pattern} on the screen`,
        );
      } catch (error) {
        throw new Error(`${(error as Error).message}; screen was:\n${last}`);
      }
      return last;
    },
    async resize(newCols, newRows) {
      tmux('resize-window', '-t', 'main', '-x', String(newCols), '-y', String(newRows));
      const tty = tmux('display-message', '-p', '-t', 'main', '#{pane_tty}').trim();
      const wanted = `${newRows} ${newCols}`;
      const size = () => execFileSync('stty', ['-F', tty, 'size'], { encoding: 'utf8' }).trim();
      await until(() => size() === wanted, 5_000, `the pane's pty to be ${wanted}`);
    },
    alive() {
      try {
        return tmux('display-message', '-p', '-t', 'main', '#{pane_dead}').trim() === '0';
      } catch {
        return false;
      }
    },
    kill() {
      try {
        tmux('kill-server');
      } catch {}
    },
  };
}
