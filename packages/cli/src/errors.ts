import { isTaplineError, TaplineError } from '@tapline/frames';

/** Exit statuses of the `tapline` command (documented in the README). */
export const ExitCode = {
  /** Done; for `verify`: every recording complete, intact and (when checked) correctly signed. */
  OK: 0,
  /** A recording is damaged, incomplete, unsigned or badly signed, or cannot be decrypted or played. */
  RECORDING: 1,
  /** Bad command line: unknown command or option, bad option value, missing argument. */
  USAGE: 2,
  /** Input or output failed: no such file, permission denied, S3 unreachable, output not writable. */
  IO: 3,
  // The camelCase keys used before docs/conventions.md: same statuses, kept for one minor version.
  /** @deprecated Use `OK` (docs/conventions.md, renamed names): kept for one minor version. */
  ok: 0,
  /** @deprecated Use `RECORDING` (docs/conventions.md, renamed names): kept for one minor version. */
  recording: 1,
  /** @deprecated Use `USAGE` (docs/conventions.md, renamed names): kept for one minor version. */
  usage: 2,
  /** @deprecated Use `IO` (docs/conventions.md, renamed names): kept for one minor version. */
  io: 3,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Codes the CLI raises itself, and the exit status each maps to. */
const exitCodes: Record<string, ExitCodeValue> = {
  TAPLINE_ERR_CLI_USAGE: ExitCode.USAGE,
  TAPLINE_ERR_CLI_IO: ExitCode.IO,
  TAPLINE_ERR_CLI_NO_TERMINAL_STREAM: ExitCode.RECORDING,
  TAPLINE_ERR_SIGNATURE_MISSING: ExitCode.RECORDING,
  TAPLINE_ERR_SIGNATURE_INVALID: ExitCode.RECORDING,
};

export function usageError(message: string, cause?: unknown): TaplineError {
  return new TaplineError('TAPLINE_ERR_CLI_USAGE', message, { component: 'cli', cause });
}

export function ioError(message: string, cause?: unknown): TaplineError {
  return new TaplineError('TAPLINE_ERR_CLI_IO', message, { component: 'cli', cause });
}

/**
 * The exit status for an error: the CLI's own codes as listed, other Tapline
 * errors (container damage, keys) mean the recording is at fault, anything
 * else (ENOENT, EACCES, sockets) is I/O.
 */
export function exitCodeFor(error: unknown): ExitCodeValue {
  if (isTaplineError(error)) return exitCodes[error.code] ?? ExitCode.RECORDING;
  return ExitCode.IO;
}

/** One line for stderr: the code, the segment when known, the message and the causes behind it. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    let text: string;
    if (isTaplineError(current)) {
      const where = current.segmentIndex === undefined ? '' : ` (segment ${current.segmentIndex})`;
      text = depth === 0 ? `${current.code}${where}: ${current.message}` : current.message;
    } else if (current instanceof Error) {
      const code = (current as NodeJS.ErrnoException).code;
      text = code && !current.message.includes(code) ? `${code}: ${current.message}` : current.message;
    } else {
      text = String(current);
    }
    if (!parts.some((part) => part.includes(text))) parts.push(text);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}
