export { type CodecOptions, compress, decompress, defaultCodec } from './codec.js';
export { FramesErrorCode, type FramesErrorCodeName } from './codes.js';
export { describeSegment, type SegmentDescription } from './describe.js';
export { createLocalKeyWrapper, type LocalKeyWrapperOptions } from './encryption.js';
export { isTaplineError, TaplineError, type TaplineErrorOptions } from './errors.js';
export {
  type DecodedFrame,
  decodeFrames,
  encodeFrame,
  type Frame,
  type FrameExpectations,
  frameToJson,
  iterateFrames,
  tapline,
} from './frame-codec.js';
export type { KeyWrapper, WrappedKey } from './key-wrapper.js';
export {
  type CodecName,
  FORMAT_VERSION,
  HEADER_LENGTH,
  isUuid,
  MAX_SEGMENT_RAW_BYTES,
  parseHeader,
  parseTrailer,
  type SegmentHeader,
  type SegmentTrailer,
  TRAILER_LENGTH,
} from './layout.js';
export {
  type DecodedSegment,
  type ReadOptions,
  readFrames,
  readSegments,
} from './reader.js';
export {
  ChainChecker,
  MAX_SEGMENT_BODY_BYTES,
  type RawSegment,
  SegmentParser,
  type SegmentParserOptions,
} from './segment-parser.js';
export type { ByteSource } from './source.js';
export { type VerifyFailure, type VerifyOptions, type VerifyReport, verifyRecording } from './verify.js';
export {
  type ContinueFrom,
  createRecordingWriter,
  RecordingWriter,
  type RecordingWriterOptions,
} from './writer.js';
