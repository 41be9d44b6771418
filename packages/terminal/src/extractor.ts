import { TaplineError } from '@tapline/frames';
import { parseShellText, programOf } from './grammar.js';
import { InputByte, InputScanner, LineSource } from './input-scanner.js';
import { cursorRow, logicalEnd, promptAtCursor, readCommandLine, rowsText } from './screen.js';
import type {
  CommandExtractor,
  CommandExtractorOptions,
  CommandExtractorStats,
  CommandInputSource,
  CommandProgram,
  CommandTerminalEvent,
  FullscreenTerminalEvent,
  PendingCommandLine,
  TerminalEvent,
} from './types.js';
import {
  type IBuffer,
  type IMarker,
  inputHandlerOf,
  type XtermInputHandler,
  type XtermTerminal,
  XtermTerminalClass,
} from './xterm.js';

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
const MAX_KNOWN_PROMPTS = 4;
/** Enters waiting for the shell at most; more are counted as lost lines, never queued without bound. */
const MAX_WAITING_ENTERS = 1024;
/** The continuation prompt every shell shows by default (PS2). */
const DEFAULT_CONTINUATION_PROMPT = '> ';

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
  /** Read when the shell turned bracketed paste off (bash ≥ 5.1, zsh) or marked the command executed (OSC 133 C). */
  AtAccept = 2,
}

/** A line the person is typing: where it starts on the screen. */
interface TypedLine {
  marker: IMarker | undefined;
  /** The prompt before it, "" while unknown (a typed-ahead line whose prompt was not printed yet). */
  prompt: string;
  /**
   * The column the shell's prompt (promptKnown false) or the line itself
   * (promptKnown true) starts at on the marker's row; -1 when the line was
   * found at the person's first key (the prompt text is used instead).
   */
  startCol: number;
  promptKnown: boolean;
}

/** A line the person pressed Enter on, until the shell accepted it. */
interface AcceptedLine extends TypedLine {
  startedOffsetNs: number;
  text: string;
  certainty: Certainty;
  lineFeeds: number;
  /** LineSource bits. */
  sources: number;
  /** The printable keys typed for it ("" when edited), to find it after an unknown prompt. */
  keys: string;
  /** Bracketed paste was on at Enter: the shell turns it off when it accepts the line. */
  expectAccept: boolean;
  /** The text was read (at Enter or later); a line never read is read when it is committed. */
  readAtEnter: boolean;
  /** Where the line ended at the first line feed, while that text is not read yet. */
  lineEnd?: IMarker | undefined;
}

/** An Enter pressed while the shell was still busy with an earlier line (type-ahead, several lines in one write). */
interface WaitingEnter {
  offsetNs: number;
  sources: number;
  keys: string;
}

/** The lines of a command the shell is still reading (its continuation prompt, PS2). */
interface OpenCommand {
  text: string;
  /** The prompt of its first line: a line typed after the same prompt is a new command. */
  firstPrompt: string;
  startedOffsetNs: number;
  sources: number;
}

