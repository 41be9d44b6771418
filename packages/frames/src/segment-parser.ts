import { createHash } from 'node:crypto';
import { SEAL_OVERHEAD } from './encryption.js';
import { TaplineError } from './errors.js';
import {
  HASH_LENGTH,
  HEADER_LENGTH,
  MAX_SEGMENT_RAW_BYTES,
  parseHeader,
  parseTrailer,
  type SegmentHeader,
  type SegmentTrailer,
  TRAILER_HASHED_PREFIX,
  TRAILER_LENGTH,
} from './layout.js';
import { type ByteSource, chunksOf } from './source.js';

/** One whole segment as it came off the wire, checked against its own hash. */
export interface RawSegment {
  /** Position in the stream, from 0: what error reports call the segment index. */
  position: number;
  header: SegmentHeader;
  extension: Uint8Array;
  /** The compressed (and maybe sealed) body. */
  body: Uint8Array;
  trailer: SegmentTrailer;
  /** The whole segment, header to trailer. Valid until the next parse() call. */
  bytes: Uint8Array;
}

/** The default body limit: the largest body a writer produces. */
export const MAX_SEGMENT_BODY_BYTES: number = MAX_SEGMENT_RAW_BYTES + SEAL_OVERHEAD;

export interface SegmentParserOptions {
  /**
   * Largest body accepted; larger is TAPLINE_ERR_SEGMENT_TOO_LARGE, refused
   * from the header before the body is buffered. A body is never larger than
   * its raw frames plus the encryption overhead (the writer stores a segment
   * raw when compressing would grow it). @default MAX_SEGMENT_BODY_BYTES (64 MiB + 28 B)
   */
  maxBodyLength?: number;
}

/**
 * Splits a byte stream into segments. Pure: no I/O; bytes in through
 * `parse(chunk, onSegment)`, checked segments out. One growable buffer with
 * cursors, compacted when a segment completes, instead of a concat per chunk.
 * A segment's own integrity (magic, layout, SHA-256) is checked here; the
 * chain between segments is checked by {@link ChainChecker}.
 */
export class SegmentParser {
  #buffer: Buffer = Buffer.allocUnsafe(0);
  #start = 0;
  #end = 0;
  #position = 0;
  #bytesConsumed = 0;
  readonly #maxBodyLength: number;

  constructor(options: SegmentParserOptions = {}) {
    this.#maxBodyLength = options.maxBodyLength ?? MAX_SEGMENT_BODY_BYTES;
  }

  /** Bytes of whole segments consumed so far. */
  get bytesConsumed(): number {
    return this.#bytesConsumed;
  }

  /** Whole segments seen so far. */
  get segments(): number {
    return this.#position;
  }

  parse(chunk: Uint8Array, onSegment: (segment: RawSegment) => void): void {
    this.#append(chunk);
    while (this.#end - this.#start >= HEADER_LENGTH) {
      const available = this.#end - this.#start;
      const header = parseHeader(
        this.#buffer.subarray(this.#start, this.#start + HEADER_LENGTH),
        this.#position,
      );
      if (header.bodyLength > this.#maxBodyLength) {
        throw new TaplineError(
          'TAPLINE_ERR_SEGMENT_TOO_LARGE',
          `segment body of ${header.bodyLength} bytes exceeds the ${this.#maxBodyLength}-byte limit`,
          { component: 'frames', segmentIndex: this.#position },
        );
      }
      const total = HEADER_LENGTH + header.extensionLength + header.bodyLength + TRAILER_LENGTH;
      // Growth happens in #append, at the next parse() call, so the bytes of
      // segments handed out by this call stay valid until then.
      if (available < total) return;
      const bytes = this.#buffer.subarray(this.#start, this.#start + total);
      const bodyStart = HEADER_LENGTH + header.extensionLength;
      const trailerStart = bodyStart + header.bodyLength;
      const trailer = parseTrailer(bytes.subarray(trailerStart), this.#position);
      const computed = createHash('sha256')
        .update(bytes.subarray(0, trailerStart + TRAILER_HASHED_PREFIX))
        .digest('hex');
      if (computed !== trailer.hash) {
        throw new TaplineError(
          'TAPLINE_ERR_HASH_MISMATCH',
          'segment bytes do not match the SHA-256 in its trailer',
          {
            component: 'frames',
            segmentIndex: this.#position,
            details: { expected: trailer.hash, computed },
          },
        );
      }
      this.#start += total;
      this.#bytesConsumed += total;
      const position = this.#position++;
      onSegment({
        position,
        header,
        extension: bytes.subarray(HEADER_LENGTH, bodyStart),
        body: bytes.subarray(bodyStart, trailerStart),
        trailer,
        bytes,
      });
    }
  }

  /** Call at end of input: leftover bytes mean the recording was cut mid-segment. */
  end(): void {
    if (this.#end > this.#start) {
      throw new TaplineError(
        'TAPLINE_ERR_TRUNCATED',
        `recording ends ${this.#end - this.#start} bytes into segment ${this.#position}`,
        { component: 'frames', segmentIndex: this.#position },
      );
    }
  }

  #append(chunk: Uint8Array): void {
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
    }
    this.#reserve(this.#end - this.#start + chunk.byteLength);
    this.#buffer.set(chunk, this.#end);
    this.#end += chunk.byteLength;
  }

  /** Makes room for `needed` bytes from #start, compacting before growing. */
  #reserve(needed: number): void {
    if (this.#start + needed <= this.#buffer.length) return;
    const remaining = this.#end - this.#start;
    if (needed <= this.#buffer.length) {
      this.#buffer.copy(this.#buffer, 0, this.#start, this.#end);
    } else {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2, 64 * 1024));
      this.#buffer.copy(grown, 0, this.#start, this.#end);
      this.#buffer = grown;
    }
    this.#start = 0;
    this.#end = remaining;
  }
}

