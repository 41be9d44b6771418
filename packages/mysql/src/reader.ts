import { MySqlErrorCode, mysqlError } from './errors.js';

/** A cursor over one packet payload; every read checks the bounds and throws TAPLINE_ERR_MYSQL_PROTOCOL past the end. */
export class PayloadReader {
  offset = 0;
  constructor(
    readonly buffer: Buffer,
    readonly what: string,
  ) {}

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  #need(bytes: number): void {
    if (this.offset + bytes > this.buffer.length) {
      throw mysqlError(
        MySqlErrorCode.PROTOCOL,
        `${this.what}: truncated (needs ${bytes} more bytes at ${this.offset})`,
        {
          packet: this.what,
          offset: this.offset,
          length: this.buffer.length,
        },
      );
    }
  }

  u8(): number {
    this.#need(1);
    return this.buffer[this.offset++]!;
  }

  u16(): number {
    this.#need(2);
    const value = this.buffer.readUInt16LE(this.offset);
    this.offset += 2;
    return value;
  }

  u24(): number {
    this.#need(3);
    const value = this.buffer.readUIntLE(this.offset, 3);
    this.offset += 3;
    return value;
  }

  u32(): number {
    this.#need(4);
    const value = this.buffer.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  u64(): bigint {
    this.#need(8);
    const value = this.buffer.readBigUInt64LE(this.offset);
    this.offset += 8;
    return value;
  }

  i64(): bigint {
    this.#need(8);
    const value = this.buffer.readBigInt64LE(this.offset);
    this.offset += 8;
    return value;
  }

  bytes(length: number): Buffer {
    this.#need(length);
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  skip(length: number): void {
    this.#need(length);
    this.offset += length;
  }

  /** A length-encoded integer; `null` for the 0xFB NULL marker (row values). Values past 2^53 are clamped. */
  lenencOrNull(): number | null {
    const first = this.u8();
    if (first < 0xfb) return first;
    if (first === 0xfb) return null;
    if (first === 0xfc) return this.u16();
    if (first === 0xfd) return this.u24();
    if (first === 0xfe) {
      const value = this.u64();
      return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
    }
    throw mysqlError(MySqlErrorCode.PROTOCOL, `${this.what}: 0xff is not a length-encoded integer`, {
      packet: this.what,
      offset: this.offset - 1,
    });
  }

  lenenc(): number {
    const value = this.lenencOrNull();
    if (value === null) {
      throw mysqlError(MySqlErrorCode.PROTOCOL, `${this.what}: unexpected NULL marker`, {
        packet: this.what,
      });
    }
    return value;
  }

  lenencBytes(): Buffer {
    return this.bytes(this.lenenc());
  }

  lenencString(): string {
    return this.lenencBytes().toString('utf8');
  }

  /** A NUL-terminated string; with `orEnd`, the end of the payload ends it too. */
  nulBytes(orEnd = false): Buffer {
    const end = this.buffer.indexOf(0, this.offset);
    if (end === -1) {
      if (!orEnd) this.#need(this.remaining + 1);
      return this.rest();
    }
    const value = this.buffer.subarray(this.offset, end);
    this.offset = end + 1;
    return value;
  }

  nulString(orEnd = false): string {
    return this.nulBytes(orEnd).toString('utf8');
  }

  rest(): Buffer {
    const value = this.buffer.subarray(this.offset);
    this.offset = this.buffer.length;
    return value;
  }
}

/** Builds a payload from parts; small and allocation-light (payloads the proxy writes are small). */
export class PayloadWriter {
  readonly #parts: Buffer[] = [];
  #length = 0;

  u8(value: number): this {
    return this.bytes(Buffer.of(value & 0xff));
  }

  u16(value: number): this {
    const buffer = Buffer.allocUnsafe(2);
    buffer.writeUInt16LE(value & 0xffff);
    return this.bytes(buffer);
  }

  u32(value: number): this {
    const buffer = Buffer.allocUnsafe(4);
    buffer.writeUInt32LE(value >>> 0);
    return this.bytes(buffer);
  }

  lenenc(value: number): this {
    if (value < 0xfb) return this.u8(value);
    if (value <= 0xffff) return this.u8(0xfc).u16(value);
    if (value <= 0xffffff) {
      const buffer = Buffer.allocUnsafe(4);
      buffer[0] = 0xfd;
      buffer.writeUIntLE(value, 1, 3);
      return this.bytes(buffer);
    }
    const buffer = Buffer.allocUnsafe(9);
    buffer[0] = 0xfe;
    buffer.writeBigUInt64LE(BigInt(value), 1);
    return this.bytes(buffer);
  }

  bytes(value: Uint8Array): this {
    const buffer = Buffer.isBuffer(value) ? value : Buffer.from(value);
    this.#parts.push(buffer);
    this.#length += buffer.length;
    return this;
  }

  zeros(count: number): this {
    return this.bytes(Buffer.alloc(count));
  }

  nulString(value: string | Uint8Array): this {
    return this.bytes(typeof value === 'string' ? Buffer.from(value, 'utf8') : value).u8(0);
  }

  lenencBytes(value: string | Uint8Array): this {
    const buffer = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
    return this.lenenc(buffer.length).bytes(buffer);
  }

  build(): Buffer {
    return Buffer.concat(this.#parts, this.#length);
  }
}
