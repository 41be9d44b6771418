import { checkRawLength, decompress } from './codec.js';
import { open } from './encryption.js';
import { TaplineError } from './errors.js';
import { type DecodedFrame, iterateFrames } from './frame-codec.js';
import type { KeyWrapper } from './key-wrapper.js';
import { HEADER_LENGTH } from './layout.js';
import { tapline } from './schema.js';
import { ChainChecker, type RawSegment, rawSegments, SegmentParser } from './segment-parser.js';
import type { ByteSource } from './source.js';

export interface ReadOptions {
  /** Unwraps data keys of encrypted recordings. */
  keyWrapper?: KeyWrapper;
  /** Skip (without decompressing) segments whose frames all precede this seq. */
  fromSeq?: number;
  /** Skip (without decompressing) segments that end before this offset. */
  fromOffsetNs?: number;
  /** @default MAX_SEGMENT_BODY_BYTES (64 MiB + 28 B) */
  maxBodyLength?: number;
}

/**
 * A segment as the reader yields it. `frames` is absent for skipped segments;
 * it decodes lazily, so iterating it can throw a coded error for a segment
 * whose hash is right but whose frames are not (a forged or miswritten file).
 */
export interface DecodedSegment {
  position: number;
  header: RawSegment['header'];
  trailer: RawSegment['trailer'];
  byteLength: number;
  frames: Iterable<DecodedFrame> | undefined;
}

/**
 * Reads a recording segment by segment, checking every hash and the chain as
 * it goes; throws a coded TaplineError at the first damaged segment, after
 * yielding every good one before it. A recording without the end marker ends
 * quietly: check `header.final` of the last segment, or use `verifyRecording`.
 */
export async function* readSegments(
  source: ByteSource,
  options: ReadOptions = {},
): AsyncGenerator<DecodedSegment> {
  const parser = new SegmentParser(
    options.maxBodyLength === undefined ? {} : { maxBodyLength: options.maxBodyLength },
  );
  const chain = new ChainChecker();
  const keys = new KeyCache(options.keyWrapper);
  for await (const segment of rawSegments(source, parser)) {
    chain.check(segment);
    yield await decodeSegment(segment, options, keys);
  }
}

/** Reads every frame of a recording, in order. See {@link readSegments}. */
export async function* readFrames(
  source: ByteSource,
  options: ReadOptions = {},
): AsyncGenerator<DecodedFrame> {
  for await (const segment of readSegments(source, options)) {
    if (!segment.frames) continue;
    for (const frame of segment.frames) {
      if (options.fromSeq !== undefined && frame.seq < options.fromSeq) continue;
      if (options.fromOffsetNs !== undefined && frame.offsetNs < options.fromOffsetNs) continue;
      yield frame;
    }
  }
}

function skippable(segment: RawSegment, options: ReadOptions): boolean {
  const lastSeq = segment.header.firstSeq + segment.trailer.frameCount - 1;
  if (options.fromSeq !== undefined && lastSeq < options.fromSeq) return true;
  return options.fromOffsetNs !== undefined && segment.header.lastOffsetNs < options.fromOffsetNs;
}

export async function decodeSegment(
  segment: RawSegment,
  options: ReadOptions,
  keys: KeyCache,
): Promise<DecodedSegment> {
  const result: DecodedSegment = {
    position: segment.position,
    header: segment.header,
    trailer: segment.trailer,
    byteLength: segment.bytes.length,
    frames: undefined,
  };
  if (skippable(segment, options)) return result;
  result.frames = framesOf(segment, await openBody(segment, keys));
  return result;
}

/**
 * Decrypts and decompresses one segment's body into its raw frame bytes,
 * owned by the caller. The trailer is untrusted even though its hash matched
 * (whoever forges a file recomputes the hashes): its raw length is capped
 * before anything is allocated, the frame count is bounded by the raw length
 * (every frame takes at least its one-byte length prefix), and inflating
 * stops at the raw length.
 */
