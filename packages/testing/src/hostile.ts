// Hostile recordings: what an attacker with write access to recording storage
// (or a corrupted disk) can hand to verify, the reader, inspect and export.
// Every segment is built here by hand from the layout in docs/format.md, not
// by the real writer, so the forger can put any value in any field and then,
// as a real forger would, recompute every segment hash and the chain so only
// the semantic checks behind the hashes can catch the edit.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  brotliCompressSync,
  createBrotliCompress,
  createGzip,
  gzipSync,
  constants as zlibConstants,
} from 'node:zlib';
import { encodeFrame, type Frame, MAX_SEGMENT_RAW_BYTES } from '@tapline/frames';
import fc from 'fast-check';
import { arbFrames, type FrameObject } from './arbitraries.js';

const HEADER_BYTES = 92;
const TRAILER_BYTES = 48;
const SEGMENT_MAGIC = [0x89, 0x54, 0x50, 0x4c];
const TRAILER_MAGIC = [0x89, 0x45, 0x4f, 0x53];
const FLAG_FINAL = 1;
const FLAG_ENCRYPTED = 2;

/** Codec ids of the container (0 none, 1 gzip, 2 brotli; anything else is unknown). */
export type CodecId = number;

/** Every field of one segment, free to hold values no writer would write. */
export interface ForgedSegment {
  version: number;
  codec: CodecId;
  flags: number;
  sessionId: Uint8Array;
  segmentIndex: number;
  firstSeq: number;
  firstOffsetNs: number;
  lastOffsetNs: number;
  extension: Uint8Array;
  /** Written instead of the extension's real length when set. */
  extensionLengthField?: number;
  body: Uint8Array;
  /** Written instead of the body's real length when set. */
  bodyLengthField?: number;
  frameCount: number;
  rawLength: number;
}

/** A hostile recording and the attacks that made it (for the report of a failing run). */
export interface HostileRecording {
  /** The bytes, split into the chunks a stream would deliver. */
  chunks: Uint8Array[];
  attacks: string[];
}

function concat(parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts.map((part) => Buffer.from(part.buffer, part.byteOffset, part.byteLength)));
}

function varint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

/** Length-delimited frames, as a segment body holds them before compression. */
export function frameBytes(frames: readonly Frame[]): Buffer {
  return concat(
    frames.map((frame) => {
      const encoded = encodeFrame(frame);
      return concat([Uint8Array.from(varint(encoded.length)), encoded]);
    }),
  );
}

/** Compresses like the writer (any unknown codec id leaves the bytes as they are). */
export function compressBody(raw: Uint8Array, codec: CodecId): Buffer {
  if (codec === 1) return gzipSync(raw, { level: 1 });
  if (codec === 2) {
    return brotliCompressSync(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 1 } });
  }
  return Buffer.from(raw);
}

/** A u64 field: values of 2^64 and above are written as 2^64 - 1. */
function writeU64(target: Buffer, value: number, offset: number): void {
  const high = Math.min(Math.floor(value / 2 ** 32), 0xffff_ffff);
  target.writeUInt32BE(high, offset);
  target.writeUInt32BE(high === 0xffff_ffff && value >= 2 ** 64 ? 0xffff_ffff : value >>> 0, offset + 4);
}

/**
 * Serializes segments. Each header names the hash of the segment before it
 * and each trailer holds its own segment's true SHA-256, as a forger who
 * recomputes them writes. With `staleFrom` (the sealed segments of the honest
 * recording), the links and hashes are copied from it instead, as a disk
 * that damaged the bytes after they were written leaves them.
 */
