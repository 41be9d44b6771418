// zstd through @cloudpss/zstd's N-API binding (prebuilt inside its npm
// package). Only the per-instance streaming contexts are used: the binding's
// one-shot compress/decompress share one process-wide context, which two
// threads (the relay and a compression worker) must never touch at once.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { TaplineError } from './errors.js';

type ChunkCallback = (chunk: Buffer) => void;

interface StreamContext {
  data(input: Buffer, onChunk: ChunkCallback): void;
  end(onChunk: ChunkCallback): void;
}

export interface ZstdBinding {
  Compressor: new (level: number) => StreamContext;
  Decompressor: new () => StreamContext;
}

/** Where the binding lives, for worker threads that load it themselves. */
export interface ZstdLocation {
  packageJson: string;
  packageRoot: string;
}

/** A zstd block regenerates at most this many bytes (RFC 8878, Block_Maximum_Size). */
const BLOCK_MAX_BYTES = 128 * 1024;
const FRAME_MAGIC = 0xfd2fb528;
/** 8 MiB: every level Tapline writes (≤ 19 at 1 MiB segments) uses less. */
const MAX_WINDOW_LOG = 23;

let location: ZstdLocation | undefined;
let binding: ZstdBinding | undefined;
let loadError: unknown;

export function zstdLocation(): ZstdLocation {
  if (!location) {
    const packageJson = createRequire(import.meta.url).resolve('@cloudpss/zstd/package.json');
    location = { packageJson, packageRoot: dirname(packageJson) };
  }
  return location;
}

/** The native binding, or a TAPLINE_ERR_CODEC_UNAVAILABLE error naming why it did not load. */
export function zstdBinding(): ZstdBinding {
  if (binding) return binding;
  if (loadError === undefined) {
    try {
      const { packageJson, packageRoot } = zstdLocation();
      binding = createRequire(packageJson)('node-gyp-build')(packageRoot) as ZstdBinding;
      return binding;
    } catch (error) {
      loadError = error;
    }
  }
  throw new TaplineError(
    'TAPLINE_ERR_CODEC_UNAVAILABLE',
    'zstd is not available on this platform (no prebuilt @cloudpss/zstd binding loaded); use codec gzip',
    { component: 'frames', cause: loadError },
  );
}

/** True when zstd segments can be written and read here. */
export function zstdAvailable(): boolean {
  try {
    zstdBinding();
    return true;
  } catch {
    return false;
  }
}

/**
 * The most bytes a zstd body can regenerate, read from its block headers
 * before anything is inflated. Accepts exactly one zstd frame and nothing
 * after it (what the writer produces); throws on anything else.
 */
export function zstdRegeneratedBound(body: Uint8Array): number {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const need = (at: number, bytes: number, what: string) => {
    if (at + bytes > body.byteLength) throw new Error(`${what} is cut off`);
  };
  need(0, 5, 'frame header');
  if (view.getUint32(0, true) !== FRAME_MAGIC) throw new Error('no zstd frame magic');
  const descriptor = body[4]!;
  if (descriptor & 0x08) throw new Error('reserved frame header bit set');
  const contentSizeFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const checksum = (descriptor >> 2) & 1;
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 3]!;
  const contentSizeBytes = [singleSegment, 2, 4, 8][contentSizeFlag]!;
  let at = 5 + (singleSegment ? 0 : 1) + dictionaryIdBytes + contentSizeBytes;
  need(0, at, 'frame header');
  if (dictionaryIdBytes > 0) throw new Error('frame needs a dictionary');
  if (!singleSegment) {
    // The decoder allocates the window the frame asks for (up to 128 MiB):
    // refuse windows no Tapline writer uses before it does.
    const windowByte = body[5]!;
    const windowLog = 10 + (windowByte >> 3);
    if (windowLog > MAX_WINDOW_LOG) throw new Error(`window of 2^${windowLog} bytes`);
  }
  let bound = 0;
  for (;;) {
    need(at, 3, 'block header');
    const header = body[at]! | (body[at + 1]! << 8) | (body[at + 2]! << 16);
    at += 3;
    const last = header & 1;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    if (type === 3) throw new Error('reserved block type');
    if (type !== 2 && size > BLOCK_MAX_BYTES) throw new Error('block larger than 128 KiB');
    const stored = type === 1 ? 1 : size;
    need(at, stored, 'block');
    at += stored;
    bound += type === 2 ? BLOCK_MAX_BYTES : size;
    if (last) break;
  }
  at += checksum ? 4 : 0;
  need(0, at, 'content checksum');
  if (at !== body.byteLength) throw new Error('bytes after the zstd frame');
  return bound;
}

/**
 * Inflates an untrusted zstd body to exactly `expectedLength` bytes. The
 * block headers are walked first, so a body that could regenerate more than
 * its trailer promises (plus one block) is refused before any memory is
 * spent on it.
 */
export function zstdDecompress(
  body: Uint8Array,
  expectedLength: number,
  fail: (message: string, cause?: unknown) => TaplineError,
): Uint8Array {
  let bound: number;
  try {
    bound = zstdRegeneratedBound(body);
  } catch (cause) {
    throw fail('is not one well-formed zstd frame', cause);
  }
  if (bound > expectedLength + BLOCK_MAX_BYTES) {
    throw fail(`could inflate to ${bound} bytes, past the ${expectedLength} bytes its trailer promises`);
  }
  const out = Buffer.allocUnsafe(expectedLength);
  let written = 0;
  let overflow = false;
  const collect = (chunk: Buffer) => {
    if (overflow || written + chunk.length > expectedLength) {
      overflow = true;
      return;
    }
    chunk.copy(out, written);
    written += chunk.length;
  };
  try {
    const decompressor = new (zstdBinding().Decompressor)();
    decompressor.data(Buffer.from(body.buffer, body.byteOffset, body.byteLength), collect);
    decompressor.end(collect);
  } catch (cause) {
    if (cause instanceof TaplineError) throw cause;
    throw fail('does not decompress', cause);
  }
  if (overflow) throw fail(`inflates past the ${expectedLength} bytes its trailer promises`);
  if (written !== expectedLength)
    throw fail(`inflates to ${written} bytes, its trailer says ${expectedLength}`);
  return out;
}
