// The MySQL client/server protocol messages the proxy reads and writes.
// Pure functions over one packet payload (no I/O); field layouts are quoted
// once, at the decoder that reads them.

import type { TaplineError } from '@tapline/frames';
import { MySqlErrorCode, mysqlError } from './errors.js';
import { PayloadReader, PayloadWriter } from './reader.js';

/** Capability flags (the low 32 bits; the proxy never offers MariaDB's extended ones). */
export const Capability = {
  LONG_PASSWORD: 1,
  FOUND_ROWS: 2,
  LONG_FLAG: 4,
  CONNECT_WITH_DB: 8,
  NO_SCHEMA: 16,
  COMPRESS: 32,
  ODBC: 64,
  LOCAL_FILES: 128,
  IGNORE_SPACE: 256,
  PROTOCOL_41: 512,
  INTERACTIVE: 1024,
  SSL: 2048,
  IGNORE_SIGPIPE: 4096,
  TRANSACTIONS: 8192,
  RESERVED: 16384,
  SECURE_CONNECTION: 32768,
  MULTI_STATEMENTS: 65536,
  MULTI_RESULTS: 131072,
  PS_MULTI_RESULTS: 262144,
  PLUGIN_AUTH: 524288,
  CONNECT_ATTRS: 1048576,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 2097152,
  CAN_HANDLE_EXPIRED_PASSWORDS: 4194304,
  SESSION_TRACK: 8388608,
  DEPRECATE_EOF: 16777216,
  OPTIONAL_RESULTSET_METADATA: 33554432,
  ZSTD_COMPRESSION: 67108864,
  QUERY_ATTRIBUTES: 134217728,
  MULTI_FACTOR_AUTHENTICATION: 268435456,
  CAPABILITY_EXTENSION: 536870912,
  SSL_VERIFY_SERVER_CERT: 1073741824,
  REMEMBER_OPTIONS: 2147483648,
} as const;

/** Server status flags (OK and EOF packets). */
export const ServerStatus = {
  IN_TRANS: 0x0001,
  AUTOCOMMIT: 0x0002,
  MORE_RESULTS_EXISTS: 0x0008,
  CURSOR_EXISTS: 0x0040,
  LAST_ROW_SENT: 0x0080,
  SESSION_STATE_CHANGED: 0x4000,
} as const;

/** Command bytes (the first byte of a client packet in the command phase). */
export const Command = {
  SLEEP: 0x00,
  QUIT: 0x01,
  INIT_DB: 0x02,
  QUERY: 0x03,
  FIELD_LIST: 0x04,
  CREATE_DB: 0x05,
  DROP_DB: 0x06,
  REFRESH: 0x07,
  SHUTDOWN: 0x08,
  STATISTICS: 0x09,
  PROCESS_INFO: 0x0a,
  CONNECT: 0x0b,
  PROCESS_KILL: 0x0c,
  DEBUG: 0x0d,
  PING: 0x0e,
  TIME: 0x0f,
  DELAYED_INSERT: 0x10,
  CHANGE_USER: 0x11,
  BINLOG_DUMP: 0x12,
  TABLE_DUMP: 0x13,
  CONNECT_OUT: 0x14,
  REGISTER_SLAVE: 0x15,
  STMT_PREPARE: 0x16,
  STMT_EXECUTE: 0x17,
  STMT_SEND_LONG_DATA: 0x18,
  STMT_CLOSE: 0x19,
  STMT_RESET: 0x1a,
  SET_OPTION: 0x1b,
  STMT_FETCH: 0x1c,
  DAEMON: 0x1d,
  BINLOG_DUMP_GTID: 0x1e,
  RESET_CONNECTION: 0x1f,
} as const;

function protocolError(what: string, message: string, details?: Record<string, unknown>): TaplineError {
  return mysqlError(MySqlErrorCode.PROTOCOL, `${what}: ${message}`, { packet: what, ...details });
}

// ---------------------------------------------------------------------------
// Connection phase

/** Protocol::HandshakeV10, the server's greeting. */
export interface HandshakeV10 {
  protocolVersion: number;
  serverVersion: string;
  connectionId: number;
  /** The scramble (nonce), both parts joined, without the trailing NUL. */
  authPluginData: Buffer;
  capabilities: number;
  characterSet: number;
  statusFlags: number;
  authPluginName: string;
}

