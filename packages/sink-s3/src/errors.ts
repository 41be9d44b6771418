import { setTimeout as sleep } from 'node:timers/promises';
import { renamedOption } from '@tapline/core';
import { TaplineError } from '@tapline/frames';

/** Stable codes of the errors the S3 sink and the KMS key wrapper raise. */
export const S3SinkErrorCode = {
  /** Transient S3 failures (no answer, timeouts, 5xx, SlowDown) outlasted the sink's retries; reopen later from the last checkpoint. */
  SINK_TRANSIENT: 'TAPLINE_ERR_SINK_TRANSIENT',
  /** A resume checkpoint the S3 sink did not issue (wrong bucket, corrupt state), or one that does not fit the replayed segment. */
  SINK_CHECKPOINT: 'TAPLINE_ERR_SINK_CHECKPOINT',
  /** An S3 sink option out of range (part size, queue size, SSE-KMS key without SSE-KMS, more than 10000 parts). */
  SINK_CONFIG: 'TAPLINE_ERR_SINK_CONFIG',
  /** KMS Encrypt failed (`details.kmsCode`), or the data key is not 32 bytes. */
  KEY_WRAP: 'TAPLINE_ERR_KEY_WRAP',
  /** KMS Decrypt failed: another key, another encryption context, a corrupt blob (`details.kmsCode`). */
  KEY_UNWRAP: 'TAPLINE_ERR_KEY_UNWRAP',
  /** Storage refused for a reason retrying cannot fix (AccessDenied, NoSuchBucket, KMS key disabled, ...). */
  SINK_PERMANENT: 'TAPLINE_ERR_SINK_PERMANENT',
  /** A segment arrived out of order (its index is not the next one expected). */
  SINK_ORDER: 'TAPLINE_ERR_SINK_ORDER',
  /** `write()` or `close()` after `close()` or `abort()`. */
  SINK_CLOSED: 'TAPLINE_ERR_SINK_CLOSED',
} as const;

/** One of the codes in `S3SinkErrorCode`. */
export type S3SinkErrorCodeName = (typeof S3SinkErrorCode)[keyof typeof S3SinkErrorCode];

// The single constants exported before docs/conventions.md: the same codes, kept for one minor version.
/** @deprecated Use `S3SinkErrorCode.SINK_PERMANENT` (docs/conventions.md, renamed names): kept for one minor version. */
export const SINK_PERMANENT = 'TAPLINE_ERR_SINK_PERMANENT';
/** @deprecated Use `S3SinkErrorCode.SINK_TRANSIENT` (docs/conventions.md, renamed names): kept for one minor version. */
export const SINK_TRANSIENT = 'TAPLINE_ERR_SINK_TRANSIENT';
/** @deprecated Use `S3SinkErrorCode.SINK_CHECKPOINT` (docs/conventions.md, renamed names): kept for one minor version. */
export const SINK_CHECKPOINT = 'TAPLINE_ERR_SINK_CHECKPOINT';
/** @deprecated Use `S3SinkErrorCode.SINK_ORDER` (docs/conventions.md, renamed names): kept for one minor version. */
export const SINK_ORDER = 'TAPLINE_ERR_SINK_ORDER';
/** @deprecated Use `S3SinkErrorCode.SINK_CLOSED` (docs/conventions.md, renamed names): kept for one minor version. */
export const SINK_CLOSED = 'TAPLINE_ERR_SINK_CLOSED';
/** @deprecated Use `S3SinkErrorCode.SINK_CONFIG` (docs/conventions.md, renamed names): kept for one minor version. */
export const SINK_CONFIG = 'TAPLINE_ERR_SINK_CONFIG';
/** @deprecated Use `S3SinkErrorCode.KEY_WRAP` (docs/conventions.md, renamed names): kept for one minor version. */
export const KEY_WRAP = 'TAPLINE_ERR_KEY_WRAP';
/** @deprecated Use `S3SinkErrorCode.KEY_UNWRAP` (docs/conventions.md, renamed names): kept for one minor version. */
export const KEY_UNWRAP = 'TAPLINE_ERR_KEY_UNWRAP';

interface AwsLikeError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $retryable?: unknown;
}

/** Error codes that are worth retrying even though S3 sent them with a 4xx status. */
const TRANSIENT_CODES = new Set([
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'OperationAborted',
  'ExpiredToken',
  'TokenRefreshRequired',
  'BadDigest',
  'XAmzContentSHA256Mismatch',
  'IncompleteBody',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeoutException',
]);

