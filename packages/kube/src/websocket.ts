// RFC 6455 framing, for relaying and inspecting WebSocket traffic. No I/O: bytes
// in through `parse(chunk, onFrame)`, plain frame objects out.

import { randomFillSync } from 'node:crypto';
import { KubeErrorCode, kubeError } from './errors.js';
import { FrameStreamParser } from './frame-stream.js';

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

export interface WebSocketFrame {
  fin: boolean;
  opcode: WebSocketOpcodeValue;
  /** Whether the frame was masked on the wire. */
  masked: boolean;
  /**
   * The unmasked payload. A view into the parser's buffers: valid only during
   * the `onFrame` callback, copy it to keep it.
   */
  payload: Uint8Array;
  /** Bytes the frame occupied on the wire, header included. */
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
  /**
   * Give every payload memory the parser never writes again, so a consumer
   * may keep it (a recorder that queues it, a terminal emulator). Costs an
   * allocation per masked frame and per frame that spanned chunks.
   * @default false: payloads are valid only during the callback
   */
  stablePayloads?: boolean;
}

const kDefaultMaxFramePayload = 16 * 1024 * 1024;
const kEmpty = Buffer.alloc(0);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** True for close codes a peer may send on the wire (RFC 6455 §7.4). */
export function isValidCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}

/**
 * One growable buffer with offset/length cursors, in the manner of
 * node-postgres' pg-protocol. A chunk that holds whole frames is parsed in
 * place; only a trailing partial frame is copied, so the caller may relay the
 * same chunk untouched (the parser never writes into it).
 */
export class WebSocketParser extends FrameStreamParser<WebSocketFrame> {
  private scratch: Buffer = kEmpty;
  private inMessage = false;
  private readonly from: 'client' | 'server' | undefined;
  private readonly maxFramePayload: number;

  constructor(options: WebSocketParserOptions = {}) {
    super(options.stablePayloads ?? false);
    this.from = options.from;
    this.maxFramePayload = options.maxFramePayload ?? kDefaultMaxFramePayload;
  }

  protected override parseFrames(
    source: Buffer,
    start: number,
    end: number,
    onFrame: (frame: WebSocketFrame) => void,
  ): number {
    let offset = start;
    while (end - offset >= 2) {
      // 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 ...
      // |F|R|R|R| opcode|M| Payload len |  Extended payload length (16/64)  |
      // |I|S|S|S|  (4)  |A|     (7)     |  then masking key (0/32), payload  |
      const first = source[offset]!;
      const second = source[offset + 1]!;
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
        if (end - offset < 4) break;
        payloadLength = source.readUInt16BE(offset + 2);
        headerLength = 4;
      } else if (payloadLength === 127) {
        if (end - offset < 10) break;
        const high = source.readUInt32BE(offset + 2);
        if (high & 0x80000000) throw protocolError('the 64-bit payload length has its top bit set');
        payloadLength = high * 0x100000000 + source.readUInt32BE(offset + 6);
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
      const maskOffset = offset + headerLength;
      if (masked) headerLength += 4;
      const frameLength = headerLength + payloadLength;
      if (end - offset < frameLength) {
        this.partialFrameLength = frameLength;
        break;
      }
      const payloadStart = offset + headerLength;
      let payload: Buffer;
      if (masked) {
        if (this.stablePayloads) payload = Buffer.allocUnsafe(payloadLength);
        else {
          if (this.scratch.byteLength < payloadLength)
            this.scratch = Buffer.allocUnsafe(Math.max(payloadLength, 1024));
          payload = this.scratch.subarray(0, payloadLength);
        }
        const m0 = source[maskOffset]!;
        const m1 = source[maskOffset + 1]!;
        const m2 = source[maskOffset + 2]!;
        const m3 = source[maskOffset + 3]!;
        let i = 0;
        for (; i + 3 < payloadLength; i += 4) {
          const p = payloadStart + i;
          payload[i] = source[p]! ^ m0;
          payload[i + 1] = source[p + 1]! ^ m1;
          payload[i + 2] = source[p + 2]! ^ m2;
          payload[i + 3] = source[p + 3]! ^ m3;
        }
        for (; i < payloadLength; i++) payload[i] = source[payloadStart + i]! ^ source[maskOffset + (i & 3)]!;
      } else {
        payload = source.subarray(payloadStart, payloadStart + payloadLength);
      }
      const frame: WebSocketFrame = {
        fin,
        opcode: opcode as WebSocketOpcodeValue,
        masked,
        payload,
        wireLength: frameLength,
      };
      if (opcode === WebSocketOpcode.close) readClose(payload, frame);
      if (!control) this.inMessage = !fin;
      offset += frameLength;
      onFrame(frame);
    }
    return offset;
  }
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