/*
 * int<1> protocol version (10) · string<NUL> server version · int<4> thread id ·
 * string[8] auth-plugin-data-part-1 · int<1> filler · int<2> capabilities (low) ·
 * int<1> character set · int<2> status flags · int<2> capabilities (high) ·
 * int<1> auth-plugin-data length (or 0) · string[10] reserved (MariaDB: 6 + 4
 * extended capabilities) · string[max(13, length - 8)] auth-plugin-data-part-2 ·
 * string<NUL> auth plugin name (some servers omit the NUL)
 */
export function decodeHandshakeV10(payload: Buffer): HandshakeV10 {
  const what = 'HandshakeV10';
  const reader = new PayloadReader(payload, what);
  const protocolVersion = reader.u8();
  if (protocolVersion === 0xff) throw protocolError(what, 'the server sent an error instead of a greeting');
  if (protocolVersion !== 10) throw protocolError(what, `unsupported protocol version ${protocolVersion}`);
  const serverVersion = reader.nulString();
  const connectionId = reader.u32();
  const part1 = reader.bytes(8);
  reader.skip(1);
  let capabilities = reader.u16();
  let characterSet = 0;
  let statusFlags = 0;
  let authPluginData = Buffer.from(part1);
  let authPluginName = '';
  if (reader.remaining > 0) {
    characterSet = reader.u8();
    statusFlags = reader.u16();
    capabilities = (capabilities | (reader.u16() << 16)) >>> 0;
    const dataLength = reader.u8();
    reader.skip(10);
    if (capabilities & Capability.SECURE_CONNECTION) {
      const part2Length = Math.max(13, dataLength - 8);
      const part2 = reader.bytes(Math.min(part2Length, reader.remaining));
      // The part ends with a NUL that is not part of the scramble.
      const trimmed = part2.length > 0 && part2[part2.length - 1] === 0 ? part2.subarray(0, -1) : part2;
      authPluginData = Buffer.concat([part1, trimmed]);
    }
    if (capabilities & Capability.PLUGIN_AUTH) authPluginName = reader.nulString(true);
  }
  return {
    protocolVersion,
    serverVersion,
    connectionId,
    authPluginData,
    capabilities,
    characterSet,
    statusFlags,
    authPluginName,
  };
}

export function encodeHandshakeV10(handshake: Omit<HandshakeV10, 'protocolVersion'>): Buffer {
  const data = handshake.authPluginData;
  if (data.length < 8) throw protocolError('HandshakeV10', 'the scramble must be at least 8 bytes');
  return new PayloadWriter()
    .u8(10)
    .nulString(handshake.serverVersion)
    .u32(handshake.connectionId)
    .bytes(data.subarray(0, 8))
    .u8(0)
    .u16(handshake.capabilities & 0xffff)
    .u8(handshake.characterSet)
    .u16(handshake.statusFlags)
    .u16(handshake.capabilities >>> 16)
    .u8(data.length + 1)
    .zeros(10)
    .bytes(data.subarray(8))
    .u8(0)
    .nulString(handshake.authPluginName)
    .build();
}

/** Protocol::HandshakeResponse41 (and its first 32 bytes alone, the SSLRequest). */
export interface HandshakeResponse41 {
  capabilities: number;
  maxPacketSize: number;
  characterSet: number;
  user: string;
  authResponse: Buffer;
  database?: string;
  authPluginName?: string;
  attributes?: Record<string, string>;
}

export interface SslRequest {
  capabilities: number;
  maxPacketSize: number;
  characterSet: number;
}

/** True when a client's first packet is an SSLRequest (exactly the fixed 32 bytes, CLIENT_SSL set). */
export function isSslRequest(payload: Buffer): boolean {
  return payload.length === 32 && (payload.readUInt32LE(0) & Capability.SSL) !== 0;
}

export function decodeSslRequest(payload: Buffer): SslRequest {
  const reader = new PayloadReader(payload, 'SSLRequest');
  const capabilities = reader.u32();
  const maxPacketSize = reader.u32();
  const characterSet = reader.u8();
  reader.skip(23);
  if (!(capabilities & Capability.SSL)) throw protocolError('SSLRequest', 'CLIENT_SSL is not set');
  return { capabilities, maxPacketSize, characterSet };
}

export function encodeSslRequest(request: SslRequest): Buffer {
  return new PayloadWriter()
    .u32(request.capabilities)
    .u32(request.maxPacketSize)
    .u8(request.characterSet)
    .zeros(23)
    .build();
}

