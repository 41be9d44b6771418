/** How the person produced a command line, from the keystrokes that made it. */
export type CommandInputSource =
  /** Keys typed one by one (line editing included). */
  | 'typed'
  /** A bracketed paste, or several lines that arrived in one write (a paste, `tmux send-keys`, type-ahead in one read). */
  | 'pasted'
  /** Recalled from history: Up/Down, Ctrl-P/N, Ctrl-R search. */
  | 'recalled'
  /** Completed with Tab. */
  | 'completed';

/** One program a command line runs, found with the shell grammar. */
export interface CommandProgram {
  /** The program's name as written, without its directory ("ls", "vim", "./deploy.sh" → "deploy.sh"). */
  name: string;
  /** Variable assignments that apply to it: `FOO=1 ls`, `env FOO=1 ls`. */
  assignments: string[];
  /** The wrappers it ran under, outermost first: `sudo -n nohup ls` → ["sudo", "nohup"]. */
  wrappers: string[];
}

/** A command the shell was given, read from the screen when it was accepted. */
export interface CommandTerminalEvent {
  kind: 'command';
  /**
   * The command as the screen showed it after the prompt; wrapped rows
   * joined, trimmed. A command over several lines (a for block, a heredoc
   * with its body, a backslash continuation) keeps them, joined with "\n",
   * without the continuation prompts.
   */
  text: string;
  /** When Enter was pressed (the input chunk holding it; the first line's Enter for a multi-line command), ns since session start. */
  startedOffsetNs: number;
  /**
   * When the command was over: the shell's end mark (OSC 133/633 D), the
   * output that re-enabled bracketed paste (the shell's next prompt, bash ≥
   * 5.1 / zsh) or, without that signal, the last output before the next
   * line. Absent when no output came.
   */
  endedOffsetNs?: number;
  /** The exit status the shell reported with OSC 133/633 D; absent when it sent none. */
  exitCode?: number;
  /** How the line was entered. */
  source: CommandInputSource;
  /** Every program it runs (pipelines, lists, subshells, wrappers), in order; [] when none is named. */
  programs: CommandProgram[];
}

/** A full-screen program (one that used the alternate screen buffer). */
export interface FullscreenTerminalEvent {
  kind: 'fullscreen';
  /** The program's name taken from `text` ("vi", "less"), or "" when no command line started it. */
  program: string;
  /** The command line that started it, or "" when none did. */
  text: string;
  /**
   * When the command that started it was entered, or when the alternate
   * screen was entered if no command line was waiting for it.
   */
  startedOffsetNs: number;
  /** When it left the alternate screen (or the stream ended). */
  endedOffsetNs: number;
}

/**
 * Bytes the extractor dropped because it fell behind (live use only: see
 * `maxPendingBytes`). Commands around a gap may be missing or wrong.
 */
export interface GapTerminalEvent {
  kind: 'gap';
  droppedBytes: number;
  /** Offset of the first dropped chunk. */
  startedOffsetNs: number;
  /** Offset of the last dropped chunk. */
  endedOffsetNs: number;
}

export type TerminalEvent = CommandTerminalEvent | FullscreenTerminalEvent | GapTerminalEvent;

/** One event of a recorded terminal stream, for `extractCommands()`. */
export type TerminalStreamEvent =
  | { kind: 'output'; bytes: Uint8Array; offsetNs: number }
  | { kind: 'input'; bytes: Uint8Array; offsetNs: number }
  | { kind: 'resize'; cols: number; rows: number; offsetNs: number };

export interface CommandExtractorOptions {
  /** Terminal width at the start of the stream. @default 80 */
  cols?: number;
  /** Terminal height at the start of the stream. @default 24 */
  rows?: number;
  /**
   * Rows kept above the screen. A command line longer than the screen plus
   * this is cut to what is still there. @default 100
   */
  scrollback?: number;
  /**
   * Most bytes waiting for the emulator (output plus input, each chunk
   * counted as at least 64 bytes). Past it, chunks are dropped and counted
   * in a `gap` event instead of queued. At most 32 MiB. @default 8 MiB
   */
  maxPendingBytes?: number;
  /** Called with each event, in order, as soon as it is final. */
  onEvent?: (event: TerminalEvent) => void;
  /** Keep the events so `end()` returns them. Set false for long live sessions. @default true */
  retainEvents?: boolean;
}

export interface CommandExtractorStats {
  /** Bytes queued for the emulator and not processed yet (with the 64-byte minimum per chunk). */
  pendingBytes: number;
  /** Output and input bytes dropped because the queue was full. */
  droppedBytes: number;
  /** Gap events emitted. */
  gaps: number;
  /** Output bytes the emulator has processed. */
  outputBytes: number;
  /** Events emitted. */
  events: number;
}

/** The line the person is typing right now, before Enter (what a policy is asked about). */
export interface PendingCommandLine {
  /**
   * True when the shell is reading a line at its prompt; false while a
   * command runs (keys typed ahead go to it or wait for the shell).
   */
  reading: boolean;
  /**
   * The command the shell would be given if Enter were pressed now, as the
   * screen shows it: the lines of an open multi-line command (after PS2
   * prompts) joined with "\n", then this line. "" when not reading.
   */
  text: string;
  /** The printable keys typed for this line; "" once an editing key changed it. */
  keys: string;
}

export interface CommandExtractor {
  /**
   * Target → client bytes. Never blocks: the bytes are queued for the
   * emulator (a reference is kept until processed, so do not reuse the
   * buffer) or, when the queue is full, dropped and reported as a gap.
   * Returns false when the queue is above half of `maxPendingBytes` (a hint
   * to wait for `drained()`), true otherwise.
   */
  output(bytes: Uint8Array, offsetNs: number): boolean;
  /** Client → target bytes (keystrokes). Same queueing as `output()`. */
  input(bytes: Uint8Array, offsetNs: number): boolean;
  /** The terminal was resized. Sizes below 1 are ignored, large ones clamped (2000 × 1000). */
  resize(cols: number, rows: number, offsetNs: number): void;
  /** Resolves once everything queued so far has been processed. */
  drained(): Promise<void>;
  /**
   * Once everything queued so far is processed: the line being typed now.
   * Undefined inside a full-screen program or after `end()`/`dispose()`.
   */
  pendingLine(): Promise<PendingCommandLine | undefined>;
  /** Flushes, closes open commands and full-screen programs at `offsetNs`, and returns the retained events. */
  end(offsetNs: number): Promise<TerminalEvent[]>;
  /** Stops at once, dropping what is queued; a pending `end()` rejects. */
  dispose(): void;
  readonly stats: Readonly<CommandExtractorStats>;
}
