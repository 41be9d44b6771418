// JSON Lines for SIEMs: one event per frame, each line a whole JSON object.
import type { DecodedFrame } from '@tapline/frames';
import { bodyOf } from './bodies.js';
import { frameEvent } from './events.js';

const BATCH_CHARACTERS = 64 * 1024;

export interface JsonlOptions {
  /** Also write Data frames, their bytes as base64. @default false (byte counts are in stream_close and session_end) */
  includeData?: boolean;
}

/**
 * Writes every frame but Data (unless asked) as
 * `{"sessionId","seq","offsetNs","time","type",…fields}` lines.
 */
export async function writeJsonl(
  frames: AsyncIterable<DecodedFrame>,
  write: (line: string) => Promise<void>,
  options: JsonlOptions = {},
): Promise<{ events: number }> {
  let sessionId: string | null = null;
  let startedAtMs: number | undefined;
  let events = 0;
  // Lines go out in batches of ~64 KiB: one write (and one wait for the
  // reader) per line made a recording of many small frames slow to export.
  let batch = '';
  for await (const frame of frames) {
    if (frame.body === 'data' && !options.includeData) continue;
    const start = bodyOf(frame, 'sessionStart');
    if (start) {
      sessionId = start.sessionId;
      startedAtMs = start.startedAtUnixMs;
    }
    const event = frameEvent(frame, { startedAtMs, dataBytes: true });
    batch += `${JSON.stringify({ sessionId, ...event })}\n`;
    events++;
    if (batch.length >= BATCH_CHARACTERS) {
      await write(batch);
      batch = '';
    }
  }
  if (batch.length > 0) await write(batch);
  return { events };
}
