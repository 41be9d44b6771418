import { MySqlErrorCode, mysqlError } from './errors.js';

/** The largest payload one wire packet carries; a longer payload continues in the next packet. */
export const MAX_PACKET_PART: number = 0xffffff;

/** One logical packet: the payload of one wire packet, or of several joined when the first were 16 MiB - 1 long. */
export interface Packet {
  /** The sequence id of the first wire packet. */
  sequenceId: number;
  /** The sequence id of the last wire packet (the next packet in the exchange takes this + 1). */
  lastSequenceId: number;
  /** Valid until the next `parse()` call: copy what must outlive it. */
  payload: Buffer;
}

export interface PacketParserOptions {
  /**
   * The largest logical packet accepted (after joining 16 MiB parts). A
   * header announcing more throws TAPLINE_ERR_MYSQL_PACKET_TOO_LARGE at once.
   * @default 67108864 (64 MiB, MySQL's max_allowed_packet ceiling is 1 GiB)
   */
  maxPacketBytes?: number;
}

/**
 * The MySQL packet framing: a 3-byte little-endian payload length, a 1-byte
 * sequence id, then the payload. Pure: bytes in through `parse(chunk, onPacket)`,
 * packets out, in order, however the bytes were split into chunks.
 */
export class PacketParser {
  readonly #maxPacketBytes: number;
  /** Bytes of a packet not yet complete, in one growable buffer. */
  #pending: Buffer = Buffer.alloc(0);
  #pendingLength = 0;
  /** Parts of a logical packet longer than 16 MiB - 1, copied (they outlive a parse call). */
  #parts: Buffer[] = [];
  #partsLength = 0;
  #firstSequenceId = 0;

  constructor(options: PacketParserOptions = {}) {
    this.#maxPacketBytes = options.maxPacketBytes ?? 64 * 1024 * 1024;
  }

  /** Bytes held while waiting for the rest of a packet. */
  get bufferedBytes(): number {
    return this.#pendingLength + this.#partsLength;
  }

  /**
   * Feeds bytes; `onPacket` runs for each whole packet. When it returns
   * `false` parsing stops there and the rest stays buffered (see `takeBuffered()`):
   * after an SSLRequest the next bytes are TLS, not packets.
   */
  parse(chunk: Uint8Array, onPacket: (packet: Packet) => unknown): void {
    let data: Buffer;
    let end: number;
    if (this.#pendingLength === 0) {
      data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      end = data.length;
    } else {
      const needed = this.#pendingLength + chunk.length;
      if (needed > this.#pending.length) {
        const grown = Buffer.allocUnsafe(Math.max(needed, this.#pending.length * 2));
        this.#pending.copy(grown, 0, 0, this.#pendingLength);
        this.#pending = grown;
      }
      this.#pending.set(chunk, this.#pendingLength);
      this.#pendingLength = needed;
      data = this.#pending;
      end = needed;
    }
    let offset = 0;
    while (end - offset >= 4) {
      const length = data[offset]! | (data[offset + 1]! << 8) | (data[offset + 2]! << 16);
      const sequenceId = data[offset + 3]!;
      if (this.#partsLength + length > this.#maxPacketBytes) {
        this.#reset();
        throw mysqlError(
          MySqlErrorCode.PACKET_TOO_LARGE,
          `a packet of ${this.#partsLength + length} bytes or more exceeds maxPacketBytes (${this.#maxPacketBytes})`,
          { length: this.#partsLength + length, maxPacketBytes: this.#maxPacketBytes },
        );
      }
      if (end - offset - 4 < length) break;
      const payload = data.subarray(offset + 4, offset + 4 + length);
      offset += 4 + length;
      if (length === MAX_PACKET_PART) {
        if (this.#parts.length === 0) this.#firstSequenceId = sequenceId;
        this.#parts.push(Buffer.from(payload));
        this.#partsLength += length;
        continue;
      }
      if (this.#parts.length > 0) {
        this.#parts.push(payload);
        const joined = Buffer.concat(this.#parts, this.#partsLength + length);
        const first = this.#firstSequenceId;
        this.#parts = [];
        this.#partsLength = 0;
        if (onPacket({ sequenceId: first, lastSequenceId: sequenceId, payload: joined }) === false) break;
      } else if (onPacket({ sequenceId, lastSequenceId: sequenceId, payload }) === false) {
        break;
      }
    }
    const rest = end - offset;
    if (rest === 0) {
      this.#pendingLength = 0;
    } else if (data === this.#pending) {
      this.#pending.copyWithin(0, offset, end);
      this.#pendingLength = rest;
    } else {
      if (this.#pending.length < rest) this.#pending = Buffer.allocUnsafe(Math.max(rest, 4096));
      data.copy(this.#pending, 0, offset, end);
      this.#pendingLength = rest;
    }
  }

  /** Takes the bytes buffered after the last packet (a stopped parse, or a partial packet). */
  takeBuffered(): Buffer {
    const rest = Buffer.from(this.#pending.subarray(0, this.#pendingLength));
    this.#pendingLength = 0;
    return rest;
  }

  #reset(): void {
    this.#pendingLength = 0;
    this.#parts = [];
    this.#partsLength = 0;
  }
}

/** Frames a payload as wire packets (split at 16 MiB - 1, an empty packet after an exact multiple). */
export function encodePacket(payload: Uint8Array, sequenceId: number): Buffer {
  const parts = Math.floor(payload.length / MAX_PACKET_PART) + 1;
  const out = Buffer.allocUnsafe(payload.length + 4 * parts);
  let offset = 0;
  let read = 0;
  let sequence = sequenceId & 0xff;
  for (let part = 0; part < parts; part++) {
    const length = Math.min(MAX_PACKET_PART, payload.length - read);
    out[offset] = length & 0xff;
    out[offset + 1] = (length >> 8) & 0xff;
    out[offset + 2] = (length >> 16) & 0xff;
    out[offset + 3] = sequence;
    out.set(payload.subarray(read, read + length), offset + 4);
    offset += 4 + length;
    read += length;
    sequence = (sequence + 1) & 0xff;
  }
  return out;
}
