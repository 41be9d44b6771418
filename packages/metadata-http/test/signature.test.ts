import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signMetadataPayload, verifyMetadataSignature } from '../src/index.js';

const now = Date.UTC(2026, 10, 24, 12, 0, 0);
const t = Math.floor(now / 1000);

describe('Tapline-Signature', () => {
  it('verifies what was signed, over the raw bytes', () => {
    const body = '{"schema":"tapline.metadata.batch/v1","events":[]}';
    const header = signMetadataPayload('s3cret', body, t);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyMetadataSignature({ body, header, secret: 's3cret', now })).toEqual({ timestamp: t });
    expect(
      verifyMetadataSignature({ body: Buffer.from(body), header, secret: Buffer.from('s3cret'), now }),
    ).toEqual({ timestamp: t });
  });

  it('refuses with a coded reason: missing, malformed, expired, mismatch', () => {
    const body = '{"a":1}';
    const header = signMetadataPayload('s3cret', body, t);
    const reason = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect((error as { code: string }).code).toBe('TAPLINE_ERR_METADATA_SIGNATURE');
        return (error as { details: { reason: string } }).details.reason;
      }
      return 'accepted';
    };
    expect(reason(() => verifyMetadataSignature({ body, header: undefined, secret: 's3cret', now }))).toBe(
      'missing',
    );
    expect(reason(() => verifyMetadataSignature({ body, header: 'v1=abc', secret: 's3cret', now }))).toBe(
      'malformed',
    );
    expect(
      reason(() => verifyMetadataSignature({ body, header, secret: 's3cret', now: now + 301_000 })),
    ).toBe('expired');
    expect(
      reason(() => verifyMetadataSignature({ body, header, secret: 's3cret', now: now - 301_000 })),
    ).toBe('expired');
    expect(reason(() => verifyMetadataSignature({ body: '{"a":2}', header, secret: 's3cret', now }))).toBe(
      'mismatch',
    );
    expect(reason(() => verifyMetadataSignature({ body, header, secret: 'other', now }))).toBe('mismatch');
    // Re-serialized JSON is a different body: receivers must verify the raw bytes.
    expect(reason(() => verifyMetadataSignature({ body: '{ "a": 1 }', header, secret: 's3cret', now }))).toBe(
      'mismatch',
    );
  });

  it('accepts any of several secrets during a rotation', () => {
    const body = 'x';
    const header = signMetadataPayload('new', body, t);
    expect(verifyMetadataSignature({ body, header, secret: ['old', 'new'], now }).timestamp).toBe(t);
  });

  it('property: every body round-trips; any flipped byte or garbage header is refused with the coded error', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.string({ minLength: 1 }),
        fc.nat(),
        (body, secret, flip) => {
          const header = signMetadataPayload(secret, body, t);
          expect(verifyMetadataSignature({ body, header, secret, now }).timestamp).toBe(t);
          if (body.length) {
            const tampered = Uint8Array.from(body);
            tampered[flip % body.length]! ^= 1 << (flip % 8);
            expect(() => verifyMetadataSignature({ body: tampered, header, secret, now })).toThrow(
              expect.objectContaining({ code: 'TAPLINE_ERR_METADATA_SIGNATURE' }),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (garbage) => {
        expect(() => verifyMetadataSignature({ body: 'b', header: garbage, secret: 's', now })).toThrow(
          expect.objectContaining({ code: 'TAPLINE_ERR_METADATA_SIGNATURE' }),
        );
      }),
      { numRuns: 500 },
    );
  });
});
