// Bound parameters of COM_STMT_EXECUTE, binary protocol values of every type.

import { MySqlErrorCode, mysqlError } from './errors.js';
import { PayloadReader } from './reader.js';

/** Column/parameter type codes (enum_field_types). */
export const FieldType = {
  DECIMAL: 0x00,
  TINY: 0x01,
  SHORT: 0x02,
  LONG: 0x03,
  FLOAT: 0x04,
  DOUBLE: 0x05,
  NULL: 0x06,
  TIMESTAMP: 0x07,
  LONGLONG: 0x08,
  INT24: 0x09,
  DATE: 0x0a,
  TIME: 0x0b,
  DATETIME: 0x0c,
  YEAR: 0x0d,
  NEWDATE: 0x0e,
  VARCHAR: 0x0f,
  BIT: 0x10,
  TIMESTAMP2: 0x11,
  DATETIME2: 0x12,
  TIME2: 0x13,
  JSON: 0xf5,
  NEWDECIMAL: 0xf6,
  ENUM: 0xf7,
  SET: 0xf8,
  TINY_BLOB: 0xf9,
  MEDIUM_BLOB: 0xfa,
  LONG_BLOB: 0xfb,
  BLOB: 0xfc,
  VAR_STRING: 0xfd,
  STRING: 0xfe,
  GEOMETRY: 0xff,
} as const;

const typeNames = new Map<number, string>(Object.entries(FieldType).map(([name, code]) => [code, name]));

/** "LONGLONG", "VAR_STRING", ...; "0x.." for a code MySQL does not define. */
export function fieldTypeName(type: number): string {
  return typeNames.get(type) ?? `0x${type.toString(16).padStart(2, '0')}`;
}

/** One bound parameter, as the proxy records it. */
export interface BoundParameter {
  /** The type name, with " UNSIGNED" when the unsigned flag is set. */
  type: string;
  isNull: boolean;
  /** The value as text (numbers in decimal, dates as 'YYYY-MM-DD HH:MM:SS[.ffffff]', strings as UTF-8). */
  value?: string;
  /** Bytes of the value on the wire (strings and blobs; long data: the bytes sent with COM_STMT_SEND_LONG_DATA). */
  length?: number;
  /** The value was sent with COM_STMT_SEND_LONG_DATA (not kept, only counted). */
  longData?: boolean;
  /** The value was not valid UTF-8 or longer than `maxValueBytes`: only its length is kept. */
  elided?: boolean;
}

