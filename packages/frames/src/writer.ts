import { createHash, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { deflateRawSync } from 'node:zlib';
import { compressSegment, defaultCodec } from './codec.js';
import { DATA_KEY_LENGTH, SEAL_OVERHEAD, seal } from './encryption.js';
import { TaplineError } from './errors.js';
import { encodeFrameInto, type Frame, FrameBuffer } from './frame-codec.js';
import type { KeyWrapper } from './key-wrapper.js';
import {
  type CodecName,
  HASH_LENGTH,
  HEADER_LENGTH,
  MAX_SEGMENT_RAW_BYTES,
  TRAILER_HASHED_PREFIX,
  TRAILER_LENGTH,
  TRAILER_MAGIC,
  uuidToBytes,
  writeHeader,
  writeTrailerPrefix,
  ZERO_HASH,
} from './layout.js';
import { tapline } from './schema.js';
import type { LeasedBody } from './zstd-pool.js';

/** Where a writer continues an existing recording (crash recovery appends). */
export interface ContinueFrom {
  segmentIndex: number;
  nextSeq: number;
  /** Hex SHA-256 of the last segment written. */
  previousHash: string;
  lastOffsetNs: number;
}

export interface RecordingWriterOptions {
  /** The session's UUID, written into every segment header. */
  sessionId: string;
  /** @default 'zstd' where its prebuilt binding loads, else 'gzip' */
  codec?: CodecName;
  /** gzip level, brotli quality or zstd level. @default 1 */
  level?: number;
  /**
   * The zstd level for segments cut while compression is behind (whenBehind
   * 'store'): faster and worse, but not raw. @default -1
   */
  pressureLevel?: number;
  /**
   * Raw (uncompressed) bytes of frames after which a segment is cut. 1 MiB of
   * terminal text compresses to ~130 KiB; the S3 sink batches segments into
   * parts, so segments can stay small and cheap to lose in a crash.
   * @default 1048576
   */
  segmentBytes?: number;
  /** Encrypts every segment body under a fresh per-session data key wrapped by this. */
  keyWrapper?: KeyWrapper;
  /** Segments compressing at once on the thread pool before writes wait. @default 2 */
  maxPendingSegments?: number;
  /**
   * What to do when compression is the bottleneck (every pending slot busy):
   * `wait` holds writes back (backpressure); `store` cuts the segment with
   * zstd at `pressureLevel` (uncompressed with the other codecs), so a live
   * session outrunning compression costs some disk, not content or latency.
   * The recorder uses `store` in best-effort mode.
   * @default 'wait'
   */
  whenBehind?: 'wait' | 'store';
  continueFrom?: ContinueFrom;
  /**
   * Write the end marker on `end()`. Recovery sets this to false to append a
   * last, unmarked segment to a recording that was cut off. @default true
   */
  endMarker?: boolean;
}

/**
 * A segment buffer starts small and doubles as frames arrive, so a thousand
 * idle sessions do not each hold a segment's worth of memory; busy sessions
 * reuse their grown buffers.
 */
const INITIAL_BUFFER_BYTES = 16 * 1024;

const CUT_SEGMENT: unique symbol = Symbol('tapline.cutSegment');
/** What #encode() says when the frame filled the segment and it was cut. */
const FILLED: unique symbol = Symbol('tapline.segmentFilled');

interface PendingSegment {
  raw: FrameBuffer;
  firstSeq: number;
  frameCount: number;
  firstOffsetNs: number;
  lastOffsetNs: number;
  final: boolean;
  codec: CodecName;
  compressed: Promise<LeasedBody>;
}

/**
 * Frames in (object mode), segment bytes out: every chunk the writer pushes is
 * exactly one whole segment. `end()` writes the final segment with the end
 * marker; a writer destroyed without `end()` leaves an incomplete recording.
 */
export class RecordingWriter extends Transform {
  readonly sessionId: string;
  readonly #sessionIdBytes: Buffer;
  #codec: CodecName;
  readonly #level: number;
  readonly #pressureLevel: number;
  readonly #segmentBytes: number;
  readonly #maxPending: number;
  readonly #storeWhenBehind: boolean;
  readonly #keyWrapper: KeyWrapper | undefined;
  readonly #endMarker: boolean;
  #keyMaterial: Promise<{ dataKey: Buffer; extension: Uint8Array }> | undefined;

  #current: FrameBuffer;
  readonly #spareBuffers: FrameBuffer[] = [];
  #currentFirstSeq: number;
  #currentCount = 0;
  #currentFirstOffsetNs = 0;
  #lastOffsetNs: number;
  #nextSeq: number;

  #segmentIndex: number;
  #previousHash: Buffer;
  #pending = 0;
  #finalizing: Promise<void> = Promise.resolve();
  #waitingCallback: TransformCallback | undefined;
  /** The last compressed segment shrank to under half: no incompressibility probe for the next. */
  #compressingWell = false;
  /** appendFrame() said "wait": 'drain' is emitted once a segment finishes. */
  #drainOwed = false;
  #failed: Error | undefined;

  constructor(options: RecordingWriterOptions) {
    super({ writableObjectMode: true, readableObjectMode: false, writableHighWaterMark: 64 });
    this.sessionId = options.sessionId;
    this.#sessionIdBytes = uuidToBytes(options.sessionId);
    this.#codec = options.codec ?? defaultCodec();
    this.#level = options.level ?? 1;
    this.#pressureLevel = options.pressureLevel ?? -1;
    this.#segmentBytes = options.segmentBytes ?? 1024 * 1024;
    if (!(this.#segmentBytes >= 64 && this.#segmentBytes <= 64 * 1024 * 1024)) {
      throw new TaplineError('TAPLINE_ERR_INVALID_OPTION', 'segmentBytes must be between 64 B and 64 MiB', {
        component: 'frames',
      });
    }
    this.#maxPending = Math.max(1, options.maxPendingSegments ?? 2);
    this.#storeWhenBehind = options.whenBehind === 'store';
    this.#keyWrapper = options.keyWrapper;
    this.#endMarker = options.endMarker ?? true;
    const from = options.continueFrom;
    this.#segmentIndex = from?.segmentIndex ?? 0;
    this.#nextSeq = from?.nextSeq ?? 0;
    this.#currentFirstSeq = this.#nextSeq;
    this.#lastOffsetNs = from?.lastOffsetNs ?? 0;
    this.#previousHash = from ? Buffer.from(from.previousHash, 'hex') : ZERO_HASH;
    if (this.#previousHash.length !== HASH_LENGTH) {
      throw new TaplineError('TAPLINE_ERR_INVALID_OPTION', 'continueFrom.previousHash must be 32 bytes hex', {
        component: 'frames',
      });
    }
    this.#current = new FrameBuffer(INITIAL_BUFFER_BYTES);
  }

  /** Cuts the current segment now (the recorder does this on a timer so a crash loses little). */
  cutSegment(): boolean {
    return this.write(CUT_SEGMENT);
  }

  /**
   * Switches the codec from the next segment on. The recorder drops to `none`
   * while a session outruns compression, so the spool absorbs the burst at
   * memcpy speed instead of the session losing content; each segment's header
   * names its own codec.
   */
  useCodec(codec: CodecName): void {
    this.#codec = codec;
  }

  get codec(): CodecName {
    return this.#codec;
  }

  /** Index the next segment will get. */
  get nextSegmentIndex(): number {
    return this.#segmentIndex;
  }

  override _transform(
    frame: Frame | typeof CUT_SEGMENT,
    _encoding: BufferEncoding,
    callback: TransformCallback,
  ): void {
    if (this.#failed) return callback(this.#failed);
    if (frame === CUT_SEGMENT) {
      if (this.#currentCount > 0) this.#cut(false);
      return this.#continueWhenRoom(callback);
    }
    const outcome = this.#encode(frame);
    if (outcome instanceof Error) return callback(outcome);
    if (outcome === FILLED) return this.#continueWhenRoom(callback);
    callback();
  }

  /**
   * Encodes `frame` at once, without what a `write()` costs per frame (a
   * queued write request and a tick for its callback): the recorder's hot
   * path for keystroke-sized frames. Same checks, same order: while earlier
   * writes are still queued, or segments wait for a slow reader, it is a
   * plain `write()` (whose queue then holds the frames back). Returns false
   * when the caller should wait for 'drain' before the next frame, as
   * `write()` does.
   */
  appendFrame(frame: Frame): boolean {
    if (
      this.#drainOwed ||
      this.writableLength > 0 ||
      this.#waitingCallback !== undefined ||
      !this.writable ||
      this.readableLength >= this.readableHighWaterMark
    ) {
      return this.write(frame);
    }
    if (this.#failed) {
      this.destroy(this.#failed);
      return false;
    }
    const outcome = this.#encode(frame);
    if (outcome instanceof Error) {
      this.destroy(outcome);
      return false;
    }
    if (outcome === FILLED && !this.#hasRoom()) {
      this.#drainOwed = true;
      return false;
    }
    return true;
  }

  /** Encodes one frame into the current segment; cuts the segment when it is full. */
  #encode(frame: Frame): Error | typeof FILLED | undefined {
    const seq = frame.seq ?? 0;
    const offsetNs = frame.offsetNs ?? 0;
    if (seq !== this.#nextSeq) {
      return new TaplineError(
        'TAPLINE_ERR_SEQ_GAP',
        `frame seq ${seq} written where ${this.#nextSeq} was due`,
        {
          component: 'frames',
        },
      );
    }
    if (offsetNs < this.#lastOffsetNs) {
      return new TaplineError(
        'TAPLINE_ERR_TIME_REVERSED',
        `frame offset ${offsetNs} ns is before ${this.#lastOffsetNs} ns`,
        { component: 'frames' },
      );
    }
    try {
      const before = this.#current.length;
      encodeFrameInto(this.#current, frame);
      if (this.#current.length > MAX_SEGMENT_RAW_BYTES) {
        // Readers refuse segments above this size: the frame starts a new segment.
        this.#current.length = before;
        if (before === 0) {
          return new TaplineError(
            'TAPLINE_ERR_FRAME_ENCODE',
            `a frame exceeds ${MAX_SEGMENT_RAW_BYTES} bytes`,
            {
              component: 'frames',
            },
          );
        }
        this.#cut(false);
        encodeFrameInto(this.#current, frame);
      }
    } catch (cause) {
      return new TaplineError('TAPLINE_ERR_FRAME_ENCODE', 'frame could not be encoded', {
        component: 'frames',
        cause,
      });
    }
    if (this.#currentCount === 0) this.#currentFirstOffsetNs = offsetNs;
    this.#currentCount++;
    this.#nextSeq++;
    this.#lastOffsetNs = offsetNs;
    if (this.#current.length < this.#segmentBytes) return undefined;
    this.#cut(false);
    return FILLED;
  }

  override _flush(callback: TransformCallback): void {
    if (this.#failed) return callback(this.#failed);
    if (this.#endMarker || this.#currentCount > 0) this.#cut(this.#endMarker);
    this.#finalizing.then(
      () => callback(),
      (error: Error) => callback(error),
    );
  }

  #hasRoom(): boolean {
    // Stored and pressure-level segments finish fast; allow a few more of them in flight.
    return this.#pending < (this.#storeWhenBehind ? this.#maxPending * 4 : this.#maxPending);
  }

  #continueWhenRoom(callback: TransformCallback): void {
    if (this.#hasRoom()) callback();
    else this.#waitingCallback = callback;
  }

  #cut(final: boolean): void {
    const raw = this.#current;
    let codec = this.#codec;
    let level = this.#level;
    // The probe is skipped while this session's segments compress well (text
    // stays text); one that does not turns it back on. A segment that slips
    // through is compressed for nothing and stored raw below.
    if (codec !== 'none' && !this.#compressingWell && incompressible(raw.view())) codec = 'none';
    else if (codec !== 'none' && this.#storeWhenBehind && this.#pending >= this.#maxPending) {
      if (codec === 'zstd') level = Math.min(level, this.#pressureLevel);
      else codec = 'none';
    }
    const segment: PendingSegment = {
      raw,
      firstSeq: this.#currentFirstSeq,
      frameCount: this.#currentCount,
      firstOffsetNs: this.#currentCount > 0 ? this.#currentFirstOffsetNs : this.#lastOffsetNs,
      lastOffsetNs: this.#lastOffsetNs,
      final,
      codec,
      compressed: compressSegment(raw.view(), { codec, level }),
    };
    // The promise is awaited in order below; this keeps a rejection from being
    // reported as unhandled while earlier segments are still finishing.
    segment.compressed.catch(() => {});
    // A segment that filled says more will: its successor starts at the same
    // capacity instead of growing from 16 KiB by doubling (a megabyte of
    // copying per segment), and the buffers of finished segments are kept
    // for the next ones (fresh memory costs a page fault per page and makes
    // the garbage collector run more often). A segment cut by time means the
    // session is quiet: its spare buffers are let go, so idle sessions hold
    // no spare megabytes.
    const filled = raw.length >= this.#segmentBytes;
    if (!filled) this.#spareBuffers.length = 0;
    this.#current =
      this.#spareBuffers.pop() ?? new FrameBuffer(filled ? raw.bytes.length : INITIAL_BUFFER_BYTES);
    this.#current.reset();
    this.#currentFirstSeq = this.#nextSeq;
    this.#currentCount = 0;
    this.#pending++;
    this.#finalizing = this.#finalizing
      .then(() => this.#finish(segment))
      .catch((error: Error) => {
        this.#failed ??= error;
        this.destroy(error);
        throw error;
      });
    this.#finalizing.catch(() => {});
  }

  /** The segment's header, body (sealed when encrypting) and trailer, hashed into the chain. */
  async #assemble(segment: PendingSegment, compressed: Uint8Array): Promise<Buffer> {
    let body = compressed;
    const rawLength = segment.raw.length;
    if (segment.codec !== 'none') this.#compressingWell = body.length < rawLength / 2;
    else if (rawLength >= PROBE_MIN_SEGMENT) this.#compressingWell = false;
    if (segment.codec !== 'none' && body.length >= rawLength) {
      // Compression made it bigger: store the raw frames instead.
      segment.codec = 'none';
      body = segment.raw.view();
    }
    let extension: Uint8Array = new Uint8Array(0);
    let dataKey: Buffer | undefined;
    if (this.#keyWrapper) {
      const material = await this.#keyMaterialOnce(this.#keyWrapper);
      dataKey = material.dataKey;
      extension = material.extension;
    }
    const bodyLength = dataKey ? body.length + SEAL_OVERHEAD : body.length;
    const total = HEADER_LENGTH + extension.length + bodyLength + TRAILER_LENGTH;
    const out = Buffer.allocUnsafe(total);
    writeHeader(out, {
      codec: segment.codec,
      final: segment.final,
      encrypted: dataKey !== undefined,
      sessionIdBytes: this.#sessionIdBytes,
      segmentIndex: this.#segmentIndex,
      firstSeq: segment.firstSeq,
      firstOffsetNs: segment.firstOffsetNs,
      lastOffsetNs: segment.lastOffsetNs,
      previousHash: this.#previousHash,
      extensionLength: extension.length,
      bodyLength,
    });
    out.set(extension, HEADER_LENGTH);
    const bodyStart = HEADER_LENGTH + extension.length;
    if (dataKey) body = seal(dataKey, body, out.subarray(0, bodyStart));
    out.set(body, bodyStart);
    const trailerStart = bodyStart + bodyLength;
    writeTrailerPrefix(out, trailerStart, segment.frameCount, rawLength);
    const hash = createHash('sha256')
      .update(out.subarray(0, trailerStart + TRAILER_HASHED_PREFIX))
      .digest();
    hash.copy(out, trailerStart + TRAILER_HASHED_PREFIX);
    TRAILER_MAGIC.copy(out, trailerStart + TRAILER_HASHED_PREFIX + HASH_LENGTH);
    this.#previousHash = hash;
    this.#segmentIndex++;
    return out;
  }

  async #finish(segment: PendingSegment): Promise<void> {
    const leased = await segment.compressed;
    let out: Buffer;
    try {
      out = await this.#assemble(segment, leased.body);
    } finally {
      // The body is in `out` now (or was not needed): its memory may take the next segment.
      leased.release();
    }
    // The raw buffer is free once its bytes are compressed and copied: kept
    // for the next segment while the session writes (enough for every
    // segment that can be in flight), let go once nothing is in flight.
    if (this.#spareBuffers.length <= this.#maxPending * 4) this.#spareBuffers.push(segment.raw);
    this.#pending--;
    if (this.#pending === 0 && this.#current.length === 0) this.#spareBuffers.length = 0;
    this.push(out);
    if (this.#pending >= this.#maxPending) return;
    const waiting = this.#waitingCallback;
    if (waiting) {
      this.#waitingCallback = undefined;
      waiting();
    }
    if (this.#drainOwed) {
      this.#drainOwed = false;
      this.emit('drain');
    }
  }

  #keyMaterialOnce(keyWrapper: KeyWrapper): Promise<{ dataKey: Buffer; extension: Uint8Array }> {
    this.#keyMaterial ??= (async () => {
      const dataKey = randomBytes(DATA_KEY_LENGTH);
      const wrapped = await keyWrapper.wrap(dataKey);
      const extension = tapline.v1.SegmentKey.encode({
        algorithm: 'AES-256-GCM',
        keyId: wrapped.keyId,
        wrappedKey: wrapped.wrappedKey,
      }).finish();
      if (extension.length > 0xffff) {
        throw new TaplineError('TAPLINE_ERR_INVALID_OPTION', 'wrapped key exceeds 64 KiB', {
          component: 'frames',
        });
      }
      return { dataKey, extension };
    })();
    return this.#keyMaterial;
  }
}

const PROBE_MIN_SEGMENT = 64 * 1024;
const PROBE_BYTES = 8 * 1024;

/**
 * True when a large segment will not compress: random data, or data already
 * compressed (scp of a tarball, `cat /dev/urandom`). A deflate of an 8 KiB
 * sample from the middle costs ~0.1 ms, against 10+ ms for gzip over a whole
 * 1 MiB segment of noise; small segments are just compressed.
 */
function incompressible(raw: Buffer): boolean {
  if (raw.length < PROBE_MIN_SEGMENT) return false;
  const start = (raw.length >> 1) - (PROBE_BYTES >> 1);
  const sample = raw.subarray(start, start + PROBE_BYTES);
  return deflateRawSync(sample, { level: 1 }).length > sample.length * 0.95;
}

/** Creates a streaming recording writer. See {@link RecordingWriterOptions}. */
export function createRecordingWriter(options: RecordingWriterOptions): RecordingWriter {
  return new RecordingWriter(options);
}
