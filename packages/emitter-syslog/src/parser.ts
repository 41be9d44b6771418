// Pure parsers, no I/O: RFC 5424 messages and RFC 6587 octet-counted frames.
// Used by receivers and tests; bad input is a coded TaplineError, never a crash.
import { TaplineError } from '@tapline/frames';
import { SyslogErrorCode } from './errors.js';

/** One RFC 5424 message. NILVALUE fields are `null`. */
export interface SyslogMessage {
  priority: number;
  facility: number;
  severity: number;
  version: number;
  timestamp: string | null;
  hostname: string | null;
  appName: string | null;
  procId: string | null;
  msgId: string | null;
  /** SD-ID → PARAM-NAME → value (unescaped), in order. */
  structuredData: Record<string, Record<string, string>>;
  /** MSG without a leading BOM; `null` when absent. */
  message: string | null;
}

function malformed(message: string, offset: number): TaplineError {
  return new TaplineError(SyslogErrorCode.MALFORMED, `not an RFC 5424 message: ${message} at ${offset}`, {
    component: 'emitter-syslog',
    details: { offset },
  });
}

/**
 * Parses one RFC 5424 message (a line of rsyslog's RSYSLOG_SyslogProtocol23Format,
 * or a frame's bytes). Throws TAPLINE_ERR_SYSLOG_MALFORMED.
 *
 *   SYSLOG-MSG = HEADER SP STRUCTURED-DATA [SP MSG]
 *   HEADER     = PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID
 *   PRI        = "<" 1*3DIGIT ">"
 *   SD-ELEMENT = "[" SD-ID *(SP SD-PARAM) "]";  SD-PARAM = PARAM-NAME "=" %d34 PARAM-VALUE %d34
 */
export function parseSyslogMessage(input: string | Uint8Array): SyslogMessage {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  let at = 0;
  if (text[at] !== '<') throw malformed('no PRI', at);
  const close = text.indexOf('>', at);
  if (close < 2 || close > 4) throw malformed('bad PRI', at);
  const priText = text.slice(1, close);
  if (!/^(0|[1-9]\d{0,2})$/.test(priText)) throw malformed('bad PRI', at);
  const priority = Number(priText);
  if (priority > 191) throw malformed('PRI above 191', at);
  at = close + 1;
  const versionMatch = /^[1-9]\d{0,2}/.exec(text.slice(at, at + 3));
  if (!versionMatch) throw malformed('no VERSION', at);
  const version = Number(versionMatch[0]);
  at += versionMatch[0].length;
  const fields: Array<string | null> = [];
  const limits = [64, 255, 48, 128, 32];
  for (const limit of limits) {
    if (text[at] !== ' ') throw malformed('expected SP', at);
    at++;
    let end = at;
    while (end < text.length && text[end] !== ' ') end++;
    const field = text.slice(at, end);
    if (field.length === 0 || field.length > limit || !/^[\x21-\x7e]+$/.test(field))
      throw malformed('bad header field', at);
    fields.push(field === '-' ? null : field);
    at = end;
  }
  if (text[at] !== ' ') throw malformed('expected SP before STRUCTURED-DATA', at);
  at++;
  const structuredData: Record<string, Record<string, string>> = {};
  if (text[at] === '-') {
    at++;
  } else if (text[at] === '[') {
    while (text[at] === '[') {
      at++;
      let end = at;
      while (end < text.length && text[end] !== ' ' && text[end] !== ']') end++;
      const id = text.slice(at, end);
      if (!isSdName(id, 32)) throw malformed('bad SD-ID', at);
      if (Object.hasOwn(structuredData, id)) throw malformed('repeated SD-ID', at);
      const params: Record<string, string> = {};
      at = end;
      while (text[at] === ' ') {
        at++;
        const equals = text.indexOf('=', at);
        if (equals < 0) throw malformed('SD-PARAM without "="', at);
        const name = text.slice(at, equals);
        if (!isSdName(name, 32)) throw malformed('bad PARAM-NAME', at);
        at = equals + 1;
        if (text[at] !== '"') throw malformed('PARAM-VALUE not quoted', at);
        at++;
        let value = '';
        for (;;) {
          if (at >= text.length) throw malformed('unterminated PARAM-VALUE', at);
          const c = text[at]!;
          if (c === '"') break;
          if (c === '\\' && (text[at + 1] === '"' || text[at + 1] === '\\' || text[at + 1] === ']')) {
            value += text[at + 1];
            at += 2;
            continue;
          }
          value += c;
          at++;
        }
        at++;
        params[name] = value;
      }
      if (text[at] !== ']') throw malformed('unterminated SD-ELEMENT', at);
      at++;
      structuredData[id] = params;
    }
  } else {
    throw malformed('no STRUCTURED-DATA', at);
  }
  let message: string | null = null;
  if (at < text.length) {
    if (text[at] !== ' ') throw malformed('expected SP before MSG', at);
    message = text.slice(at + 1);
    if (message.startsWith('\u{feff}')) message = message.slice(1);
  }
  return {
    priority,
    facility: priority >> 3,
    severity: priority & 7,
    version,
    timestamp: fields[0]!,
    hostname: fields[1]!,
    appName: fields[2]!,
    procId: fields[3]!,
    msgId: fields[4]!,
    structuredData,
    message,
  };
}

