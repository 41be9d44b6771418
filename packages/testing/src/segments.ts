import { createHash } from 'node:crypto';
import type { RecordingInfo, SegmentInfo, SessionContext } from '@tapline/core';

/** One segment as the spool would hand it to a sink. */
export interface TestSegment {
  bytes: Uint8Array;
  info: SegmentInfo;
}

/**
 * The fixture layout (it looks like a Tapline container segment but is NOT the
 * container: the conformance suites must not depend on the real writer):
 *
 *   0   4  magic "TPLS" (Tapline test segment)
 *   4   1  version (1)
 *   5   1  flags (bit 0: final)
 *   6   2  reserved
 *   8  16  session id (UUID bytes)
 *  24   4  segment index (u32 BE)
 *  28   8  first frame sequence (u64 BE)
 *  36  32  SHA-256 of the previous segment (zeros for segment 0)
 *  68   4  body length (u32 BE)
 *  72   n  body: length-delimited pseudo frames of terminal-like text
 *  72+n 4  frame count (u32 BE)
 *  76+n 32 SHA-256 of bytes [0, 76+n)
 */
export const TEST_SEGMENT_MAGIC: Uint8Array = Uint8Array.of(0x54, 0x50, 0x4c, 0x53);
const HEADER_BYTES = 72;
const TRAILER_BYTES = 36;
/** Bytes a fixture segment adds around its body. */
export const TEST_SEGMENT_OVERHEAD: number = HEADER_BYTES + TRAILER_BYTES;

const TERMINAL_LINES = [
  'drwxr-xr-x  2 root root  4096 Mar  3 09:12 bin\r\n',
  '-rw-r--r--  1 app  app  18231 Mar  3 09:14 access.log\r\n',
  '$ kubectl get pods -n payments\r\n',
  'NAME                         READY   STATUS    RESTARTS   AGE\r\n',
  'api-7d9c5b8f6d-x2k4q         1/1     Running   0          3d\r\n',
  '\x1b[01;32muser@db-prod\x1b[00m:\x1b[01;34m~\x1b[00m$ ',
  "SELECT id, email FROM customers WHERE created_at > now() - interval '1 day';\r\n",
  ' 4211 | alice@example.com\r\n',
];

/** A small deterministic PRNG (mulberry32), so fixtures are reproducible from a seed. */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16 && i * 2 + 2 <= hex.length; i++)
    out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16) || 0;
  return out;
}

function fillBody(body: Uint8Array, random: () => number): number {
  // Pseudo frames: [u32 length][terminal text or random bytes], like Data frames.
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let offset = 0;
  let frames = 0;
  while (offset < body.length) {
    const room = body.length - offset;
    if (room < 5) {
      body.fill(0x20, offset);
      break;
    }
    const payload = Math.min(room - 4, 16 + Math.floor(random() * 2048));
    view.setUint32(offset, payload);
    offset += 4;
    const binary = random() < 0.1;
    const end = offset + payload;
    while (offset < end) {
      if (binary) {
        body[offset++] = Math.floor(random() * 256);
      } else {
        const line = TERMINAL_LINES[Math.floor(random() * TERMINAL_LINES.length)]!;
        for (let i = 0; i < line.length && offset < end; i++) body[offset++] = line.charCodeAt(i);
      }
    }
    frames++;
  }
  return frames;
}

export interface MakeSegmentsOptions {
  /** Body size of each segment, in order; the fixture adds TEST_SEGMENT_OVERHEAD bytes to each. */
  sizes: readonly number[];
  /** PRNG seed. @default 1 */
  seed?: number;
  /** Mark the last segment final (a complete recording). @default true */
  complete?: boolean;
}

