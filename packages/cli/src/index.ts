export {
  type AsciicastHeader,
  type AsciicastOptions,
  type AsciicastResult,
  writeAsciicast,
} from './asciicast.js';
export { type CliIo, renderVerifyLine, run } from './cli.js';
export { commandLine, launcherPath } from './command-line.js';
export { CliErrorCode, type CliErrorCodeName, ExitCode, type ExitCodeValue } from './errors.js';
export { type EventType, frameEvent, type TimelineEvent } from './events.js';
export { formatOffset, parseTimeToNs } from './format.js';
export {
  type InspectOptions,
  type InspectReport,
  inspectRecording,
  MAX_STREAM_SUMMARIES,
  MAX_TIMELINE_EVENTS,
} from './inspect.js';
export { type JsonlOptions, writeJsonl } from './jsonl.js';
export { loadLocalKeyWrapper, loadPublicKey } from './keys.js';
export { findStream, type PlayOptions, type PlayResult, play } from './play.js';
export { createProgress, renderProgress } from './progress.js';
export { type ReadState, readRecordingFrames } from './read.js';
export {
  type OpenedLocation,
  openLocation,
  openSource,
  parseManifest,
  type RecordingManifest,
  type RecordingSource,
  type S3Options,
  type SourceOptions,
} from './source.js';
export { isTerminalStream } from './terminal.js';
export { type SignatureStatus, type VerifyResult, verifySource } from './verify.js';
