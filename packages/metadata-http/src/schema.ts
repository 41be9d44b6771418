/** The `schema` field of every batch body; bumped only for incompatible changes. */
export const BATCH_SCHEMA = 'tapline.metadata.batch/v1';

/**
 * The JSON body of every POST. Documented in the package README; receivers
 * must ignore fields they do not know (new ones may be added within v1).
 */
export interface MetadataBatch {
  schema: typeof BATCH_SCHEMA;
  /** Stable for the same events, across retries and restarts; also sent as `Idempotency-Key`. */
  batchId: string;
  /** ISO-8601 time of this attempt. */
  sentAt: string;
  /** MetadataEvent objects (version 1), in order; per session, `sequence` increases. */
  events: unknown[];
}
