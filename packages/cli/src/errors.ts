import { isTaplineError, TaplineError } from '@tapline/frames';

/** Codes the CLI raises itself (docs/errors.md, "Command line"). */
export const CliErrorCode = {
  /** A bad command line the argument parser could not catch (option combinations, key files, URL schemes); exit 2. */
  CLI_USAGE: 'TAPLINE_ERR_CLI_USAGE',
  /** A recording, manifest, key or output could not be read or written; exit 3. */
  CLI_IO: 'TAPLINE_ERR_CLI_IO',
  /** A recording's manifest is not JSON or not a manifest, or does not describe the recording; exit 1. */
  CLI_MANIFEST: 'TAPLINE_ERR_CLI_MANIFEST',
  /** No terminal stream (or no stream with the id given) to export or play; exit 1. */
  CLI_NO_TERMINAL_STREAM: 'TAPLINE_ERR_CLI_NO_TERMINAL_STREAM',
  /** A recording's Ed25519 signature does not verify over the claim computed from its bytes (session id, first hash, segment count, chain hash, end state), or a published chain head's does not; exit 1. */
  SIGNATURE_INVALID: 'TAPLINE_ERR_SIGNATURE_INVALID',
  /** `verify --public-key` and no signature: the manifest holds none, there is no manifest (and no signed `session.ended` in `--against`), or a published chain head is unsigned. Fails closed; exit 1. */
  SIGNATURE_MISSING: 'TAPLINE_ERR_SIGNATURE_MISSING',
  /** `verify --strict` and the signature is in the legacy v1 format (session id and chain hash only); without `--strict` it verifies as legacy; exit 1. */
  SIGNATURE_LEGACY: 'TAPLINE_ERR_SIGNATURE_LEGACY',
  /** The recording belongs to another session than `--session` (or its `<session id>.tapline` name) says; exit 1. */
  SESSION_SUBSTITUTED: 'TAPLINE_ERR_SESSION_SUBSTITUTED',
  /** `verify --against`: the recording does not hold a chain head published for it (truncated below it, or rewritten), or ends elsewhere than its published `session.ended`; exit 1. */
  HEAD_MISMATCH: 'TAPLINE_ERR_HEAD_MISMATCH',
  /** `verify --against`: the events hold no chain head and no `session.ended` for the recording's session; exit 1. */
  HEAD_MISSING: 'TAPLINE_ERR_HEAD_MISSING',
} as const;

/** One of the codes in `CliErrorCode`. */
export type CliErrorCodeName = (typeof CliErrorCode)[keyof typeof CliErrorCode];

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
