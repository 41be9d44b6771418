// Chain heads that left the storage: `recording.chain_head` and
// `session.ended` metadata events, read back from a JSON Lines file (what the
// JSONL emitter writes) or an http(s) URL serving JSON Lines (events, or the
// HTTP emitter's batch bodies one per line). `verify --against` compares a
// stored recording with them.

import type { RecordingSignature } from '@tapline/core';
import { ioError } from './errors.js';
import { readFileChunks } from './source.js';

/** One published statement about how far a recording reached. */
export interface PublishedHead {
  /** `head`: a live chain head; `end`: the session.ended event (the recording's last segment). */
  kind: 'head' | 'end';
  sessionId: string;
  segments: number;
  chainHash: string;
  firstHash?: string;
  /** For `end`: whether the recorder sealed it complete. */
  complete?: boolean;
  signature?: RecordingSignature;
  /** 1-based line in the source, for messages. */
  line: number;
}

export interface PublishedEvidence {
  location: string;
  bySession: Map<string, PublishedHead[]>;
  /** Lines that were not JSON events (counted, skipped). */
  malformed: number;
  /** Every segment position some published head names (what verify must remember the hash of). */
  positions: Set<number>;
}

/** A line longer than this is not an event: skipped without being buffered whole. */
const MAX_LINE_BYTES = 1024 * 1024;
const HASH = /^[0-9a-f]{64}$/;

export async function loadPublished(location: string): Promise<PublishedEvidence> {
  const evidence: PublishedEvidence = {
    location,
    bySession: new Map(),
    malformed: 0,
    positions: new Set(),
  };
  let lineNumber = 0;
  for await (const line of lines(openBytes(location), location)) {
    lineNumber++;
    if (line === null) {
      evidence.malformed++;
      continue;
    }
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      evidence.malformed++;
      continue;
    }
    // A stored HTTP batch body holds its events in `events`.
    const events = isObject(value) && Array.isArray(value.events) ? value.events : [value];
    for (const event of events) {
      const head = toHead(event, lineNumber);
      if (head === 'skip') continue;
      if (head === undefined) {
        evidence.malformed++;
        continue;
      }
      const heads = evidence.bySession.get(head.sessionId);
      if (heads) heads.push(head);
      else evidence.bySession.set(head.sessionId, [head]);
      evidence.positions.add(head.segments - 1);
    }
  }
  return evidence;
}

/** The head an event states; 'skip' for events that state none; undefined for a malformed one. */
function toHead(event: unknown, line: number): PublishedHead | 'skip' | undefined {
  if (!isObject(event) || typeof event.type !== 'string') return undefined;
  if (event.type !== 'recording.chain_head' && event.type !== 'session.ended') return 'skip';
  const data = event.data;
  if (typeof event.sessionId !== 'string' || !isObject(data)) return undefined;
  const kind = event.type === 'recording.chain_head' ? 'head' : 'end';
  const stated = kind === 'head' ? data : data.recording;
  if (!isObject(stated)) return undefined;
  const { segments, chainHash, firstHash } = stated;
  // A session that ended before its first segment was spooled states no chain.
  if (kind === 'end' && segments === 0) return 'skip';
  if (!Number.isSafeInteger(segments) || (segments as number) < 1) return undefined;
  if (typeof chainHash !== 'string' || !HASH.test(chainHash)) return undefined;
  if (firstHash !== undefined && (typeof firstHash !== 'string' || !HASH.test(firstHash))) return undefined;
  const signature = data.signature;
  if (signature !== undefined && !isSignature(signature)) return undefined;
  return {
    kind,
    sessionId: event.sessionId,
    segments: segments as number,
    chainHash,
    ...(firstHash !== undefined ? { firstHash } : {}),
    ...(kind === 'end' ? { complete: data.complete === true } : {}),
    ...(signature !== undefined ? { signature } : {}),
    line,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSignature(value: unknown): value is RecordingSignature {
  return (
    isObject(value) &&
    typeof value.algorithm === 'string' &&
    typeof value.keyId === 'string' &&
    typeof value.value === 'string' &&
    (value.format === undefined || typeof value.format === 'string')
  );
}

async function* openBytes(location: string): AsyncGenerator<Uint8Array> {
  if (/^https?:\/\//i.test(location)) {
    let response: Response;
    try {
      response = await fetch(location);
    } catch (cause) {
      throw ioError(`cannot fetch ${location}`, cause);
    }
    if (!response.ok || !response.body) {
      throw ioError(`cannot fetch ${location}: HTTP ${response.status}`);
    }
    try {
      yield* response.body as unknown as AsyncIterable<Uint8Array>;
    } catch (cause) {
      throw ioError(`cannot read ${location}`, cause);
    }
    return;
  }
  yield* readFileChunks(location, location);
}

/**
 * Splits bytes into lines; yields null for a line over MAX_LINE_BYTES (its
 * bytes are dropped as they arrive, so memory stays bounded).
 */
async function* lines(chunks: AsyncIterable<Uint8Array>, location: string): AsyncGenerator<string | null> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let pending = '';
  let overlong = false;
  try {
    for await (const chunk of chunks) {
      let text = decoder.decode(chunk, { stream: true });
      for (;;) {
        const newline = text.indexOf('\n');
        if (newline === -1) break;
        const rest = text.slice(0, newline);
        text = text.slice(newline + 1);
        if (overlong || pending.length + rest.length > MAX_LINE_BYTES) yield null;
        else yield pending + rest;
        pending = '';
        overlong = false;
      }
      if (!overlong) {
        pending += text;
        if (pending.length > MAX_LINE_BYTES) {
          pending = '';
          overlong = true;
        }
      }
    }
  } catch (cause) {
    throw ioError(`cannot read ${location}`, cause);
  }
  pending += decoder.decode();
  if (overlong) yield null;
  else if (pending !== '') yield pending;
}
