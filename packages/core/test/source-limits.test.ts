import { describe, expect, it } from 'vitest';
import { createSourceLimiter, resolveFrontLimits, sourceKey } from '../src/index.js';

const limits = (overrides = {}) => {
  const resolved = resolveFrontLimits(overrides, { loginTimeoutMs: 1000 });
  if (typeof resolved === 'string') throw new Error(resolved);
  return resolved;
};

describe('source limits (the fronts share them)', () => {
  it('applies the defaults and names a bad value', () => {
    expect(limits()).toEqual({
      loginTimeoutMs: 1000,
      maxConnectionsPerSource: 100,
      maxFailedLoginsPerSource: 20,
      failedLoginWindowMs: 60_000,
    });
    expect(resolveFrontLimits({ maxConnectionsPerSource: 0 }, { loginTimeoutMs: 1 })).toMatch(
      /maxConnectionsPerSource/,
    );
    expect(resolveFrontLimits({ loginTimeoutMs: 2 ** 31 }, { loginTimeoutMs: 1 })).toMatch(/loginTimeoutMs/);
    expect(resolveFrontLimits({ failedLoginWindowMs: Number.NaN }, { loginTimeoutMs: 1 })).toMatch(
      /failedLoginWindowMs/,
    );
    expect(limits({ maxFailedLoginsPerSource: Number.POSITIVE_INFINITY }).maxFailedLoginsPerSource).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('counts IPv4-mapped addresses as IPv4 and IPv6 by its /64', () => {
    expect(sourceKey('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(sourceKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('::1')).toBe('0:0:0:0::/64');
    expect(sourceKey(undefined)).toBe('unknown');
  });

  it('caps connections per source, and frees a slot on release', () => {
    const limiter = createSourceLimiter(limits({ maxConnectionsPerSource: 2 }));
    expect(limiter.admit('10.0.0.1')).toBeUndefined();
    expect(limiter.admit('10.0.0.1')).toBeUndefined();
    expect(limiter.admit('10.0.0.1')).toBe('too_many_connections');
    expect(limiter.admit('10.0.0.2')).toBeUndefined();
    limiter.release('10.0.0.1');
    expect(limiter.admit('10.0.0.1')).toBeUndefined();
  });

  it('throttles a source after maxFailedLoginsPerSource failures in a sliding window', () => {
    let now = 0;
    const limiter = createSourceLimiter(
      limits({ maxFailedLoginsPerSource: 3, failedLoginWindowMs: 1000 }),
      () => now,
    );
    expect(limiter.failedLogin('a')).toBe(false);
    now = 400;
    expect(limiter.failedLogin('a')).toBe(false);
    now = 800;
    expect(limiter.failedLogin('a')).toBe(true);
    expect(limiter.throttled('a')).toBe(true);
    expect(limiter.throttled('b')).toBe(false);
    now = 1000; // the first failure (t=0) left the window: two remain
    expect(limiter.throttled('a')).toBe(false);
    expect(limiter.failedLogin('a')).toBe(true);
    now = 1801;
    expect(limiter.throttled('a')).toBe(false);
  });

  it('keeps state only for sources with connections or recent failures', () => {
    let now = 0;
    const limiter = createSourceLimiter(limits({ failedLoginWindowMs: 1000 }), () => now);
    for (let i = 0; i < 10_000; i++) {
      limiter.admit(`10.1.${i >> 8}.${i & 255}`);
      limiter.release(`10.1.${i >> 8}.${i & 255}`);
    }
    expect(limiter.trackedSources).toBe(0);
    for (let i = 0; i < 10_000; i++) limiter.failedLogin(`10.2.${i >> 8}.${i & 255}`);
    now = 5000;
    limiter.failedLogin('10.3.0.1');
    expect(limiter.trackedSources).toBeLessThanOrEqual(10_001);
    for (let i = 0; i < 7000; i++) limiter.failedLogin(`10.4.${i >> 8}.${i & 255}`);
    // The 10.2.* sources were idle for a whole window: swept when the map doubled.
    expect(limiter.trackedSources).toBeLessThanOrEqual(7001);
  });
});
