import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { TaplineError } from './errors.js';
import type { CodecName } from './layout.js';

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);
const brotliCompress = promisify(zlib.brotliCompress);
const brotliDecompress = promisify(zlib.brotliDecompress);

export interface CodecOptions {
  codec: CodecName;
  /** gzip level 1..9 or brotli quality 0..11. @default 1 */
  level?: number;
}

/**
 * Compresses on libuv's thread pool (zlib's async API), so compression runs
 * beside the relay's event loop instead of inside it.
 */
export async function compress(raw: Uint8Array, options: CodecOptions): Promise<Uint8Array> {
  const level = options.level ?? 1;
  switch (options.codec) {
    case 'none':
      return raw;
    case 'gzip':
      return gzip(raw, { level });
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

export async function decompress(
  body: Uint8Array,
  codec: CodecName,
  expectedLength: number,
  segmentIndex: number,
): Promise<Uint8Array> {
  if (codec === 'none') return body;
  try {
    // maxOutputLength bounds a decompression bomb to what the trailer promised.
    const limit = { maxOutputLength: Math.max(expectedLength, 1) };
    return codec === 'gzip' ? await gunzip(body, limit) : await brotliDecompress(body, limit);
  } catch (cause) {
    throw new TaplineError('TAPLINE_ERR_DECOMPRESS', `segment body does not decompress (${codec})`, {
      component: 'frames',
      segmentIndex,
      cause,
    });
  }
}
