// A small builder for handcrafted terminal streams.
import { type CommandTerminalEvent, programsOf, type TerminalStreamEvent } from '../src/index.js';

const encoder = new TextEncoder();

export class StreamBuilder {
  readonly events: TerminalStreamEvent[] = [];
  private offsetNs = 0;

  /** The target prints. */
  out(text: string): this {
    this.offsetNs += 1000;
    this.events.push({ kind: 'output', bytes: encoder.encode(text), offsetNs: this.offsetNs });
    return this;
  }

  /** The person types. */
  in(text: string): this {
    this.offsetNs += 1000;
    this.events.push({ kind: 'input', bytes: encoder.encode(text), offsetNs: this.offsetNs });
    return this;
  }

  resize(cols: number, rows: number): this {
    this.offsetNs += 1000;
    this.events.push({ kind: 'resize', cols, rows, offsetNs: this.offsetNs });
    return this;
  }

  /** Bash ≥ 5.1: bracketed paste on, then the prompt. */
  prompt(prompt = 'tap$ '): this {
    return this.out(`\x1b[?2004h${prompt}`);
  }

  /** Each key typed and echoed back as-is. */
  typeEchoed(keys: string): this {
    for (const key of keys) this.in(key).out(key);
    return this;
  }

  /** Enter, the shell's newline, bracketed paste off, and the command's output. */
  enter(output = ''): this {
    return this.in('\r').out(`\r\n\x1b[?2004l\r${output}`);
  }

  get lastOffsetNs(): number {
    return this.offsetNs;
  }
}

/** The same stream with one event's bytes cut in two at `at` (both halves keep its offset). */
export function splitEvent(events: TerminalStreamEvent[], index: number, at: number): TerminalStreamEvent[] {
  const event = events[index]!;
  if (event.kind === 'resize') return events;
  return [
    ...events.slice(0, index),
    { ...event, bytes: event.bytes.subarray(0, at) },
    { ...event, bytes: event.bytes.subarray(at) },
    ...events.slice(index + 1),
  ];
}

/** A command event as typed key by key, its programs as the grammar finds them. */
export function typed(
  event: Omit<CommandTerminalEvent, 'source' | 'programs'> & Partial<CommandTerminalEvent>,
): CommandTerminalEvent {
  return { source: 'typed', programs: programsOf(event.text), ...event };
}
