// The interactive shell line gate: sits on a terminal channel's input, before
// the recording. Keys go through at once; an Enter is held until the policy
// has seen the line it would submit. The line is the terminal analyzer's view
// of the screen (what the shell shows after its prompt, continuation lines
// included) and the printable keys typed for it, read once the shell echoed
// what was sent. A denied line is not submitted: the proxy sends the keys that
// clear it (Ctrl-E Ctrl-U; Ctrl-U alone to a running program's typed-ahead
// line) and tells the user why.
//
// A guardrail, not a boundary: aliases, variables, `eval "$(echo … | base64 -d)"`,
// an editor (Ctrl-X Ctrl-E) or a script file get past any check of the text.
import type { PolicyAction, ResolvedPolicyDecision } from '@tapline/core';
import type { PendingCommandLine } from '@tapline/terminal';

const CR = 0x0d;
const LF = 0x0a;
const CTRL_E = Buffer.from([0x05]);
const CTRL_U = Buffer.from([0x15]);
const ENTER = Buffer.from([CR]);
// The last six bytes as one number (as @tapline/terminal's input scanner keeps them).
const PASTE_START = 0x1b5b_3230_307e; // ESC [ 2 0 0 ~
const PASTE_END = 0x1b5b_3230_317e; // ESC [ 2 0 1 ~
const KEEP = 2 ** 40;

/** How long the output must be quiet before a line whose echo does not match the keys is read. */
const ECHO_QUIET_MS = 40;
/** Longest wait for the echo of the keys sent before an Enter. */
const ECHO_WAIT_MS = 500;
/** Longest wait for the shell to clear a denied line. */
const CLEAR_WAIT_MS = 2000;
const POLL_MS = 10;

export type ShellLineCheck = (
  action: Omit<PolicyAction, 'protocol' | 'context'>,
) => ResolvedPolicyDecision | Promise<ResolvedPolicyDecision>;

export interface ShellLineGateIo {
  /** Sends client bytes on: recorded, analyzed, written to the target. */
  toTarget(chunk: Buffer): void;
  /** A message from the proxy to the user's terminal (not recorded as target output). */
  toClient(text: string): void;
  pauseClient(): void;
  resumeClient(): void;
}

export interface ShellLineGateOptions {
  /** The terminal analyzer's view of the line being typed. */
  pendingLine(): Promise<PendingCommandLine | undefined>;
  check: ShellLineCheck;
  /** Longest wait for the terminal analyzer to catch up with the output (the policy's timeout). */
  readWaitMs: number;
  /** The line could not be read in time: decided by `onPolicyError`, recorded. */
  uncheckable(action: Omit<PolicyAction, 'protocol' | 'context'>, reason: string): ResolvedPolicyDecision;
  /** A line was denied (after the keys clearing it were sent). */
  onDenied(command: string, decision: ResolvedPolicyDecision): void;
  io: ShellLineGateIo;
}