export function sealSegments(segments: readonly ForgedSegment[], staleFrom?: readonly Buffer[]): Buffer[] {
  let previousHash: Buffer = Buffer.alloc(32);
  return segments.map((segment, position) => {
    const extensionLength = segment.extension.length;
    const bodyStart = HEADER_BYTES + extensionLength;
    const trailerStart = bodyStart + segment.body.length;
    const out = Buffer.alloc(trailerStart + TRAILER_BYTES);
    out.set(SEGMENT_MAGIC, 0);
    out[4] = segment.version & 0xff;
    out[5] = segment.codec & 0xff;
    out.writeUInt16BE(segment.flags & 0xffff, 6);
    out.set(segment.sessionId.subarray(0, 16), 8);
    out.writeUInt32BE(segment.segmentIndex >>> 0, 24);
    writeU64(out, segment.firstSeq, 28);
    writeU64(out, segment.firstOffsetNs, 36);
    writeU64(out, segment.lastOffsetNs, 44);
    previousHash.copy(out, 52);
    out.writeUInt16BE((segment.extensionLengthField ?? extensionLength) & 0xffff, 84);
    out.writeUInt32BE((segment.bodyLengthField ?? segment.body.length) >>> 0, 88);
    out.set(segment.extension, HEADER_BYTES);
    out.set(segment.body, bodyStart);
    out.writeUInt32BE(segment.frameCount >>> 0, trailerStart);
    writeU64(out, segment.rawLength, trailerStart + 4);
    let hash: Buffer = createHash('sha256')
      .update(out.subarray(0, trailerStart + 12))
      .digest();
    const stale = staleFrom?.[position];
    if (stale) {
      stale.copy(out, 52, 52, 84);
      hash = stale.subarray(stale.length - 36, stale.length - 4);
    }
    hash.copy(out, trailerStart + 12);
    out.set(TRAILER_MAGIC, trailerStart + 44);
    previousHash = hash;
    return out;
  });
}

/** An honest recording's segments: frames cut at `cuts`, each segment in its codec. */
export function honestSegments(
  frames: readonly FrameObject[],
  sessionId: Uint8Array,
  cuts: readonly number[],
  codecs: readonly CodecId[],
  complete: boolean,
): ForgedSegment[] {
  const bounds = [...new Set([0, ...cuts.map((cut) => Math.min(cut, frames.length)), frames.length])].sort(
    (a, b) => a - b,
  );
  const segments: ForgedSegment[] = [];
  let lastOffsetNs = 0;
  for (let i = 0; i + 1 < bounds.length; i++) {
    const group = frames.slice(bounds[i], bounds[i + 1]);
    const raw = frameBytes(group as Frame[]);
    const codec = codecs[i % Math.max(codecs.length, 1)] ?? 0;
    const firstOffsetNs = group[0]?.offsetNs ?? lastOffsetNs;
    lastOffsetNs = group.at(-1)?.offsetNs ?? lastOffsetNs;
    segments.push({
      version: 1,
      codec,
      flags: 0,
      sessionId,
      segmentIndex: i,
      firstSeq: bounds[i] ?? 0,
      firstOffsetNs,
      lastOffsetNs,
      extension: new Uint8Array(0),
      body: compressBody(raw, codec),
      frameCount: group.length,
      rawLength: raw.length,
    });
  }
  if (complete) segments.at(-1)!.flags |= FLAG_FINAL;
  return segments;
}

// Bomb bodies are costly to make (up to 80 MiB to compress), so they are
// made once per process, streamed through the compressor a block at a time
// (the inflated bytes are never held), before any run asks for one.
const bombs = new Map<string, { body: Buffer; rawLength: number }>();

/** Kinds of bomb payload: NULs (empty frames), one frame repeated, or millions of valid seq-only frames. */
export type BombPayload = 'zeros' | 'repeated-frame' | 'dense-frames';
export type BombCodec = 1 | 2;
/** Inflated sizes of the bombs, in MiB: small, large, and past MAX_SEGMENT_RAW_BYTES (64). */
export const BOMB_MEGABYTES = [1, 16, 80] as const;
/** Dense frames are slow to make: one size only. */
const DENSE_MEGABYTES = 1;

function* bombBlocks(payload: BombPayload, megabytes: number): Generator<Buffer> {
  const block = 1024 * 1024;
  if (payload !== 'dense-frames') {
    const one =
      payload === 'zeros'
        ? Buffer.alloc(block)
        : Buffer.alloc(block, Buffer.from([0x04, 0x08, 0x01, 0x10, 0x01]));
    for (let i = 0; i < megabytes; i++) yield one;
    return;
  }
  // seq-only frames 0, 1, 2, …: every one of them passes the seq check.
  let seq = 0;
  for (let i = 0; i < megabytes; i++) {
    const out = Buffer.alloc(block + 16);
    let length = 0;
    while (length < block) {
      const fields = seq === 0 ? [] : [0x08, ...varint(seq)];
      out[length++] = fields.length;
      for (const byte of fields) out[length++] = byte;
      seq++;
    }
    yield out.subarray(0, length);
  }
}

