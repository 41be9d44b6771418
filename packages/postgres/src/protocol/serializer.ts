// Builds wire messages: what the proxy itself says to each side (startup,
// authentication, errors, rewritten BackendKeyData) and what tests feed the parser.

import {
  CANCEL_REQUEST_CODE,
  GSSENC_REQUEST_CODE,
  type NoticeFields,
  PROTOCOL_VERSION_3,
  SSL_REQUEST_CODE,
} from './messages.js';

/** Accumulates one message's body, then frames it with its type byte and length. */
class Writer {
  #parts: Buffer[] = [];
  #length = 0;

  #push(part: Buffer): this {
    this.#parts.push(part);
    this.#length += part.length;
    return this;
  }

  int8(value: number): this {
    return this.#push(Buffer.from([value & 0xff]));
  }

  int16(value: number): this {
    const part = Buffer.allocUnsafe(2);
    part.writeInt16BE(value);
    return this.#push(part);
  }

  int32(value: number): this {
    const part = Buffer.allocUnsafe(4);
    part.writeInt32BE(value | 0);
    return this.#push(part);
  }

  cstring(value: string): this {
    this.#push(Buffer.from(value, 'utf8'));
    return this.int8(0);
  }

  bytes(value: Uint8Array): this {
    return this.#push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }

  /** The framed message: a type byte (none for startup packets) and an int32 length that counts itself. */
  frame(code?: string): Buffer {
    const headerBytes = code === undefined ? 4 : 5;
    const out = Buffer.allocUnsafe(headerBytes + this.#length);
    let offset = 0;
    if (code !== undefined) out[offset++] = code.charCodeAt(0);
    out.writeInt32BE(this.#length + 4, offset);
    offset += 4;
    for (const part of this.#parts) {
      part.copy(out, offset);
      offset += part.length;
    }
    return out;
  }
}

// ---- frontend (client to server) ----

export function startupMessage(parameters: Record<string, string>): Buffer {
  const writer = new Writer().int32(PROTOCOL_VERSION_3);
  for (const [name, value] of Object.entries(parameters)) writer.cstring(name).cstring(value);
  return writer.int8(0).frame();
}

export function sslRequest(): Buffer {
  return new Writer().int32(SSL_REQUEST_CODE).frame();
}

export function gssEncRequest(): Buffer {
  return new Writer().int32(GSSENC_REQUEST_CODE).frame();
}

export function cancelRequest(processId: number, secretKey: number): Buffer {
  return new Writer().int32(CANCEL_REQUEST_CODE).int32(processId).int32(secretKey).frame();
}

export function passwordMessage(password: string): Buffer {
  return new Writer().cstring(password).frame('p');
}

export function saslInitialResponse(mechanism: string, data: Uint8Array): Buffer {
  return new Writer().cstring(mechanism).int32(data.length).bytes(data).frame('p');
}

export function saslResponse(data: Uint8Array): Buffer {
  return new Writer().bytes(data).frame('p');
}

export function query(text: string): Buffer {
  return new Writer().cstring(text).frame('Q');
}

export function parse(statement: string, text: string, parameterTypes: readonly number[] = []): Buffer {
  const writer = new Writer().cstring(statement).cstring(text).int16(parameterTypes.length);
  for (const oid of parameterTypes) writer.int32(oid);
  return writer.frame('P');
}

export function bind(
  portal: string,
  statement: string,
  parameters: ReadonlyArray<Uint8Array | string | null>,
  parameterFormats: readonly number[] = [],
  resultFormats: readonly number[] = [],
): Buffer {
  const writer = new Writer().cstring(portal).cstring(statement).int16(parameterFormats.length);
  for (const format of parameterFormats) writer.int16(format);
  writer.int16(parameters.length);
  for (const value of parameters) {
    if (value === null) {
      writer.int32(-1);
      continue;
    }
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    writer.int32(bytes.length).bytes(bytes);
  }
  writer.int16(resultFormats.length);
  for (const format of resultFormats) writer.int16(format);
  return writer.frame('B');
}

export function describe(targetKind: 'statement' | 'portal', objectName: string): Buffer {
  return new Writer()
    .int8(targetKind === 'statement' ? 0x53 : 0x50)
    .cstring(objectName)
    .frame('D');
}

export function execute(portal: string, maxRows = 0): Buffer {
  return new Writer().cstring(portal).int32(maxRows).frame('E');
}

export function close(targetKind: 'statement' | 'portal', objectName: string): Buffer {
  return new Writer()
    .int8(targetKind === 'statement' ? 0x53 : 0x50)
    .cstring(objectName)
    .frame('C');
}

export function sync(): Buffer {
  return new Writer().frame('S');
}

export function flush(): Buffer {
  return new Writer().frame('H');
}

export function terminate(): Buffer {
  return new Writer().frame('X');
}

export function copyData(data: Uint8Array): Buffer {
  return new Writer().bytes(data).frame('d');
}

export function copyDone(): Buffer {
  return new Writer().frame('c');
}

export function copyFail(message: string): Buffer {
  return new Writer().cstring(message).frame('f');
}

// ---- backend (server to client) ----

export function authenticationOk(): Buffer {
  return new Writer().int32(0).frame('R');
}

export function authenticationCleartextPassword(): Buffer {
  return new Writer().int32(3).frame('R');
}

export function authenticationMD5Password(salt: Uint8Array): Buffer {
  return new Writer().int32(5).bytes(salt).frame('R');
}

export function authenticationSASL(mechanisms: readonly string[]): Buffer {
  const writer = new Writer().int32(10);
  for (const mechanism of mechanisms) writer.cstring(mechanism);
  return writer.int8(0).frame('R');
}

export function authenticationSASLContinue(data: Uint8Array): Buffer {
  return new Writer().int32(11).bytes(data).frame('R');
}

export function authenticationSASLFinal(data: Uint8Array): Buffer {
  return new Writer().int32(12).bytes(data).frame('R');
}

export function parameterStatus(parameter: string, value: string): Buffer {
  return new Writer().cstring(parameter).cstring(value).frame('S');
}

export function backendKeyData(processId: number, secretKey: number): Buffer {
  return new Writer().int32(processId).int32(secretKey).frame('K');
}

export function readyForQuery(status: 'I' | 'T' | 'E'): Buffer {
  return new Writer().int8(status.charCodeAt(0)).frame('Z');
}

function notice(code: 'E' | 'N', fields: NoticeFields): Buffer {
  const writer = new Writer();
  for (const [field, value] of Object.entries(fields)) writer.int8(field.charCodeAt(0)).cstring(value);
  return writer.int8(0).frame(code);
}

/** ErrorResponse; `fields` by one-letter code: S/V severity, C SQLSTATE, M message, D detail, H hint. */
export function errorResponse(fields: NoticeFields): Buffer {
  return notice('E', fields);
}

export function noticeResponse(fields: NoticeFields): Buffer {
  return notice('N', fields);
}

export function rowDescription(
  fields: ReadonlyArray<{ name: string; typeOid: number; format?: number }>,
): Buffer {
  const writer = new Writer().int16(fields.length);
  for (const field of fields) {
    writer
      .cstring(field.name)
      .int32(0)
      .int16(0)
      .int32(field.typeOid)
      .int16(-1)
      .int32(-1)
      .int16(field.format ?? 0);
  }
  return writer.frame('T');
}

export function parameterDescription(typeOids: readonly number[]): Buffer {
  const writer = new Writer().int16(typeOids.length);
  for (const oid of typeOids) writer.int32(oid);
  return writer.frame('t');
}

export function dataRow(values: ReadonlyArray<string | null>): Buffer {
  const writer = new Writer().int16(values.length);
  for (const value of values) {
    if (value === null) writer.int32(-1);
    else {
      const bytes = Buffer.from(value, 'utf8');
      writer.int32(bytes.length).bytes(bytes);
    }
  }
  return writer.frame('D');
}

export function commandComplete(tag: string): Buffer {
  return new Writer().cstring(tag).frame('C');
}

export function emptyQueryResponse(): Buffer {
  return new Writer().frame('I');
}

export function copyInResponse(format: number, columnFormats: readonly number[]): Buffer {
  const writer = new Writer().int8(format).int16(columnFormats.length);
  for (const columnFormat of columnFormats) writer.int16(columnFormat);
  return writer.frame('G');
}

export function copyOutResponse(format: number, columnFormats: readonly number[]): Buffer {
  const writer = new Writer().int8(format).int16(columnFormats.length);
  for (const columnFormat of columnFormats) writer.int16(columnFormat);
  return writer.frame('H');
}

export function notificationResponse(processId: number, channel: string, payload: string): Buffer {
  return new Writer().int32(processId).cstring(channel).cstring(payload).frame('A');
}

export function parseComplete(): Buffer {
  return new Writer().frame('1');
}

export function bindComplete(): Buffer {
  return new Writer().frame('2');
}

export function closeComplete(): Buffer {
  return new Writer().frame('3');
}

export function noData(): Buffer {
  return new Writer().frame('n');
}

export function portalSuspended(): Buffer {
  return new Writer().frame('s');
}

/** Backend CopyData (the same bytes as the frontend one). */
export const backendCopyData: (data: Uint8Array) => Buffer = copyData;
/** Backend CopyDone. */
export const backendCopyDone: () => Buffer = copyDone;