/*
 * int<4> capabilities · int<4> max packet size · int<1> character set ·
 * string[23] filler · string<NUL> user · auth response (lenenc with
 * PLUGIN_AUTH_LENENC_CLIENT_DATA, else int<1> length with SECURE_CONNECTION,
 * else NUL-terminated) · string<NUL> database (CONNECT_WITH_DB) ·
 * string<NUL> auth plugin name (PLUGIN_AUTH) · lenenc attributes (CONNECT_ATTRS)
 */
export function decodeHandshakeResponse41(payload: Buffer): HandshakeResponse41 {
  const what = 'HandshakeResponse41';
  const reader = new PayloadReader(payload, what);
  const capabilities = reader.u32();
  if (!(capabilities & Capability.PROTOCOL_41))
    throw protocolError(what, 'the client does not speak protocol 4.1');
  const maxPacketSize = reader.u32();
  const characterSet = reader.u8();
  reader.skip(23);
  const user = reader.nulString();
  let authResponse: Buffer;
  if (capabilities & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA) authResponse = reader.lenencBytes();
  else if (capabilities & Capability.SECURE_CONNECTION) authResponse = reader.bytes(reader.u8());
  else authResponse = reader.nulBytes(true);
  const response: HandshakeResponse41 = {
    capabilities,
    maxPacketSize,
    characterSet,
    user,
    authResponse: Buffer.from(authResponse),
  };
  if (capabilities & Capability.CONNECT_WITH_DB && reader.remaining > 0)
    response.database = reader.nulString(true);
  if (capabilities & Capability.PLUGIN_AUTH && reader.remaining > 0)
    response.authPluginName = reader.nulString(true);
  if (capabilities & Capability.CONNECT_ATTRS && reader.remaining > 0) {
    const attributes: Record<string, string> = {};
    const length = reader.lenenc();
    const attributesReader = new PayloadReader(reader.bytes(length), `${what} attributes`);
    while (attributesReader.remaining > 0) {
      const key = attributesReader.lenencString();
      attributes[key] = attributesReader.lenencString();
    }
    response.attributes = attributes;
  }
  return response;
}

export function encodeHandshakeResponse41(response: HandshakeResponse41): Buffer {
  const writer = new PayloadWriter()
    .u32(response.capabilities)
    .u32(response.maxPacketSize)
    .u8(response.characterSet)
    .zeros(23)
    .nulString(response.user);
  if (response.capabilities & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA)
    writer.lenencBytes(response.authResponse);
  else writer.u8(response.authResponse.length).bytes(response.authResponse);
  if (response.capabilities & Capability.CONNECT_WITH_DB) writer.nulString(response.database ?? '');
  if (response.capabilities & Capability.PLUGIN_AUTH) writer.nulString(response.authPluginName ?? '');
  if (response.capabilities & Capability.CONNECT_ATTRS) {
    const attributes = new PayloadWriter();
    for (const [key, value] of Object.entries(response.attributes ?? {}))
      attributes.lenencBytes(key).lenencBytes(value);
    writer.lenencBytes(attributes.build());
  }
  return writer.build();
}

/** Protocol::AuthSwitchRequest: 0xFE, plugin name, plugin data. */
export interface AuthSwitchRequest {
  pluginName: string;
  pluginData: Buffer;
}

export function decodeAuthSwitchRequest(payload: Buffer): AuthSwitchRequest {
  const reader = new PayloadReader(payload, 'AuthSwitchRequest');
  if (reader.u8() !== 0xfe) throw protocolError('AuthSwitchRequest', 'header is not 0xfe');
  const pluginName = reader.nulString(true);
  let pluginData = reader.rest();
  if (pluginData.length > 0 && pluginData[pluginData.length - 1] === 0)
    pluginData = pluginData.subarray(0, -1);
  return { pluginName, pluginData: Buffer.from(pluginData) };
}

export function encodeAuthSwitchRequest(request: AuthSwitchRequest): Buffer {
  return new PayloadWriter().u8(0xfe).nulString(request.pluginName).bytes(request.pluginData).u8(0).build();
}

/** Protocol::AuthMoreData: 0x01 then plugin-specific data. */
export function decodeAuthMoreData(payload: Buffer): Buffer {
  const reader = new PayloadReader(payload, 'AuthMoreData');
  if (reader.u8() !== 0x01) throw protocolError('AuthMoreData', 'header is not 0x01');
  return Buffer.from(reader.rest());
}

