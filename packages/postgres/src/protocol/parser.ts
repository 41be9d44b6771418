// One incremental parser for both directions of the PostgreSQL v3 wire
// protocol. Pure: bytes in through `parse(chunk, onMessage)`, plain message
// objects out, no I/O. A message that lies inside one chunk is decoded from
// that chunk (byte fields are views, no copy); a message split across chunks
// is assembled once into a buffer of its exact size. DataRow and CopyData
// bodies are never buffered: the recorder needs their length only, so a
// large one is skipped as it streams by.

import type { TaplineError } from '@tapline/frames';
import { PostgresErrorCode, postgresError } from '../errors.js';
import {
  type BackendMessage,
  CANCEL_REQUEST_CODE,
  type FieldDescription,
  type FrontendMessage,
  GSSENC_REQUEST_CODE,
  type NoticeFields,
  SSL_REQUEST_CODE,
} from './messages.js';

/** Frontend message type bytes. */
enum FrontendCode {
  query = 0x51, // Q
  parse = 0x50, // P
  bind = 0x42, // B
  describe = 0x44, // D
  execute = 0x45, // E
  close = 0x43, // C
  sync = 0x53, // S
  flush = 0x48, // H
  terminate = 0x58, // X
  copyData = 0x64, // d
  copyDone = 0x63, // c
  copyFail = 0x66, // f
  password = 0x70, // p
  functionCall = 0x46, // F
}

/** Backend message type bytes. */
enum BackendCode {
  authentication = 0x52, // R
  parameterStatus = 0x53, // S
  backendKeyData = 0x4b, // K
  readyForQuery = 0x5a, // Z
  rowDescription = 0x54, // T
  parameterDescription = 0x74, // t
  dataRow = 0x44, // D
  commandComplete = 0x43, // C
  emptyQueryResponse = 0x49, // I
  errorResponse = 0x45, // E
  noticeResponse = 0x4e, // N
  copyInResponse = 0x47, // G
  copyOutResponse = 0x48, // H
  copyBothResponse = 0x57, // W
  copyData = 0x64, // d
  copyDone = 0x63, // c
  notificationResponse = 0x41, // A
  parseComplete = 0x31, // 1
  bindComplete = 0x32, // 2
  closeComplete = 0x33, // 3
  noData = 0x6e, // n
  portalSuspended = 0x73, // s
  negotiateProtocolVersion = 0x76, // v
  functionCallResponse = 0x56, // V
}

export interface ParserOptions {
  /**
   * Largest message (type byte excluded, length field included) the parser
   * assembles; above it the parser throws TAPLINE_ERR_POSTGRES_MESSAGE_TOO_LARGE.
   * DataRow, CopyData and FunctionCallResponse are exempt: they are skipped,
   * never buffered.
   * @default 67108864 (64 MiB)
   */
  maxMessageBytes?: number;
}

/** Largest startup packet PostgreSQL itself accepts (MAX_STARTUP_PACKET_LENGTH). */
const kMaxStartupBytes = 10_000;
const kDefaultMaxMessageBytes = 64 * 1024 * 1024;

type Side = 'frontend' | 'backend';

/** Called once per whole message; `frame` is the message's bytes (type and length included) unless it was skipped. */
export type MessageCallback<M> = (message: M, frame: Uint8Array | undefined) => void;

enum State {
  header,
  body,
  skip,
}

class Parser<M> {
  /**
   * Frontend only: the next message is a startup packet (no type byte). True
   * at the start of a connection and again after an SSLRequest or
   * GSSENCRequest was answered; the parser clears it after a StartupMessage.
   */
  expectStartup: boolean;
  readonly #side: Side;
  readonly #maxMessageBytes: number;
  #state: State = State.header;
  readonly #header = Buffer.alloc(5);
  #headerFilled = 0;
  #code = 0;
  #startup = false;
  /** Length of the message after its type byte (the length field included). */
  #length = 0;
  #body: Buffer | undefined;
  #bodyFilled = 0;
  #skipLeft = 0;
  #failure: TaplineError | undefined;

