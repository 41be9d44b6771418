import { TaplineError } from '@tapline/frames';
import { InputByte, InputScanner } from './input-scanner.js';
import { programOf } from './program.js';
import { cursorRow, promptAtCursor, readCommandLine } from './screen.js';
import type {
  CommandExtractor,
  CommandExtractorOptions,
  CommandExtractorStats,
  FullscreenTerminalEvent,
  TerminalEvent,
} from './types.js';
import { type IBuffer, type IMarker, type XtermTerminal, XtermTerminalClass } from './xterm.js';

const COMPONENT = 'terminal';
const DEFAULT_MAX_PENDING = 8 * 1024 * 1024;
// @xterm/headless throws (and discards) past 50 MB of unparsed writes.
const MAX_PENDING_LIMIT = 32 * 1024 * 1024;
/** Every queued chunk counts at least this much, so a flood of tiny chunks is bounded too. */
const MIN_CHUNK_COST = 64;
const MAX_COLS = 2000;
const MAX_ROWS = 1000;
const MAX_SCROLLBACK = 10_000;
/** Bash turns bracketed paste off right after the newline that ends the line; look no further. */
const MAX_LINE_FEEDS_BEFORE_ACCEPT = 16;
const EMPTY = new Uint8Array(0);
const MAX_KNOWN_PROMPTS = 4;

enum EntryKind {
  Output = 0,
  Input = 1,
  Resize = 2,
  Gap = 3,
  End = 4,
}

/** How sure the text of an accepted line is, by the moment it was read. */
enum Certainty {
  /** Read when Enter was pressed: the shell may not have echoed everything yet. */
  AtEnter = 0,
  /** Read at the first line feed after Enter: the shell moved off the line. */
  AtLineFeed = 1,
  /** Read when the shell turned bracketed paste off: readline accepted the line (bash ≥ 5.1, zsh). */
  AtAccept = 2,
}

/** A line the person is typing: where it starts on the screen. */
interface TypedLine {
  marker: IMarker | undefined;
  prompt: string;
}

/** A line the person pressed Enter on, until it is final. */
interface AcceptedLine extends TypedLine {
  startedOffsetNs: number;
  text: string;
  certainty: Certainty;
  lineFeeds: number;
  lastOutputOffsetNs: number | undefined;
}

function invalid(message: string): TaplineError {
  return new TaplineError('TAPLINE_ERR_TERMINAL_INVALID', message, { component: COMPONENT });
}

function checkOffset(offsetNs: number): void {
  if (typeof offsetNs !== 'number' || !Number.isFinite(offsetNs))
    throw invalid('offsetNs must be a finite number');
}

function checkBytes(bytes: Uint8Array): void {
  if (!(bytes instanceof Uint8Array)) throw invalid('bytes must be a Uint8Array');
}

function clampSize(value: number | undefined, fallback: number, max: number): number {
  if (value === undefined || !Number.isFinite(value) || value < 1) return fallback;
  return Math.min(Math.floor(value), max);
}

/**
 * A queue of writes mirroring @xterm/headless's own write buffer: each entry
 * is handed to `terminal.write()` at once (with an empty write for input,
 * resize and markers) and handled in the write's callback, which xterm calls
 * in order once everything before it is parsed. Parallel arrays, grown by
 * doubling: no allocation per chunk once warm.
 */
class WriteQueue {
  kinds = new Uint8Array(64);
  offsets = new Float64Array(64);
  costs = new Float64Array(64);
  extraA = new Float64Array(64);
  extraB = new Float64Array(64);
  payloads: Array<Uint8Array | undefined> = new Array(64).fill(undefined);
  head = 0;
  length = 0;

  push(kind: EntryKind, offsetNs: number, cost: number, payload: Uint8Array | undefined, a = 0, b = 0): void {
    if (this.length === this.kinds.length) this.grow();
    const index = (this.head + this.length) & (this.kinds.length - 1);
    this.kinds[index] = kind;
    this.offsets[index] = offsetNs;
    this.costs[index] = cost;
    this.payloads[index] = payload;
    this.extraA[index] = a;
    this.extraB[index] = b;
    this.length++;
  }

  shift(): void {
    this.payloads[this.head] = undefined;
    this.head = (this.head + 1) & (this.kinds.length - 1);
    this.length--;
  }