/** The S3 (or KMS) error code of an SDK error, or the Node network error code. */
export function awsErrorCode(error: unknown): string | undefined {
  const e = error as AwsLikeError | undefined;
  if (!e || typeof e !== 'object') return undefined;
  if (e.Code) return e.Code;
  // An answer from S3: the SDK names the error after its code. No answer: the
  // Node error code (ECONNREFUSED, ECONNRESET, ...) says more than "Error".
  if (e.$metadata?.httpStatusCode !== undefined) return e.name;
  return e.code ?? e.name;
}

export function httpStatusOf(error: unknown): number | undefined {
  return (error as AwsLikeError | undefined)?.$metadata?.httpStatusCode;
}

/** True when retrying the same request may succeed. */
export function isTransient(error: unknown): boolean {
  const code = awsErrorCode(error);
  if (code && TRANSIENT_CODES.has(code)) return true;
  const status = httpStatusOf(error);
  // No HTTP status: the request never got an answer (refused, reset, timed out).
  if (status === undefined) return true;
  if (status === 408 || status === 429) return true;
  return status >= 500;
}

export interface RetryOptions {
  /** Attempts per request, the first included. @default 6 */
  maxAttempts?: number;
  /** First backoff cap, doubling per attempt (full jitter). @default 200 */
  initialDelayMs?: number;
  /** Cap of one backoff delay. @default 10000 */
  maxDelayMs?: number;
  /** @deprecated Use `maxAttempts`. */
  attempts?: number;
  /** @deprecated Use `initialDelayMs`. */
  baseDelayMs?: number;
}

/** The retry options with the names of docs/conventions.md (old names accepted, with a warning). */
export function retryOptions(retry: RetryOptions = {}): RetryOptions {
  const maxAttempts = renamedOption(
    retry.maxAttempts,
    retry.attempts,
    'createS3Sink({ retry: { attempts } })',
    'retry.maxAttempts',
  );
  const initialDelayMs = renamedOption(
    retry.initialDelayMs,
    retry.baseDelayMs,
    'createS3Sink({ retry: { baseDelayMs } })',
    'retry.initialDelayMs',
  );
  return {
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
    ...(initialDelayMs === undefined ? {} : { initialDelayMs }),
    ...(retry.maxDelayMs === undefined ? {} : { maxDelayMs: retry.maxDelayMs }),
  };
}

export function toSinkError(
  error: unknown,
  operation: string,
  details: Record<string, unknown> = {},
): TaplineError {
  if (error instanceof TaplineError) return error;
  const s3Code = awsErrorCode(error);
  const httpStatus = httpStatusOf(error);
  const transient = isTransient(error);
  return new TaplineError(
    transient ? S3SinkErrorCode.SINK_TRANSIENT : S3SinkErrorCode.SINK_PERMANENT,
    `S3 ${operation} failed${s3Code ? ` (${s3Code})` : ''}: ${(error as Error)?.message ?? String(error)}`,
    {
      component: 's3',
      cause: error,
      details: { ...details, operation, s3Code, httpStatus, retryable: transient },
    },
  );
}

/**
 * Runs `operation` with bounded retries: exponential backoff with full jitter
 * for transient failures, none for permanent ones (they reject at once with
 * TAPLINE_ERR_SINK_PERMANENT so the recorder can report `recording.failed`).
 */
export async function withRetry<T>(
  name: string,
  operation: (attempt: number) => Promise<T>,
  retry: RetryOptions,
  signal?: AbortSignal,
  details: Record<string, unknown> = {},
): Promise<T> {
  const attempts = Math.max(1, retry.maxAttempts ?? 6);
  const base = retry.initialDelayMs ?? 200;
  const cap = retry.maxDelayMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (signal?.aborted) throw abortedError(signal.reason, name);
      if (!isTransient(error) || attempt >= attempts)
        throw toSinkError(error, name, { ...details, attempts: attempt });
      const delay = Math.random() * Math.min(cap, base * 2 ** (attempt - 1));
      await sleep(delay, undefined, signal ? { signal } : undefined).catch(() => {
        throw abortedError(signal?.reason, name);
      });
    }
  }
}

export function abortedError(reason: unknown, operation: string): TaplineError {
  return new TaplineError(S3SinkErrorCode.SINK_CLOSED, `S3 ${operation} stopped: the recording was aborted`, {
    component: 's3',
    cause: reason,
  });
}
