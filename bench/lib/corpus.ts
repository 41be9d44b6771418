// Benchmark inputs drawn from the recorded corpus (bench/corpus/).
import { dataOf, loadFrames, TARGET_TO_CLIENT } from './recording.js';

let outputCache: Buffer | undefined;

/**
 * Terminal output as the proxies recorded it: the target→client bytes of the
 * build log (fast compiler-like lines, colours) and the bulk `cat` of C
 * headers, concatenated, repeated to `bytes`.
 */
export async function corpusOutput(bytes: number): Promise<Buffer> {
  if (!outputCache) {
    const chunks: Uint8Array[] = [];
    for (const name of ['build-log', 'bulk-cat'] as const) {
      for (const chunk of dataOf(await loadFrames(name), { direction: TARGET_TO_CLIENT }))
        chunks.push(chunk.bytes);
    }
    outputCache = Buffer.concat(chunks);
  }
  const out = Buffer.allocUnsafe(bytes);
  for (let offset = 0; offset < bytes; offset += outputCache.length)
    outputCache.copy(out, offset, 0, Math.min(outputCache.length, bytes - offset));
  return out;
}

/** Cuts `bytes` into chunks of `size` (views, no copies). */
export function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += size)
    chunks.push(bytes.subarray(offset, offset + size));
  return chunks;
}
