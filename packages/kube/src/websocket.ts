// RFC 6455 framing, for relaying and inspecting WebSocket traffic. No I/O: bytes
// in through `parse(chunk, onFrame)`, plain frame objects out.

import { randomFillSync } from 'node:crypto';
import { KubeErrorCode, kubeError } from './errors.js';

/** Frame opcodes (RFC 6455 §5.2). */
export const WebSocketOpcode = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;
export type WebSocketOpcodeValue = (typeof WebSocketOpcode)[keyof typeof WebSocketOpcode];

/**
 * One piece of a frame. Data frames (text, binary, continuation) come in
 * pieces, as their bytes arrive: each chunk given to `parse()` yields the part
 * of the payload it holds, so a frame is never reassembled. Control frames
 * (close, ping, pong: at most 125 bytes, validated whole) always come as one
 * piece. Every field but the payload's is the same for all pieces of a frame.
 */
export interface WebSocketFrame {
  fin: boolean;
  opcode: WebSocketOpcodeValue;
  /** Whether the frame was masked on the wire. */
  masked: boolean;
  /**
   * This piece of the unmasked payload, in memory the parser never writes
   * again, so a consumer may keep it: for an unmasked frame a view into the
   * chunk given to `parse()` (which must not be written later either; socket
   * 'data' chunks are not), for a masked frame a fresh copy.
   */
  payload: Uint8Array;
  /** Where `payload` starts within the frame's payload. */
  payloadOffset: number;
  /** The length of the frame's whole payload, from its header. */
  payloadLength: number;
  /** True on the piece that ends the frame (`payloadOffset + payload.byteLength === payloadLength`). */
  endsFrame: boolean;
  /** Bytes the frame occupies on the wire, header included. */
  wireLength: number;
  /** For close frames with a body: the status code. */
  closeCode?: number;
  /** For close frames: the reason text. */
  closeReason?: string;
}

export interface WebSocketParserOptions {
  /**
   * Which peer sent the bytes: frames from a `client` must be masked, frames
   * from a `server` must not be (RFC 6455 §5.1). Unset: either is accepted.
   */
  from?: 'client' | 'server';
  /** Largest payload accepted in one frame. @default 16 MiB */
  maxFramePayload?: number;
}

const kDefaultMaxFramePayload = 16 * 1024 * 1024;
/** 2 bytes, a 64-bit extended length and a masking key. */
const kMaxHeaderLength = 14;
const kEmpty = Buffer.alloc(0);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** True for close codes a peer may send on the wire (RFC 6455 §7.4). */
export function isValidCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}

/**
 * Parses the chunk in place: data payloads are handed out as views into the
 * caller's chunk (unmasked frames) or unmasked into fresh memory (masked
 * frames), piece by piece, and never copied or gathered. The parser never
 * writes into the chunk, so the caller may relay the same chunk untouched.
 * Between chunks it holds at most a partial header (14 bytes) and a partial
 * control frame (125 bytes).
 */
export class WebSocketParser {
  private readonly from: 'client' | 'server' | undefined;
  private readonly maxFramePayload: number;
  private failure: Error | undefined;
  /** A header that spans chunks, gathered here. */
  private readonly header = Buffer.allocUnsafe(kMaxHeaderLength);
  private headerHeld = 0;
  /** Between a frame's header and its last payload byte. */
  private inFrame = false;
  private inMessage = false;
  // The frame in progress.
  private fin = false;
  private opcode: WebSocketOpcodeValue = WebSocketOpcode.continuation;
  private masked = false;
  private readonly maskKey = Buffer.alloc(4);
  private headerLength = 0;
  private payloadLength = 0;
  private payloadReceived = 0;
  /** A control frame's payload that spans chunks (fresh memory, handed out whole). */
  private control: Buffer | undefined;

  constructor(options: WebSocketParserOptions = {}) {
    this.from = options.from;
    this.maxFramePayload = options.maxFramePayload ?? kDefaultMaxFramePayload;
  }

  /**
   * Bytes of the unfinished frame received so far (header and payload): zero
   * exactly when the input ended at a frame boundary.
   */
  get pendingBytes(): number {
    return this.inFrame ? this.headerLength + this.payloadReceived : this.headerHeld;
  }

  /** Parses `chunk`, calling `onFrame` for each piece of a frame. Throws a coded TaplineError on bad input; the parser stays failed. */
  parse(chunk: Uint8Array, onFrame: (frame: WebSocketFrame) => void): void {
    if (this.failure) throw this.failure;
    const input = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    try {
      this.parseChunk(input, onFrame);
    } catch (error) {
      this.failure = error as Error;
      this.inFrame = false;
      this.headerHeld = 0;
      this.control = undefined;
      throw error;
    }
  }

