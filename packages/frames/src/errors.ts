const kTaplineError = Symbol.for('tapline.error');

export interface TaplineErrorOptions {
  /** The package or part that raised it: "frames", "recorder", "ssh", ... */
  component?: string;
  cause?: unknown;
  /** For container errors: the position of the segment that failed. */
  segmentIndex?: number;
  /** Extra fields for logs and metadata (never session content). */
  details?: Record<string, unknown>;
}

/**
 * Every error Tapline raises. `code` is stable (`TAPLINE_ERR_…`, listed in
 * docs/errors.md); tests and integrators match on it, never on the message.
 * `instanceof` works across two installed copies through a `Symbol.for` brand.
 */
export class TaplineError extends Error {
  readonly code: string;
  readonly component: string;
  readonly segmentIndex: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: TaplineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TaplineError';
    this.code = code;
    this.component = options.component ?? 'tapline';
    this.segmentIndex = options.segmentIndex;
    this.details = options.details;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[kTaplineError] === true
    );
  }
}

// The brand lives on the prototype, so errors from another installed copy of
// this package (another prototype, same Symbol.for key) still pass instanceof.
Object.defineProperty(TaplineError.prototype, kTaplineError, { value: true });

/** True when `error` is a TaplineError with the given code. */
export function isTaplineError(error: unknown, code?: string): error is TaplineError {
  return error instanceof TaplineError && (code === undefined || error.code === code);
}