export interface ExecuteParameters {
  parameters: BoundParameter[];
  /** Type bytes (two per parameter) in force after this execute: the next execute may reuse them. */
  types: Buffer;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function fraction(micro: number): string {
  return micro === 0 ? '' : `.${pad(micro, 6)}`;
}

/*
 * NULL bitmap, (n + 7) / 8 bytes · int<1> new-params-bound flag · if 1:
 * n × (int<1> type, int<1> flags: 0x80 unsigned) · the values of the
 * parameters that are neither NULL nor sent as long data, in order.
 */
export function decodeExecuteParameters(
  body: Buffer,
  paramCount: number,
  previousTypes: Buffer | undefined,
  longData: ReadonlyMap<number, number> = new Map<number, number>(),
  maxValueBytes: number = 64 * 1024,
): ExecuteParameters {
  const what = 'COM_STMT_EXECUTE';
  if (paramCount === 0) return { parameters: [], types: Buffer.alloc(0) };
  const reader = new PayloadReader(body, what);
  const nullBitmap = reader.bytes((paramCount + 7) >> 3);
  const newParamsBound = reader.u8();
  let types: Buffer;
  if (newParamsBound === 1) types = Buffer.from(reader.bytes(paramCount * 2));
  else if (previousTypes !== undefined && previousTypes.length === paramCount * 2) types = previousTypes;
  else
    throw mysqlError(MySqlErrorCode.PROTOCOL, `${what}: parameters reuse types never bound`, {
      packet: what,
    });
  const parameters: BoundParameter[] = [];
  for (let index = 0; index < paramCount; index++) {
    const type = types[index * 2]!;
    const unsigned = (types[index * 2 + 1]! & 0x80) !== 0;
    const typeName = unsigned ? `${fieldTypeName(type)} UNSIGNED` : fieldTypeName(type);
    const isNull = (nullBitmap[index >> 3]! & (1 << (index & 7))) !== 0;
    if (isNull || type === FieldType.NULL) {
      parameters.push({ type: typeName, isNull: true });
      continue;
    }
    const longLength = longData.get(index);
    if (longLength !== undefined) {
      parameters.push({ type: typeName, isNull: false, length: longLength, longData: true });
      continue;
    }
    parameters.push({
      type: typeName,
      isNull: false,
      ...decodeBinaryValue(reader, type, unsigned, maxValueBytes),
    });
  }
  return { parameters, types };
}

/** One value of the binary protocol (ProtocolBinary::*), as text. */
export function decodeBinaryValue(
  reader: PayloadReader,
  type: number,
  unsigned: boolean,
  maxValueBytes: number = 64 * 1024,
): { value?: string; length?: number; elided?: boolean } {
  switch (type) {
    case FieldType.TINY: {
      const value = reader.u8();
      return { value: String(unsigned ? value : (value << 24) >> 24) };
    }
    case FieldType.SHORT:
    case FieldType.YEAR: {
      const value = reader.u16();
      return { value: String(unsigned || type === FieldType.YEAR ? value : (value << 16) >> 16) };
    }
    case FieldType.LONG:
    case FieldType.INT24: {
      const value = reader.u32();
      return { value: String(unsigned ? value : value | 0) };
    }
    case FieldType.LONGLONG:
      return { value: String(unsigned ? reader.u64() : reader.i64()) };
    case FieldType.FLOAT: {
      const value = reader.bytes(4).readFloatLE(0);
      return { value: String(Number.parseFloat(value.toPrecision(7))) };
    }
    case FieldType.DOUBLE:
      return { value: String(reader.bytes(8).readDoubleLE(0)) };
    case FieldType.DATE:
    case FieldType.NEWDATE:
    case FieldType.DATETIME:
    case FieldType.TIMESTAMP: {
      // int<1> length (0, 4, 7, 11) · int<2> year · int<1> month · int<1> day ·
      // int<1> hour · int<1> minute · int<1> second · int<4> microseconds
      const length = reader.u8();
      if (length !== 0 && length !== 4 && length !== 7 && length !== 11) {
        throw mysqlError(MySqlErrorCode.PROTOCOL, `binary date: length ${length} is not 0, 4, 7 or 11`, {
          packet: 'COM_STMT_EXECUTE',
        });
      }
      const fields = new PayloadReader(reader.bytes(length), 'binary date');
      const year = length >= 4 ? fields.u16() : 0;
      const month = length >= 4 ? fields.u8() : 0;
      const day = length >= 4 ? fields.u8() : 0;
      const hour = length >= 7 ? fields.u8() : 0;
      const minute = length >= 7 ? fields.u8() : 0;
      const second = length >= 7 ? fields.u8() : 0;
      const micro = length >= 11 ? fields.u32() : 0;
      const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
      if (type === FieldType.DATE || type === FieldType.NEWDATE) return { value: date };
      return { value: `${date} ${pad(hour)}:${pad(minute)}:${pad(second)}${fraction(micro)}` };
    }
    case FieldType.TIME: {
      // int<1> length (0, 8, 12) · int<1> negative · int<4> days · int<1> hour ·
      // int<1> minute · int<1> second · int<4> microseconds
      const length = reader.u8();
      if (length !== 0 && length !== 8 && length !== 12) {
        throw mysqlError(MySqlErrorCode.PROTOCOL, `binary time: length ${length} is not 0, 8 or 12`, {
          packet: 'COM_STMT_EXECUTE',
        });
      }
      if (length === 0) return { value: '00:00:00' };
      const fields = new PayloadReader(reader.bytes(length), 'binary time');
      const negative = fields.u8() === 1;
      const days = fields.u32();
      const hour = fields.u8();
      const minute = fields.u8();
      const second = fields.u8();
      const micro = length === 12 ? fields.u32() : 0;
      const hours = days * 24 + hour;
      return { value: `${negative ? '-' : ''}${pad(hours)}:${pad(minute)}:${pad(second)}${fraction(micro)}` };
    }
    case FieldType.DECIMAL:
    case FieldType.NEWDECIMAL:
    case FieldType.VARCHAR:
    case FieldType.BIT:
    case FieldType.JSON:
    case FieldType.ENUM:
    case FieldType.SET:
    case FieldType.TINY_BLOB:
    case FieldType.MEDIUM_BLOB:
    case FieldType.LONG_BLOB:
    case FieldType.BLOB:
    case FieldType.VAR_STRING:
    case FieldType.STRING:
    case FieldType.GEOMETRY: {
      const bytes = reader.lenencBytes();
      if (bytes.length > maxValueBytes) return { length: bytes.length, elided: true };
      try {
        return { value: utf8.decode(bytes), length: bytes.length };
      } catch {
        return { length: bytes.length, elided: true };
      }
    }
    default:
      throw mysqlError(
        MySqlErrorCode.PROTOCOL,
        `COM_STMT_EXECUTE: parameter type ${fieldTypeName(type)} has no binary encoding`,
        {
          packet: 'COM_STMT_EXECUTE',
          type,
        },
      );
  }
}
