// Bound parameter values as the audit trail shows them: text-format values
// as sent, binary-format values of common types decoded to PostgreSQL's own
// text form, bytea by length only, long values cut short (with the length).

import type { QueryParameterEvent } from '@tapline/core';

/** Type OIDs (pg_type.oid) of the types decoded, and their names. */
const typeNames: Record<number, string> = {
  16: 'bool',
  17: 'bytea',
  18: 'char',
  19: 'name',
  20: 'int8',
  21: 'int2',
  23: 'int4',
  25: 'text',
  26: 'oid',
  114: 'json',
  700: 'float4',
  701: 'float8',
  705: 'unknown',
  1042: 'bpchar',
  1043: 'varchar',
  1082: 'date',
  1114: 'timestamp',
  1184: 'timestamptz',
  1700: 'numeric',
  2950: 'uuid',
  3802: 'jsonb',
  199: '_json',
  1000: '_bool',
  1001: '_bytea',
  1005: '_int2',
  1007: '_int4',
  1009: '_text',
  1014: '_bpchar',
  1015: '_varchar',
  1016: '_int8',
  1021: '_float4',
  1022: '_float8',
  1115: '_timestamp',
  1182: '_date',
  1185: '_timestamptz',
  1231: '_numeric',
  2951: '_uuid',
  3807: '_jsonb',
};

/** The type's name for the OIDs above, the OID as a string otherwise, undefined for 0 (unspecified). */
export function typeName(oid: number | undefined): string | undefined {
  if (oid === undefined || oid === 0) return undefined;
  return typeNames[oid] ?? String(oid);
}

const BYTEA = 17;

export interface ParameterOptions {
  /** Longest value kept (characters); longer ones are cut and carry `length`. */
  maxParameterChars: number;
  /** Record bytea values (as `\x…` hex) instead of their length only. */
  recordBytea: boolean;
}