/** A complete command the shell is running, until it is over. */
interface RunningCommand {
  text: string;
  startedOffsetNs: number;
  sources: number;
  programs: CommandProgram[];
  lastOutputOffsetNs: number | undefined;
  exitCode: number | undefined;
  /** Accepted with bracketed paste on: the shell turns it on again at its next prompt, which ends the command. */
  endsAtPrompt: boolean;
  /** The last output before the person typed ahead (the echo of what they type is not the command's). */
  outputBeforeKeys: number | undefined;
  keysSeen: boolean;
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

function sourceOf(sources: number): CommandInputSource {
  if (sources & LineSource.Pasted) return 'pasted';
  if (sources & LineSource.Recalled) return 'recalled';
  if (sources & LineSource.Completed) return 'completed';
  return 'typed';
}

/** Trailing blanks of each line are the screen's, not the command's. */
function trimLineEnds(text: string): string {
  return text.includes('\n') ? text.replace(/[ \t]+$/gm, '') : text.trimEnd();
}

/**
 * True when `screen` is `keys` as a terminal shows them: the same text, but
 * each run of blanks holding tabs drawn as spaces up to the next tab stop (a
 * pasted `<<-` heredoc). Runs are compared whole, so this is linear.
 */
export function showsKeysWithTabs(screen: string, keys: string): boolean {
  let s = 0;
  let k = 0;
  while (k < keys.length) {
    const key = keys.charCodeAt(k);
    if (key !== 0x09 && key !== 0x20) {
      if (screen.charCodeAt(s) !== key) return false;
      s++;
      k++;
      continue;
    }
    let blanks = 0;
    let tabs = 0;
    for (; k < keys.length && (keys.charCodeAt(k) === 0x09 || keys.charCodeAt(k) === 0x20); k++) {
      blanks++;
      if (keys.charCodeAt(k) === 0x09) tabs++;
    }
    let spaces = 0;
    for (; s < screen.length && screen.charCodeAt(s) === 0x20; s++) spaces++;
    // A tab takes 1 to 8 columns; spaces take one each.
    if (tabs === 0 ? spaces !== blanks : spaces < blanks || spaces > blanks + 7 * tabs) return false;
  }
  return s === screen.length;
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
  private readonly onParsed = (): void => this.handleParsed();
  /** xterm's `terminal.buffer` getter checks the proposed-API flag on every call: taken once. */
  private readonly buffers: XtermTerminal['buffer'];
  /** xterm's parser and CR/LF steps (internal: absent, a typed-ahead row is left as it is). */
  private readonly inputHandler: XtermInputHandler | undefined;
  /** Set for a recording read back: output is parsed at once, not through xterm's write buffer. */
  private readonly parser: XtermInputHandler | undefined;

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
  /** Enters after `accepted`'s, oldest first, until the shell reads their lines. */
  private readonly waiting: WaitingEnter[] = [];
  private waitingHead = 0;
  private open: OpenCommand | undefined;
  private running: RunningCommand | undefined;
  /** Lines were taken from their keys and the shell has not shown its prompt since: the screen is behind. */
  private keysAhead = false;
  /** The shell sends OSC 133/633 marks. */
  private marksSeen = false;
  /** A queued entry (keys, resize, gap, end) is being handled, not output being parsed. */
  private handlingEntry = false;
  /** Where the last committed line started. */
  private lastCommittedMarker: IMarker | undefined;
  /** A row break of the extractor's own is being applied (not the shell's line feed). */
  private startingShellRow = false;
  /** Bracketed paste is on: the shell is reading a line (bash ≥ 5.1, zsh). */
  private bracketedPaste = false;
  private fullscreen: Omit<FullscreenTerminalEvent, 'endedOffsetNs'> | undefined;
  /** The command line that last started a full-screen program, until the person types again. */
  private launcher: { text: string; program: string } | undefined;
  /** The last few distinct non-empty prompts lines were typed after, newest first. */
  private readonly knownPrompts: string[] = [];
  /** Prompts that commands were typed after: the shell's own (a program's prompt, like read -p's, is not one). */
  private readonly commandPrompts: string[] = [];

  private closed = false;
  private disposed = false;
  private callbackError: unknown;
  private drainWaiters: Array<() => void> = [];
  private endResolve: ((events: TerminalEvent[]) => void) | undefined;
  private endReject: ((error: Error) => void) | undefined;

  constructor(options: CommandExtractorOptions, parseAtOnce: boolean) {
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
    this.buffers = this.terminal.buffer;
    this.inputHandler = inputHandlerOf(this.terminal);
    this.parser = parseAtOnce ? this.inputHandler : undefined;
    this.buffers.onBufferChange((buffer) => this.handleBufferChange(buffer));
    this.terminal.parser.registerCsiHandler({ prefix: '?', final: 'h' }, (params) =>
      this.handleMode(params, true),
    );
    this.terminal.parser.registerCsiHandler({ prefix: '?', final: 'l' }, (params) =>
      this.handleMode(params, false),
    );
    // Shell integration (FinalTerm's OSC 133, VS Code's OSC 633): exact prompt and command marks.
    this.terminal.parser.registerOscHandler(133, (data) => this.handleShellMark(data));
    this.terminal.parser.registerOscHandler(633, (data) => this.handleShellMark(data));
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

  async pendingLine(): Promise<PendingCommandLine | undefined> {
    await this.drained();
    if (this.closed || this.buffer.type === 'alternate') return undefined;
    const keys = this.scanner.peekKeys();
    if (!this.shellIsReading) return { reading: false, text: '', keys };
    let text = '';
    if (this.line !== undefined) {
      const line: AcceptedLine = {
        ...this.line,
        startedOffsetNs: 0,
        text: '',
        certainty: Certainty.AtEnter,
        lineFeeds: 0,
        sources: 0,
        keys,
        expectAccept: false,
        readAtEnter: true,
      };
      line.text = this.read(line, false);
      text = trimLineEnds(this.textAsTheShellSawIt(line));
    }
    return { reading: true, text: this.open === undefined ? text : `${this.open.text}\n${text}`, keys };
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
    const idle = this.queue.length === 0;
    this.queue.push(kind, offsetNs, cost, payload, a, b);
    this.pendingBytes += cost;
    // Only output goes through xterm's write queue. Keystrokes, resizes and
    // gaps need nothing parsed after them: they are handled at once when
    // xterm has nothing pending, else right after the output before them is
    // parsed (in that output's write callback). One write and one callback
    // per output chunk, none per keystroke. Read back from a recording,
    // nothing is pending here (each entry is handled as it comes), so output
    // is parsed and handled at once.
    if (kind === EntryKind.Output) {
      if (this.parser !== undefined && idle) this.parseNow(payload!);
      else this.terminal.write(payload!, this.onParsed);
    } else if (idle) this.handleWaitingEntries();
  }

  private parseNow(bytes: Uint8Array): void {
    try {
      if (this.parser!.parse(bytes) !== undefined)
        throw new Error('the terminal parser paused on an async handler');
    } catch (error) {
      this.callbackError ??= error;
    }
    this.handleParsed();
  }

  // ---- Processing (xterm's write callbacks, in stream order) ----

  /** The offset of the chunk xterm is parsing now (or the last one handled). */
  private get currentOffsetNs(): number {
    return this.queue.offsets[this.queue.head]!;
  }

  /** xterm has parsed the output at the head of the queue: handle it and the entries up to the next output. */
  private handleParsed(): void {
    if (this.disposed) return;
    this.handleHead();
    this.handleWaitingEntries();
  }

  private handleWaitingEntries(): void {
    const queue = this.queue;
    while (!this.disposed && queue.length > 0 && queue.kinds[queue.head] !== EntryKind.Output)
      this.handleHead();
    if (queue.length === 0) this.resolveDrainWaiters();
  }

  private handleHead(): void {
    const queue = this.queue;
    const index = queue.head;
    const kind = queue.kinds[index] as EntryKind;
    const offsetNs = queue.offsets[index]!;
    const payload = queue.payloads[index];
    const a = queue.extraA[index]!;
    const b = queue.extraB[index]!;
    this.pendingBytes -= queue.costs[index]!;
    queue.shift();
    this.handlingEntry = true;
    try {
      switch (kind) {
        case EntryKind.Output:
          this.outputBytes += payload!.length;
          if (this.running !== undefined) this.running.lastOutputOffsetNs = offsetNs;
          if (this.keysAhead) this.checkKeysAhead();
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
    } finally {
      this.handlingEntry = false;
    }
  }

  private resolveDrainWaiters(): void {
    const waiters = this.drainWaiters;
    if (waiters.length === 0) return;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private get buffer(): IBuffer {
    return this.buffers.active;
  }

  private handleInput(bytes: Uint8Array, offsetNs: number): void {
    const scanner = this.scanner;
    if (this.buffer.type === 'alternate') {
      // Keystrokes inside a full-screen program are its business, not commands.
      for (let i = 0; i < bytes.length; i++) scanner.step(bytes[i]!);
      scanner.takeSources();
      scanner.takeKeys();
      return;
    }
    let enters = 0;
    let acceptedHere: AcceptedLine | undefined;
    let byKeys: WaitingEnter[] | undefined;
    const waitingBefore = this.waiting.length;
    for (let i = 0; i < bytes.length; i++) {
      const typedAhead = this.line === undefined && scanner.lineHasKeys;
      const meaning = scanner.step(bytes[i]!);
      if (meaning === InputByte.None) continue;
      if (this.accepted !== undefined && this.isStale(this.accepted)) {
        // The Enters typed ahead went to a program's read, not to the shell: the person is typing this line now.
        this.accepted.lineEnd?.dispose();
        this.line = this.accepted;
        this.accepted = undefined;
        this.waiting.length = 0;
        this.waitingHead = 0;
      }
      const shellIsReading = this.shellIsReading;
      const running = this.running;
      if (!shellIsReading && running !== undefined && !running.keysSeen) {
        running.keysSeen = true;
        running.outputBeforeKeys = running.lastOutputOffsetNs;
      }
      if (meaning === InputByte.Interrupt) {
        scanner.takeSources();
        scanner.takeKeys();
        if (shellIsReading) {
          // Ctrl-C at a continuation prompt drops the whole command; the shell ran none of it.
          this.open = undefined;
        } else if (this.accepted === undefined) {
          // Ctrl-C while a command runs: the terminal discards the keys typed ahead.
          this.waiting.length = 0;
          this.waitingHead = 0;
        }
        continue;
      }
      if (shellIsReading && this.line === undefined) this.beginLine(typedAhead);
      if (meaning !== InputByte.Enter) continue;
      enters++;
      const sources = scanner.takeSources();
      const keys = scanner.takeKeys();
      if (shellIsReading) {
        acceptedHere = this.acceptLine(offsetNs, sources, keys);
      } else if (this.keysAhead && keys !== '' && this.waitingCount === 0 && this.accepted === undefined) {
        // More plain lines before the shell caught up with the ones taken from their keys.
        byKeys ??= [];
        byKeys.push({ offsetNs, sources, keys });
      } else if (this.waitingCount < MAX_WAITING_ENTERS) {
        this.waiting.push({ offsetNs, sources, keys });
      }
    }
    if (byKeys !== undefined) {
      for (const entry of byKeys) {
        if (enters > 1) entry.sources |= LineSource.Pasted;
        this.commitByKeys(entry.offsetNs, entry.sources, entry.keys);
      }
    }
    if (enters < 2) return;
    // Several lines in one write: a paste (or send-keys, or type-ahead read at once).
    if (acceptedHere !== undefined) acceptedHere.sources |= LineSource.Pasted;
    for (let i = Math.max(waitingBefore, this.waitingHead); i < this.waiting.length; i++)
      this.waiting[i]!.sources |= LineSource.Pasted;
    if (acceptedHere !== undefined && this.accepted === acceptedHere) this.commitPastedByKeys(acceptedHere);
  }

  /**
   * Several plain lines in one write to a shell without bracketed paste
   * (busybox, dash) that was waiting for a line: it reads them exactly as
   * sent, and busybox shows none of them while more input waits (its
   * continuation prompts pile up on one row), so they are taken from the
   * keys, in order. Lines with editing keys are left to the screen.
   */
  private commitPastedByKeys(first: AcceptedLine): void {
    if (first.expectAccept || first.keys === '' || this.marksSeen) return;
    for (let i = this.waitingHead; i < this.waiting.length; i++) if (this.waiting[i]!.keys === '') return;
    first.text = first.keys;
    first.certainty = Certainty.AtAccept;
    this.commitAccepted();
    while (this.waitingCount > 0) {
      const entry = this.shiftWaiting();
      this.commitByKeys(entry.offsetNs, entry.sources, entry.keys);
    }
    this.keysAhead = true;
  }

  private commitByKeys(offsetNs: number, sources: number, keys: string): void {
    this.accepted = {
      marker: undefined,
      // Unknown: the grammar alone says whether it continues the command before it.
      prompt: '',
      startCol: -1,
      promptKnown: true,
      startedOffsetNs: offsetNs,
      text: keys,
      certainty: Certainty.AtAccept,
      lineFeeds: 0,
      sources,
      keys,
      expectAccept: false,
      readAtEnter: true,
    };
    this.commitAccepted();
  }

  /** After output: the shell caught up when its prompt is at the cursor with nothing typed after it. */
  private checkKeysAhead(): void {
    const buffer = this.buffer;
    const row = buffer.getLine(cursorRow(buffer));
    if (row === undefined || row.translateToString(true, buffer.cursorX) !== '') return;
    const { prompt } = promptAtCursor(buffer);
    for (const known of this.knownPrompts) {
      if (prompt.endsWith(known)) {
        this.keysAhead = false;
        return;
      }
    }
  }

  /**
   * A line bound at the shell's prompt for a typed-ahead Enter that the shell
   * is reading with nothing after the prompt, when the person types again:
   * a program read that Enter (a cooked `read`, a y/N answer) before the prompt.
   */
  private isStale(accepted: AcceptedLine): boolean {
    if (accepted.startCol < 0 || accepted.promptKnown || !this.bracketedPaste) return false;
    // Nothing after the prompt the cursor is at: the shell is waiting for keys, not showing the typed-ahead line.
    const { prompt } = promptAtCursor(this.buffer);
    for (const known of this.knownPrompts) if (prompt.endsWith(known)) return true;
    return this.open !== undefined && prompt.endsWith(DEFAULT_CONTINUATION_PROMPT);
  }

  /** The shell is at its prompt, reading the line the next keys belong to. */
  private get shellIsReading(): boolean {
    return (
      this.accepted === undefined &&
      this.waitingCount === 0 &&
      !this.keysAhead &&
      // A shell that turns bracketed paste on at its prompts is still running the last command.
      !(this.running?.endsAtPrompt === true && !this.bracketedPaste)
    );
  }

  private get waitingCount(): number {
    return this.waiting.length - this.waitingHead;
  }

  private shiftWaiting(): WaitingEnter {
    const entry = this.waiting[this.waitingHead++]!;
    if (this.waitingHead === this.waiting.length) {
      this.waiting.length = 0;
      this.waitingHead = 0;
    }
    return entry;
  }

  /**
   * The person started typing: the line starts at the cursor, after the
   * prompt. `typedAhead`: keys of this line came while a command ran and the
   * shell may have shown them after its prompt already, so the text before
   * the cursor is a known prompt followed by them, not a new prompt.
   */
  private beginLine(typedAhead: boolean): void {
    // Without an end signal from the shell, typing again ends the last command.
    if (this.running !== undefined) this.finishRunningWithoutSignal();
    this.launcher = undefined;
    const buffer = this.buffer;
    const { firstRow, prompt: beforeCursor } = promptAtCursor(buffer);
    const prompt = typedAhead ? this.knownPromptStarting(beforeCursor) : beforeCursor;
    const marker = this.terminal.registerMarker(firstRow - cursorRow(buffer));
    this.line = { marker, prompt, startCol: -1, promptKnown: true };
    this.learnPrompt(prompt);
  }

  /**
   * The longest known prompt `text` starts with; else `text` up to the end of
   * the last known prompt in it (the terminal echoed keys typed ahead, an ESC
   * as `^[`, before the shell drew its prompt on the same row); else `text`.
   */
  private knownPromptStarting(text: string): string {
    let prompt: string | undefined;
    for (const known of this.knownPrompts)
      if (text.startsWith(known) && (prompt === undefined || known.length > prompt.length)) prompt = known;
    if (prompt !== undefined) return prompt;
    let end = -1;
    for (const known of this.knownPrompts) {
      if (known === '') continue;
      const at = text.lastIndexOf(known);
      if (at !== -1 && at + known.length > end) end = at + known.length;
    }
    return end === -1 ? text : text.slice(0, end);
  }

  private learnPrompt(prompt: string): void {
    if (prompt.trim() === '' || this.knownPrompts[0] === prompt) return;
    const known = this.knownPrompts.indexOf(prompt);
    if (known !== -1) this.knownPrompts.splice(known, 1);
    else if (this.knownPrompts.length === MAX_KNOWN_PROMPTS) this.knownPrompts.pop();
    this.knownPrompts.unshift(prompt);
  }

  private acceptLine(offsetNs: number, sources: number, keys: string): AcceptedLine {
    const line = this.line!;
    this.line = undefined;
    const accepted: AcceptedLine = {
      marker: line.marker,
      prompt: line.prompt,
      startCol: line.startCol,
      promptKnown: line.promptKnown,
      startedOffsetNs: offsetNs,
      text: '',
      certainty: Certainty.AtEnter,
      lineFeeds: 0,
      sources,
      keys,
      expectAccept: this.bracketedPaste,
      readAtEnter: false,
    };
    // A shell with bracketed paste on will say when it accepted the line
    // (and echo it first): the text is read then. Otherwise it is read now,
    // in case no newline ever comes.
    if (!accepted.expectAccept) this.readAtEnter(accepted);
    this.accepted = accepted;
    return accepted;
  }

  private readAtEnter(accepted: AcceptedLine): void {
    accepted.text = this.read(accepted, false);
    accepted.readAtEnter = true;
  }

  /** The next waiting Enter's line starts here: where the shell is printing its next prompt. */
  private bindWaiting(promptKnown: boolean): void {
    const entry = this.shiftWaiting();
    const buffer = this.buffer;
    const marker = this.terminal.registerMarker(0);
    const prompt = promptKnown ? promptAtCursor(buffer).prompt : '';
    if (promptKnown) this.learnPrompt(prompt);
    this.accepted = {
      marker,
      prompt,
      startCol: buffer.cursorX,
      promptKnown,
      startedOffsetNs: entry.offsetNs,
      text: '',
      certainty: Certainty.AtEnter,
      lineFeeds: 0,
      sources: entry.sources,
      keys: entry.keys,
      expectAccept: this.bracketedPaste,
      readAtEnter: true,
    };
  }

  private read(line: AcceptedLine, afterLineFeed: boolean, endRow = -1): string {
    const marker = line.marker;
    const startRow = marker === undefined || marker.isDisposed ? -1 : marker.line;
    if (line.startCol >= 0 && startRow >= 0) return this.readFromMark(line, startRow, afterLineFeed, endRow);
    return readCommandLine(
      this.buffer,
      this.terminal.cols,
      startRow,
      line.prompt,
      afterLineFeed,
      this.knownPrompts,
      endRow,
    );
  }

  /** The text at the first line feed after Enter, noted then (a marker) and read only if nothing better comes. */
  private readNotedLineFeed(accepted: AcceptedLine): void {
    const end = accepted.lineEnd!;
    accepted.lineEnd = undefined;
    if (!end.isDisposed) accepted.text = this.read(accepted, true, end.line);
    end.dispose();
  }

  /** A line bound at a shell mark (a prompt start, or OSC 133 B): its text from that column on. */
  private readFromMark(line: AcceptedLine, startRow: number, afterLineFeed: boolean, endRow: number): string {
    const buffer = this.buffer;
    const cursor = endRow >= 0 ? endRow + 1 : cursorRow(buffer);
    let lastRow = afterLineFeed || endRow >= 0 ? cursor - 1 : cursor;
    if (
      !afterLineFeed &&
      endRow < 0 &&
      lastRow > startRow &&
      buffer.cursorX === 0 &&
      (buffer.getLine(lastRow)?.translateToString(true) ?? '') === ''
    )
      lastRow--;
    if (lastRow < startRow) return '';
    const text = rowsText(buffer, startRow, logicalEnd(buffer, lastRow), this.terminal.cols).slice(
      line.startCol,
    );
    if (line.promptKnown) return text;
    // The prompt was printed after the mark (on one row or several): take
    // off a prompt seen before at the start of a row, or whatever precedes
    // the keys the person typed.
    let rowStart = 0;
    while (rowStart <= text.length) {
      const rowEnd = text.indexOf('\n', rowStart);
      const row = rowEnd === -1 ? text.slice(rowStart) : text.slice(rowStart, rowEnd);
      for (const known of this.knownPrompts) {
        if (known !== '' && row.startsWith(known)) {
          line.prompt = known;
          return text.slice(rowStart + known.length);
        }
      }
      if (row.startsWith(DEFAULT_CONTINUATION_PROMPT) && this.open !== undefined) {
        line.prompt = DEFAULT_CONTINUATION_PROMPT;
        return text.slice(rowStart + DEFAULT_CONTINUATION_PROMPT.length);
      }
      if (rowEnd === -1) break;
      rowStart = rowEnd + 1;
    }
    if (line.keys !== '' && text.endsWith(line.keys)) {
      const before = text.slice(0, text.length - line.keys.length);
      line.prompt = before.slice(before.lastIndexOf('\n') + 1);
      this.learnPrompt(line.prompt);
      return line.keys;
    }
    return text;
  }

  private handleLineFeed(): void {
    if (this.buffer.type === 'alternate' || this.startingShellRow) return;
    const accepted = this.accepted;
    if (accepted === undefined) {
      if (this.waitingCount > 0 && !this.bracketedPaste) this.bindWaitingAtPromptRow();
      return;
    }
    accepted.lineFeeds++;
    if (!accepted.expectAccept && this.waitingCount > 0 && this.wentToProgram(accepted)) {
      // The Enter went to a program's no-echo read (a password): the row just
      // left is the shell's prompt with the next line typed after it.
      this.accepted = undefined;
      accepted.marker?.dispose();
      this.bindWaitingAtPromptRow();
      return;
    }
    if (accepted.certainty < Certainty.AtLineFeed) {
      // With bracketed paste on, the shell's accept (right after this
      // newline) is read instead; note where the line ended in case it never comes.
      if (accepted.expectAccept) accepted.lineEnd = this.terminal.registerMarker(-1);
      else accepted.text = this.read(accepted, true);
      accepted.readAtEnter = true;
      accepted.certainty = Certainty.AtLineFeed;
      if (!accepted.expectAccept && (this.wentToNoEchoRead(accepted) || this.typedOverOutput(accepted)))
        return;
    }
    // A shell without bracketed paste (dash, busybox, bash < 5.1) gives no
    // later signal: the newline after Enter is its acceptance.
    if (!accepted.expectAccept || accepted.lineFeeds > MAX_LINE_FEEDS_BEFORE_ACCEPT) this.commitAccepted();
  }

  /**
   * The Enter of `accepted` went to a program's no-echo read (`read -s -p
   * 'Secret: '`) when its row shows not its own unedited keys but exactly
   * those of the next line waiting: either the terminal's echo of them (the
   * shell shows them again after its prompt, on a later row), or the shell's
   * prompt and them (the program echoed no newline), which is that line,
   * accepted here. The secret's keys are compared, never kept.
   */
  private wentToNoEchoRead(accepted: AcceptedLine): boolean {
    const next = this.nextKeysInsteadOfOwn(accepted);
    if (next === undefined) return false;
    const shown = accepted.text.trim();
    let prompt: string | undefined;
    if (shown !== next) {
      prompt = this.commandPrompts.find((known) => known.trim() !== '' && shown.endsWith(known + next));
      if (prompt === undefined) return false;
    }
    this.accepted = undefined;
    accepted.marker?.dispose();
    if (prompt === undefined) return true;
    this.commitWaitingAsShown(prompt, next);
    return true;
  }

  /** The next waiting line's keys, when `accepted` was typed unedited and its row shows something else. */
  private nextKeysInsteadOfOwn(accepted: AcceptedLine): string | undefined {
    if (accepted.keys === '' || this.waitingCount === 0) return undefined;
    const next = this.waiting[this.waitingHead]!.keys.trim();
    return next === '' || accepted.text.trim() === accepted.keys.trim() ? undefined : next;
  }

  /**
   * The same with bracketed paste (bash): the shell's next prompt was bound
   * to the Enter that went to the no-echo read, and the line it accepts is
   * exactly the next waiting one's keys, so it is that line.
   */
  private skipNoEchoAnswer(accepted: AcceptedLine): void {
    if (this.nextKeysInsteadOfOwn(accepted) !== accepted.text.trim()) return;
    const entry = this.shiftWaiting();
    accepted.startedOffsetNs = entry.offsetNs;
    accepted.sources = entry.sources;
    accepted.keys = entry.keys;
  }

  /**
   * A line typed after no prompt while a command still ran (busybox and dash
   * give no end signal) whose row shows that command's output, not the
   * line's keys: they wait for the shell, which shows them after its prompt.
   */
  private typedOverOutput(accepted: AcceptedLine): boolean {
    if (accepted.prompt !== '' || accepted.startCol >= 0 || accepted.keys === '') return false;
    const shown = accepted.text.trim();
    if (shown === '' || shown.includes(accepted.keys.trim())) return false;
    this.accepted = undefined;
    accepted.marker?.dispose();
    const entry = { offsetNs: accepted.startedOffsetNs, sources: accepted.sources, keys: accepted.keys };
    this.waiting.splice(this.waitingHead, 0, entry);
    return true;
  }

  /** The line was typed after no prompt, and the row just left starts with a known one. */
  private wentToProgram(accepted: AcceptedLine): boolean {
    if (accepted.prompt !== '' || accepted.startCol >= 0) return false;
    const text = this.buffer.getLine(cursorRow(this.buffer) - 1)?.translateToString(true) ?? '';
    for (const known of this.knownPrompts)
      if (text.startsWith(known) && text.length > known.length) return true;
    return false;
  }

  /**
   * A shell without bracketed paste is reading typed-ahead lines: a row just
   * left that starts with a known prompt and has text after it is the shell
   * echoing the next waiting line.
   */
  private bindWaitingAtPromptRow(): void {
    const buffer = this.buffer;
    const row = cursorRow(buffer) - 1;
    if (row < 0) return;
    const line = buffer.getLine(row);
    if (line === undefined || line.isWrapped) return;
    const committed = this.lastCommittedMarker;
    if (committed !== undefined && !committed.isDisposed && committed.line === row) return;
    const text = line.translateToString(true);
    let prompt: string | undefined;
    for (const known of this.knownPrompts) if (text.startsWith(known)) prompt = known;
    if (prompt === undefined && this.open !== undefined && text.startsWith(DEFAULT_CONTINUATION_PROMPT))
      prompt = DEFAULT_CONTINUATION_PROMPT;
    const keys = this.waiting[this.waitingHead]!.keys;
    if (prompt === undefined && keys !== '' && text.length > keys.length && text.endsWith(keys)) {
      // A prompt not seen before (a shell started from this one) followed by the keys of the line.
      prompt = text.slice(0, text.length - keys.length);
      this.learnPrompt(prompt);
    }
    if (prompt === undefined || text.length === prompt.length) return;
    this.commitWaitingAsShown(prompt, text.slice(prompt.length));
  }

  /** The next waiting Enter's line, shown as `text` after `prompt` on the row just left: the shell accepted it. */
  private commitWaitingAsShown(prompt: string, text: string): void {
    const entry = this.shiftWaiting();
    this.accepted = {
      marker: undefined,
      prompt,
      startCol: -1,
      promptKnown: true,
      startedOffsetNs: entry.offsetNs,
      text,
      certainty: Certainty.AtLineFeed,
      lineFeeds: 1,
      sources: entry.sources,
      keys: entry.keys,
      expectAccept: false,
      readAtEnter: true,
    };
    this.commitAccepted();
  }

  private handleMode(params: (number | number[])[], set: boolean): boolean {
    for (const param of params) {
      if (param !== 2004) continue;
      if (this.buffer.type === 'alternate') break;
      this.bracketedPaste = set;
      const accepted = this.accepted;
      if (set) this.startShellRowForTypedAhead();
      if (set) {
        if (accepted !== undefined && !accepted.expectAccept && accepted.lineFeeds === 0) {
          // zsh turns bracketed paste on after printing its prompt: this is
          // the shell starting to read the line typed ahead of it, not its next prompt.
          accepted.expectAccept = true;
          break;
        }
        // The shell asks for its next line: the command is over.
        if (accepted !== undefined) this.commitAccepted();
        if (this.running !== undefined) this.finishRunning(this.currentOffsetNs);
        if (this.waitingCount > 0) this.bindWaiting(false);
      } else if (accepted !== undefined) {
        if (accepted.certainty < Certainty.AtAccept && accepted.lineFeeds <= MAX_LINE_FEEDS_BEFORE_ACCEPT) {
          accepted.text = this.read(accepted, false);
          accepted.certainty = Certainty.AtAccept;
          accepted.lineEnd?.dispose();
          accepted.lineEnd = undefined;
        }
        this.skipNoEchoAnswer(accepted);
        this.commitAccepted();
      }
      break;
    }
    // Let xterm's own handler run too.
    return false;
  }

  /**
   * Bash turns bracketed paste on just before it draws its prompt. When the
   * terminal echoed keys typed ahead on that row first, readline still counts
   * its columns from the row's start, so every edit it redraws after a CR
   * lands on the echo and the row never shows the line it reads (a vi-mode
   * edit of a typed-ahead line). The emulator is given the fresh row readline
   * believes it has, so the screen it reads is readline's line. Only the
   * extractor's screen changes; the recording keeps the bytes as they came.
   */
  private startShellRowForTypedAhead(): void {
    const buffer = this.buffer;
    if (buffer.cursorX === 0 || this.line !== undefined || !this.scanner.lineHasKeys) return;
    const { prompt: beforeCursor } = promptAtCursor(buffer);
    // zsh turns it on after its prompt: the row already is the shell's.
    for (const known of this.knownPrompts) if (beforeCursor.endsWith(known)) return;
    const input = this.inputHandler;
    if (input === undefined) return;
    this.startingShellRow = true;
    try {
      input.carriageReturn();
      input.lineFeed();
    } finally {
      this.startingShellRow = false;
    }
  }

  /** OSC 133 / 633: A prompt start, B prompt end (command start), C executed, D[;exit] finished. */
  private handleShellMark(data: string): boolean {
    if (this.buffer.type === 'alternate' || data.length === 0) return false;
    this.marksSeen = true;
    switch (data.charCodeAt(0)) {
      case 0x41: // A
        if (this.accepted !== undefined) this.commitAccepted();
        if (this.running !== undefined) this.finishRunning(this.currentOffsetNs);
        break;
      case 0x42: // B
        if (this.accepted !== undefined) this.commitAccepted();
        if (this.waitingCount > 0) {
          this.bindWaiting(true);
        } else if (this.line === undefined) {
          // The exact start of the next line: no need to guess it at the first key.
          if (this.running !== undefined) this.finishRunningWithoutSignal();
          const marker = this.terminal.registerMarker(0);
          const { prompt } = promptAtCursor(this.buffer);
          this.learnPrompt(prompt);
          this.line = { marker, prompt, startCol: this.buffer.cursorX, promptKnown: true };
        }
        break;
      case 0x43: {
        // C: the shell runs what it read; whatever is still open is complete to it.
        const accepted = this.accepted;
        if (accepted !== undefined) {
          if (accepted.certainty < Certainty.AtAccept) accepted.text = this.read(accepted, false);
          accepted.certainty = Certainty.AtAccept;
          accepted.lineEnd?.dispose();
          accepted.lineEnd = undefined;
          this.commitAccepted();
        }
        if (this.open !== undefined) this.runOpenAsIs(true);
        break;
      }
      case 0x44: {
        // D;<exit status>
        if (this.accepted !== undefined) this.commitAccepted();
        const running = this.running;
        if (running === undefined) break;
        const exitCode = Number.parseInt(data.slice(2), 10);
        if (data.charCodeAt(1) === 0x3b && Number.isSafeInteger(exitCode)) running.exitCode = exitCode;
        this.finishRunning(this.currentOffsetNs);
        break;
      }
    }
    return false;
  }

  /**
   * The shell accepted `accepted`: add it to the command being read and, once
   * the grammar says the command is complete, it runs.
   */
  private commitAccepted(): void {
    const accepted = this.accepted!;
    if (accepted.certainty === Certainty.AtEnter && !accepted.readAtEnter) this.readAtEnter(accepted);
    if (accepted.lineEnd !== undefined) this.readNotedLineFeed(accepted);
    this.accepted = undefined;
    // Kept until the next commit: the shell's newline after it must not be taken for a typed-ahead line.
    this.lastCommittedMarker?.dispose();
    this.lastCommittedMarker = accepted.marker;
    const shown = trimLineEnds(this.textAsTheShellSawIt(accepted));
    const lineText = this.afterShellPrompt(accepted, shown);
    if (
      lineText === shown &&
      lineText.trim() !== '' &&
      accepted.prompt.trim() !== '' &&
      !this.commandPrompts.includes(accepted.prompt)
    ) {
      if (this.commandPrompts.length === MAX_KNOWN_PROMPTS) this.commandPrompts.pop();
      this.commandPrompts.unshift(accepted.prompt);
    }
    let open = this.open;
    if (open !== undefined && open.firstPrompt !== '' && accepted.prompt === open.firstPrompt) {
      // Back at the first line's prompt, not a continuation one: the shell
      // gave up on the open command (a syntax error) or it was complete in a
      // dialect the grammar does not know. It is reported as it was read.
      this.runOpenAsIs();
      open = undefined;
    }
    if (this.running !== undefined) this.finishRunningWithoutSignal();
    if (open === undefined) {
      // Nothing on the screen (a no-echo password, an empty line): nothing ran that we can name.
      if (lineText.trim() === '') return;
      open = {
        text: lineText,
        firstPrompt: accepted.prompt,
        startedOffsetNs: accepted.startedOffsetNs,
        sources: accepted.sources,
      };
    } else {
      open.text += `\n${lineText}`;
      open.sources |= accepted.sources;
    }
    this.open = undefined;
    const parsed = parseShellText(open.text);
    const last = parsed.commands.length - 1;
    for (let i = 0; i <= last; i++) {
      const command = parsed.commands[i]!;
      const text = command.text.trim();
      if (text === '') continue;
      this.running = {
        text,
        startedOffsetNs: open.startedOffsetNs,
        sources: open.sources,
        programs: command.programs,
        lastOutputOffsetNs: undefined,
        exitCode: undefined,
        endsAtPrompt: accepted.expectAccept,
        outputBeforeKeys: undefined,
        keysSeen: false,
      };
      // Commands before the last one of a pasted block have no end of their own.
      if (i < last || parsed.incomplete !== '') this.finishRunning(undefined);
    }
    if (parsed.incomplete !== '') {
      this.open = {
        text: parsed.incomplete,
        firstPrompt: last >= 0 ? accepted.prompt : open.firstPrompt,
        startedOffsetNs: open.startedOffsetNs,
        sources: open.sources,
      };
    }
  }

  /**
   * The screen's text of the line, or the keys typed for it when the shell
   * read them without showing them. Readline, and busybox's line editor,
   * skip redrawing while more input is already waiting (a paste, tmux
   * send-keys, type-ahead), so such a line may never appear on the screen:
   * - a line the line editor accepted (bracketed paste turned off right
   *   after it, or OSC 133 C) with nothing on the screen: its keys;
   * - a pasted line in a shell without bracketed paste whose row shows
   *   something else (the command's output printed where the echo would
   *   be): its keys.
   * Keys are only used when they were not edited (plain printable text), so
   * they are exactly what the shell read.
   */
  private textAsTheShellSawIt(accepted: AcceptedLine): string {
    const keys = accepted.keys;
    const screen = accepted.text;
    if (keys === '' || screen.trim() === keys.trim()) return screen;
    // Pasted tabs (a `<<-` heredoc's indentation) are on the screen as spaces: the shell read tabs.
    if (keys.includes('\t') && showsKeysWithTabs(trimLineEnds(screen), trimLineEnds(keys))) return keys;
    if (accepted.expectAccept)
      return accepted.certainty === Certainty.AtAccept && screen.trim() === '' ? keys : screen;
    return accepted.sources & LineSource.Pasted && accepted.certainty >= Certainty.AtLineFeed ? keys : screen;
  }

  /**
   * A line entered at a program's prompt (`read -s -p 'Secret: '`), not one
   * commands were typed after, whose text shows such a prompt: the program
   * read its answer without echoing it (nor the newline), the shell printed
   * its prompt on the same row and echoed the line typed ahead. The text
   * after the shell's prompt is what the shell read.
   */
  private afterShellPrompt(accepted: AcceptedLine, text: string): string {
    if (accepted.prompt === '' || this.commandPrompts.includes(accepted.prompt)) return text;
    for (const known of this.commandPrompts) {
      if (known.trim() === '' || known === DEFAULT_CONTINUATION_PROMPT) continue;
      if (text.startsWith(known)) return text.slice(known.length);
    }
    return text;
  }

  /** The open command, complete or not, as one command the shell ran. */
  private runOpenAsIs(endsAtPrompt = false): void {
    const open = this.open!;
    this.open = undefined;
    if (this.running !== undefined) this.finishRunningWithoutSignal();
    const parsed = parseShellText(open.text);
    const programs: CommandProgram[] = [];
    for (const command of parsed.commands) programs.push(...command.programs);
    this.running = {
      text: open.text.trim(),
      startedOffsetNs: open.startedOffsetNs,
      sources: open.sources,
      programs,
      lastOutputOffsetNs: undefined,
      exitCode: undefined,
      endsAtPrompt,
      outputBeforeKeys: undefined,
      keysSeen: false,
    };
  }

  /**
   * No end signal from the shell: the command's last output before the
   * person typed again or, when the next line shows up in the middle of an
   * output chunk, that chunk (so the answer does not depend on where the
   * output was cut).
   */
  private finishRunningWithoutSignal(): void {
    const running = this.running!;
    if (running.keysSeen) this.finishRunning(running.outputBeforeKeys);
    else this.finishRunning(this.handlingEntry ? running.lastOutputOffsetNs : this.currentOffsetNs);
  }

  private finishRunning(endedOffsetNs: number | undefined): void {
    const running = this.running!;
    this.running = undefined;
    const event: CommandTerminalEvent = {
      kind: 'command',
      text: running.text,
      startedOffsetNs: running.startedOffsetNs,
      source: sourceOf(running.sources),
      programs: running.programs,
    };
    if (endedOffsetNs !== undefined) event.endedOffsetNs = endedOffsetNs;
    if (running.exitCode !== undefined) event.exitCode = running.exitCode;
    this.emit(event);
  }

  private handleBufferChange(buffer: IBuffer): void {
    const offsetNs = this.currentOffsetNs;
    if (buffer.type === 'alternate') {
      if (this.line !== undefined) {
        this.line.marker?.dispose();
        this.line = undefined;
      }
      if (this.fullscreen !== undefined) return;
      if (this.accepted !== undefined) this.commitAccepted();
      const running = this.running;
      if (running !== undefined) {
        // The command that just ran is the full-screen program: one fullscreen event, not a command too.
        this.running = undefined;
        const text = running.text;
        this.launcher = { text, program: running.programs[0]?.name ?? programOf(text) };
        this.fullscreen = { kind: 'fullscreen', ...this.launcher, startedOffsetNs: running.startedOffsetNs };
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
    if (this.accepted !== undefined) this.commitAccepted();
    if (this.running !== undefined) this.finishRunningWithoutSignal();
    this.open = undefined;
    this.waiting.length = 0;
    this.waitingHead = 0;
    this.emit({ kind: 'gap', droppedBytes, startedOffsetNs, endedOffsetNs });
  }

  private handleEnd(offsetNs: number): void {
    try {
      this.closeFullscreen(offsetNs);
      if (this.accepted !== undefined) this.commitAccepted();
      if (this.running !== undefined) this.finishRunningWithoutSignal();
      // A command still open at a continuation prompt never ran.
      this.open = undefined;
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
  return new HeadlessCommandExtractor(options, false);
}

/**
 * The same extractor for a recording read back (`extractCommands`): the
 * caller waits for it, so output is parsed at once instead of in xterm's
 * timed slices. Same parse, same order, same events as live.
 */
export function createReplayExtractor(options: CommandExtractorOptions): CommandExtractor {
  return new HeadlessCommandExtractor(options, true);
}
