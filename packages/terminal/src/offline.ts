import { TaplineError } from '@tapline/frames';
import { createCommandExtractor } from './extractor.js';
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

/**
 * The events of a recorded terminal stream (output, input and resizes in
 * recorded order), with the same extractor the live path uses. It waits for
 * the emulator instead of dropping, so it gives the live result whenever the
 * live extractor reported no gap.
 */
export async function extractCommands(
  events: Iterable<TerminalStreamEvent> | AsyncIterable<TerminalStreamEvent>,
  options: ExtractCommandsOptions = {},
): Promise<TerminalEvent[]> {
  const extractor = createCommandExtractor({ ...options, retainEvents: true });
  const maxPieceBytes = Math.floor((options.maxPendingBytes ?? 8 * 1024 * 1024) / 4);
  let lastOffsetNs = 0;
  try {
    // A sync iterable (an array) is walked without a promise per event: the
    // only awaits are for the emulator, when the queue is half full.
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
          belowHalf =
            event.bytes instanceof Uint8Array && event.bytes.length <= maxPieceBytes
              ? extractor[event.kind](event.bytes, event.offsetNs)
              : await feed(extractor, event.kind, event.bytes, event.offsetNs, maxPieceBytes);
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
    }
  } catch (error) {
    extractor.dispose();
    throw error;
  }
  return extractor.end(options.endedOffsetNs ?? lastOffsetNs);
}