/** One bound parameter as the recording shows it. */
export function describeParameter(
  bytes: Uint8Array | null,
  format: number,
  oid: number | undefined,
  options: ParameterOptions,
): QueryParameterEvent {
  const type = typeName(oid);
  const parameter: QueryParameterEvent = { format: format === 1 ? 'binary' : 'text' };
  if (type !== undefined) parameter.type = type;
  if (bytes === null) {
    parameter.isNull = true;
    return parameter;
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // bytea, and binary values of a type the client did not state, are recorded by length only (by default).
  if ((oid === BYTEA || (format === 1 && !oid)) && !options.recordBytea) {
    parameter.length = buffer.length;
    return parameter;
  }
  let value: string;
  if (format !== 1) value = buffer.toString('utf8');
  else {
    try {
      value = decodeBinary(buffer, oid ?? 0);
    } catch {
      value = `\\x${buffer.toString('hex')}`;
    }
  }
  if (value.length > options.maxParameterChars) {
    parameter.value = value.slice(0, options.maxParameterChars);
    parameter.length = buffer.length;
  } else {
    parameter.value = value;
  }
  return parameter;
}

const kPostgresEpochMs = Date.UTC(2000, 0, 1);

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function dateText(days: number): string {
  if (days === 0x7fffffff) return 'infinity';
  if (days === -0x80000000) return '-infinity';
  return new Date(kPostgresEpochMs + days * 86_400_000).toISOString().slice(0, 10);
}

function timestampText(micros: bigint, zone: boolean): string {
  if (micros === 0x7fffffffffffffffn) return 'infinity';
  if (micros === -0x8000000000000000n) return '-infinity';
  const floorSeconds = micros / 1_000_000n - (micros % 1_000_000n < 0n ? 1n : 0n);
  const fraction = Number(micros - floorSeconds * 1_000_000n);
  const iso = new Date(Number(floorSeconds) * 1000 + kPostgresEpochMs).toISOString();
  let text = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  if (fraction !== 0) text += `.${pad(fraction, 6).replace(/0+$/, '')}`;
  return zone ? `${text}+00` : text;
}

function numericText(buffer: Buffer): string {
  // numeric: int16 ndigits, int16 weight, uint16 sign, int16 dscale, int16[ndigits] base-10000 digits.
  const ndigits = buffer.readInt16BE(0);
  const weight = buffer.readInt16BE(2);
  const sign = buffer.readUInt16BE(4);
  const dscale = buffer.readInt16BE(6);
  if (buffer.length !== 8 + ndigits * 2 || ndigits < 0 || dscale < 0) throw new Error('bad numeric');
  if (sign === 0xc000) return 'NaN';
  if (sign === 0xd000) return 'Infinity';
  if (sign === 0xf000) return '-Infinity';
  const digits: number[] = [];
  for (let index = 0; index < ndigits; index++) digits.push(buffer.readInt16BE(8 + index * 2));
  let integer = '';
  for (let group = 0; group <= weight; group++) {
    const digit = digits[group] ?? 0;
    integer += group === 0 ? String(digit) : pad(digit, 4);
  }
  if (integer === '') integer = '0';
  let fraction = '';
  for (let group = weight + 1; fraction.length < dscale; group++) {
    const digit = group < 0 ? 0 : (digits[group] ?? 0);
    fraction += pad(digit, 4);
  }
  fraction = fraction.slice(0, dscale);
  const text = dscale > 0 ? `${integer}.${fraction}` : integer;
  return sign === 0x4000 ? `-${text}` : text;
}

function uuidText(buffer: Buffer): string {
  if (buffer.length !== 16) throw new Error('bad uuid');
  const hex = buffer.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function exact(buffer: Buffer, size: number): void {
  if (buffer.length !== size) throw new Error(`expected ${size} bytes`);
}

const kElementTypes: Record<number, number> = {
  199: 114,
  1000: 16,
  1001: 17,
  1005: 21,
  1007: 23,
  1009: 25,
  1014: 1042,
  1015: 1043,
  1016: 20,
  1021: 700,
  1022: 701,
  1115: 1114,
  1182: 1082,
  1185: 1184,
  1231: 1700,
  2951: 2950,
  3807: 3802,
};

function quoteElement(text: string): string {
  // array_out quotes on ASCII white space only (array_isspace); \s would also take U+00A0 and the like.
  if (text === '' || /[{},"\\ \t\n\r\v\f]/.test(text) || text.toUpperCase() === 'NULL') {
    return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  }
  return text;
}

function arrayText(buffer: Buffer): string {
  // array: int32 ndim, int32 has-null flag, uint32 element type,
  // ndim x (int32 size, int32 lower bound), then elements (int32 length (-1 NULL), bytes).
  const ndim = buffer.readInt32BE(0);
  const elementOid = buffer.readUInt32BE(8);
  if (ndim === 0) return '{}';
  if (ndim < 0 || ndim > 6) throw new Error('bad array');
  const sizes: number[] = [];
  let offset = 12;
  let total = 1;
  for (let dim = 0; dim < ndim; dim++) {
    const size = buffer.readInt32BE(offset);
    if (size < 0) throw new Error('bad array');
    sizes.push(size);
    total *= size;
    offset += 8;
  }
  if (total > buffer.length) throw new Error('bad array');
  const elements: string[] = [];
  for (let index = 0; index < total; index++) {
    const length = buffer.readInt32BE(offset);
    offset += 4;
    if (length === -1) {
      elements.push('NULL');
      continue;
    }
    if (length < 0 || offset + length > buffer.length) throw new Error('bad array');
    const element = buffer.subarray(offset, offset + length);
    offset += length;
    elements.push(
      elementOid === BYTEA
        ? `\\\\x${element.toString('hex')}`
        : quoteElement(decodeBinary(element, elementOid)),
    );
  }
  if (offset !== buffer.length) throw new Error('bad array');
  let position = 0;
  const nest = (dim: number): string => {
    const parts: string[] = [];
    for (let index = 0; index < (sizes[dim] as number); index++) {
      parts.push(dim === ndim - 1 ? (elements[position++] as string) : nest(dim + 1));
    }
    return `{${parts.join(',')}}`;
  };
  return nest(0);
}

/** PostgreSQL's text form of a binary value; throws on bytes that do not fit the type. */
function decodeBinary(buffer: Buffer, oid: number): string {
  switch (oid) {
    case 16:
      exact(buffer, 1);
      return buffer[0] === 0 ? 'f' : 't';
    case 20:
      exact(buffer, 8);
      return buffer.readBigInt64BE(0).toString();
    case 21:
      exact(buffer, 2);
      return String(buffer.readInt16BE(0));
    case 23:
      exact(buffer, 4);
      return String(buffer.readInt32BE(0));
    case 26:
      exact(buffer, 4);
      return String(buffer.readUInt32BE(0));
    case 700:
      exact(buffer, 4);
      return floatText(buffer.readFloatBE(0), true);
    case 701:
      exact(buffer, 8);
      return floatText(buffer.readDoubleBE(0), false);
    case 1700:
      return numericText(buffer);
    case 2950:
      return uuidText(buffer);
    case 1082:
      exact(buffer, 4);
      return dateText(buffer.readInt32BE(0));
    case 1114:
    case 1184:
      exact(buffer, 8);
      return timestampText(buffer.readBigInt64BE(0), oid === 1184);
    case 3802:
      if (buffer[0] !== 1) throw new Error('unknown jsonb version');
      return buffer.toString('utf8', 1);
    case 18:
    case 19:
    case 25:
    case 114:
    case 705:
    case 1042:
    case 1043:
      return buffer.toString('utf8');
    default:
      if (kElementTypes[oid] !== undefined) return arrayText(buffer);
      throw new Error('type not decoded');
  }
}

function floatText(value: number, single: boolean): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  // The shortest digits that read back as the same value (float4: the same float4).
  let shortest = value;
  if (single) {
    for (let digits = 1; digits <= 9; digits++) {
      const candidate = Number(value.toPrecision(digits));
      if (Math.fround(candidate) === value) {
        shortest = candidate;
        break;
      }
    }
  }
  // Laid out as float4out/float8out do with extra_float_digits > 0 (the default; Ryu's to_chars):
  // fixed point for decimal exponents -4 up to 5 (float4) or 14 (float8), otherwise
  // d.ddde±XX with at least two exponent digits.
  const [mantissa = '', exponentText = '0'] = shortest.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < (single ? 6 : 15)) return String(shortest);
  const magnitude = String(Math.abs(exponent)).padStart(2, '0');
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${magnitude}`;
}
