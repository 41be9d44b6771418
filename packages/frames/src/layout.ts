import { TaplineError } from './errors.js';

// Byte layout of one segment (docs/format.md is the normative text):
//
//   header   92 bytes, big-endian
//     0  magic        89 54 50 4C  ("\x89TPL")
//     4  u8  version   1
//     5  u8  codec     0 none, 1 gzip, 2 brotli, 3 zstd
//     6  u16 flags     bit 0 FINAL (end marker), bit 1 ENCRYPTED; others 0
//     8  16  session id (UUID bytes)
//    24  u32 segment index
//    28  u64 first seq
//    36  u64 first offset ns
//    44  u64 last offset ns
//    52  32  SHA-256 of the previous segment (zeros for segment 0)
//    84  u16 extension length E
//    86  u16 reserved, 0
//    88  u32 body length B
//   extension  E bytes (a SegmentKey message when ENCRYPTED)
//   body       B bytes (codec-compressed frames; AES-256-GCM sealed when ENCRYPTED)
//   trailer  48 bytes
//     0  u32 frame count
//     4  u64 raw length (bytes of length-delimited frames before compression)
//    12  32  SHA-256 over header || extension || body || trailer[0..12)
//    44  magic        89 45 4F 53  ("\x89EOS")

export const SEGMENT_MAGIC: Buffer = Buffer.from([0x89, 0x54, 0x50, 0x4c]);
export const TRAILER_MAGIC: Buffer = Buffer.from([0x89, 0x45, 0x4f, 0x53]);
export const FORMAT_VERSION = 1;
export const HEADER_LENGTH = 92;
export const TRAILER_LENGTH = 48;
export const HASH_LENGTH = 32;
export const TRAILER_HASHED_PREFIX = 12;

/**
 * The largest raw (uncompressed) segment a reader accepts: the writer's own
 * ceiling (`segmentBytes` is at most 64 MiB, and the writer starts a new
 * segment rather than let a frame carry one past this), so every segment it
 * writes is readable. A trailer claiming more is hostile (whoever forges a
 * file recomputes its hashes): it is refused before anything is allocated or
 * inflated, so one segment costs a reader at most this much memory.
 */
export const MAX_SEGMENT_RAW_BYTES: number = 64 * 1024 * 1024;

export const FLAG_FINAL = 1;
export const FLAG_ENCRYPTED = 2;
const KNOWN_FLAGS = FLAG_FINAL | FLAG_ENCRYPTED;

export type CodecName = 'none' | 'gzip' | 'brotli' | 'zstd';
export const CODEC_IDS: Record<CodecName, number> = { none: 0, gzip: 1, brotli: 2, zstd: 3 };
const CODEC_NAMES: readonly CodecName[] = ['none', 'gzip', 'brotli', 'zstd'];

export const ZERO_HASH: Buffer = Buffer.alloc(HASH_LENGTH);

export interface SegmentHeader {
  version: number;
  codec: CodecName;
  final: boolean;
  encrypted: boolean;
  /** Canonical UUID text. */
  sessionId: string;
  segmentIndex: number;
  firstSeq: number;
  firstOffsetNs: number;
  lastOffsetNs: number;
  /** SHA-256 of the previous segment, hex. */
  previousHash: string;
  extensionLength: number;
  bodyLength: number;
}

