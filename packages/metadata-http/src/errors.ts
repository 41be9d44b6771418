/** The receiver refused this event for good (4xx on a one-event batch); it was moved to the dead-letter file. */
export const METADATA_REJECTED = 'TAPLINE_ERR_METADATA_REJECTED';
/** A delivery attempt failed and will be retried (network, timeout, 5xx, 429, 401/403). Reported to onError only. */
export const METADATA_DELIVERY = 'TAPLINE_ERR_METADATA_DELIVERY';
/** The event is not a valid MetadataEvent or not JSON-serializable. */
export const METADATA_INVALID = 'TAPLINE_ERR_METADATA_INVALID';
/** emit() after close(). */
export const METADATA_CLOSED = 'TAPLINE_ERR_METADATA_CLOSED';
/** The outbox is full (maxOutboxBytes undelivered): the receiver has been down too long. */
export const METADATA_OUTBOX_FULL = 'TAPLINE_ERR_METADATA_OUTBOX_FULL';
/** The outbox directory is in use by another live process. */
export const METADATA_OUTBOX_LOCKED = 'TAPLINE_ERR_METADATA_OUTBOX_LOCKED';
/** Reading or writing the outbox failed (disk full, permissions), or a record in it is corrupt. */
export const METADATA_OUTBOX_IO = 'TAPLINE_ERR_METADATA_OUTBOX_IO';
/** A signature header is missing, malformed, outside the tolerance window or does not match. */
export const METADATA_SIGNATURE = 'TAPLINE_ERR_METADATA_SIGNATURE';
