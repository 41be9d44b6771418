// Runs a real program in a real pseudo-terminal (python3's pty module, no
// native addon) and returns what crossed it, both ways, with times.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TerminalStreamEvent } from '../src/index.js';

const SCRIPT = fileURLToPath(new URL('./pty-trace.py', import.meta.url));

export interface PtyStep {
  /** Keys to type; escape sequences ("\x1b[D") are sent whole. */
  send?: string;
  /** Wait until this appears in the output received since the step began. */
  expect?: string;
  /** Pause after each key when typing `send` one key at a time. */
  perKeyPauseMs?: number;
  /** Wait this long after the step (after `expect`). */
  pauseMs?: number;
  /** Resize the terminal before sending. */
  resize?: [cols: number, rows: number];
}

export interface PtySpec {
  argv: string[];
  env: Record<string, string>;
  cwd?: string;
  cols: number;
  rows: number;
  steps: PtyStep[];
  timeoutMs?: number;
}

/** The trace as JSON-friendly data (what the fixture file holds). */
export interface RecordedTrace {
  cols: number;
  rows: number;
  events: Array<
    | { type: 'output' | 'input'; offsetNs: number; data: string }
    | { type: 'resize'; offsetNs: number; cols: number; rows: number }
  >;
  error?: string;
}

type TraceEvent = RecordedTrace['events'][number];

/**
 * Runs the spec in a real pty. `onEvent` sees each event as soon as the
 * recorder reports it, while the program still runs (the live path).
 */
export function recordPty(spec: PtySpec, onEvent?: (event: TraceEvent) => void): Promise<RecordedTrace> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    const events: TraceEvent[] = [];
    let done: { cols: number; rows: number; error?: string } | undefined;
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const record = JSON.parse(line) as
        | TraceEvent
        | { done: true; cols: number; rows: number; error?: string };
      if ('done' in record) {
        done = record;
        return;
      }
      events.push(record);
      onEvent?.(record);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (done === undefined) return reject(new Error(`pty recorder exited with ${code} and no result`));
      if (done.error !== undefined) return reject(new Error(done.error));
      resolve({ cols: done.cols, rows: done.rows, events });
    });
    child.stdin!.end(JSON.stringify(spec));
  });
}

export function streamEvent(event: TraceEvent): TerminalStreamEvent {
  return event.type === 'resize'
    ? { kind: 'resize', cols: event.cols, rows: event.rows, offsetNs: event.offsetNs }
    : {
        kind: event.type,
        bytes: new Uint8Array(Buffer.from(event.data, 'base64')),
        offsetNs: event.offsetNs,
      };
}

export function streamEvents(trace: RecordedTrace): TerminalStreamEvent[] {
  return trace.events.map(streamEvent);
}

/** All bytes one way, as text, to prove a secret really crossed the terminal. */
export function directionText(trace: RecordedTrace, type: 'input' | 'output'): string {
  return trace.events
    .filter((event) => event.type === type)
    .map((event) => Buffer.from((event as { data: string }).data, 'base64').toString('utf8'))
    .join('');
}

export const PROMPT = 'tap$ ';

/** A clean interactive bash: no rc files, a known prompt, a fixed environment. */
export function bashSpec(
  steps: PtyStep[],
  options: { cols?: number; rows?: number; ps1?: string; cwd?: string } = {},
): PtySpec {
  return {
    argv: ['bash', '--norc', '--noprofile', '-i'],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: {
      PS1: options.ps1 ?? PROMPT,
      TERM: 'xterm-256color',
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: options.cwd ?? '/tmp',
      LANG: 'C.UTF-8',
      HISTFILE: '/dev/null',
    },
    cols: options.cols ?? 80,
    rows: options.rows ?? 24,
    steps: [{ expect: PROMPT }, ...steps],
  };
}

/** Type `keys` one at a time, then Enter, and wait for the next prompt. */
export function command(keys: string, expect = PROMPT): PtyStep[] {
  return [
    { send: keys, perKeyPauseMs: 4 },
    { send: '\r', expect },
  ];
}