/**
 * Makes every bomb body `arbHostileRecording` can pick. Call (and await) it
 * once before using the arbitrary. With `cacheDirectory`, bombs already saved
 * there are read back instead of made, and new ones are saved: a test can
 * make them in its own process and hand them to a child whose memory it
 * measures (compressing 100 MiB leaves the compressor's heap behind).
 */
export async function prepareHostileBombs(cacheDirectory?: string): Promise<void> {
  for (const codec of [1, 2] as const) {
    for (const payload of ['zeros', 'repeated-frame', 'dense-frames'] as const) {
      const sizes = payload === 'dense-frames' ? [DENSE_MEGABYTES] : BOMB_MEGABYTES;
      for (const megabytes of sizes) {
        const key = `${codec}:${payload}:${megabytes}`;
        if (bombs.has(key)) continue;
        const file = cacheDirectory && join(cacheDirectory, `bomb-${codec}-${payload}-${megabytes}.json`);
        if (file && existsSync(file)) {
          const saved = JSON.parse(readFileSync(file, 'utf8')) as { body: string; rawLength: number };
          bombs.set(key, { body: Buffer.from(saved.body, 'base64'), rawLength: saved.rawLength });
          continue;
        }
        const compressor =
          codec === 1
            ? createGzip({ level: 9 })
            : createBrotliCompress({ params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } });
        const out: Buffer[] = [];
        compressor.on('data', (chunk: Buffer) => out.push(chunk));
        const done = new Promise((resolve, reject) => {
          compressor.on('end', resolve);
          compressor.on('error', reject);
        });
        let rawLength = 0;
        for (const block of bombBlocks(payload, megabytes)) {
          rawLength += block.length;
          if (!compressor.write(block)) await new Promise((resolve) => compressor.once('drain', resolve));
        }
        compressor.end();
        await done;
        const body = Buffer.concat(out);
        bombs.set(key, { body, rawLength });
        if (file) writeFileSync(file, JSON.stringify({ body: body.toString('base64'), rawLength }));
      }
    }
  }
}

function bombBody(
  codec: BombCodec,
  payload: BombPayload,
  megabytes: number,
): { body: Buffer; rawLength: number } {
  const bomb = bombs.get(`${codec}:${payload}:${payload === 'dense-frames' ? DENSE_MEGABYTES : megabytes}`);
  if (!bomb) throw new Error('call prepareHostileBombs() before using arbHostileRecording()');
  return bomb;
}

/** Trailer/header values no honest writer produces, and the edges around the limits. */
const absurdU64 = fc.constantFrom(
  0,
  1,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  MAX_SEGMENT_RAW_BYTES,
  MAX_SEGMENT_RAW_BYTES + 1,
  8.64e15 + 1,
  9e15,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 64,
);
const absurdU32 = fc.constantFrom(0, 1, 2, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff);

type Attack = { name: string; apply: (segments: ForgedSegment[]) => ForgedSegment[] };

/** Picks an index in the current segment list (modulo, so it never misses). */
const at = (segments: readonly ForgedSegment[], index: number) => segments[index % segments.length]!;

function attack(name: string, apply: (segments: ForgedSegment[]) => ForgedSegment[]): Attack {
  return { name, apply: (segments) => (segments.length === 0 ? segments : apply(segments)) };
}

/** An attack that edits segments where they are. */
function inPlace(name: string, edit: (segments: ForgedSegment[]) => void): Attack {
  return attack(name, (segments) => {
    edit(segments);
    return segments;
  });
}

/** Rewrites a segment's raw frame bytes (decompressing is not needed: the raw bytes are rebuilt). */
function editRaw(segment: ForgedSegment, frames: Buffer, edit: (raw: Buffer) => Buffer): void {
  const raw = edit(frames);
  segment.body = compressBody(raw, segment.codec);
  segment.rawLength = raw.length;
}

const index = fc.nat({ max: 7 });

