export {
  createHttpMetadataEmitter,
  type HttpMetadataEmitter,
  type HttpMetadataEmitterOptions,
  type HttpMetadataEmitterStats,
} from './emitter.js';
export {
  METADATA_CLOSED,
  METADATA_DELIVERY,
  METADATA_INVALID,
  METADATA_OUTBOX_FULL,
  METADATA_OUTBOX_IO,
  METADATA_OUTBOX_LOCKED,
  METADATA_REJECTED,
  METADATA_SIGNATURE,
  MetadataHttpErrorCode,
  type MetadataHttpErrorCodeName,
} from './errors.js';
export {
  encodeRecord,
  eventPayload,
  MAX_RECORD_BYTES,
  Outbox,
  type OutboxEntry,
  type OutboxOptions,
  type ParsedOutboxFile,
  parseOutboxFile,
} from './outbox.js';
export { BATCH_SCHEMA, type MetadataBatch } from './schema.js';
export {
  type Secret,
  SIGNATURE_HEADER,
  signMetadataPayload,
  type VerifyMetadataSignatureOptions,
  verifyMetadataSignature,
} from './signature.js';
