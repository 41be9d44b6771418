// JSON Lines for SIEMs: one event per frame, each line a whole JSON object.
import type { DecodedFrame } from '@tapline/frames';
import { bodyOf } from './bodies.js';
import { frameEvent } from './events.js';

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
  for await (const frame of frames) {
    if (frame.body === 'data' && !options.includeData) continue;
    const start = bodyOf(frame, 'sessionStart');
    if (start) {
      sessionId = start.sessionId;
      startedAtMs = start.startedAtUnixMs;
    }
    const event = frameEvent(frame, { startedAtMs, dataBytes: true });
    await write(`${JSON.stringify({ sessionId, ...event })}\n`);
    events++;
  }
  return { events };
}