  constructor(side: Side, options: ParserOptions = {}) {
    this.#side = side;
    this.expectStartup = side === 'frontend';
    const max = options.maxMessageBytes ?? kDefaultMaxMessageBytes;
    if (!Number.isInteger(max) || max < 5) {
      throw postgresError(
        PostgresErrorCode.INVALID_OPTIONS,
        'maxMessageBytes must be an integer of at least 5',
      );
    }
    this.#maxMessageBytes = max;
  }

  /** True between messages: nothing partial is held. A proxy may insert a message of its own only then. */
  get atBoundary(): boolean {
    return this.#state === State.header && this.#headerFilled === 0;
  }

  parse(chunk: Uint8Array, onMessage: MessageCallback<M>): void {
    if (this.#failure !== undefined) throw this.#failure;
    try {
      this.#parse(
        Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
        onMessage,
      );
    } catch (error) {
      this.#failure =
        (error as TaplineError).code !== undefined && (error as TaplineError).component === 'postgres'
          ? (error as TaplineError)
          : postgresError(
              PostgresErrorCode.PROTOCOL,
              `malformed message: ${(error as Error).message}`,
              undefined,
              error,
            );
      throw this.#failure;
    }
  }

  #parse(chunk: Buffer, onMessage: MessageCallback<M>): void {
    let offset = 0;
    const end = chunk.length;
    while (offset < end) {
      if (this.#state === State.skip) {
        const take = Math.min(this.#skipLeft, end - offset);
        this.#skipLeft -= take;
        offset += take;
        if (this.#skipLeft === 0) {
          this.#state = State.header;
          this.#headerFilled = 0;
          onMessage(this.#skipped(), undefined);
        }
        continue;
      }
      if (this.#state === State.body) {
        const body = this.#body as Buffer;
        const take = Math.min(body.length - this.#bodyFilled, end - offset);
        chunk.copy(body, this.#bodyFilled, offset, offset + take);
        this.#bodyFilled += take;
        offset += take;
        if (this.#bodyFilled === body.length) {
          this.#state = State.header;
          this.#headerFilled = 0;
          this.#body = undefined;
          const headerBytes = this.#startup ? 0 : 1;
          onMessage(this.#decode(body, headerBytes + 4, body.length), body);
        }
        continue;
      }
      // Header: a type byte (except startup packets) and an int32 length.
      const startup = this.#side === 'frontend' && this.expectStartup;
      const headerBytes = startup ? 4 : 5;
      if (this.#headerFilled === 0 && end - offset >= headerBytes) {
        // Fast path: the header is inside this chunk.
        const length = this.#begin(chunk, offset, startup);
        const frameLength = length + (startup ? 0 : 1);
        if (this.#isSkippable() && end - offset < frameLength) {
          this.#enterSkip(frameLength - (end - offset));
          offset = end;
          continue;
        }
        if (end - offset >= frameLength) {
          const frame = chunk.subarray(offset, offset + frameLength);
          offset += frameLength;
          onMessage(this.#decode(frame, headerBytes, frameLength), frame);
          continue;
        }
        this.#body = Buffer.allocUnsafe(frameLength);
        this.#bodyFilled = end - offset;
        chunk.copy(this.#body, 0, offset, end);
        this.#state = State.body;
        offset = end;
        continue;
      }
      const take = Math.min(headerBytes - this.#headerFilled, end - offset);
      chunk.copy(this.#header, this.#headerFilled, offset, offset + take);
      this.#headerFilled += take;
      offset += take;
      if (this.#headerFilled < headerBytes) continue;
      const length = this.#begin(this.#header, 0, startup);
      const frameLength = length + (startup ? 0 : 1);
      if (this.#isSkippable()) {
        if (frameLength === headerBytes) {
          this.#headerFilled = 0;
          onMessage(this.#skipped(), undefined);
        } else {
          this.#enterSkip(frameLength - headerBytes);
        }
        continue;
      }
      const body = Buffer.allocUnsafe(frameLength);
      this.#header.copy(body, 0, 0, headerBytes);
      if (frameLength === headerBytes) {
        this.#headerFilled = 0;
        onMessage(this.#decode(body, headerBytes, frameLength), body);
        continue;
      }
      this.#body = body;
      this.#bodyFilled = headerBytes;
      this.#state = State.body;
    }
  }

  /** Reads and checks a header at `at`; returns the length field. */
  #begin(bytes: Buffer, at: number, startup: boolean): number {
    this.#startup = startup;
    this.#code = startup ? 0 : (bytes[at] as number);
    const length = bytes.readInt32BE(at + (startup ? 0 : 1));
    this.#length = length;
    const minimum = startup ? 8 : 4;
    if (length < minimum) {
      throw postgresError(PostgresErrorCode.PROTOCOL, `message length ${length} is below ${minimum}`, {
        side: this.#side,
        type: this.#typeName(),
      });
    }
    if (startup && length > kMaxStartupBytes) {
      throw postgresError(PostgresErrorCode.MESSAGE_TOO_LARGE, `startup packet of ${length} bytes`, {
        length,
        limit: kMaxStartupBytes,
      });
    }
    if (!startup && !this.#isSkippable()) {
      if (!this.#known()) {
        throw postgresError(
          PostgresErrorCode.PROTOCOL,
          `unknown ${this.#side} message type ${this.#typeName()}`,
          {
            side: this.#side,
            type: this.#typeName(),
          },
        );
      }
      if (length > this.#maxMessageBytes) {
        throw postgresError(
          PostgresErrorCode.MESSAGE_TOO_LARGE,
          `${this.#side} message ${this.#typeName()} of ${length} bytes is over maxMessageBytes (${this.#maxMessageBytes})`,
          { side: this.#side, type: this.#typeName(), length, limit: this.#maxMessageBytes },
        );
      }
    }
    return length;
  }

  #typeName(): string {
    return this.#startup ? 'startup' : JSON.stringify(String.fromCharCode(this.#code));
  }

  #isSkippable(): boolean {
    if (this.#startup) return false;
    if (this.#code === FrontendCode.copyData) return true;
    return (
      this.#side === 'backend' &&
      (this.#code === BackendCode.dataRow || this.#code === BackendCode.functionCallResponse)
    );
  }

  #known(): boolean {
    const code = this.#code;
    if (this.#side === 'frontend') {
      return (
        code === FrontendCode.query ||
        code === FrontendCode.parse ||
        code === FrontendCode.bind ||
        code === FrontendCode.describe ||
        code === FrontendCode.execute ||
        code === FrontendCode.close ||
        code === FrontendCode.sync ||
        code === FrontendCode.flush ||
        code === FrontendCode.terminate ||
        code === FrontendCode.copyDone ||
        code === FrontendCode.copyFail ||
        code === FrontendCode.password ||
        code === FrontendCode.functionCall
      );
    }
    return backendDecoders[code] !== undefined;
  }

  #enterSkip(left: number): void {
    this.#state = State.skip;
    this.#skipLeft = left;
  }

  #skipped(): M {
    const length = this.#length;
    if (this.#code === FrontendCode.copyData) return { name: 'copyData', length: length - 4 } as M;
    if (this.#code === BackendCode.dataRow) return { name: 'dataRow', length: length - 4 } as M;
    return { name: 'functionCallResponse', length: length - 4 } as M;
  }

  /** Decodes the body of a whole message: `frame[bodyStart, end)`. */
  #decode(frame: Buffer, bodyStart: number, end: number): M {
    if (this.#startup) return decodeStartup(frame, bodyStart, end, this) as M;
    if (this.#isSkippable()) return this.#skipped();
    const reader = new Reader(frame, bodyStart, end);
    const message =
      this.#side === 'frontend'
        ? decodeFrontend(this.#code, reader)
        : (backendDecoders[this.#code] as BackendDecoder)(reader);
    reader.finish(this.#typeName());
    return message as M;
  }
}

/** Parses what a client sends: startup packets first, then typed messages. */
export class FrontendParser extends Parser<FrontendMessage> {
  constructor(options?: ParserOptions) {
    super('frontend', options);
  }
}

/** Parses what a server sends. */
export class BackendParser extends Parser<BackendMessage> {
  constructor(options?: ParserOptions) {
    super('backend', options);
  }
}

/** Bounds-checked reads over one message body. */
class Reader {
  constructor(
    readonly bytes: Buffer,
    public offset: number,
    readonly end: number,
  ) {}

  #need(count: number): void {
    if (count < 0 || this.offset + count > this.end) {
      throw postgresError(PostgresErrorCode.PROTOCOL, 'message body ends early');
    }
  }

  int8(): number {
    this.#need(1);
    return this.bytes[this.offset++] as number;
  }

  int16(): number {
    this.#need(2);
    const value = this.bytes.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    this.#need(4);
    const value = this.bytes.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  cstring(): string {
    const zero = this.bytes.indexOf(0, this.offset);
    if (zero < 0 || zero >= this.end) {
      throw postgresError(PostgresErrorCode.PROTOCOL, 'string without its terminating zero byte');
    }
    const value = this.bytes.toString('utf8', this.offset, zero);
    this.offset = zero + 1;
    return value;
  }

  bytesOf(count: number): Uint8Array {
    this.#need(count);
    const value = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return value;
  }

  rest(): Uint8Array {
    const value = this.bytes.subarray(this.offset, this.end);
    this.offset = this.end;
    return value;
  }

  /** A count (int16) that must be non-negative, each entry taking at least `minBytes`. */
  count16(minBytes: number): number {
    const count = this.int16();
    if (count < 0 || count * minBytes > this.end - this.offset) {
      throw postgresError(PostgresErrorCode.PROTOCOL, `count ${count} does not fit the message`);
    }
    return count;
  }

  finish(type: string): void {
    if (this.offset !== this.end) {
      throw postgresError(
        PostgresErrorCode.PROTOCOL,
        `message ${type} has ${this.end - this.offset} bytes left over`,
      );
    }
  }
}

function decodeStartup(
  frame: Buffer,
  bodyStart: number,
  end: number,
  parser: { expectStartup: boolean },
): FrontendMessage {
  const reader = new Reader(frame, bodyStart, end);
  const code = reader.int32();
  if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
    reader.finish('SSLRequest');
    // The client waits for one byte; a startup packet follows (over TLS or not).
    return { name: code === SSL_REQUEST_CODE ? 'sslRequest' : 'gssEncRequest' };
  }
  if (code === CANCEL_REQUEST_CODE) {
    const processId = reader.int32();
    const secretKey = reader.int32();
    reader.finish('CancelRequest');
    return { name: 'cancelRequest', processId, secretKey };
  }
  if (code >> 16 !== 3) {
    throw postgresError(
      PostgresErrorCode.UNSUPPORTED,
      `unsupported protocol version ${code >> 16}.${code & 0xffff}`,
      {
        protocolVersion: code,
      },
    );
  }
  // StartupMessage: int32 version, then (name, value) C-string pairs, then a zero byte.
  const parameters: Record<string, string> = Object.create(null);
  for (;;) {
    if (reader.offset >= end)
      throw postgresError(PostgresErrorCode.PROTOCOL, 'startup parameters not terminated');
    if (frame[reader.offset] === 0) {
      reader.offset++;
      break;
    }
    const name = reader.cstring();
    parameters[name] = reader.cstring();
  }
  reader.finish('StartupMessage');
  parser.expectStartup = false;
  return { name: 'startup', protocolVersion: code, parameters };
}

function target(byte: number): 'statement' | 'portal' {
  if (byte === 0x53) return 'statement'; // S
  if (byte === 0x50) return 'portal'; // P
  throw postgresError(PostgresErrorCode.PROTOCOL, `Describe/Close target ${byte} is neither 'S' nor 'P'`);
}

function decodeFrontend(code: number, reader: Reader): FrontendMessage {
  switch (code) {
    case FrontendCode.query:
      return { name: 'query', text: reader.cstring() };
    case FrontendCode.parse: {
      // Parse: String statement, String query, Int16 n, Int32[n] parameter type OIDs.
      const statement = reader.cstring();
      const text = reader.cstring();
      const count = reader.count16(4);
      const parameterTypes: number[] = new Array(count);
      for (let index = 0; index < count; index++) parameterTypes[index] = reader.int32() >>> 0;
      return { name: 'parse', statement, text, parameterTypes };
    }
    case FrontendCode.bind: {
      // Bind: String portal, String statement, Int16 nf, Int16[nf] formats,
      // Int16 np, np x (Int32 length (-1 NULL), Byte[length]), Int16 nr, Int16[nr] result formats.
      const portal = reader.cstring();
      const statement = reader.cstring();
      const formatCount = reader.count16(2);
      const formats: number[] = new Array(formatCount);
      for (let index = 0; index < formatCount; index++) formats[index] = reader.int16();
      const count = reader.count16(4);
      if (formatCount > 1 && formatCount !== count) {
        throw postgresError(
          PostgresErrorCode.PROTOCOL,
          `Bind has ${formatCount} formats for ${count} parameters`,
        );
      }
      const parameters: Array<Uint8Array | null> = new Array(count);
      for (let index = 0; index < count; index++) {
        const length = reader.int32();
        if (length < -1) throw postgresError(PostgresErrorCode.PROTOCOL, `Bind parameter length ${length}`);
        parameters[index] = length === -1 ? null : reader.bytesOf(length);
      }
      const parameterFormats: number[] = new Array(count);
      for (let index = 0; index < count; index++) {
        parameterFormats[index] =
          formatCount === 0 ? 0 : formatCount === 1 ? (formats[0] as number) : (formats[index] as number);
      }
      const resultCount = reader.count16(2);
      const resultFormats: number[] = new Array(resultCount);
      for (let index = 0; index < resultCount; index++) resultFormats[index] = reader.int16();
      return { name: 'bind', portal, statement, parameterFormats, parameters, resultFormats };
    }
    case FrontendCode.describe:
      return { name: 'describe', target: target(reader.int8()), objectName: reader.cstring() };
    case FrontendCode.close:
      return { name: 'close', target: target(reader.int8()), objectName: reader.cstring() };
    case FrontendCode.execute: {
      const portal = reader.cstring();
      return { name: 'execute', portal, maxRows: reader.int32() };
    }
    case FrontendCode.sync:
      return { name: 'sync' };
    case FrontendCode.flush:
      return { name: 'flush' };
    case FrontendCode.terminate:
      return { name: 'terminate' };
    case FrontendCode.copyDone:
      return { name: 'copyDone' };
    case FrontendCode.copyFail:
      return { name: 'copyFail', message: reader.cstring() };
    case FrontendCode.password:
      return { name: 'password', body: reader.rest() };
    case FrontendCode.functionCall: {
      const functionOid = reader.int32() >>> 0;
      reader.rest();
      return { name: 'functionCall', functionOid };
    }
    default:
      throw postgresError(PostgresErrorCode.PROTOCOL, `unknown frontend message type ${code}`);
  }
}

type BackendDecoder = (reader: Reader) => BackendMessage;

function noticeFields(reader: Reader): NoticeFields {
  // ErrorResponse/NoticeResponse: (Byte1 code, String value)*, then a zero byte.
  const fields: NoticeFields = Object.create(null);
  for (;;) {
    const code = reader.int8();
    if (code === 0) return fields;
    fields[String.fromCharCode(code)] = reader.cstring();
  }
}

function copyResponse(name: 'copyInResponse' | 'copyOutResponse' | 'copyBothResponse'): BackendDecoder {
  return (reader) => {
    const format = reader.int8();
    const count = reader.count16(2);
    const columnFormats: number[] = new Array(count);
    for (let index = 0; index < count; index++) columnFormats[index] = reader.int16();
    return { name, format, columnFormats };
  };
}

function empty<N extends BackendMessage['name']>(name: N): BackendDecoder {
  const message = Object.freeze({ name }) as BackendMessage;
  return () => message;
}

const backendDecoders: Record<number, BackendDecoder | undefined> = {
  [BackendCode.authentication]: (reader) => {
    const code = reader.int32();
    switch (code) {
      case 0:
        return { name: 'authenticationOk' };
      case 3:
        return { name: 'authenticationCleartextPassword' };
      case 5:
        return { name: 'authenticationMD5Password', salt: reader.bytesOf(4) };
      case 10: {
        const mechanisms: string[] = [];
        for (;;) {
          const mechanism = reader.cstring();
          if (mechanism === '') break;
          mechanisms.push(mechanism);
        }
        return { name: 'authenticationSASL', mechanisms };
      }
      case 11:
        return { name: 'authenticationSASLContinue', data: reader.rest() };
      case 12:
        return { name: 'authenticationSASLFinal', data: reader.rest() };
      default:
        reader.rest();
        return { name: 'authenticationOther', code };
    }
  },
  [BackendCode.parameterStatus]: (reader) => {
    const parameter = reader.cstring();
    return { name: 'parameterStatus', parameter, value: reader.cstring() };
  },
  [BackendCode.backendKeyData]: (reader) => {
    const processId = reader.int32();
    return { name: 'backendKeyData', processId, secretKey: reader.int32() };
  },
  [BackendCode.readyForQuery]: (reader) => {
    const status = String.fromCharCode(reader.int8());
    if (status !== 'I' && status !== 'T' && status !== 'E') {
      throw postgresError(PostgresErrorCode.PROTOCOL, `ReadyForQuery status ${JSON.stringify(status)}`);
    }
    return { name: 'readyForQuery', status };
  },
  [BackendCode.rowDescription]: (reader) => {
    const count = reader.count16(19);
    const fields: FieldDescription[] = new Array(count);
    for (let index = 0; index < count; index++) {
      fields[index] = {
        name: reader.cstring(),
        tableOid: reader.int32() >>> 0,
        columnAttribute: reader.int16(),
        typeOid: reader.int32() >>> 0,
        typeSize: reader.int16(),
        typeModifier: reader.int32(),
        format: reader.int16(),
      };
    }
    return { name: 'rowDescription', fields };
  },
  [BackendCode.parameterDescription]: (reader) => {
    const count = reader.count16(4);
    const typeOids: number[] = new Array(count);
    for (let index = 0; index < count; index++) typeOids[index] = reader.int32() >>> 0;
    return { name: 'parameterDescription', typeOids };
  },
  [BackendCode.commandComplete]: (reader) => ({ name: 'commandComplete', tag: reader.cstring() }),
  [BackendCode.emptyQueryResponse]: empty('emptyQueryResponse'),
  [BackendCode.errorResponse]: (reader) => ({ name: 'errorResponse', fields: noticeFields(reader) }),
  [BackendCode.noticeResponse]: (reader) => ({ name: 'noticeResponse', fields: noticeFields(reader) }),
  [BackendCode.copyInResponse]: copyResponse('copyInResponse'),
  [BackendCode.copyOutResponse]: copyResponse('copyOutResponse'),
  [BackendCode.copyBothResponse]: copyResponse('copyBothResponse'),
  [BackendCode.copyDone]: empty('copyDone'),
  [BackendCode.notificationResponse]: (reader) => {
    const processId = reader.int32();
    const channel = reader.cstring();
    return { name: 'notificationResponse', processId, channel, payload: reader.cstring() };
  },
  [BackendCode.parseComplete]: empty('parseComplete'),
  [BackendCode.bindComplete]: empty('bindComplete'),
  [BackendCode.closeComplete]: empty('closeComplete'),
  [BackendCode.noData]: empty('noData'),
  [BackendCode.portalSuspended]: empty('portalSuspended'),
  [BackendCode.negotiateProtocolVersion]: (reader) => {
    const minorVersion = reader.int32();
    const count = reader.int32();
    if (count < 0 || count > reader.end - reader.offset) {
      throw postgresError(PostgresErrorCode.PROTOCOL, `NegotiateProtocolVersion count ${count}`);
    }
    const options: string[] = [];
    for (let index = 0; index < count; index++) options.push(reader.cstring());
    return { name: 'negotiateProtocolVersion', minorVersion, options };
  },
};