  private parseChunk(input: Buffer, onFrame: (frame: WebSocketFrame) => void): void {
    const end = input.byteLength;
    let offset = 0;
    while (offset < end) {
      if (!this.inFrame) {
        if (this.headerHeld === 0) {
          const headerLength = this.readHeader(input, offset, end);
          if (headerLength === 0) {
            input.copy(this.header, 0, offset, end);
            this.headerHeld = end - offset;
            return;
          }
          offset += headerLength;
        } else {
          const held = this.headerHeld;
          const copied = input.copy(
            this.header,
            held,
            offset,
            Math.min(end, offset + kMaxHeaderLength - held),
          );
          const headerLength = this.readHeader(this.header, 0, held + copied);
          if (headerLength === 0) {
            this.headerHeld = held + copied;
            return;
          }
          this.headerHeld = 0;
          offset += headerLength - held;
        }
        // A frame with a payload yields nothing until some of it is here.
        if (this.payloadLength === 0) this.emit(kEmpty, onFrame);
        continue;
      }
      const take = Math.min(end - offset, this.payloadLength - this.payloadReceived);
      if (this.opcode >= WebSocketOpcode.close) offset = this.gatherControl(input, offset, take, onFrame);
      else {
        const pieceOffset = this.payloadReceived;
        const piece = this.masked
          ? this.unmask(input, offset, take, pieceOffset)
          : input.subarray(offset, offset + take);
        offset += take;
        this.payloadReceived += take;
        this.emit(piece, onFrame, pieceOffset);
      }
    }
  }

  /**
   * Reads and checks a frame header from `source[start, end)`; returns its
   * length (masking key included) and starts the frame, or 0 while it is
   * incomplete. The checks run as soon as their bytes are there, so the same
   * input gives the same error however it is split.
   */
  private readHeader(source: Buffer, start: number, end: number): number {
    if (end - start < 2) return 0;
    // 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 ...
    // |F|R|R|R| opcode|M| Payload len |  Extended payload length (16/64)  |
    // |I|S|S|S|  (4)  |A|     (7)     |  then masking key (0/32), payload  |
    const first = source[start]!;
    const second = source[start + 1]!;
    const fin = (first & 0x80) !== 0;
    const opcode = first & 0x0f;
    const masked = (second & 0x80) !== 0;
    if ((first & 0x70) !== 0) throw protocolError('reserved bits set without a negotiated extension');
    const control = opcode >= 0x8;
    if (opcode > 0xa || (opcode > 0x2 && opcode < 0x8)) throw protocolError(`unknown opcode ${opcode}`);
    if (this.from === 'client' && !masked) throw protocolError('a client frame was not masked');
    if (this.from === 'server' && masked) throw protocolError('a server frame was masked');
    let payloadLength = second & 0x7f;
    let headerLength = 2;
    if (control && (!fin || payloadLength > 125))
      throw protocolError('a control frame was fragmented or longer than 125 bytes');
    if (payloadLength === 126) {
      if (end - start < 4) return 0;
      payloadLength = source.readUInt16BE(start + 2);
      headerLength = 4;
    } else if (payloadLength === 127) {
      if (end - start < 10) return 0;
      const high = source.readUInt32BE(start + 2);
      if (high & 0x80000000) throw protocolError('the 64-bit payload length has its top bit set');
      payloadLength = high * 0x100000000 + source.readUInt32BE(start + 6);
      headerLength = 10;
    }
    if (payloadLength > this.maxFramePayload) {
      throw kubeError(
        KubeErrorCode.WS_FRAME_TOO_LARGE,
        `WebSocket frame payload of ${payloadLength} bytes exceeds ${this.maxFramePayload}`,
        { payloadLength, maxFramePayload: this.maxFramePayload },
      );
    }
    if (!control) {
      if (opcode === WebSocketOpcode.continuation && !this.inMessage)
        throw protocolError('a continuation frame outside a message');
      if (opcode !== WebSocketOpcode.continuation && this.inMessage)
        throw protocolError('a new message began before the last one finished');
    }
    if (masked) {
      if (end - start < headerLength + 4) return 0;
      source.copy(this.maskKey, 0, start + headerLength, start + headerLength + 4);
      headerLength += 4;
    }
    if (!control) this.inMessage = !fin;
    this.inFrame = true;
    this.fin = fin;
    this.opcode = opcode as WebSocketOpcodeValue;
    this.masked = masked;
    this.headerLength = headerLength;
    this.payloadLength = payloadLength;
    this.payloadReceived = 0;
    return headerLength;
  }

  /** A control frame is handed out whole, once validated: in place when it sits whole in one unmasked chunk. */
  private gatherControl(
    input: Buffer,
    offset: number,
    take: number,
    onFrame: (frame: WebSocketFrame) => void,
  ): number {
    if (this.control === undefined && take === this.payloadLength) {
      this.payloadReceived = take;
      this.emit(
        this.masked ? this.unmask(input, offset, take, 0) : input.subarray(offset, offset + take),
        onFrame,
      );
      return offset + take;
    }
    this.control ??= Buffer.allocUnsafe(this.payloadLength);
    if (this.masked) unmaskInto(input, offset, take, this.control, this.payloadReceived, this.maskKey);
    else input.copy(this.control, this.payloadReceived, offset, offset + take);
    this.payloadReceived += take;
    if (this.payloadReceived === this.payloadLength) {
      const payload = this.control;
      this.control = undefined;
      this.emit(payload, onFrame);
    }
    return offset + take;
  }