export function encodeAuthMoreData(data: Uint8Array): Buffer {
  return new PayloadWriter().u8(0x01).bytes(data).build();
}

// ---------------------------------------------------------------------------
// Generic responses

export interface OkPacket {
  affectedRows: number;
  lastInsertId: number;
  statusFlags: number;
  warnings: number;
  info: string;
}

/*
 * int<1> 0x00 (0xFE when it ends a result set under DEPRECATE_EOF) ·
 * int<lenenc> affected rows · int<lenenc> last insert id · int<2> status ·
 * int<2> warnings · info (lenenc with SESSION_TRACK, else the rest) ·
 * session state changes (lenenc, with SESSION_STATE_CHANGED)
 */
export function decodeOk(payload: Buffer, capabilities: number = Capability.PROTOCOL_41): OkPacket {
  const reader = new PayloadReader(payload, 'OK');
  const header = reader.u8();
  if (header !== 0x00 && header !== 0xfe)
    throw protocolError('OK', `header 0x${header.toString(16)} is not 0x00/0xfe`);
  const affectedRows = reader.lenenc();
  const lastInsertId = reader.lenenc();
  let statusFlags = 0;
  let warnings = 0;
  if (capabilities & Capability.PROTOCOL_41) {
    statusFlags = reader.u16();
    warnings = reader.u16();
  }
  let info = '';
  if (reader.remaining > 0) {
    if (capabilities & Capability.SESSION_TRACK) info = reader.lenencString();
    else info = reader.rest().toString('utf8');
  }
  return { affectedRows, lastInsertId, statusFlags, warnings, info };
}

export function encodeOk(ok: Partial<OkPacket> = {}): Buffer {
  const writer = new PayloadWriter()
    .u8(0)
    .lenenc(ok.affectedRows ?? 0)
    .lenenc(ok.lastInsertId ?? 0)
    .u16(ok.statusFlags ?? ServerStatus.AUTOCOMMIT)
    .u16(ok.warnings ?? 0);
  return writer.build();
}

export interface ErrPacket {
  code: number;
  /** Five characters, e.g. "28000"; "HY000" when the server sent none. */
  sqlState: string;
  message: string;
}

/* int<1> 0xFF · int<2> error code · "#" + string[5] SQLSTATE (protocol 4.1) · string<EOF> message */
export function decodeErr(payload: Buffer): ErrPacket {
  const reader = new PayloadReader(payload, 'ERR');
  if (reader.u8() !== 0xff) throw protocolError('ERR', 'header is not 0xff');
  const code = reader.u16();
  let sqlState = 'HY000';
  if (reader.remaining >= 6 && payload[reader.offset] === 0x23) {
    reader.skip(1);
    sqlState = reader.bytes(5).toString('latin1');
  }
  return { code, sqlState, message: reader.rest().toString('utf8') };
}

export function encodeErr(err: ErrPacket): Buffer {
  return new PayloadWriter()
    .u8(0xff)
    .u16(err.code)
    .u8(0x23)
    .bytes(Buffer.from(err.sqlState.padEnd(5, '0').slice(0, 5), 'latin1'))
    .bytes(Buffer.from(err.message, 'utf8'))
    .build();
}

export interface EofPacket {
  warnings: number;
  statusFlags: number;
}

/* int<1> 0xFE · int<2> warnings · int<2> status flags (payload under 9 bytes) */
export function decodeEof(payload: Buffer): EofPacket {
  const reader = new PayloadReader(payload, 'EOF');
  if (reader.u8() !== 0xfe) throw protocolError('EOF', 'header is not 0xfe');
  if (payload.length >= 9)
    throw protocolError('EOF', `${payload.length} bytes is too long for an EOF packet`);
  if (reader.remaining === 0) return { warnings: 0, statusFlags: 0 };
  return { warnings: reader.u16(), statusFlags: reader.u16() };
}

export function encodeEof(eof: Partial<EofPacket> = {}): Buffer {
  return new PayloadWriter()
    .u8(0xfe)
    .u16(eof.warnings ?? 0)
    .u16(eof.statusFlags ?? ServerStatus.AUTOCOMMIT)
    .build();
}