  private grow(): void {
    const size = this.kinds.length * 2;
    const order = (from: number) => (from + this.head) & (this.kinds.length - 1);
    const kinds = new Uint8Array(size);
    const offsets = new Float64Array(size);
    const costs = new Float64Array(size);
    const extraA = new Float64Array(size);
    const extraB = new Float64Array(size);
    const payloads: Array<Uint8Array | undefined> = new Array(size).fill(undefined);
    for (let i = 0; i < this.length; i++) {
      const from = order(i);
      kinds[i] = this.kinds[from]!;
      offsets[i] = this.offsets[from]!;
      costs[i] = this.costs[from]!;
      extraA[i] = this.extraA[from]!;
      extraB[i] = this.extraB[from]!;
      payloads[i] = this.payloads[from];
    }
    this.kinds = kinds;
    this.offsets = offsets;
    this.costs = costs;
    this.extraA = extraA;
    this.extraB = extraB;
    this.payloads = payloads;
    this.head = 0;
  }
}

class HeadlessCommandExtractor implements CommandExtractor {
  private readonly terminal: XtermTerminal;
  private readonly queue = new WriteQueue();
  private readonly scanner = new InputScanner();
  private readonly maxPendingBytes: number;
  private readonly onEvent: ((event: TerminalEvent) => void) | undefined;
  private readonly retained: TerminalEvent[] | undefined;
  private readonly onParsed = (): void => this.handleHead();

  private pendingBytes = 0;
  private droppedBytes = 0;
  private gaps = 0;
  private outputBytes = 0;
  private eventCount = 0;

  // A gap being counted at enqueue time, emitted before the next accepted chunk.
  private gapDropped = 0;
  private gapStartNs = 0;
  private gapEndNs = 0;
  private gapResizeCols = 0;
  private gapResizeRows = 0;

  private line: TypedLine | undefined;
  private accepted: AcceptedLine | undefined;
  private fullscreen: Omit<FullscreenTerminalEvent, 'endedOffsetNs'> | undefined;
  /** The command line that last started a full-screen program, until the person types again. */
  private launcher: { text: string; program: string } | undefined;
  /** The last few distinct non-empty prompts lines were typed after, newest first. */
  private readonly knownPrompts: string[] = [];

  private closed = false;
  private disposed = false;
  private callbackError: unknown;
  private drainWaiters: Array<() => void> = [];
  private endResolve: ((events: TerminalEvent[]) => void) | undefined;
  private endReject: ((error: Error) => void) | undefined;

  constructor(options: CommandExtractorOptions) {
    const maxPending = options.maxPendingBytes ?? DEFAULT_MAX_PENDING;
    if (!Number.isFinite(maxPending) || maxPending < MIN_CHUNK_COST || maxPending > MAX_PENDING_LIMIT) {
      throw invalid(`maxPendingBytes must be between ${MIN_CHUNK_COST} and ${MAX_PENDING_LIMIT}`);
    }
    this.maxPendingBytes = maxPending;
    this.onEvent = options.onEvent;
    this.retained = options.retainEvents === false ? undefined : [];
    this.terminal = new XtermTerminalClass({
      cols: clampSize(options.cols, 80, MAX_COLS),
      rows: clampSize(options.rows, 24, MAX_ROWS),
      scrollback: Math.min(Math.max(Math.floor(options.scrollback ?? 100), 0), MAX_SCROLLBACK),
      allowProposedApi: true,
      logLevel: 'off',
    });
    // These fire synchronously while xterm parses, at the exact byte, so the
    // result does not depend on how the output was cut into chunks.
    this.terminal.onLineFeed(() => this.handleLineFeed());
    this.terminal.buffer.onBufferChange((buffer) => this.handleBufferChange(buffer));
    this.terminal.parser.registerCsiHandler({ prefix: '?', final: 'h' }, (params) =>
      this.handleMode(params, true),
    );
    this.terminal.parser.registerCsiHandler({ prefix: '?', final: 'l' }, (params) =>
      this.handleMode(params, false),
    );
  }

  get stats(): Readonly<CommandExtractorStats> {
    return {
      pendingBytes: this.pendingBytes,
      droppedBytes: this.droppedBytes,
      gaps: this.gaps,
      outputBytes: this.outputBytes,
      events: this.eventCount,
    };
  }

  output(bytes: Uint8Array, offsetNs: number): boolean {
    return this.enqueueBytes(EntryKind.Output, bytes, offsetNs);
  }

