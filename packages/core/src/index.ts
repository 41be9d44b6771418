export { type ValidContext, validateContext } from './context.js';
export type * from './contracts.js';
export { type DeliveryFailure, isPermanent, type RetryOptions } from './delivery.js';
export { channels } from './diagnostics.js';
export { SessionTermination } from './errors.js';
export { createFileSink, type FileSinkOptions } from './file-sink.js';
export { createJsonlMetadataEmitter, type JsonlMetadataEmitterOptions } from './jsonl-emitter.js';
export { createRecorder, type Recorder, type RecorderOptions, type RecoveryReport } from './recorder.js';
export type { RedactionHooks } from './session.js';
export {
  type ClaimSigner,
  claimMessage,
  createSigner,
  isClaim,
  SIGNATURE_FORMAT,
  type SigningOptions,
  signedMessage,
  verifyClaimSignature,
  verifyRecordingSignature,
} from './signing.js';
export type { QuarantineEntry, SpoolOptions } from './spool.js';