  private unmask(input: Buffer, offset: number, length: number, payloadOffset: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    unmaskInto(input, offset, length, out, 0, this.maskKey, payloadOffset);
    return out;
  }

  /** Hands out one piece; the frame ends with the piece that completes its payload. */
  private emit(payload: Buffer, onFrame: (frame: WebSocketFrame) => void, payloadOffset = 0): void {
    const endsFrame = this.payloadReceived === this.payloadLength;
    const frame: WebSocketFrame = {
      fin: this.fin,
      opcode: this.opcode,
      masked: this.masked,
      payload,
      payloadOffset,
      payloadLength: this.payloadLength,
      endsFrame,
      wireLength: this.headerLength + this.payloadLength,
    };
    if (endsFrame) {
      this.inFrame = false;
      if (this.opcode === WebSocketOpcode.close) readClose(payload, frame);
    }
    onFrame(frame);
  }
}

/**
 * XORs `length` bytes of `source` from `offset` with the masking key into
 * `target` from `targetOffset`; `payloadOffset` is where the bytes sit in the
 * frame's payload (the key repeats every 4 bytes from the payload's start).
 */
function unmaskInto(
  source: Buffer,
  offset: number,
  length: number,
  target: Buffer,
  targetOffset: number,
  key: Buffer,
  payloadOffset: number = targetOffset,
): void {
  const m0 = key[payloadOffset & 3]!;
  const m1 = key[(payloadOffset + 1) & 3]!;
  const m2 = key[(payloadOffset + 2) & 3]!;
  const m3 = key[(payloadOffset + 3) & 3]!;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    const p = offset + i;
    const t = targetOffset + i;
    target[t] = source[p]! ^ m0;
    target[t + 1] = source[p + 1]! ^ m1;
    target[t + 2] = source[p + 2]! ^ m2;
    target[t + 3] = source[p + 3]! ^ m3;
  }
  for (; i < length; i++) target[targetOffset + i] = source[offset + i]! ^ key[(payloadOffset + i) & 3]!;
}

function readClose(payload: Buffer, frame: WebSocketFrame): void {
  if (payload.byteLength === 0) return;
  if (payload.byteLength === 1) throw protocolError('a close frame with a 1-byte body');
  const code = payload.readUInt16BE(0);
  if (!isValidCloseCode(code)) throw protocolError(`invalid close code ${code}`);
  frame.closeCode = code;
  try {
    frame.closeReason = utf8.decode(payload.subarray(2));
  } catch (cause) {
    throw kubeError(KubeErrorCode.WS_PROTOCOL, 'a close reason that is not UTF-8', undefined, cause);
  }
}

function protocolError(message: string): Error {
  return kubeError(KubeErrorCode.WS_PROTOCOL, `WebSocket protocol error: ${message}`);
}

export interface SerializeFrameOptions {
  opcode: WebSocketOpcodeValue;
  payload?: Uint8Array;
  /** @default true */
  fin?: boolean;
  /** `true` masks with a random key (client frames); a 4-byte key masks with that key. @default false */
  mask?: boolean | Uint8Array;
}

/** Encodes one frame. */
export function serializeFrame(options: SerializeFrameOptions): Buffer {
  const payload = options.payload ?? kEmpty;
  const length = payload.byteLength;
  const fin = options.fin ?? true;
  let maskKey: Uint8Array | undefined;
  if (options.mask === true) maskKey = randomFillSync(Buffer.allocUnsafe(4));
  else if (options.mask instanceof Uint8Array) maskKey = options.mask;
  const extended = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const headerLength = 2 + extended + (maskKey ? 4 : 0);
  const out = Buffer.allocUnsafe(headerLength + length);
  out[0] = (fin ? 0x80 : 0) | options.opcode;
  const maskBit = maskKey ? 0x80 : 0;
  if (extended === 0) out[1] = maskBit | length;
  else if (extended === 2) {
    out[1] = maskBit | 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = maskBit | 127;
    out.writeUInt32BE(Math.floor(length / 0x100000000), 2);
    out.writeUInt32BE(length >>> 0, 6);
  }
  const payloadStart = headerLength;
  if (maskKey) {
    out.set(maskKey, 2 + extended);
    for (let i = 0; i < length; i++) out[payloadStart + i] = payload[i]! ^ maskKey[i & 3]!;
  } else {
    out.set(payload, payloadStart);
  }
  return out;
}

/** The body of a close frame: code then UTF-8 reason (trimmed to fit 125 bytes). */
export function closePayload(code: number, reason = ''): Buffer {
  const text = Buffer.from(reason, 'utf8').subarray(0, 123);
  const out = Buffer.allocUnsafe(2 + text.byteLength);
  out.writeUInt16BE(code, 0);
  text.copy(out, 2);
  return out;
}
