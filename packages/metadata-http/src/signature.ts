import { createHmac, timingSafeEqual } from 'node:crypto';
import { TaplineError } from '@tapline/frames';
import { MetadataHttpErrorCode } from './errors.js';

/** The request header carrying the signature: `Tapline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'tapline-signature';

export type Secret = string | Uint8Array;

function hmacHex(secret: Secret, timestamp: number, body: string | Uint8Array): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`);
  mac.update(body);
  return mac.digest('hex');
}

/** The Tapline-Signature header value for `body` sent at `timestamp` (Unix seconds). */
export function signMetadataPayload(
  secret: Secret,
  body: string | Uint8Array,
  timestamp: number = Math.floor(Date.now() / 1000),
): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

export interface VerifyMetadataSignatureOptions {
  /** The raw request body, byte for byte as received (not re-serialized JSON). */
  body: string | Uint8Array;
  /** The Tapline-Signature header value. */
  header: string | string[] | undefined;
  /** The shared secret; several during a rotation (any one may match). */
  secret: Secret | Secret[];
  /** Accepted clock difference in seconds, both ways (replay window). @default 300 */
  toleranceSeconds?: number;
  /** Now, in Unix ms. @default Date.now() */
  now?: number;
}

function reject(reason: 'missing' | 'malformed' | 'expired' | 'mismatch', message: string): never {
  throw new TaplineError(MetadataHttpErrorCode.SIGNATURE, message, {
    component: 'metadata-http',
    details: { reason },
  });
}

/**
 * For the receiving side: checks `Tapline-Signature` against the raw body in
 * constant time and the timestamp against the tolerance window. Returns the
 * signed timestamp; throws TAPLINE_ERR_METADATA_SIGNATURE with
 * `details.reason` = missing | malformed | expired | mismatch.
 */
export function verifyMetadataSignature(options: VerifyMetadataSignatureOptions): { timestamp: number } {
  const header = Array.isArray(options.header) ? options.header[0] : options.header;
  if (!header) reject('missing', 'no Tapline-Signature header');
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined || signatures.length === 0)
    reject('malformed', 'Tapline-Signature needs t=<seconds> and v1=<64 hex>');
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) {
    reject('expired', `signature timestamp ${timestamp} is outside the tolerance window`);
  }
  const secrets = Array.isArray(options.secret) ? options.secret : [options.secret];
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(hmacHex(secret, timestamp, options.body), 'hex');
    // Every candidate is compared, in constant time, whatever matched before.
    for (const signature of signatures) if (timingSafeEqual(expected, signature)) matched = true;
  }
  if (!matched) reject('mismatch', 'Tapline-Signature does not match the body');
  return { timestamp };
}