/**
 * Checks what links segments: one session id, indexes counting from 0,
 * each header naming the previous segment's hash, seqs continuing, nothing
 * after the end marker.
 */
export class ChainChecker {
  #sessionId: string | undefined;
  #previousHash = '0'.repeat(HASH_LENGTH * 2);
  #nextSeq = 0;
  #lastOffsetNs = 0;
  #ended = false;
  segments = 0;
  frames = 0;

  get chainHash(): string | undefined {
    return this.segments === 0 ? undefined : this.#previousHash;
  }

  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  get complete(): boolean {
    return this.#ended;
  }

  get nextSeq(): number {
    return this.#nextSeq;
  }

  get lastOffsetNs(): number {
    return this.#lastOffsetNs;
  }

  check(segment: RawSegment): void {
    const { header, trailer, position } = segment;
    const fail = (code: string, message: string) =>
      new TaplineError(code, message, { component: 'frames', segmentIndex: position });
    if (this.#ended) throw fail('TAPLINE_ERR_DATA_AFTER_END', 'a segment follows the end marker');
    if (this.#sessionId !== undefined && header.sessionId !== this.#sessionId) {
      throw fail('TAPLINE_ERR_SESSION_MISMATCH', `segment belongs to session ${header.sessionId}`);
    }
    if (header.segmentIndex !== position || header.previousHash !== this.#previousHash) {
      throw fail(
        'TAPLINE_ERR_CHAIN_BROKEN',
        header.segmentIndex !== position
          ? `segment says it is number ${header.segmentIndex}, found at position ${position}`
          : 'segment does not follow the previous one: previous-hash mismatch',
      );
    }
    if (header.firstSeq !== this.#nextSeq) {
      throw fail(
        'TAPLINE_ERR_SEQ_GAP',
        `segment starts at seq ${header.firstSeq}, expected ${this.#nextSeq}`,
      );
    }
    if (header.firstOffsetNs > header.lastOffsetNs || header.firstOffsetNs < this.#lastOffsetNs) {
      throw fail('TAPLINE_ERR_TIME_REVERSED', 'segment times run backwards');
    }
    this.#sessionId = header.sessionId;
    this.#previousHash = trailer.hash;
    this.#nextSeq += trailer.frameCount;
    this.#lastOffsetNs = header.lastOffsetNs;
    this.#ended = header.final;
    this.segments++;
    this.frames += trailer.frameCount;
  }
}

/**
 * The whole segments of a byte source, each checked against its own hash. A
 * segment's bytes stay valid until the consumer asks for the next one. Good
 * segments that arrive in the same chunk as damage are yielded before the
 * damage is thrown; leftover bytes at the end throw TAPLINE_ERR_TRUNCATED.
 */
export async function* rawSegments(source: ByteSource, parser: SegmentParser): AsyncGenerator<RawSegment> {
  const ready: RawSegment[] = [];
  const collect = (segment: RawSegment) => ready.push(segment);
  for await (const chunk of chunksOf(source)) {
    let damage: unknown;
    try {
      parser.parse(chunk, collect);
    } catch (error) {
      damage = error;
    }
    for (const segment of ready) yield segment;
    ready.length = 0;
    if (damage !== undefined) throw damage;
  }
  parser.end();
}
