import { isTaplineError, readFrames, verifyRecording } from '@tapline/frames';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { arbHonestForgedRecording, arbHostileRecording, prepareHostileBombs } from '../src/index.js';

beforeAll(() => prepareHostileBombs(), 120_000);

describe('the hostile-recording generator', () => {
  it('forges, with no attack, recordings the reference reader accepts (so attacks are what it catches)', async () => {
    await fc.assert(
      fc.asyncProperty(arbHonestForgedRecording(), async ({ bytes, complete, frames }) => {
        const report = await verifyRecording([bytes]);
        expect(report.intact).toBe(true);
        expect(report.complete).toBe(complete);
        expect(report.frames).toBe(frames);
      }),
      { numRuns: 100 },
    );
  });

  it('gets past the hashes: re-chained attacks are caught by the checks behind them', async () => {
    const codes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(arbHostileRecording(), async ({ chunks }) => {
        const report = await verifyRecording(chunks);
        const code = report.error?.code ?? 'ok';
        codes.set(code, (codes.get(code) ?? 0) + 1);
        try {
          for await (const _ of readFrames(chunks));
        } catch (error) {
          expect(isTaplineError(error)).toBe(true);
        }
      }),
      { numRuns: 200, seed: 12 },
    );
    // Hash damage is not the only thing found: the forger's edits reach the
    // checks of lengths, counts, bombs and frames.
    for (const code of [
      'TAPLINE_ERR_SEGMENT_TOO_LARGE',
      'TAPLINE_ERR_DECOMPRESS',
      'TAPLINE_ERR_FRAME_DECODE',
      'TAPLINE_ERR_CHAIN_BROKEN',
    ]) {
      expect(codes.get(code) ?? 0, code).toBeGreaterThan(0);
    }
  });
});
