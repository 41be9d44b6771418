// The codes @tapline/core raises (docs/errors.md, "Recorder").
/** Stable codes of the errors the recorder, the spool, the file sink and the JSONL emitter raise. */
export const CoreErrorCode = {
  /** The grant is invalid (a missing field, a wrong type, text over 1024 characters, too many labels/approvers/permissions, a time that is not whole Unix ms between 1970 and 9999); `details.problems` lists every problem. */
  INVALID_CONTEXT: 'TAPLINE_ERR_INVALID_CONTEXT',
  /** The grant expired (at start: refused; live: the session's `signal` aborts, end reason `grant_expired`). */
  GRANT_EXPIRED: 'TAPLINE_ERR_GRANT_EXPIRED',
  /** `recorder.revoke()` ended the session (end reason `revoked`). */
  REVOKED: 'TAPLINE_ERR_REVOKED',
  /** A spool quota was reached (a recorded gap, or end reason `quota_exceeded`); the spool also refuses any segment that would cross it. */
  QUOTA_EXCEEDED: 'TAPLINE_ERR_QUOTA_EXCEEDED',
  /** The session outran the recorder by more than `bufferBytes`: a counted gap (best-effort) or the end of the session (strict). */
  RECORDER_BEHIND: 'TAPLINE_ERR_RECORDER_BEHIND',
  /** Strict mode: recording failed, the session ends (`recording_failed`). */
  RECORDING_FAILED: 'TAPLINE_ERR_RECORDING_FAILED',
  /** Strict mode: a sink fell more than `maxLagSegments` behind. */
  SINK_LAGGING: 'TAPLINE_ERR_SINK_LAGGING',
  /** Strict mode: a sink refused the recording at session start. */
  SINK_UNAVAILABLE: 'TAPLINE_ERR_SINK_UNAVAILABLE',
  /** The proxy ended the session with reason `error`. */
  SESSION_ERROR: 'TAPLINE_ERR_SESSION_ERROR',
  /** Found in the spool after a crash; the recording is incomplete from here. */
  RECORDER_CRASHED: 'TAPLINE_ERR_RECORDER_CRASHED',
  /** `start()` after `close()`. */
  RECORDER_CLOSED: 'TAPLINE_ERR_RECORDER_CLOSED',
  /** The spool directory cannot take files. */
  SPOOL_UNWRITABLE: 'TAPLINE_ERR_SPOOL_UNWRITABLE',
  /** Appending a segment to the spool failed (an I/O error). */
  SPOOL_WRITE: 'TAPLINE_ERR_SPOOL_WRITE',
  /** The spool disk is full (`ENOSPC`/`EDQUOT`): a start is refused; a live session stops spooling content and records the gap (`stop_content`) or ends with `quota_exceeded` (`end_session`); in recovery, a recording that could not be handled is left in place (`deferred`) and retried once space returns. */
  SPOOL_FULL: 'TAPLINE_ERR_SPOOL_FULL',
  /** Reading a spooled segment back failed. */
  SPOOL_READ: 'TAPLINE_ERR_SPOOL_READ',
  /** A segment reached the spool out of order (a bug). */
  SPOOL_ORDER: 'TAPLINE_ERR_SPOOL_ORDER',
  /** A spooled recording could not be read at all (unparsable or out-of-range `recording.json`, a segments file that is missing or not a file); moved to quarantine. */
  SPOOL_CORRUPT: 'TAPLINE_ERR_SPOOL_CORRUPT',
  /** (in recovery) a spooled recording holds no whole segment; moved to quarantine, not delivered. */
  EMPTY: 'TAPLINE_ERR_EMPTY',
  /** (diagnostics `tapline:sink:failure`) a sink checkpoint lies past the recovered spool or names another segment: the sink is fed from segment 0. */
  CHECKPOINT_BEYOND_SPOOL: 'TAPLINE_ERR_CHECKPOINT_BEYOND_SPOOL',
  /** A delivery would close with a segment count other than the spool's end state (never an object its manifest does not describe). */
  DELIVERY_MISMATCH: 'TAPLINE_ERR_DELIVERY_MISMATCH',
  /** The file sink could not open, append to or finish a file. */
  SINK_OPEN: 'TAPLINE_ERR_SINK_OPEN',
  /** The file sink could not open, append to or finish a file. */
  SINK_WRITE: 'TAPLINE_ERR_SINK_WRITE',
  /** The file sink could not open, append to or finish a file. */
  SINK_CLOSE: 'TAPLINE_ERR_SINK_CLOSE',
  /** The file sink could not take the spool's file of a finished recording (link or copy, fsync, rename). */
  SINK_ADOPT: 'TAPLINE_ERR_SINK_ADOPT',
  /** A sink's `adopt()` declined the spool's file: the delivery hands it the segments through `open()` instead. */
  SINK_ADOPT_UNSUPPORTED: 'TAPLINE_ERR_SINK_ADOPT_UNSUPPORTED',
  /** A write after `close()`. */
  SINK_CLOSED: 'TAPLINE_ERR_SINK_CLOSED',
  /** A sink got a segment it did not expect next. */
  SINK_ORDER: 'TAPLINE_ERR_SINK_ORDER',
  /** The file sink refused a resume checkpoint that does not fit its part file; the delivery starts that sink over from segment 0. */
  SINK_CHECKPOINT: 'TAPLINE_ERR_SINK_CHECKPOINT',
  /** A sink failure retrying cannot fix (access denied, no bucket): reported at once, not retried. */
  SINK_PERMANENT: 'TAPLINE_ERR_SINK_PERMANENT',
  /** The JSONL emitter could not append an event. */
  METADATA_WRITE: 'TAPLINE_ERR_METADATA_WRITE',
  /** `createRecorder({ alerts })` / `compileAlertRules()`: an alert rule is invalid; `details.problems` lists every problem. */
  INVALID_RULE: 'TAPLINE_ERR_INVALID_RULE',
  /** `claimMessage()` was given a claim that is not one (a session id that is not a UUID, a hash that is not 64 hex digits, a count below 1, an unknown state). */
  INVALID_CLAIM: 'TAPLINE_ERR_INVALID_CLAIM',
  /** The watch socket (`createWatchServer`) cannot be created: the path is not a socket, another process listens on it, or listening failed. */
  WATCH_SOCKET: 'TAPLINE_ERR_WATCH_SOCKET',
  /** (to a watch viewer) the request was not one JSON line of `{"op":"list"}` or `{"op":"follow","sessionId":…}` within 4 KiB. */
  WATCH_REQUEST: 'TAPLINE_ERR_WATCH_REQUEST',
  /** (to a watch viewer) no live session has that id. */
  WATCH_NO_SESSION: 'TAPLINE_ERR_WATCH_NO_SESSION',
  /** Stands in, in metadata, for an error that had no code. */
  UNKNOWN: 'TAPLINE_ERR_UNKNOWN',
} as const;

/** One of the codes in `CoreErrorCode`. */
export type CoreErrorCodeName = (typeof CoreErrorCode)[keyof typeof CoreErrorCode];
