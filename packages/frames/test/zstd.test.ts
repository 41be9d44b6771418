// zstd, the default segment codec: written on worker threads, read from
// untrusted bytes with the frame's block headers checked before inflating.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compress,
  createLocalKeyWrapper,
  decompress,
  defaultCodec,
  parseHeader,
  readFrames,
  verifyRecording,
} from '../src/index.js';
import { zstdRegeneratedBound } from '../src/zstd.js';
import { defaultCompressionThreads, SLOTS_PER_WORKER, zstdCompressLeased } from '../src/zstd-pool.js';
import { forgeRecording, sampleFrames, writeRecording } from './helpers.js';

async function readError(chunks: Uint8Array[]): Promise<unknown> {
  try {
    for await (const _ of readFrames(chunks));
  } catch (error) {
    return error;
  }
  return undefined;
}

const text = Buffer.from(
  Array.from({ length: 20_000 }, (_, i) => `[${i}] compiling src/module${i % 97}.ts ok\n`).join(''),
);

describe('zstd segments', () => {
  it('is the default codec here and round-trips a recording that verifies', async () => {
    expect(defaultCodec()).toBe('zstd');
    const frames = sampleFrames(2000, 200);
    const written = await writeRecording(frames, { segmentBytes: 64 * 1024 });
    expect(written.length).toBeGreaterThan(2);
    for (const segment of written) expect(parseHeader(segment, 0).codec).toBe('zstd');
    const decoded = [];
    for await (const frame of readFrames(written)) decoded.push(frame);
    expect(decoded).toHaveLength(frames.length);
    expect(Buffer.from(decoded[5]!.data!.bytes!)).toEqual(Buffer.from(frames[5]!.data!.bytes!));
    const report = await verifyRecording(written);
    expect(report.complete).toBe(true);
  });

  it('compresses terminal text smaller than gzip level 1', async () => {
    const zstd = await compress(text, { codec: 'zstd', level: 1 });
    const gzip = await compress(text, { codec: 'gzip', level: 1 });
    expect(zstd.length).toBeLessThan(gzip.length);
    // Buffer.equals, not toEqual: a deep compare of 800 KB runs for seconds.
    expect(Buffer.from(await decompress(zstd, 'zstd', text.length, 0)).equals(text)).toBe(true);
  });

  it('compresses many segments at once on the worker pool, each to its own frame', async () => {
    const inputs = Array.from({ length: 16 }, (_, i) => Buffer.concat([Buffer.from(`segment ${i}\n`), text]));
    const bodies = await Promise.all(
      inputs.map((raw, i) => compress(raw, { codec: 'zstd', level: (i % 3) - 1 })),
    );
    for (const [i, body] of bodies.entries()) {
      expect(Buffer.from(await decompress(body, 'zstd', inputs[i]!.length, i)).equals(inputs[i]!)).toBe(true);
    }
  });

  it('refuses a bomb before inflating it: blocks that could regenerate past the trailer', async () => {
    const zeros = Buffer.alloc(8 * 1024 * 1024);
    const bomb = await compress(zeros, { codec: 'zstd', level: 1 });
    expect(bomb.length).toBeLessThan(4096);
    const good = await writeRecording(sampleFrames(20), { codec: 'zstd' });
    const forged = forgeRecording(good, { 0: { codec: 'zstd', body: bomb, rawLength: 1000, frameCount: 1 } });
    const error = await readError(forged);
    expect(error).toMatchObject({ code: 'TAPLINE_ERR_DECOMPRESS', segmentIndex: 0 });
    expect((error as Error).message).toContain('could inflate to');
  });

  it('refuses frames no writer makes: a huge window, a dictionary, bytes after the frame', async () => {
    const body = Buffer.from(await compress(text, { codec: 'zstd', level: 1 }));
    const hugeWindow = Buffer.from(body);
    hugeWindow[4] = hugeWindow[4]! & ~0x20; // not single-segment: a window byte follows
    hugeWindow[5] = 17 << 3; // 2^27 bytes
    const trailing = Buffer.concat([body, Buffer.from([0])]);
    for (const bad of [hugeWindow, trailing]) {
      await expect(decompress(bad, 'zstd', text.length, 3)).rejects.toMatchObject({
        code: 'TAPLINE_ERR_DECOMPRESS',
        segmentIndex: 3,
      });
    }
  });

  it('answers every truncation of a body with a coded error, never a crash', async () => {
    const raw = text.subarray(0, 20_000);
    const body = Buffer.from(await compress(raw, { codec: 'zstd', level: 1 }));
    for (let cut = 0; cut < body.length; cut++) {
      await expect(decompress(body.subarray(0, cut), 'zstd', raw.length, 0)).rejects.toMatchObject({
        code: 'TAPLINE_ERR_DECOMPRESS',
      });
    }
  });

  it('never crashes on garbage or mutated bodies (fuzz)', async () => {
    const raw = text.subarray(0, 4096);
    const body = Buffer.from(await compress(raw, { codec: 'zstd', level: 1 }));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 512 }),
          fc
            .array(fc.tuple(fc.nat(body.length - 1), fc.integer({ min: 0, max: 255 })), {
              minLength: 1,
              maxLength: 8,
            })
            .map((edits) => {
              const copy = Buffer.from(body);
              for (const [at, value] of edits) copy[at] = value;
              return copy;
            }),
        ),
        fc.integer({ min: 0, max: 64 * 1024 }),
        async (bytes, expected) => {
          try {
            const out = await decompress(bytes, 'zstd', expected, 0);
            expect(out.length).toBe(expected);
          } catch (error) {
            expect(error).toMatchObject({ code: 'TAPLINE_ERR_DECOMPRESS' });
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('bounds a frame from its block headers', async () => {
    const body = Buffer.from(await compress(text, { codec: 'zstd', level: 1 }));
    const bound = zstdRegeneratedBound(body);
    expect(bound).toBeGreaterThanOrEqual(text.length);
    expect(bound).toBeLessThan(text.length + 128 * 1024);
  });

  it('under pressure compresses faster and worse, never raw (whenBehind store)', async () => {
    const frames = sampleFrames(4000, 300);
    const written = await writeRecording(frames, {
      codec: 'zstd',
      segmentBytes: 64 * 1024,
      maxPendingSegments: 1,
      whenBehind: 'store',
    });
    const codecs = new Set(written.map((segment) => parseHeader(segment, 0).codec));
    expect([...codecs]).toEqual(['zstd']);
    const decoded = [];
    for await (const frame of readFrames(written)) decoded.push(frame);
    expect(decoded).toHaveLength(frames.length);
  });

  it('hands big segments to a worker in shared memory it reuses, and keeps a leased body until released', async () => {
    const raw = Buffer.concat([text, text]).subarray(0, 512 * 1024);
    const first = await zstdCompressLeased(raw, 1);
    expect(first.body.buffer).toBeInstanceOf(SharedArrayBuffer);
    const kept = Buffer.from(first.body);
    // Until released, the slot is not handed out again: another segment lands elsewhere.
    const other = await zstdCompressLeased(Buffer.from(raw).reverse(), 1);
    expect(other.body.buffer).not.toBe(first.body.buffer);
    expect(Buffer.from(first.body).equals(kept)).toBe(true);
    other.release();
    first.release();
    // Released, slots take the next segments: 40 segments one after the other
    // (each to the first idle worker) use no more memory than one worker's slots.
    const seen = new Set<ArrayBufferLike>();
    for (let n = 0; n < 40; n++) {
      const next = await zstdCompressLeased(raw, 1);
      seen.add(next.body.buffer);
      if (n === 39) {
        const back = await decompress(Buffer.from(next.body), 'zstd', raw.length, 0);
        expect(Buffer.from(back).equals(raw)).toBe(true);
      }
      next.release();
    }
    expect(seen.size).toBeLessThanOrEqual(SLOTS_PER_WORKER);
    // Small segments (idle sessions' timed cuts) get memory of their own.
    const small = await zstdCompressLeased(raw.subarray(0, 4096), 1);
    expect(small.body.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });

  it('round-trips more big segments at once than there are shared slots, each intact', async () => {
    // Segments of 1 MiB in flight past every worker's slots: the rest go transferred.
    const count = SLOTS_PER_WORKER * defaultCompressionThreads() + 8;
    const inputs = Array.from({ length: count }, (_, i) => {
      const raw = Buffer.allocUnsafe(1024 * 1024 + i * 997);
      for (let at = 0; at < raw.length; at += text.length)
        text.copy(raw, at, 0, Math.min(text.length, raw.length - at));
      raw.write(`segment ${i} `, (i * 4099) % (raw.length - 64));
      return raw;
    });
    const leased = await Promise.all(inputs.map((raw, i) => zstdCompressLeased(raw, (i % 3) - 1)));
    expect(leased.some((entry) => entry.body.buffer instanceof SharedArrayBuffer)).toBe(true);
    expect(leased.some((entry) => !(entry.body.buffer instanceof SharedArrayBuffer))).toBe(true);
    for (const [i, entry] of leased.entries()) {
      const out = await decompress(Buffer.from(entry.body), 'zstd', inputs[i]!.length, i);
      expect(Buffer.from(out).equals(inputs[i]!)).toBe(true);
      entry.release();
    }
  });

  it('writes sessions of 1 MiB segments side by side that read back byte for byte', async () => {
    const sessions = [0, 1, 2].map((n) =>
      Array.from({ length: 96 }, (_, i) => ({
        seq: i,
        offsetNs: i * 1000,
        data: {
          streamId: 1,
          direction: 2,
          channel: 0,
          bytes: Buffer.concat([Buffer.from(`session ${n} frame ${i}\n`), text.subarray(0, 32 * 1024)]),
        },
      })),
    );
    // The third is encrypted: its bodies are sealed straight out of the shared slots.
    const keyWrapper = createLocalKeyWrapper({ key: randomBytes(32), keyId: 'local:test' });
    const written = await Promise.all(
      sessions.map((frames, n) => writeRecording(frames, n === 2 ? { keyWrapper } : {})),
    );
    for (const [n, segments] of written.entries()) {
      expect(segments.length).toBeGreaterThan(2);
      const decoded = [];
      for await (const frame of readFrames(segments, n === 2 ? { keyWrapper } : {})) decoded.push(frame);
      expect(decoded).toHaveLength(sessions[n]!.length);
      for (const [i, frame] of decoded.entries())
        expect(Buffer.from(frame.data!.bytes!).equals(sessions[n]![i]!.data.bytes)).toBe(true);
      expect((await verifyRecording(segments)).complete).toBe(true);
    }
  });
});
