// The codes the HTTP metadata emitter raises (docs/errors.md, "HTTP metadata emitter").
/** Stable codes of the errors the HTTP metadata emitter raises. */
export const MetadataHttpErrorCode = {
  /** `emit()` got an event that is not a valid v1 `MetadataEvent`, or not JSON-serializable. */
  INVALID: 'TAPLINE_ERR_METADATA_INVALID',
  /** `emit()` after `close()`. */
  CLOSED: 'TAPLINE_ERR_METADATA_CLOSED',
  /** `maxOutboxBytes` of events undelivered: the receiver has been down too long. */
  OUTBOX_FULL: 'TAPLINE_ERR_METADATA_OUTBOX_FULL',
  /** Another live process (or emitter) owns the outbox directory. */
  OUTBOX_LOCKED: 'TAPLINE_ERR_METADATA_OUTBOX_LOCKED',
  /** The outbox could not be read or written, or a torn/corrupt record was skipped on recovery. */
  OUTBOX_IO: 'TAPLINE_ERR_METADATA_OUTBOX_IO',
  /** (to `onEvent`) one delivery attempt failed; it is retried. */
  DELIVERY: 'TAPLINE_ERR_METADATA_DELIVERY',
  /** (to `onEvent`) the receiver refused an event for good (4xx); it is in `dead-letter.log`. */
  REJECTED: 'TAPLINE_ERR_METADATA_REJECTED',
  /** `verifyMetadataSignature()` refused a request: `details.reason` is missing, malformed, expired or mismatch. */
  SIGNATURE: 'TAPLINE_ERR_METADATA_SIGNATURE',
} as const;

/** One of the codes in `MetadataHttpErrorCode`. */
export type MetadataHttpErrorCodeName = (typeof MetadataHttpErrorCode)[keyof typeof MetadataHttpErrorCode];

// The single constants exported before docs/conventions.md: the same codes, kept for one minor version.
/** @deprecated Use `MetadataHttpErrorCode.REJECTED` (docs/conventions.md, renamed names): kept for one minor version. */
export const METADATA_REJECTED = 'TAPLINE_ERR_METADATA_REJECTED';
/** @deprecated Use `MetadataHttpErrorCode.DELIVERY` (docs/conventions.md, renamed names): kept for one minor version. */
export const METADATA_DELIVERY = 'TAPLINE_ERR_METADATA_DELIVERY';
/** @deprecated Use `MetadataHttpErrorCode.INVALID` (docs/conventions.md, renamed names): kept for one minor version. */
export const METADATA_INVALID = 'TAPLINE_ERR_METADATA_INVALID';
/** @deprecated Use `MetadataHttpErrorCode.CLOSED` (docs/conventions.md, renamed names): kept for one minor version. */
export const METADATA_CLOSED = 'TAPLINE_ERR_METADATA_CLOSED';
/** @deprecated Use `MetadataHttpErrorCode.OUTBOX_FULL` (docs/conventions.md, renamed names): kept for one minor version. */
export const METADATA_OUTBOX_FULL = 'TAPLINE_ERR_METADATA_OUTBOX_FULL';
/** @deprecated Use `MetadataHttpErrorCode.OUTBOX_LOCKED` (docs/conventions.md, renamed names): kept for one minor version. */
export const METADATA_OUTBOX_LOCKED = 'TAPLINE_ERR_METADATA_OUTBOX_LOCKED';
/** @deprecated Use `MetadataHttpErrorCode.OUTBOX_IO` (docs/conventions.md, renamed names): kept for one minor version. */
export const METADATA_OUTBOX_IO = 'TAPLINE_ERR_METADATA_OUTBOX_IO';
/** @deprecated Use `MetadataHttpErrorCode.SIGNATURE` (docs/conventions.md, renamed names): kept for one minor version. */
export const METADATA_SIGNATURE = 'TAPLINE_ERR_METADATA_SIGNATURE';
