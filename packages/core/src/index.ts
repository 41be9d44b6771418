// The one error class, defined by @tapline/frames (the lowest layer), exported here too.
export {
  FramesErrorCode,
  type FramesErrorCodeName,
  isTaplineError,
  TaplineError,
  type TaplineErrorOptions,
} from '@tapline/frames';
export { contentForEmitter, DEFAULT_MAX_CONTENT_BYTES } from './action-metadata.js';
export { CoreErrorCode, type CoreErrorCodeName } from './codes.js';
export { type ValidContext, validateContext } from './context.js';
export type * from './contracts.js';
export { type DeliveryFailure, isPermanent, type RetryOptions } from './delivery.js';
export { renamedOption, warnDeprecated } from './deprecation.js';
export {
  type CoreChannelMessages,
  type CoreChannels,
  channels,
  type MetadataFailureMessage,
  type RecordingDeliveredMessage,
  type SegmentDeliveredMessage,
  type SegmentSpooledMessage,
  type SessionEndMessage,
  type SessionStartMessage,
  type SinkFailureMessage,
  type SpoolQuarantineMessage,
  type SpoolRecoveryMessage,
  subscribeTapline,
  type TaplineChannel,
  type TaplineChannelListener,
  type TaplineChannelMessages,
  type TaplineChannelName,
} from './diagnostics.js';
export { SessionTermination } from './errors.js';
export { createFileSink, type FileSinkOptions } from './file-sink.js';
export { type FollowEvent, type FollowListener, MAX_FOLLOW_REPLAY_BYTES } from './follow.js';
export { statementTypeOf } from './frames-build.js';
export { createJsonlMetadataEmitter, eventFsync, type JsonlMetadataEmitterOptions } from './jsonl-emitter.js';
export type {
  AlertInfo,
  AlertSeverity,
  LiveAction,
  LiveActionListener,
  LiveActionType,
  LiveStats,
  LiveSubscribeOptions,
} from './live.js';
export { type LogLevel, logTo, type TaplineLogger } from './logger.js';
export {
  checkStatements,
  createPolicyGate,
  describePolicyAction,
  type PolicyAction,
  type PolicyActionType,
  type PolicyAnnotationTarget,
  PolicyCode,
  type PolicyDecision,
  type PolicyFunction,
  type PolicyGate,
  type PolicyOptions,
  type PolicySessionContext,
  type PolicySftpOperation,
  policyContextOf,
  type ResolvedPolicyDecision,
  recordPolicyDecision,
  type StatementDenial,
} from './policy.js';
export {
  createRecorder,
  type Recorder,
  type RecorderOptions,
  type RecorderStats,
  type RecoveryReport,
} from './recorder.js';
export {
  type AlertActionType,
  type AlertRule,
  type AlertRuleSet,
  compileAlertRules,
  type TextMatcher,
} from './rules.js';
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
export {
  createSourceLimiter,
  type FrontLimits,
  type ResolvedFrontLimits,
  resolveFrontLimits,
  type SourceLimiter,
  type SourceRefusalReason,
  sourceKey,
} from './source-limits.js';
export type { QuarantineEntry, SpoolOptions } from './spool.js';
export {
  createWatchServer,
  type WatchServer,
  type WatchServerOptions,
  type WatchSessionInfo,
} from './watch-server.js';
