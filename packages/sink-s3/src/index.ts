export { type ClientSource, formatS3Url, parseS3Url } from './client.js';
export {
  isTransient,
  KEY_UNWRAP,
  KEY_WRAP,
  type RetryOptions,
  S3SinkErrorCode,
  type S3SinkErrorCodeName,
  SINK_CHECKPOINT,
  SINK_CLOSED,
  SINK_CONFIG,
  SINK_ORDER,
  SINK_PERMANENT,
  SINK_TRANSIENT,
} from './errors.js';
export { createKmsKeyWrapper, type KmsKeyWrapperOptions } from './kms.js';
export { contextMetadata, contextTags, defaultKeyLayout, RECORDING_SUFFIX } from './layout.js';
export {
  type ListRecordingsOptions,
  listRecordings,
  type ReadRecordingOptions,
  type RecordingObject,
  readRecording,
} from './reader.js';
export {
  createS3Sink,
  MAX_PART_SIZE,
  MAX_PARTS,
  MIN_PART_SIZE,
  type S3CheckpointState,
  type S3Sink,
  type S3SinkOptions,
} from './sink.js';
export { type UploadRecordingOptions, uploadRecording } from './upload.js';