export async function openBody(segment: RawSegment, keys: KeyCache): Promise<Uint8Array> {
  const { header, trailer, position } = segment;
  checkRawLength(trailer.rawLength, position);
  if (trailer.frameCount > trailer.rawLength) {
    throw new TaplineError(
      'TAPLINE_ERR_FRAME_DECODE',
      `trailer says ${trailer.frameCount} frames in ${trailer.rawLength} bytes`,
      { component: 'frames', segmentIndex: position },
    );
  }
  let body = segment.body;
  if (header.encrypted) {
    const dataKey = await keys.dataKeyFor(segment);
    body = open(dataKey, body, segment.bytes.subarray(0, HEADER_LENGTH + header.extensionLength), position);
  }
  // An uncompressed, unencrypted body is a view into the parser's buffer, which
  // is reused: copy it so decoded frames own their bytes.
  const raw =
    header.codec === 'none'
      ? header.encrypted
        ? body
        : Buffer.from(body)
      : await decompress(body, header.codec, trailer.rawLength, position);
  if (raw.length !== trailer.rawLength) {
    throw new TaplineError(
      'TAPLINE_ERR_FRAME_DECODE',
      `segment body is ${raw.length} bytes, trailer says ${trailer.rawLength}`,
      {
        component: 'frames',
        segmentIndex: position,
      },
    );
  }
  return raw;
}

/**
 * The frames of a segment's raw bytes, decoded one by one as they are asked
 * for (see {@link iterateFrames}): a forged segment of millions of tiny
 * frames costs its raw bytes, not millions of objects at once.
 */
export function framesOf(segment: RawSegment, raw: Uint8Array): Iterable<DecodedFrame> {
  const { header, trailer } = segment;
  const expected = {
    frameCount: trailer.frameCount,
    firstSeq: header.firstSeq,
    firstOffsetNs: header.firstOffsetNs,
    lastOffsetNs: header.lastOffsetNs,
  };
  const position = segment.position;
  return { [Symbol.iterator]: () => iterateFrames(raw, position, expected) };
}

/** Decrypts, decompresses and checks every frame of one segment, keeping none. */
export async function checkBody(segment: RawSegment, keys: KeyCache): Promise<void> {
  for (const _frame of framesOf(segment, await openBody(segment, keys))) {
    // Decoding is the check; each frame is dropped at once, so memory stays flat.
  }
}

/** Unwraps each distinct wrapped data key once. */
export class KeyCache {
  readonly #keyWrapper: KeyWrapper | undefined;
  readonly #keys = new Map<string, Promise<Uint8Array>>();

  constructor(keyWrapper: KeyWrapper | undefined) {
    this.#keyWrapper = keyWrapper;
  }

  get canDecrypt(): boolean {
    return this.#keyWrapper !== undefined;
  }

  async dataKeyFor(segment: RawSegment): Promise<Uint8Array> {
    const position = segment.position;
    if (!this.#keyWrapper) {
      throw new TaplineError(
        'TAPLINE_ERR_KEY_REQUIRED',
        'recording is encrypted: a keyWrapper is needed to read it',
        {
          component: 'frames',
          segmentIndex: position,
        },
      );
    }
    const cacheKey = Buffer.from(segment.extension).toString('base64');
    let key = this.#keys.get(cacheKey);
    if (!key) {
      let segmentKey: tapline.v1.SegmentKey;
      try {
        segmentKey = tapline.v1.SegmentKey.decode(segment.extension);
      } catch (cause) {
        throw new TaplineError('TAPLINE_ERR_BAD_HEADER', 'encrypted segment has no readable key block', {
          component: 'frames',
          segmentIndex: position,
          cause,
        });
      }
      key = this.#keyWrapper.unwrap({ keyId: segmentKey.keyId, wrappedKey: segmentKey.wrappedKey });
      this.#keys.set(cacheKey, key);
    }
    try {
      return await key;
    } catch (cause) {
      throw new TaplineError('TAPLINE_ERR_KEY_UNAVAILABLE', 'the data key could not be unwrapped', {
        component: 'frames',
        segmentIndex: position,
        cause,
      });
    }
  }
}
