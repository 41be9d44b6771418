export { cachingSha2Scramble, nativePasswordScramble, verifyNativePassword } from './auth.js';
export { MySqlErrorCode, type MySqlErrorCodeName } from './errors.js';
export { encodePacket, type Packet, PacketParser, type PacketParserOptions } from './packets.js';
export { type BoundParameter, decodeExecuteParameters, FieldType, fieldTypeName } from './params.js';
export {
  type AuthSwitchRequest,
  Capability,
  type ClientCommand,
  Command,
  type ComStmtPrepareOk,
  decodeAuthMoreData,
  decodeAuthSwitchRequest,
  decodeCommand,
  decodeEof,
  decodeErr,
  decodeHandshakeResponse41,
  decodeHandshakeV10,
  decodeOk,
  decodeSslRequest,
  decodeStmtPrepareOk,
  type EofPacket,
  type ErrPacket,
  type HandshakeResponse41,
  type HandshakeV10,
  type OkPacket,
  ServerStatus,
  type SslRequest,
} from './protocol.js';
export { createMySqlProxy } from './proxy.js';
export { type ResponseOutcome, type ResponseShape, ResponseTracker, type ResultOutcome } from './response.js';
export type {
  MySqlAuthRequest,
  MySqlGrant,
  MySqlProxy,
  MySqlProxyEvent,
  MySqlProxyOptions,
  MySqlSessionInfo,
  MySqlTarget,
  SessionRecorder,
} from './types.js';
