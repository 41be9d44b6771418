import { TaplineError } from '@tapline/frames';
import type { EndReasonName } from './contracts.js';

/**
 * The error a session's `signal` is aborted with: why the recorder ends the
 * session, and the end reason the proxy should pass to `end()`.
 */
export class SessionTermination extends TaplineError {
  readonly endReason: EndReasonName;

  constructor(code: string, endReason: EndReasonName, message: string, cause?: unknown) {
    super(code, message, { component: 'recorder', cause });
    this.name = 'SessionTermination';
    this.endReason = endReason;
  }
}

export function coreError(
  code: string,
  message: string,
  cause?: unknown,
  component = 'recorder',
): TaplineError {
  return new TaplineError(code, message, { component, cause });
}

/** The code of any error, TAPLINE_ERR_UNKNOWN when it has none. */
export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') {
    return (error as { code: string }).code;
  }
  return 'TAPLINE_ERR_UNKNOWN';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