  input(bytes: Uint8Array, offsetNs: number): boolean {
    return this.enqueueBytes(EntryKind.Input, bytes, offsetNs);
  }

  resize(cols: number, rows: number, offsetNs: number): void {
    this.checkOpen();
    checkOffset(offsetNs);
    if (typeof cols !== 'number' || typeof rows !== 'number') throw invalid('cols and rows must be numbers');
    const width = clampSize(cols, 0, MAX_COLS);
    const height = clampSize(rows, 0, MAX_ROWS);
    if (width === 0 || height === 0) return;
    if (this.gapDropped > 0 || this.pendingBytes + MIN_CHUNK_COST > this.maxPendingBytes) {
      // Keep only the latest size; it is applied with the gap.
      this.gapResizeCols = width;
      this.gapResizeRows = height;
      if (this.gapDropped === 0) this.gapStartNs = offsetNs;
      this.gapEndNs = offsetNs;
      return;
    }
    this.enqueue(EntryKind.Resize, offsetNs, MIN_CHUNK_COST, undefined, width, height);
  }

  drained(): Promise<void> {
    if (this.queue.length === 0 || this.disposed) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  end(offsetNs: number): Promise<TerminalEvent[]> {
    this.checkOpen();
    checkOffset(offsetNs);
    this.flushGap();
    this.closed = true;
    return new Promise((resolve, reject) => {
      this.endResolve = resolve;
      this.endReject = reject;
      this.enqueue(EntryKind.End, offsetNs, 0, undefined);
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.closed = true;
    this.terminal.dispose();
    this.endReject?.(
      new TaplineError('TAPLINE_ERR_TERMINAL_CLOSED', 'extractor disposed before end() finished', {
        component: COMPONENT,
      }),
    );
    this.endResolve = undefined;
    this.endReject = undefined;
    this.resolveDrainWaiters();
  }

  // ---- Enqueueing (the caller's side: never blocks, never waits) ----

  private checkOpen(): void {
    if (this.closed) {
      throw new TaplineError('TAPLINE_ERR_TERMINAL_CLOSED', 'the extractor was ended or disposed', {
        component: COMPONENT,
      });
    }
  }

  private enqueueBytes(kind: EntryKind, bytes: Uint8Array, offsetNs: number): boolean {
    this.checkOpen();
    checkBytes(bytes);
    checkOffset(offsetNs);
    if (bytes.length === 0) return this.pendingBytes * 2 <= this.maxPendingBytes;
    if (bytes.length > this.maxPendingBytes / 2) {
      // A chunk bigger than the queue goes in as pieces (views, not copies).
      const piece = Math.floor(this.maxPendingBytes / 2);
      let belowHalf = true;
      for (let start = 0; start < bytes.length; start += piece) {
        belowHalf = this.enqueueBytes(kind, bytes.subarray(start, start + piece), offsetNs);
      }
      return belowHalf;
    }
    const cost = Math.max(bytes.length, MIN_CHUNK_COST);
    if (this.pendingBytes + cost > this.maxPendingBytes) {
      // Fallen behind: count what is dropped instead of growing.
      if (this.gapDropped === 0 && this.gapResizeCols === 0) this.gapStartNs = offsetNs;
      this.gapEndNs = offsetNs;
      this.gapDropped += bytes.length;
      this.droppedBytes += bytes.length;
      return false;
    }
    this.flushGap();
    this.enqueue(kind, offsetNs, cost, bytes);
    return this.pendingBytes * 2 <= this.maxPendingBytes;
  }

  private flushGap(): void {
    if (this.gapDropped === 0 && this.gapResizeCols === 0) return;
    if (this.gapDropped > 0)
      this.enqueue(EntryKind.Gap, this.gapStartNs, 0, undefined, this.gapDropped, this.gapEndNs);
    if (this.gapResizeCols > 0) {
      this.enqueue(
        EntryKind.Resize,
        this.gapEndNs,
        MIN_CHUNK_COST,
        undefined,
        this.gapResizeCols,
        this.gapResizeRows,
      );
    }
    this.gapDropped = 0;
    this.gapResizeCols = 0;
    this.gapResizeRows = 0;
  }

  private enqueue(
    kind: EntryKind,
    offsetNs: number,
    cost: number,
    payload: Uint8Array | undefined,
    a = 0,
    b = 0,
  ): void {
    this.queue.push(kind, offsetNs, cost, payload, a, b);
    this.pendingBytes += cost;
    this.terminal.write(kind === EntryKind.Output ? payload! : EMPTY, this.onParsed);
  }

  // ---- Processing (xterm's write callbacks, in stream order) ----

  /** The offset of the chunk xterm is parsing now (or the last one handled). */
  private get currentOffsetNs(): number {
    return this.queue.offsets[this.queue.head]!;
  }

  private handleHead(): void {
    if (this.disposed) return;
    const queue = this.queue;
    const index = queue.head;
    const kind = queue.kinds[index] as EntryKind;
    const offsetNs = queue.offsets[index]!;
    const payload = queue.payloads[index];
    const a = queue.extraA[index]!;
    const b = queue.extraB[index]!;
    this.pendingBytes -= queue.costs[index]!;
    queue.shift();
    try {
      switch (kind) {
        case EntryKind.Output:
          this.outputBytes += payload!.length;
          if (this.accepted !== undefined) this.accepted.lastOutputOffsetNs = offsetNs;
          break;
        case EntryKind.Input:
          this.handleInput(payload!, offsetNs);
          break;
        case EntryKind.Resize:
          this.terminal.resize(a, b);
          break;
        case EntryKind.Gap:
          this.handleGap(a, offsetNs, b);
          break;
        case EntryKind.End:
          this.handleEnd(offsetNs);
          return;
      }
    } catch (error) {
      this.callbackError ??= error;
    }
    if (queue.length === 0) this.resolveDrainWaiters();
  }

  private resolveDrainWaiters(): void {
    const waiters = this.drainWaiters;
    if (waiters.length === 0) return;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private get buffer(): IBuffer {
    return this.terminal.buffer.active;
  }

  private handleInput(bytes: Uint8Array, offsetNs: number): void {
    const scanner = this.scanner;
    if (this.buffer.type === 'alternate') {
      // Keystrokes inside a full-screen program are its business, not commands.
      for (let i = 0; i < bytes.length; i++) scanner.step(bytes[i]!);
      return;
    }
    for (let i = 0; i < bytes.length; i++) {
      const meaning = scanner.step(bytes[i]!);
      if (meaning === InputByte.None) continue;
      if (this.line === undefined) this.beginLine();
      if (meaning === InputByte.Enter) this.acceptLine(offsetNs);
    }
  }

  /** The person started typing: the line starts at the cursor, after the prompt. */
  private beginLine(): void {
    if (this.accepted !== undefined) this.finishAccepted(this.accepted.lastOutputOffsetNs);
    this.launcher = undefined;
    const buffer = this.buffer;
    const { firstRow, prompt } = promptAtCursor(buffer);
    const marker = this.terminal.registerMarker(firstRow - cursorRow(buffer));
    this.line = { marker, prompt };
    if (prompt.trim() !== '' && this.knownPrompts[0] !== prompt) {
      const known = this.knownPrompts.indexOf(prompt);
      if (known !== -1) this.knownPrompts.splice(known, 1);
      else if (this.knownPrompts.length === MAX_KNOWN_PROMPTS) this.knownPrompts.pop();
      this.knownPrompts.unshift(prompt);
    }
  }

  private acceptLine(offsetNs: number): void {
    const line = this.line!;
    this.line = undefined;
    this.accepted = {
      marker: line.marker,
      prompt: line.prompt,
      startedOffsetNs: offsetNs,
      text: this.read(line, false),
      certainty: Certainty.AtEnter,
      lineFeeds: 0,
      lastOutputOffsetNs: undefined,
    };
  }

  private read(line: TypedLine, afterLineFeed: boolean): string {
    const marker = line.marker;
    const startRow = marker === undefined || marker.isDisposed ? -1 : marker.line;
    return readCommandLine(
      this.buffer,
      this.terminal.cols,
      startRow,
      line.prompt,
      afterLineFeed,
      this.knownPrompts,
    );
  }

  private finishAccepted(endedOffsetNs: number | undefined): void {
    const accepted = this.accepted!;
    this.accepted = undefined;
    accepted.marker?.dispose();
    const text = accepted.text.trim();
    // Nothing on the screen (a no-echo password, an empty line): nothing ran that we can name.
    if (text === '') return;
    this.emit(
      endedOffsetNs === undefined
        ? { kind: 'command', text, startedOffsetNs: accepted.startedOffsetNs }
        : { kind: 'command', text, startedOffsetNs: accepted.startedOffsetNs, endedOffsetNs },
    );
  }

  private handleLineFeed(): void {
    const accepted = this.accepted;
    if (accepted === undefined || this.buffer.type === 'alternate') return;
    accepted.lineFeeds++;
    if (accepted.certainty < Certainty.AtLineFeed) {
      accepted.text = this.read(accepted, true);
      accepted.certainty = Certainty.AtLineFeed;
    }
  }

  private handleMode(params: (number | number[])[], set: boolean): boolean {
    for (const param of params) {
      if (param !== 2004) continue;
      const accepted = this.accepted;
      if (accepted === undefined || this.buffer.type === 'alternate') break;
      if (set) {
        // The shell asks for its next line: the command is over.
        this.finishAccepted(this.currentOffsetNs);
      } else if (
        accepted.certainty < Certainty.AtAccept &&
        accepted.lineFeeds <= MAX_LINE_FEEDS_BEFORE_ACCEPT
      ) {
        accepted.text = this.read(accepted, false);
        accepted.certainty = Certainty.AtAccept;
      }
      break;
    }
    // Let xterm's own handler run too.
    return false;
  }

  private handleBufferChange(buffer: IBuffer): void {
    const offsetNs = this.currentOffsetNs;
    if (buffer.type === 'alternate') {
      if (this.line !== undefined) {
        this.line.marker?.dispose();
        this.line = undefined;
      }
      if (this.fullscreen !== undefined) return;
      const accepted = this.accepted;
      if (accepted !== undefined) {
        this.accepted = undefined;
        accepted.marker?.dispose();
        const text = accepted.text.trim();
        this.launcher = { text, program: programOf(text) };
        this.fullscreen = { kind: 'fullscreen', ...this.launcher, startedOffsetNs: accepted.startedOffsetNs };
      } else {
        const launcher = this.launcher ?? { text: '', program: '' };
        this.fullscreen = { kind: 'fullscreen', ...launcher, startedOffsetNs: offsetNs };
      }
      return;
    }
    this.closeFullscreen(offsetNs);
  }

  private closeFullscreen(endedOffsetNs: number): void {
    const fullscreen = this.fullscreen;
    if (fullscreen === undefined) return;
    this.fullscreen = undefined;
    this.emit({
      kind: 'fullscreen',
      program: fullscreen.program,
      text: fullscreen.text,
      startedOffsetNs: fullscreen.startedOffsetNs,
      endedOffsetNs,
    });
  }

  private handleGap(droppedBytes: number, startedOffsetNs: number, endedOffsetNs: number): void {
    this.gaps++;
    // What was being typed can no longer be read reliably.
    if (this.line !== undefined) {
      this.line.marker?.dispose();
      this.line = undefined;
    }
    this.emit({ kind: 'gap', droppedBytes, startedOffsetNs, endedOffsetNs });
  }

  private handleEnd(offsetNs: number): void {
    try {
      this.closeFullscreen(offsetNs);
      if (this.accepted !== undefined) this.finishAccepted(this.accepted.lastOutputOffsetNs);
      this.line?.marker?.dispose();
      this.line = undefined;
    } catch (error) {
      this.callbackError ??= error;
    }
    const resolve = this.endResolve!;
    const reject = this.endReject!;
    this.endResolve = undefined;
    this.endReject = undefined;
    this.disposed = true;
    this.terminal.dispose();
    this.resolveDrainWaiters();
    if (this.callbackError !== undefined) {
      reject(
        new TaplineError('TAPLINE_ERR_TERMINAL_CALLBACK', 'an onEvent callback or the emulator threw', {
          component: COMPONENT,
          cause: this.callbackError,
        }),
      );
    } else {
      resolve(this.retained ?? []);
    }
  }

  private emit(event: TerminalEvent): void {
    this.eventCount++;
    this.retained?.push(event);
    if (this.onEvent === undefined) return;
    try {
      this.onEvent(event);
    } catch (error) {
      // Thrown inside xterm's write loop it would stop the emulator; end() reports it.
      this.callbackError ??= error;
    }
  }
}

/**
 * Creates an extractor for one interactive terminal stream. Feed it the
 * target's output and the client's input in the order they crossed the
 * proxy; it never blocks the caller.
 */
export function createCommandExtractor(options: CommandExtractorOptions = {}): CommandExtractor {
  return new HeadlessCommandExtractor(options);
}
