export {
  kRedacted,
  mutatingVerbs,
  type RecordBodyOptions,
  type RecordedBody,
  recordRequestBody,
} from './body.js';
export {
  encodeChannelMessage,
  PortForwardDecoder,
  type PortForwardDecoderOptions,
  type PortForwardMessage,
  RemoteCommandChannel,
  RemoteCommandDecoder,
  type RemoteCommandDecoderOptions,
  type RemoteCommandMessage,
  remoteCommandProtocols,
  statusMessage,
} from './channel.js';
export type { KubeChannelMessages, KubeErrorMessage } from './diagnostics.js';
export { KubeErrorCode, type KubeErrorCodeName } from './errors.js';
export { type KubeconfigOptions, kubeconfigFor, writeKubeconfig } from './kubeconfig.js';
export {
  createKubeProxy,
  type KubeCloseOptions,
  type KubeCredentials,
  type KubeGrant,
  type KubeImpersonation,
  type KubeProxy,
  type KubeProxyEvent,
  type KubeProxyOptions,
  type KubeRecorder,
  type KubeRefusal,
  type KubeSessionInfo,
  type KubeUpstreamOptions,
  statusObject,
  type TerminalCommandExtractor,
  type TerminalCommandExtractorFactory,
  type TerminalExtractorEvent,
} from './proxy.js';
export { type KubeRequestInfo, parseRequestInfo, streamingSubresources } from './request-info.js';
export {
  kSpdyFlagFin,
  type SpdyFrame,
  SpdyFrameType,
  SpdyHeaderWriter,
  SpdyParser,
  type SpdyParserOptions,
  spdyDataFrame,
  spdyDictionary,
  spdyGoAwayFrame,
  spdyPingFrame,
  spdyRstStreamFrame,
  spdySynReplyFrame,
  spdySynStreamFrame,
} from './spdy.js';
export {
  closePayload,
  isValidCloseCode,
  type SerializeFrameOptions,
  serializeFrame,
  type WebSocketFrame,
  WebSocketOpcode,
  type WebSocketOpcodeValue,
  WebSocketParser,
  type WebSocketParserOptions,
} from './websocket.js';
