// The codes @tapline/terminal raises (docs/errors.md, "Terminal").
/** Stable codes of the errors `@tapline/terminal` raises. */
export const TerminalErrorCode = {
  /** A bad argument: bytes not a `Uint8Array`, a non-finite offset, bad sizes, an unknown event kind. */
  INVALID: 'TAPLINE_ERR_TERMINAL_INVALID',
  /** A call after `end()` or `dispose()`. */
  CLOSED: 'TAPLINE_ERR_TERMINAL_CLOSED',
  /** An `onEvent` callback threw; `end()` rejects with it, processing carried on. */
  CALLBACK: 'TAPLINE_ERR_TERMINAL_CALLBACK',
} as const;

/** One of the codes in `TerminalErrorCode`. */
export type TerminalErrorCodeName = (typeof TerminalErrorCode)[keyof typeof TerminalErrorCode];