function squeeze(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The screen shows the keys typed for the line (its echo arrived). */
function echoed(line: PendingCommandLine): boolean {
  const keys = squeeze(line.keys);
  return keys !== '' && squeeze(line.text).endsWith(keys);
}

function lastLineEmpty(line: PendingCommandLine): boolean {
  return line.text.slice(line.text.lastIndexOf('\n') + 1).trim() === '';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const TIMED_OUT: unique symbol = Symbol('timed out');

/** `promise`'s value, or TIMED_OUT when it has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, ms, TIMED_OUT);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class ShellLineGate {
  private window = 0;
  private inPaste = false;
  private afterCr = false;
  /** Client bytes after an Enter being decided, in order. */
  private held: Buffer[] = [];
  private deciding = false;
  private closed = false;
  private lastTargetOutputMs = 0;
  private lastSentMs = 0;

  constructor(private readonly options: ShellLineGateOptions) {}

  fromClient(chunk: Buffer): void {
    if (this.closed) return;
    if (this.deciding) this.held.push(chunk);
    else this.scan(chunk);
  }

  /** The target wrote output (the echo the gate waits for). */
  targetOutput(): void {
    this.lastTargetOutputMs = performance.now();
  }

  /** The channel is closing: what is held is dropped (it never reached the target). */
  close(): void {
    this.closed = true;
    this.held = [];
  }

  private send(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.lastSentMs = performance.now();
    this.options.io.toTarget(chunk);
  }

  private scan(chunk: Buffer): void {
    const start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      this.window = (this.window % KEEP) * 256 + byte;
      if (byte === 0x7e && this.window === PASTE_START) this.inPaste = true;
      else if (byte === 0x7e && this.window === PASTE_END) this.inPaste = false;
      const afterCr = this.afterCr;
      this.afterCr = byte === CR;
      // Inside a bracketed paste CR and LF are text; LF right after CR is the same Enter.
      if (this.inPaste || (byte !== CR && byte !== LF) || (byte === LF && afterCr)) continue;
      this.send(chunk.subarray(start, i));
      this.deciding = true;
      this.options.io.pauseClient();
      void this.decide(chunk.subarray(i, i + 1), chunk.subarray(i + 1));
      return;
    }
    this.send(chunk.subarray(start));
  }

  private async decide(enter: Buffer, afterEnter: Buffer): Promise<void> {
    let rest = afterEnter;
    const line = await this.readLine(echoed);
    if (this.closed) return;
    const verdict = line === null ? undefined : await this.check(line);
    if (this.closed) return;
    if (verdict === undefined || verdict.decision.allow) {
      this.send(enter);
    } else {
      // The denied Enter's LF (CR LF) goes with it.
      if (rest[0] === LF) rest = rest.subarray(1);
      this.options.onDenied(verdict.command, verdict.decision);
      await this.refuse(line !== null && line !== 'timeout' && line.reading, verdict.decision);
      if (this.closed) return;
    }
    const held = this.held;
    this.held = [];
    this.deciding = false;
    this.options.io.resumeClient();
    const next = held.length === 0 ? rest : Buffer.concat([rest, ...held]);
    if (next.length > 0) this.scan(next);
  }

  /**
   * The line once the shell answered what was sent: at once when `settled`
   * says so (the screen ends with the keys typed), else when output came
   * after the last bytes sent and then stopped for a moment, else after
   * `capMs` (only `settled` or `capMs` when not `quietIsEnough`). Null: nothing to check (a full-screen program has the keyboard).
   */
  private async readLine(
    settled: (line: PendingCommandLine) => boolean,
    capMs = ECHO_WAIT_MS,
    quietIsEnough = true,
  ): Promise<PendingCommandLine | null | 'timeout'> {
    const started = performance.now();
    for (;;) {
      const line = await within(this.options.pendingLine(), this.options.readWaitMs);
      if (line === TIMED_OUT) return 'timeout';
      if (line === undefined) return null;
      if (!line.reading || this.closed || settled(line)) return line;
      const now = performance.now();
      const answered =
        quietIsEnough &&
        this.lastTargetOutputMs > this.lastSentMs &&
        now - this.lastTargetOutputMs >= ECHO_QUIET_MS;
      const idle = now - this.lastSentMs >= capMs;
      if (answered || idle || now - started >= capMs) return line;
      await sleep(POLL_MS);
    }
  }

  private async check(
    line: PendingCommandLine | 'timeout',
  ): Promise<{ command: string; decision: ResolvedPolicyDecision } | undefined> {
    if (line === 'timeout') {
      const decision = this.options.uncheckable(
        { type: 'shell_line', command: '' },
        'the terminal analyzer did not read the line in time',
      );
      return { command: '', decision };
    }
    // The screen's view, and the keys when they say something else (a line typed ahead, text the echo hid).
    const candidates = new Set<string>();
    if (line.reading && line.text.trim() !== '') candidates.add(line.text.trim());
    if (line.keys.trim() !== '' && squeeze(line.keys) !== squeeze(line.text))
      candidates.add(line.keys.trim());
    for (const command of candidates) {
      const pending = this.options.check({ type: 'shell_line', command });
      const decision = pending instanceof Promise ? await pending : pending;
      if (!decision.allow) return { command, decision };
    }
    return undefined;
  }

  /** Clears the denied line on the target and tells the user; a fresh prompt when the line is empty now. */
  private async refuse(reading: boolean, decision: ResolvedPolicyDecision): Promise<void> {
    this.send(reading ? Buffer.concat([CTRL_E, CTRL_U]) : CTRL_U);
    if (!reading) {
      this.options.io.toClient(`\r\ntapline: denied by policy: ${decision.message}\r\n`);
      return;
    }
    // Let the shell redraw the cleared line before the message, then ask for a new prompt below it.
    const cleared = await this.readLine(lastLineEmpty, CLEAR_WAIT_MS, false);
    if (this.closed) return;
    this.options.io.toClient(`\r\ntapline: denied by policy: ${decision.message}\r\n`);
    if (cleared !== null && cleared !== 'timeout' && cleared.reading && lastLineEmpty(cleared))
      this.send(ENTER);
  }
}
