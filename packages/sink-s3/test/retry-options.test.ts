import { describe, expect, it } from 'vitest';
import { retryOptions } from '../src/errors.js';

describe('retry options (docs/conventions.md)', () => {
  it('takes maxAttempts and initialDelayMs; the old attempts and baseDelayMs still work, with one warning each', async () => {
    const codes: string[] = [];
    const onWarning = (warning: Error & { code?: string }) => codes.push(String(warning.code));
    process.on('warning', onWarning);
    try {
      expect(retryOptions({ maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 99 })).toEqual({
        maxAttempts: 3,
        initialDelayMs: 20,
        maxDelayMs: 99,
      });
      expect(retryOptions({ attempts: 4, baseDelayMs: 30 })).toEqual({ maxAttempts: 4, initialDelayMs: 30 });
      // The new name wins over the old one.
      expect(retryOptions({ maxAttempts: 2, attempts: 9 })).toEqual({ maxAttempts: 2 });
      expect(retryOptions(undefined)).toEqual({});
      await new Promise((resolve) => setImmediate(resolve));
      expect(codes.filter((code) => code.startsWith('TAPLINE_DEP_')).sort()).toEqual([
        'TAPLINE_DEP_CREATES3SINK_RETRY_ATTEMPTS',
        'TAPLINE_DEP_CREATES3SINK_RETRY_BASEDELAYMS',
      ]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
