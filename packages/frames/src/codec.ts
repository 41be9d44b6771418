import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { TaplineError } from './errors.js';
import { type CodecName, MAX_SEGMENT_RAW_BYTES } from './layout.js';
import { zstdAvailable, zstdDecompress } from './zstd.js';
import { type LeasedBody, zstdCompress, zstdCompressLeased } from './zstd-pool.js';

const gzip = promisify(zlib.gzip);
const brotliCompress = promisify(zlib.brotliCompress);

/** Output chunk of the inflaters: large enough that copying out is cheap. */
const INFLATE_CHUNK_BYTES = 64 * 1024;

export interface CodecOptions {
  codec: CodecName;
  /** gzip level 1..9, brotli quality 0..11 or zstd level (negative: faster). @default 1 */
  level?: number;
}

/**
 * zstd where its prebuilt binding loads (every platform @cloudpss/zstd ships
 * a prebuild for), gzip elsewhere. Each segment header names its codec, so
 * recordings from either read everywhere zstd loads.
 */
export function defaultCodec(): CodecName {
  return zstdAvailable() ? 'zstd' : 'gzip';
}

/**
 * Compresses off the relay's event loop: gzip and brotli on libuv's thread
 * pool (zlib's async API), zstd on a pool of worker threads.
 */
export async function compress(raw: Uint8Array, options: CodecOptions): Promise<Uint8Array> {
  const level = options.level ?? 1;
  switch (options.codec) {
    case 'none':
      return raw;
    case 'gzip':
      return gzip(raw, { level });
    case 'zstd':
      return zstdCompress(raw, level);
    case 'brotli':
      return brotliCompress(raw, {
        params: {
          // brotli's default quality (11) runs at under 1 MB/s: always set it.
          [zlib.constants.BROTLI_PARAM_QUALITY]: level,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.byteLength,
        },
      });
  }
}

const keep = (): void => {};

/**
 * {@link compress} for the writer: a zstd body may stay in the memory the
 * worker wrote it to (no copy, no new buffer per segment) until `release()`.
 */
export async function compressSegment(raw: Uint8Array, options: CodecOptions): Promise<LeasedBody> {
  if (options.codec === 'zstd') return zstdCompressLeased(raw, options.level ?? 1);
  return { body: await compress(raw, options), release: keep };
}

/**
 * Inflates a segment body to exactly `expectedLength` bytes (the trailer's raw
 * length). The body is untrusted: the output is written straight into one
 * buffer of the promised size as the inflater produces it, and the inflater
 * is stopped the moment it would write past it, so a decompression bomb costs
 * at most `expectedLength` bytes (itself capped at MAX_SEGMENT_RAW_BYTES)
 * however far it would inflate. Inflating runs on the thread pool.
 */
export async function decompress(
  body: Uint8Array,
  codec: CodecName,
  expectedLength: number,
  segmentIndex: number,
): Promise<Uint8Array> {
  if (codec === 'none') return body;
  checkRawLength(expectedLength, segmentIndex);
  const fail = (message: string, cause?: unknown) =>
    new TaplineError('TAPLINE_ERR_DECOMPRESS', `segment body ${message} (${codec})`, {
      component: 'frames',
      segmentIndex,
      ...(cause === undefined ? {} : { cause }),
    });
  if (codec === 'zstd') return zstdDecompress(body, expectedLength, fail);
  const out = Buffer.allocUnsafe(expectedLength);
  const inflater =
    codec === 'gzip'
      ? zlib.createGunzip({ chunkSize: INFLATE_CHUNK_BYTES })
      : zlib.createBrotliDecompress({ chunkSize: INFLATE_CHUNK_BYTES });
  let written = 0;
  await new Promise<void>((resolve, reject) => {
    const stop = (error: TaplineError) => {
      inflater.removeAllListeners('data');
      inflater.destroy();
      reject(error);
    };
    inflater.on('data', (chunk: Buffer) => {
      if (written + chunk.length > expectedLength) {
        stop(fail(`inflates past the ${expectedLength} bytes its trailer promises`));
        return;
      }
      chunk.copy(out, written);
      written += chunk.length;
    });
    inflater.on('error', (cause) => stop(fail('does not decompress', cause)));
    inflater.on('end', () => resolve());
    inflater.end(body);
  });
  if (written !== expectedLength) {
    throw fail(`inflates to ${written} bytes, its trailer says ${expectedLength}`);
  }
  return out;
}

/** Refuses a raw length no writer produces, before anything is allocated for it. */
export function checkRawLength(rawLength: number, segmentIndex: number): void {
  if (rawLength > MAX_SEGMENT_RAW_BYTES) {
    throw new TaplineError(
      'TAPLINE_ERR_SEGMENT_TOO_LARGE',
      `segment claims ${rawLength} raw bytes, above the ${MAX_SEGMENT_RAW_BYTES}-byte limit`,
      { component: 'frames', segmentIndex },
    );
  }
}