function isSdName(name: string, max: number): boolean {
  return name.length > 0 && name.length <= max && /^[\x21-\x7e]+$/.test(name) && !/[=\]" ]/.test(name);
}

/** The one entry point of the octet-counting parser, pg-protocol's shape. */
export type OctetFrameCallback = (message: Buffer) => void;

enum State {
  Length,
  Body,
}

/**
 * Splits a byte stream into octet-counted frames (RFC 6587 3.4.1):
 * `MSG-LEN SP SYSLOG-MSG`, MSG-LEN = NONZERO-DIGIT *DIGIT. Throws
 * TAPLINE_ERR_SYSLOG_MALFORMED on anything else and
 * TAPLINE_ERR_SYSLOG_FRAME_TOO_LARGE past `maxMessageBytes` (before buffering).
 */
export class OctetFrameParser {
  readonly #maxMessageBytes: number;
  #state = State.Length;
  #length = 0;
  #digits = 0;
  #body: Buffer = Buffer.alloc(0);
  #filled = 0;
  #consumed = 0;

  constructor(options: { maxMessageBytes?: number } = {}) {
    this.#maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
  }

  /** True between frames (nothing half read). */
  get idle(): boolean {
    return this.#state === State.Length && this.#digits === 0;
  }

  parse(chunk: Uint8Array, onMessage: OctetFrameCallback): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.#state === State.Length) {
        const byte = chunk[at]!;
        if (byte === 0x20 && this.#digits > 0) {
          this.#state = State.Body;
          this.#body = Buffer.allocUnsafe(this.#length);
          this.#filled = 0;
        } else if (byte >= 0x30 && byte <= 0x39 && !(byte === 0x30 && this.#digits === 0)) {
          this.#length = this.#length * 10 + (byte - 0x30);
          this.#digits++;
          if (this.#length > this.#maxMessageBytes) {
            throw new TaplineError(
              SyslogErrorCode.FRAME_TOO_LARGE,
              `an octet-counted frame of more than ${this.#maxMessageBytes} bytes`,
              { component: 'emitter-syslog', details: { offset: this.#consumed + at } },
            );
          }
        } else {
          throw malformed('bad MSG-LEN', this.#consumed + at);
        }
        at++;
        if (this.#state === State.Body && this.#length === 0) this.#emit(onMessage);
        continue;
      }
      const take = Math.min(this.#length - this.#filled, chunk.length - at);
      Buffer.from(chunk.buffer, chunk.byteOffset + at, take).copy(this.#body, this.#filled);
      this.#filled += take;
      at += take;
      if (this.#filled === this.#length) this.#emit(onMessage);
    }
    this.#consumed += chunk.length;
  }

  #emit(onMessage: OctetFrameCallback): void {
    const body = this.#body;
    this.#state = State.Length;
    this.#length = 0;
    this.#digits = 0;
    this.#body = Buffer.alloc(0);
    onMessage(body);
  }
}