/** Builds a recording's segments: chained by SHA-256, each carrying its session id and index. */
export function makeTestSegments(sessionId: string, options: MakeSegmentsOptions): TestSegment[] {
  const random = createPrng(options.seed ?? 1);
  const complete = options.complete ?? true;
  const sessionBytes = uuidBytes(sessionId);
  const segments: TestSegment[] = [];
  let previousHash = new Uint8Array(32);
  let firstSeq = 0;
  options.sizes.forEach((bodyBytes, segmentIndex) => {
    const bytes = new Uint8Array(HEADER_BYTES + bodyBytes + TRAILER_BYTES);
    const view = new DataView(bytes.buffer);
    const final = complete && segmentIndex === options.sizes.length - 1;
    bytes.set(TEST_SEGMENT_MAGIC, 0);
    bytes[4] = 1;
    bytes[5] = final ? 1 : 0;
    bytes.set(sessionBytes, 8);
    view.setUint32(24, segmentIndex);
    view.setBigUint64(28, BigInt(firstSeq));
    bytes.set(previousHash, 36);
    view.setUint32(68, bodyBytes);
    const frameCount = fillBody(bytes.subarray(HEADER_BYTES, HEADER_BYTES + bodyBytes), random);
    view.setUint32(HEADER_BYTES + bodyBytes, frameCount);
    const hash = createHash('sha256')
      .update(bytes.subarray(0, HEADER_BYTES + bodyBytes + 4))
      .digest();
    bytes.set(hash, HEADER_BYTES + bodyBytes + 4);
    previousHash = hash;
    segments.push({
      bytes,
      info: { sessionId, segmentIndex, firstSeq, frameCount, final, hash: hash.toString('hex') },
    });
    firstSeq += frameCount;
  });
  return segments;
}

/** What a fixture segment's header says, or undefined when `bytes` does not start one. */
export function readTestSegmentHeader(
  bytes: Uint8Array,
): { sessionId: string; segmentIndex: number; totalBytes: number } | undefined {
  if (bytes.length < HEADER_BYTES) return undefined;
  for (let i = 0; i < 4; i++) if (bytes[i] !== TEST_SEGMENT_MAGIC[i]) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hex = Buffer.from(bytes.subarray(8, 24)).toString('hex');
  const sessionId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return {
    sessionId,
    segmentIndex: view.getUint32(24),
    totalBytes: HEADER_BYTES + view.getUint32(68) + TRAILER_BYTES,
  };
}

/** Concatenates chunks into one Uint8Array. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Explains how `actual` differs from the concatenation of `expected`: the first
 * differing offset, which expected segment it falls in, and which fixture
 * segments `actual` really holds (so "segment 3 twice" reads as such).
 */
export function describeMismatch(expected: readonly TestSegment[], actual: Uint8Array): string | undefined {
  const want = concatBytes(expected.map((segment) => segment.bytes));
  if (want.length === actual.length && Buffer.from(want).equals(Buffer.from(actual))) return undefined;
  let offset = 0;
  const limit = Math.min(want.length, actual.length);
  while (offset < limit && want[offset] === actual[offset]) offset++;
  let segmentStart = 0;
  let segmentIndex = 0;
  for (const segment of expected) {
    if (offset < segmentStart + segment.bytes.length) break;
    segmentStart += segment.bytes.length;
    segmentIndex++;
  }
  const found: string[] = [];
  let cursor = 0;
  while (cursor < actual.length && found.length < 64) {
    const header = readTestSegmentHeader(actual.subarray(cursor));
    if (!header) {
      found.push(`<${actual.length - cursor} unparseable bytes>`);
      break;
    }
    found.push(`${header.sessionId.slice(0, 8)}#${header.segmentIndex}`);
    cursor += header.totalBytes;
  }
  return (
    `read back ${actual.length} bytes, expected ${want.length}; first difference at byte ${offset} ` +
    `(expected segment ${segmentIndex}, ${offset - segmentStart} bytes in); read back holds: ${found.join(', ')}`
  );
}

let recordingCounter = 0;

/** A fresh RecordingInfo with a random session id (tests never share ids). */
export function makeRecordingInfo(context?: Partial<SessionContext>): RecordingInfo {
  const sessionId = context?.sessionId ?? crypto.randomUUID();
  recordingCounter++;
  return {
    sessionId,
    startedAt: Date.UTC(2026, 2, 3, 9, 12, 0) + recordingCounter,
    context: {
      sessionId,
      protocol: 'ssh',
      user: { id: 'user-42', name: 'Alice Example', email: 'alice@example.com' },
      approvers: [{ id: 'user-7', name: 'Bob Approver' }],
      accessFlow: { id: 'flow-prod-db', name: 'Production databases' },
      accessRequestId: `ar-${recordingCounter}`,
      resource: { id: 'res-1', type: 'ssh_server', name: 'bastion-1', integration: 'aws-prod' },
      ...context,
    },
  };
}