const attacks: fc.Arbitrary<Attack> = fc.oneof(
  // Decompression bombs, with the trailer claiming the inflated size, less, the cap, or far more.
  fc
    .record({
      index,
      codec: fc.constantFrom(1 as const, 2 as const),
      payload: fc.constantFrom<BombPayload>('zeros', 'repeated-frame', 'dense-frames'),
      megabytes: fc.constantFrom(...BOMB_MEGABYTES),
      claim: fc.constantFrom('inflated', 'small', 'cap', 'huge'),
      frameCount: fc.constantFrom('inflated', 'one', 'huge'),
    })
    .map(({ index, codec, payload, megabytes, claim, frameCount }) =>
      inPlace(
        `bomb ${payload} ${megabytes} MiB codec ${codec} claiming ${claim}, count ${frameCount}`,
        (s) => {
          const segment = at(s, index);
          const bomb = bombBody(codec, payload, megabytes);
          segment.codec = codec;
          segment.body = bomb.body;
          segment.rawLength =
            claim === 'inflated'
              ? bomb.rawLength
              : claim === 'small'
                ? 1000
                : claim === 'cap'
                  ? MAX_SEGMENT_RAW_BYTES
                  : 2 ** 32 - 1;
          segment.frameCount =
            frameCount === 'one'
              ? 1
              : frameCount === 'huge'
                ? 0xffff_ffff
                : Math.min(bomb.rawLength, 0xffff_ffff);
        },
      ),
    ),
  fc
    .record({ index, field: fc.constantFrom('rawLength', 'frameCount'), value: absurdU64 })
    .map(({ index, field, value }) =>
      inPlace(`trailer ${field} = ${value}`, (s) => {
        at(s, index)[field] = value;
      }),
    ),
  fc
    .record({
      index,
      field: fc.constantFrom('firstSeq', 'firstOffsetNs', 'lastOffsetNs', 'segmentIndex'),
      value: absurdU64,
    })
    .map(({ index, field, value }) =>
      inPlace(`header ${field} = ${value}`, (s) => {
        at(s, index)[field] = value;
      }),
    ),
  fc.record({ index, value: absurdU32 }).map(({ index, value }) =>
    inPlace(`header body length = ${value}`, (s) => {
      at(s, index).bodyLengthField = value;
    }),
  ),
  fc
    .record({ index, value: fc.constantFrom(0, 1, 0xffff), extension: fc.uint8Array({ maxLength: 64 }) })
    .map(({ index, value, extension }) =>
      inPlace(`extension of ${extension.length} bytes, length field ${value}`, (s) => {
        const segment = at(s, index);
        segment.extension = extension;
        segment.extensionLengthField = value;
      }),
    ),
  fc
    .record({
      index,
      field: fc.constantFrom('version', 'codec', 'flags'),
      value: fc.constantFrom(0, 2, 3, 255, FLAG_ENCRYPTED, FLAG_ENCRYPTED | FLAG_FINAL, 0xffff),
    })
    .map(({ index, field, value }) =>
      inPlace(`header ${field} = ${value}`, (s) => {
        at(s, index)[field] = value;
      }),
    ),
  // Frame-level damage inside a body whose lengths and counts stay consistent.
  fc
    .record({
      index,
      edit: fc.constantFrom('huge-prefix', 'ten-byte-varint', 'truncate', 'seq-2^64', 'garbage'),
      where: fc.nat(),
      garbage: fc.uint8Array({ minLength: 1, maxLength: 32 }),
    })
    .map(({ index, edit, where, garbage }) =>
      inPlace(`frame bytes: ${edit}`, (s) => {
        const segment = at(s, index);
        const seed = frameBytes([{ seq: segment.firstSeq, offsetNs: segment.firstOffsetNs, resize: {} }]);
        editRaw(segment, seed, (raw) => {
          switch (edit) {
            case 'huge-prefix':
              return concat([raw, Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x08, 0x01])]);
            case 'ten-byte-varint':
              return concat([
                raw,
                Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
              ]);
            case 'truncate':
              return raw.subarray(0, where % raw.length);
            case 'seq-2^64':
              return Buffer.from([11, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
            default:
              return concat([raw.subarray(0, where % (raw.length + 1)), garbage]);
          }
        });
        segment.frameCount = Math.max(segment.frameCount, 1);
      }),
    ),
  // Frames whose values no Date can hold (issue #12, finding 6).
  fc.record({ index, value: fc.constantFrom(8.64e15 + 1, 9e15, 2 ** 53 - 1) }).map(({ index, value }) =>
    inPlace(`times of ${value}`, (s) => {
      const segment = at(s, index);
      const raw = frameBytes([
        {
          seq: segment.firstSeq,
          offsetNs: segment.firstOffsetNs,
          sessionStart: {
            startedAtUnixMs: value,
            sessionId: '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b',
            grant: {
              user: { id: 'u' },
              approvers: [{ id: 'a', approvedAtUnixMs: value }],
              expiresAtUnixMs: value,
            },
          },
        },
      ]);
      segment.body = compressBody(raw, segment.codec);
      segment.rawLength = raw.length;
      segment.frameCount = 1;
    }),
  ),
  // Whole segments moved, dropped, repeated or reattributed (then re-chained).
  fc
    .record({ a: index, b: index, op: fc.constantFrom('drop', 'duplicate', 'swap', 'reverse', 'session') })
    .map(({ a, b, op }) =>
      attack(`segments: ${op}`, (s) => {
        const i = a % s.length;
        const j = b % s.length;
        if (op === 'drop') return s.filter((_, k) => k !== i);
        if (op === 'duplicate') return [...s.slice(0, i + 1), { ...s[i]! }, ...s.slice(i + 1)];
        if (op === 'swap') {
          const copy = [...s];
          [copy[i], copy[j]] = [copy[j]!, copy[i]!];
          return copy;
        }
        if (op === 'reverse') return [...s].reverse();
        s[i] = { ...s[i]!, sessionId: Uint8Array.from({ length: 16 }, (_, k) => k) };
        return s;
      }),
    ),
);

