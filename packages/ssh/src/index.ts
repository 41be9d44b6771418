export {
  type SftpOperationsOptions,
  sftpOperations,
  type TerminalCommandsOptions,
  terminalCommands,
} from './analyzers.js';
export { SshErrorCode, type SshErrorCodeName } from './errors.js';
export { createHostKeyVerifier, fingerprintOf, type HostKeyPin, type HostKeyVerifier } from './host-key.js';
export {
  extractRecordedCommands,
  type RecordedTerminalStream,
  recoverTerminalCommands,
  terminalStreamsOf,
} from './offline.js';
export { createSshProxy } from './proxy.js';
export { generateHostKey, type SshCryptoInfo, sshCryptoInfo } from './ssh2-runtime.js';
export type {
  SessionRecorder,
  SftpAnalyzer,
  SftpAnalyzerContext,
  SftpAnalyzerFactory,
  SshAuthMethod,
  SshAuthRequest,
  SshChannelMessages,
  SshClientPublicKey,
  SshForwardRequest,
  SshGrant,
  SshProxy,
  SshProxyEvent,
  SshProxyOptions,
  SshRemoteForwardRequest,
  SshSessionInfo,
  SshTarget,
  TerminalAnalyzer,
  TerminalAnalyzerContext,
  TerminalAnalyzerFactory,
} from './types.js';
