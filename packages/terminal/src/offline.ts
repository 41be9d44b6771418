import { setImmediate as nextTurn } from 'node:timers/promises';
import { TaplineError } from '@tapline/frames';
import { createReplayExtractor } from './extractor.js';
import type {
  CommandExtractor,
  CommandExtractorOptions,
  TerminalEvent,
  TerminalStreamEvent,
} from './types.js';

export interface ExtractCommandsOptions extends Omit<CommandExtractorOptions, 'retainEvents'> {
  /** Where the stream ended, for programs still open then. @default the last event's offset */
  endedOffsetNs?: number;
}

/** Feeds one chunk, in pieces that always fit, waiting for the emulator between them. */
async function feed(
  extractor: CommandExtractor,
  kind: 'output' | 'input',
  bytes: Uint8Array,
  offsetNs: number,
  maxPieceBytes: number,
): Promise<boolean> {
  if (!(bytes instanceof Uint8Array) || bytes.length <= maxPieceBytes) {
    return kind === 'output' ? extractor.output(bytes, offsetNs) : extractor.input(bytes, offsetNs);
  }
  let belowHalf = true;
  for (let start = 0; start < bytes.length; start += maxPieceBytes) {
    if (!belowHalf) await extractor.drained();
    const piece = bytes.subarray(start, start + maxPieceBytes);
    belowHalf = kind === 'output' ? extractor.output(piece, offsetNs) : extractor.input(piece, offsetNs);
  }
  return belowHalf;
}

/** Events between two looks at the clock. */
const EVENTS_PER_CLOCK_CHECK = 1024;
/** The longest the event loop is held before others get a turn. */
const MAX_HOLD_MS = 20;

/**
 * The events of a recorded terminal stream (output, input and resizes in
 * recorded order), with the same extractor the live path uses. It waits for
 * the emulator instead of dropping, so it gives the live result whenever the
 * live extractor reported no gap. The emulator parses as events come (no
 * write queue to wait on), so the loop gives the event loop a turn every
 * 20 ms: a long recording read in a busy process does not stall it.
 */
export async function extractCommands(
  events: Iterable<TerminalStreamEvent> | AsyncIterable<TerminalStreamEvent>,
  options: ExtractCommandsOptions = {},
): Promise<TerminalEvent[]> {
  const extractor = createReplayExtractor({ ...options, retainEvents: true });
  const maxPieceBytes = Math.floor((options.maxPendingBytes ?? 8 * 1024 * 1024) / 4);
  let lastOffsetNs = 0;
  let sinceClockCheck = 0;
  let heldSince = performance.now();
  try {
    // A sync iterable (an array) is walked without a promise per event: the
    // only awaits are the event loop's turns (and, should xterm lack the
    // direct parser, waits for its write queue when half full).
    const sync = Symbol.iterator in events;
    const iterator = sync
      ? (events as Iterable<TerminalStreamEvent>)[Symbol.iterator]()
      : (events as AsyncIterable<TerminalStreamEvent>)[Symbol.asyncIterator]();
    for (;;) {
      const next = sync
        ? (iterator as Iterator<TerminalStreamEvent>).next()
        : await (iterator as AsyncIterator<TerminalStreamEvent>).next();
      if (next.done) break;
      const event = next.value;
      let belowHalf = true;
      switch (event?.kind) {
        case 'output':
        case 'input':
          if (!(event.bytes instanceof Uint8Array) || event.bytes.length > maxPieceBytes)
            belowHalf = await feed(extractor, event.kind, event.bytes, event.offsetNs, maxPieceBytes);
          else if (event.kind === 'output') belowHalf = extractor.output(event.bytes, event.offsetNs);
          else belowHalf = extractor.input(event.bytes, event.offsetNs);
          break;
        case 'resize':
          extractor.resize(event.cols, event.rows, event.offsetNs);
          break;
        default:
          throw new TaplineError('TAPLINE_ERR_TERMINAL_INVALID', 'unknown terminal stream event', {
            component: 'terminal',
            details: { kind: String((event as { kind?: unknown } | undefined)?.kind) },
          });
      }
      lastOffsetNs = event.offsetNs;
      // Backpressure instead of dropping: the queue never reaches its cap.
      if (!belowHalf) await extractor.drained();
      if (++sinceClockCheck === EVENTS_PER_CLOCK_CHECK) {
        sinceClockCheck = 0;
        if (performance.now() - heldSince > MAX_HOLD_MS) {
          await nextTurn();
          heldSince = performance.now();
        }
      }
    }
  } catch (error) {
    extractor.dispose();
    throw error;
  }
  return extractor.end(options.endedOffsetNs ?? lastOffsetNs);
}