export interface SegmentTrailer {
  frameCount: number;
  rawLength: number;
  /** SHA-256 of this segment, hex. */
  hash: string;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

export function uuidToBytes(sessionId: string): Buffer {
  if (!isUuid(sessionId)) {
    throw new TaplineError(
      'TAPLINE_ERR_INVALID_SESSION_ID',
      `session id must be a UUID, got ${JSON.stringify(sessionId)}`,
      {
        component: 'frames',
      },
    );
  }
  return Buffer.from(sessionId.replaceAll('-', ''), 'hex');
}

export function bytesToUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function writeU64(target: Buffer, value: number, offset: number): void {
  target.writeUInt32BE(Math.floor(value / 0x1_0000_0000), offset);
  target.writeUInt32BE(value >>> 0, offset + 4);
}

function readU64(source: Uint8Array, offset: number, segmentIndex: number): number {
  const view = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  const high = view.readUInt32BE(offset);
  if (high > 0x1f_ffff) {
    throw new TaplineError('TAPLINE_ERR_BAD_HEADER', 'a 64-bit field exceeds 2^53', {
      component: 'frames',
      segmentIndex,
    });
  }
  return high * 0x1_0000_0000 + view.readUInt32BE(offset + 4);
}

export interface HeaderFields {
  codec: CodecName;
  final: boolean;
  encrypted: boolean;
  sessionIdBytes: Uint8Array;
  segmentIndex: number;
  firstSeq: number;
  firstOffsetNs: number;
  lastOffsetNs: number;
  previousHash: Uint8Array;
  extensionLength: number;
  bodyLength: number;
}

export function writeHeader(target: Buffer, fields: HeaderFields): void {
  SEGMENT_MAGIC.copy(target, 0);
  target[4] = FORMAT_VERSION;
  target[5] = CODEC_IDS[fields.codec];
  target.writeUInt16BE((fields.final ? FLAG_FINAL : 0) | (fields.encrypted ? FLAG_ENCRYPTED : 0), 6);
  target.set(fields.sessionIdBytes, 8);
  target.writeUInt32BE(fields.segmentIndex, 24);
  writeU64(target, fields.firstSeq, 28);
  writeU64(target, fields.firstOffsetNs, 36);
  writeU64(target, fields.lastOffsetNs, 44);
  target.set(fields.previousHash, 52);
  target.writeUInt16BE(fields.extensionLength, 84);
  target.writeUInt16BE(0, 86);
  target.writeUInt32BE(fields.bodyLength, 88);
}

/**
 * Parses and checks a header. `segmentIndex` is the segment's position in the
 * stream, used for error reports.
 */
export function parseHeader(bytes: Uint8Array, segmentIndex: number): SegmentHeader {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, HEADER_LENGTH);
  if (!view.subarray(0, 4).equals(SEGMENT_MAGIC)) {
    throw new TaplineError('TAPLINE_ERR_BAD_MAGIC', 'not a Tapline segment: bad magic', {
      component: 'frames',
      segmentIndex,
    });
  }
  const version = view[4]!;
  if (version !== FORMAT_VERSION) {
    throw new TaplineError('TAPLINE_ERR_UNSUPPORTED_VERSION', `unsupported format version ${version}`, {
      component: 'frames',
      segmentIndex,
    });
  }
  const codec = CODEC_NAMES[view[5]!];
  if (codec === undefined) {
    throw new TaplineError('TAPLINE_ERR_UNKNOWN_CODEC', `unknown codec ${view[5]}`, {
      component: 'frames',
      segmentIndex,
    });
  }
  const flags = view.readUInt16BE(6);
  if ((flags & ~KNOWN_FLAGS) !== 0 || view.readUInt16BE(86) !== 0) {
    throw new TaplineError('TAPLINE_ERR_BAD_HEADER', `unknown header flags 0x${flags.toString(16)}`, {
      component: 'frames',
      segmentIndex,
    });
  }
  return {
    version,
    codec,
    final: (flags & FLAG_FINAL) !== 0,
    encrypted: (flags & FLAG_ENCRYPTED) !== 0,
    sessionId: bytesToUuid(view.subarray(8, 24)),
    segmentIndex: view.readUInt32BE(24),
    firstSeq: readU64(view, 28, segmentIndex),
    firstOffsetNs: readU64(view, 36, segmentIndex),
    lastOffsetNs: readU64(view, 44, segmentIndex),
    previousHash: view.subarray(52, 84).toString('hex'),
    extensionLength: view.readUInt16BE(84),
    bodyLength: view.readUInt32BE(88),
  };
}

export function writeTrailerPrefix(
  target: Buffer,
  offset: number,
  frameCount: number,
  rawLength: number,
): void {
  target.writeUInt32BE(frameCount, offset);
  writeU64(target, rawLength, offset + 4);
}

export function parseTrailer(bytes: Uint8Array, segmentIndex: number): SegmentTrailer {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, TRAILER_LENGTH);
  if (!view.subarray(44, 48).equals(TRAILER_MAGIC)) {
    throw new TaplineError(
      'TAPLINE_ERR_BAD_TRAILER',
      'segment trailer magic missing: body length or trailer damaged',
      {
        component: 'frames',
        segmentIndex,
      },
    );
  }
  return {
    frameCount: view.readUInt32BE(0),
    rawLength: readU64(view, 4, segmentIndex),
    hash: view.subarray(12, 44).toString('hex'),
  };
}