/** True for an EOF packet (classic) or an OK packet ending a result set under DEPRECATE_EOF. */
export function isEndOfRows(payload: Buffer, deprecateEof: boolean): boolean {
  if (payload.length === 0 || payload[0] !== 0xfe) return false;
  return deprecateEof ? payload.length < 0xffffff : payload.length < 9;
}

// ---------------------------------------------------------------------------
// Command phase

export interface ComStmtPrepareOk {
  statementId: number;
  columnCount: number;
  paramCount: number;
  warnings: number;
}

/* int<1> 0x00 · int<4> statement id · int<2> columns · int<2> params · int<1> reserved · int<2> warnings */
export function decodeStmtPrepareOk(payload: Buffer): ComStmtPrepareOk {
  const reader = new PayloadReader(payload, 'COM_STMT_PREPARE_OK');
  if (reader.u8() !== 0x00) throw protocolError('COM_STMT_PREPARE_OK', 'header is not 0x00');
  const statementId = reader.u32();
  const columnCount = reader.u16();
  const paramCount = reader.u16();
  let warnings = 0;
  if (reader.remaining >= 3) {
    reader.skip(1);
    warnings = reader.u16();
  }
  return { statementId, columnCount, paramCount, warnings };
}

/** A client command, decoded as far as the proxy needs it. */
export type ClientCommand =
  | { name: 'query'; sql: string }
  | { name: 'init_db'; database: string }
  | { name: 'ping' }
  | { name: 'quit' }
  | { name: 'stmt_prepare'; sql: string }
  | { name: 'stmt_execute'; statementId: number; flags: number; iterations: number; body: Buffer }
  | { name: 'stmt_send_long_data'; statementId: number; paramId: number; length: number }
  | { name: 'stmt_close'; statementId: number }
  | { name: 'stmt_reset'; statementId: number }
  | { name: 'stmt_fetch'; statementId: number; rows: number }
  | { name: 'change_user'; user: string }
  | { name: 'process_kill'; connectionId: number }
  | { name: 'field_list'; table: string }
  | { name: 'set_option'; option: number }
  | { name: 'reset_connection' }
  | { name: 'statistics' }
  | { name: 'other'; command: number };

export function decodeCommand(payload: Buffer): ClientCommand {
  const reader = new PayloadReader(payload, 'command');
  const command = reader.u8();
  switch (command) {
    case Command.QUERY:
      return { name: 'query', sql: reader.rest().toString('utf8') };
    case Command.INIT_DB:
      return { name: 'init_db', database: reader.rest().toString('utf8') };
    case Command.PING:
      return { name: 'ping' };
    case Command.QUIT:
      return { name: 'quit' };
    case Command.STMT_PREPARE:
      return { name: 'stmt_prepare', sql: reader.rest().toString('utf8') };
    case Command.STMT_EXECUTE: {
      // int<4> statement id · int<1> flags · int<4> iteration count · parameters (see decodeExecuteParameters)
      const statementId = reader.u32();
      const flags = reader.u8();
      const iterations = reader.u32();
      return { name: 'stmt_execute', statementId, flags, iterations, body: reader.rest() };
    }
    case Command.STMT_SEND_LONG_DATA: {
      // int<4> statement id · int<2> parameter id · string<EOF> data
      const statementId = reader.u32();
      const paramId = reader.u16();
      return { name: 'stmt_send_long_data', statementId, paramId, length: reader.remaining };
    }
    case Command.STMT_CLOSE:
      return { name: 'stmt_close', statementId: reader.u32() };
    case Command.STMT_RESET:
      return { name: 'stmt_reset', statementId: reader.u32() };
    case Command.STMT_FETCH: {
      const statementId = reader.u32();
      return { name: 'stmt_fetch', statementId, rows: reader.u32() };
    }
    case Command.CHANGE_USER:
      return { name: 'change_user', user: reader.nulString(true) };
    case Command.PROCESS_KILL:
      return { name: 'process_kill', connectionId: reader.u32() };
    case Command.FIELD_LIST:
      return { name: 'field_list', table: reader.nulString(true) };
    case Command.SET_OPTION:
      return { name: 'set_option', option: reader.u16() };
    case Command.RESET_CONNECTION:
      return { name: 'reset_connection' };
    case Command.STATISTICS:
      return { name: 'statistics' };
    default:
      return { name: 'other', command };
  }
}

export function encodeComQuery(sql: string): Buffer {
  return new PayloadWriter().u8(Command.QUERY).bytes(Buffer.from(sql, 'utf8')).build();
}