/**
 * A recording an attacker or a broken disk could produce: an honest session
 * (any frames, 1–4 segments, any codec) with one to three attacks applied,
 * usually re-chained (every hash and link recomputed, so only checks behind
 * the hashes catch it), then perhaps cut short or followed by garbage, and
 * split into chunks at arbitrary points.
 */
export function arbHostileRecording(): fc.Arbitrary<HostileRecording> {
  return fc
    .record({
      frames: arbFrames({ maxLength: 12 }),
      sessionId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      cuts: fc.array(fc.nat({ max: 14 }), { maxLength: 3 }),
      codecs: fc.array(fc.constantFrom(0, 1, 2), { minLength: 1, maxLength: 4 }),
      complete: fc.boolean(),
      attacks: fc.array(attacks, { minLength: 1, maxLength: 3 }),
      rechain: fc.nat({ max: 9 }).map((n) => n < 8),
      tail: fc.oneof(
        fc.constant({ kind: 'none' as const }),
        fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
        fc.record({
          kind: fc.constant('garbage' as const),
          bytes: fc.uint8Array({ minLength: 1, maxLength: 200 }),
        }),
      ),
      splits: fc.array(fc.nat(), { maxLength: 4 }),
    })
    .map(({ frames, sessionId, cuts, codecs, complete, attacks, rechain, tail, splits }) => {
      let segments = honestSegments(frames, sessionId, cuts, codecs, complete);
      const honest = rechain ? undefined : sealSegments(segments);
      // Attacks edit segments in place: give them copies.
      segments = segments.map((segment) => ({ ...segment }));
      for (const each of attacks) segments = each.apply(segments);
      let bytes = concat(sealSegments(segments, honest));
      const names = attacks.map((each) => each.name);
      if (!rechain) names.push('hashes not recomputed');
      if (tail.kind === 'truncate' && bytes.length > 0) {
        bytes = bytes.subarray(0, tail.at % bytes.length);
        names.push(`cut at ${bytes.length}`);
      } else if (tail.kind === 'garbage') {
        bytes = concat([bytes, tail.bytes]);
        names.push(`${tail.bytes.length} bytes of garbage after`);
      }
      const points = [...new Set(splits.map((split) => split % (bytes.length + 1)))].sort((a, b) => a - b);
      const chunks: Uint8Array[] = [];
      let start = 0;
      for (const point of [...points, bytes.length]) {
        chunks.push(bytes.subarray(start, point));
        start = point;
      }
      return { chunks, attacks: names };
    });
}

/** An honest recording built by the same forger, with no attack: it must verify as intact. */
export function arbHonestForgedRecording(): fc.Arbitrary<{
  bytes: Buffer;
  complete: boolean;
  frames: number;
}> {
  return fc
    .record({
      frames: arbFrames({ maxLength: 12 }),
      sessionId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      cuts: fc.array(fc.nat({ max: 14 }), { maxLength: 3 }),
      codecs: fc.array(fc.constantFrom(0, 1, 2), { minLength: 1, maxLength: 4 }),
      complete: fc.boolean(),
    })
    .map(({ frames, sessionId, cuts, codecs, complete }) => ({
      bytes: concat(sealSegments(honestSegments(frames, sessionId, cuts, codecs, complete))),
      complete,
      frames: frames.length,
    }));
}
