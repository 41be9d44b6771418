// SPDY/3.1 framing, as kubectl ≥ 1.31 tunnels it inside a WebSocket for
// port-forward (subprotocol "SPDY/3.1+portforward.k8s.io"). No I/O: bytes in
// through `parse(chunk, onFrame)`, plain frames out. Header blocks are zlib
// streams primed with the SPDY/3 dictionary and shared by all frames of one
// direction; they are inflated synchronously.

import { inflateRawSync, constants as zlibConstants } from 'node:zlib';
import { KubeErrorCode, kubeError } from './errors.js';

/** Control frame types (SPDY/3 §2.6). */
export const SpdyFrameType = {
  synStream: 1,
  synReply: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goAway: 7,
  headers: 8,
  windowUpdate: 9,
} as const;

export const kSpdyFlagFin = 0x01;

export type SpdyFrame =
  | {
      /**
       * One piece of a data frame: each chunk given to `parse()` yields the
       * part of the frame's body it holds, as a view into the chunk (never
       * copied or gathered, never written by the parser).
       */
      name: 'data';
      streamId: number;
      /** The sender's FIN flag, set only on the piece that ends the frame. */
      fin: boolean;
      data: Uint8Array;
      /** True on the piece that ends the frame. */
      endsFrame: boolean;
    }
  | {
      name: 'syn_stream' | 'syn_reply' | 'headers';
      streamId: number;
      fin: boolean;
      /** Lower-case names; values split on NUL. */
      headers: Record<string, string[]>;
    }
  | { name: 'rst_stream'; streamId: number; status: number }
  | { name: 'ping'; id: number }
  | { name: 'goaway'; lastGoodStreamId: number; status: number }
  | { name: 'window_update'; streamId: number; delta: number }
  | { name: 'settings' }
  | { name: 'control'; type: number };

export interface SpdyParserOptions {
  /** Largest frame body accepted. @default 16 MiB (the 24-bit maximum) */
  maxFrameLength?: number;
  /**
   * Inflated bytes one header block may expand to; more ends the connection
   * with TAPLINE_ERR_KUBE_SPDY_HEADER_LIMIT, checked while inflating.
   * kubectl's blocks are under 200 bytes. @default 65536
   */
  maxHeaderBlockBytes?: number;
  /**
   * Inflated header bytes one direction of a connection may produce in all
   * (about 200 per forwarded TCP connection); more ends it with
   * TAPLINE_ERR_KUBE_SPDY_HEADER_LIMIT. @default 16777216 (16 MiB)
   */
  maxInflatedHeaderBytes?: number;
}

// The SPDY/3 header dictionary (draft-mbelshe-httpbis-spdy-00 §2.6.10.1):
// length-prefixed names, then a run of common values.
const dictionaryNames =
  'options head post put delete trace accept accept-charset accept-encoding accept-language accept-ranges age allow authorization cache-control connection content-base content-encoding content-language content-length content-location content-md5 content-range content-type date etag expect expires from host if-match if-modified-since if-none-match if-range if-unmodified-since last-modified location max-forwards pragma proxy-authenticate proxy-authorization range referer retry-after server te trailer transfer-encoding upgrade user-agent vary via warning www-authenticate method get status';
const dictionaryTail =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

/** The 1423-byte SPDY/3 zlib dictionary. */
export const spdyDictionary: Buffer = (() => {
  const words = [
    ...dictionaryNames.split(' '),
    '200 OK',
    'version',
    'HTTP/1.1',
    'url',
    'public',
    'set-cookie',
    'keep-alive',
    'origin',
  ];
  const parts: Buffer[] = [];
  for (const word of words) {
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(word.length, 0);
    parts.push(length, Buffer.from(word, 'latin1'));
  }
  parts.push(Buffer.from(dictionaryTail, 'latin1'));
  return Buffer.concat(parts);
})();

/** The dictionary's Adler-32, which the zlib header of each direction's first block names. */
const spdyDictionaryId = adler32(spdyDictionary);

/** Deflate's window: the farthest back a match may reach, so all the history a header block can use. */
const kDeflateWindowBytes = 32 * 1024;

/**
 * The header decompressor of one direction, incremental and bounded.
 *
 * SPDY/3 (§2.6.10.1) compresses every header block of a direction as one zlib
 * stream primed with the dictionary, and every block ends with a
 * Z_SYNC_FLUSH, so each block starts byte-aligned on a fresh deflate block
 * whose matches reach back at most 32 KiB into what came before. Node has no
 * synchronous streaming inflate, so instead of a live zlib context this keeps
 * exactly that history: the last 32 KiB of inflated output (the dictionary at
 * first), and inflates each new block as raw deflate primed with it. Work
 * per block is its own size plus 32 KiB, never the session's history, and the
 * output is capped while inflating (zlib's `maxOutputLength`, checked per
 * 16 KiB of output), per block and per direction.
 *
 * A peer that does not end a block with a sync flush (no real SPDY peer
 * does) makes the next block fail to inflate: a coded error, as for any
 * malformed block.
 */
class HeaderInflater {
  /** The last inflated bytes, at most one deflate window: the only state kept between blocks. */
  private readonly history = Buffer.allocUnsafe(kDeflateWindowBytes);
  private historyLength = 0;
  private sawZlibHeader = false;
  /** Inflated header bytes so far in this direction. */
  inflatedBytes = 0;

  constructor(
    private readonly maxHeaderBlockBytes: number,
    private readonly maxInflatedHeaderBytes: number,
  ) {}

  inflate(block: Buffer): Buffer {
    let deflated = block;
    if (!this.sawZlibHeader) {
      deflated = this.skipZlibHeader(block);
      this.sawZlibHeader = true;
    }
    const budget = Math.min(this.maxHeaderBlockBytes, this.maxInflatedHeaderBytes - this.inflatedBytes);
    // A header block holds at least its 4-byte pair count.
    if (budget < 4) throw this.limitError();
    let inflated: Buffer;
    try {
      inflated = inflateRawSync(deflated, {
        dictionary: this.historyLength > 0 ? this.history.subarray(0, this.historyLength) : undefined,
        finishFlush: zlibConstants.Z_SYNC_FLUSH,
        maxOutputLength: budget,
      });
    } catch (cause) {
      if ((cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw this.limitError(cause);
      throw kubeError(
        KubeErrorCode.PORT_FORWARD_PROTOCOL,
        'a SPDY header block that does not inflate',
        undefined,
        cause,
      );
    }
    this.inflatedBytes += inflated.byteLength;
    this.remember(inflated);
    return inflated;
  }

  /** The 2-byte zlib header, and the dictionary id when FDICT is set (RFC 1950 §2.2). */
  private skipZlibHeader(block: Buffer): Buffer {
    const fail = (what: string): Error =>
      kubeError(KubeErrorCode.PORT_FORWARD_PROTOCOL, `SPDY header stream: ${what}`);
    if (block.byteLength < 2) throw fail('no zlib header');
    const cmf = block[0]!;
    const flg = block[1]!;
    if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7 || (cmf * 256 + flg) % 31 !== 0) throw fail('bad zlib header');
    if ((flg & 0x20) === 0) return block.subarray(2);
    if (block.byteLength < 6) throw fail('no dictionary id');
    if (block.readUInt32BE(2) !== spdyDictionaryId) throw fail('not the SPDY/3 dictionary');
    this.remember(spdyDictionary);
    return block.subarray(6);
  }

  /** Keeps the last 32 KiB of history ‖ bytes. */
  private remember(bytes: Buffer): void {
    const window = kDeflateWindowBytes;
    if (bytes.byteLength >= window) {
      bytes.copy(this.history, 0, bytes.byteLength - window);
      this.historyLength = window;
      return;
    }
    const kept = Math.min(this.historyLength, window - bytes.byteLength);
    this.history.copyWithin(0, this.historyLength - kept, this.historyLength);
    bytes.copy(this.history, kept);
    this.historyLength = kept + bytes.byteLength;
  }

  private limitError(cause?: unknown): Error {
    return kubeError(
      KubeErrorCode.SPDY_HEADER_LIMIT,
      `SPDY header blocks inflate past their limit (${this.maxHeaderBlockBytes} bytes a block, ${this.maxInflatedHeaderBytes} a direction)`,
      { maxHeaderBlockBytes: this.maxHeaderBlockBytes, maxInflatedHeaderBytes: this.maxInflatedHeaderBytes },
      cause,
    );
  }
}

function decodeHeaderBlock(block: Buffer): Record<string, string[]> {
  // +------------------------------------+
  // | Number of Name/Value pairs (int32) |
  // +------------------------------------+
  // |     Length of name (int32)         |  then name, length of value, value
  // +------------------------------------+
  const fail = (): Error => kubeError(KubeErrorCode.PORT_FORWARD_PROTOCOL, 'a malformed SPDY header block');
  if (block.byteLength < 4) throw fail();
  const count = block.readUInt32BE(0);
  let offset = 4;
  const headers: Record<string, string[]> = {};
  for (let i = 0; i < count; i++) {
    if (offset + 4 > block.byteLength) throw fail();
    const nameLength = block.readUInt32BE(offset);
    offset += 4;
    if (offset + nameLength + 4 > block.byteLength) throw fail();
    const name = block.toString('latin1', offset, offset + nameLength).toLowerCase();
    offset += nameLength;
    const valueLength = block.readUInt32BE(offset);
    offset += 4;
    if (offset + valueLength > block.byteLength) throw fail();
    const values = block.toString('latin1', offset, offset + valueLength).split('\0');
    offset += valueLength;
    const existing = headers[name];
    if (existing) existing.push(...values);
    else headers[name] = values;
  }
  if (offset !== block.byteLength) throw fail();
  return headers;
}

const kEmpty = Buffer.alloc(0);
/** A gathered control-frame body larger than this is not kept for the next one. */
const kKeptBodyBytes = 64 * 1024;

/**
 * Parses one direction of a SPDY/3.1 connection, in place: data frames are
 * handed out in pieces as their bytes arrive (views into the chunk), control
 * frames are read whole, straight from the chunk when they sit in one, else
 * gathered in a buffer of the parser's (nothing handed out refers to it:
 * header blocks are inflated into new memory).
 */
export class SpdyParser {
  private readonly inflater: HeaderInflater;
  private readonly maxFrameLength: number;
  private failure: Error | undefined;
  /** A frame header that spans chunks. */
  private readonly header = Buffer.allocUnsafe(8);
  private headerHeld = 0;
  /** Between a frame's header and its last body byte. */
  private inFrame = false;
  private frameLength = 0;
  private received = 0;
  /** The data frame in progress: stream id and flags (control frames are read from `body`). */
  private isData = false;
  private streamId = 0;
  private flags = 0;
  /** The control frame in progress, from its header on, when it spans chunks. */
  private body: Buffer = kEmpty;

  constructor(options: SpdyParserOptions = {}) {
    this.maxFrameLength = options.maxFrameLength ?? 0xffffff;
    this.inflater = new HeaderInflater(
      options.maxHeaderBlockBytes ?? 65536,
      options.maxInflatedHeaderBytes ?? 16 * 1024 * 1024,
    );
  }

  /** Header bytes inflated so far: each block is inflated once, so this grows by each block's own size. */
  get inflatedHeaderBytes(): number {
    return this.inflater.inflatedBytes;
  }

  /** Bytes of the unfinished frame received so far: 0 exactly at a frame boundary. */
  get pendingBytes(): number {
    return this.inFrame ? 8 + this.received : this.headerHeld;
  }

  /** Parses `chunk`, calling `onFrame` for each frame (and each piece of a data frame). Throws a coded TaplineError on bad input; the parser stays failed. */
  parse(chunk: Uint8Array, onFrame: (frame: SpdyFrame) => void): void {
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
      this.body = kEmpty;
      throw error;
    }
  }

  private parseChunk(input: Buffer, onFrame: (frame: SpdyFrame) => void): void {
    const end = input.byteLength;
    let offset = 0;
    while (offset < end) {
      if (!this.inFrame) {
        let header = input;
        let headerOffset = offset;
        if (this.headerHeld === 0 && end - offset >= 8) offset += 8;
        else {
          const copied = input.copy(
            this.header,
            this.headerHeld,
            offset,
            Math.min(end, offset + 8 - this.headerHeld),
          );
          this.headerHeld += copied;
          offset += copied;
          if (this.headerHeld < 8) return;
          this.headerHeld = 0;
          header = this.header;
          headerOffset = 0;
        }
        this.startFrame(header, headerOffset);
        const length = this.frameLength;
        if (this.isData) {
          // A data frame with a body yields nothing until some of it is here.
          if (length === 0) this.dataPiece(kEmpty, onFrame);
        } else if (header === input && end - offset >= length) {
          // A control frame whole in the chunk: read in place.
          this.inFrame = false;
          offset += length;
          this.controlFrame(input, headerOffset, length, onFrame);
        } else {
          if (this.body.byteLength < 8 + length) this.body = Buffer.allocUnsafe(Math.max(8 + length, 256));
          header.copy(this.body, 0, headerOffset, headerOffset + 8);
          if (length === 0) this.endGathered(onFrame);
        }
        continue;
      }
      const take = Math.min(end - offset, this.frameLength - this.received);
      if (this.isData) this.dataPiece(input.subarray(offset, offset + take), onFrame);
      else {
        input.copy(this.body, 8 + this.received, offset, offset + take);
        this.received += take;
        if (this.received === this.frameLength) this.endGathered(onFrame);
      }
      offset += take;
    }
  }

  /** Reads a frame header (the control frame's type and flags are read with its body). */
  private startFrame(source: Buffer, offset: number): void {
    // +----------------------------------+
    // |0|       Stream-ID (31bits)       |  data frame, or for a control frame:
    // +----------------------------------+  |1| Version (15bits) | Type (16bits) |
    // | Flags (8)  |  Length (24 bits)   |
    // +----------------------------------+
    const length = source.readUIntBE(offset + 5, 3);
    if (length > this.maxFrameLength) {
      throw kubeError(
        KubeErrorCode.PORT_FORWARD_PROTOCOL,
        `SPDY frame of ${length} bytes exceeds ${this.maxFrameLength}`,
      );
    }
    this.inFrame = true;
    this.frameLength = length;
    this.received = 0;
    this.isData = (source[offset]! & 0x80) === 0;
    this.streamId = source.readUInt32BE(offset) & 0x7fffffff;
    this.flags = source[offset + 4]!;
  }

  private dataPiece(data: Buffer, onFrame: (frame: SpdyFrame) => void): void {
    this.received += data.byteLength;
    const endsFrame = this.received === this.frameLength;
    if (endsFrame) this.inFrame = false;
    onFrame({
      name: 'data',
      streamId: this.streamId,
      fin: endsFrame && (this.flags & kSpdyFlagFin) !== 0,
      data,
      endsFrame,
    });
  }

  /** A control frame gathered across chunks is complete: read it from the gather buffer. */
  private endGathered(onFrame: (frame: SpdyFrame) => void): void {
    this.inFrame = false;
    const body = this.body;
    if (body.byteLength > kKeptBodyBytes) this.body = kEmpty;
    this.controlFrame(body, 0, this.frameLength, onFrame);
  }

  /** A whole control frame at `source[offset]`. */
  private controlFrame(
    source: Buffer,
    offset: number,
    length: number,
    onFrame: (frame: SpdyFrame) => void,
  ): void {
    const flags = source[offset + 4]!;
    const body = source.subarray(offset + 8, offset + 8 + length);
    const fail = (what: string): Error => kubeError(KubeErrorCode.PORT_FORWARD_PROTOCOL, `SPDY: ${what}`);
    // +----------------------------------+
    // |C| Version(15bits) | Type(16bits) |
    // +----------------------------------+
    // | flags (8)  |  Length (24 bits)   |
    // +----------------------------------+
    const version = source.readUInt16BE(offset) & 0x7fff;
    if (version !== 3) throw fail(`unsupported version ${version}`);
    const type = source.readUInt16BE(offset + 2);
    const fin = (flags & kSpdyFlagFin) !== 0;
    switch (type) {
      case SpdyFrameType.synStream: {
        // Stream-ID (31), Associated-To-Stream-ID (31), Pri (3) Unused (5) Slot (8), header block
        if (length < 10) throw fail('short SYN_STREAM');
        const streamId = body.readUInt32BE(0) & 0x7fffffff;
        onFrame({ name: 'syn_stream', streamId, fin, headers: this.headers(body.subarray(10)) });
        return;
      }
      case SpdyFrameType.synReply:
      case SpdyFrameType.headers: {
        // Stream-ID (31), header block
        if (length < 4) throw fail('short SYN_REPLY/HEADERS');
        const streamId = body.readUInt32BE(0) & 0x7fffffff;
        const name = type === SpdyFrameType.synReply ? 'syn_reply' : 'headers';
        onFrame({ name, streamId, fin, headers: this.headers(body.subarray(4)) });
        return;
      }
      case SpdyFrameType.rstStream:
        // Stream-ID (31), Status code (32)
        if (length !== 8) throw fail('RST_STREAM must be 8 bytes');
        onFrame({
          name: 'rst_stream',
          streamId: body.readUInt32BE(0) & 0x7fffffff,
          status: body.readUInt32BE(4),
        });
        return;
      case SpdyFrameType.ping:
        if (length !== 4) throw fail('PING must be 4 bytes');
        onFrame({ name: 'ping', id: body.readUInt32BE(0) });
        return;
      case SpdyFrameType.goAway:
        // Last-good-stream-ID (31), Status code (32)
        if (length !== 8) throw fail('GOAWAY must be 8 bytes');
        onFrame({
          name: 'goaway',
          lastGoodStreamId: body.readUInt32BE(0) & 0x7fffffff,
          status: body.readUInt32BE(4),
        });
        return;
      case SpdyFrameType.windowUpdate:
        if (length !== 8) throw fail('WINDOW_UPDATE must be 8 bytes');
        onFrame({
          name: 'window_update',
          streamId: body.readUInt32BE(0) & 0x7fffffff,
          delta: body.readUInt32BE(4) & 0x7fffffff,
        });
        return;
      case SpdyFrameType.settings:
        if (length < 4 || length !== 4 + 8 * body.readUInt32BE(0)) throw fail('malformed SETTINGS');
        onFrame({ name: 'settings' });
        return;
      default:
        onFrame({ name: 'control', type });
    }
  }

  private headers(block: Buffer): Record<string, string[]> {
    return decodeHeaderBlock(this.inflater.inflate(block));
  }
}

// --- Serializer (used by peers in tests and by tools; the proxy only relays) ---

const kSyncFlushMarker = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.byteLength; i++) {
    a = (a + data[i]!) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * The header compressor of one direction. It writes stored (uncompressed)
 * deflate blocks: valid zlib that any SPDY peer inflates, with no state but
 * "has the zlib header been sent".
 */
export class SpdyHeaderWriter {
  private started = false;

  block(headers: Record<string, string | string[]>): Buffer {
    const pairs: Buffer[] = [];
    const count = Buffer.allocUnsafe(4);
    count.writeUInt32BE(Object.keys(headers).length, 0);
    pairs.push(count);
    for (const [name, value] of Object.entries(headers)) {
      const nameBytes = Buffer.from(name.toLowerCase(), 'latin1');
      const valueBytes = Buffer.from(Array.isArray(value) ? value.join('\0') : value, 'latin1');
      const lengths = Buffer.allocUnsafe(4);
      lengths.writeUInt32BE(nameBytes.byteLength, 0);
      pairs.push(lengths, nameBytes);
      const valueLength = Buffer.allocUnsafe(4);
      valueLength.writeUInt32BE(valueBytes.byteLength, 0);
      pairs.push(valueLength, valueBytes);
    }
    const raw = Buffer.concat(pairs);
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      // CMF 0x78 (deflate, 32K window); FLG with FDICT set and FCHECK making CMF*256+FLG a multiple of 31.
      const header = Buffer.allocUnsafe(6);
      header[0] = 0x78;
      header[1] = 0x20 | (31 - ((0x78 * 256 + 0x20) % 31));
      header.writeUInt32BE(adler32(spdyDictionary), 2);
      parts.push(header);
    }
    for (let offset = 0; offset < raw.byteLength; offset += 0xffff) {
      const piece = raw.subarray(offset, offset + 0xffff);
      const stored = Buffer.allocUnsafe(5);
      stored[0] = 0x00; // BFINAL=0, BTYPE=00 (stored)
      stored.writeUInt16LE(piece.byteLength, 1);
      stored.writeUInt16LE(~piece.byteLength & 0xffff, 3);
      parts.push(stored, piece);
    }
    // An empty stored block, as zlib's Z_SYNC_FLUSH ends each header block:
    // inflaters that flush output only at a block boundary (Go's) need it.
    parts.push(kSyncFlushMarker);
    return Buffer.concat(parts);
  }
}

function controlFrame(type: number, flags: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(8 + body.byteLength);
  out.writeUInt16BE(0x8003, 0);
  out.writeUInt16BE(type, 2);
  out.writeUInt32BE(body.byteLength, 4);
  out[4] = flags;
  body.copy(out, 8);
  return out;
}

export function spdyDataFrame(streamId: number, data: Uint8Array, fin = false): Buffer {
  const out = Buffer.allocUnsafe(8 + data.byteLength);
  out.writeUInt32BE(streamId & 0x7fffffff, 0);
  out.writeUInt32BE(data.byteLength, 4);
  out[4] = fin ? kSpdyFlagFin : 0;
  out.set(data, 8);
  return out;
}

export function spdySynStreamFrame(
  writer: SpdyHeaderWriter,
  streamId: number,
  headers: Record<string, string | string[]>,
  fin = false,
): Buffer {
  const block = writer.block(headers);
  const body = Buffer.alloc(10 + block.byteLength);
  body.writeUInt32BE(streamId & 0x7fffffff, 0);
  block.copy(body, 10);
  return controlFrame(SpdyFrameType.synStream, fin ? kSpdyFlagFin : 0, body);
}

export function spdySynReplyFrame(
  writer: SpdyHeaderWriter,
  streamId: number,
  headers: Record<string, string | string[]>,
  fin = false,
): Buffer {
  const block = writer.block(headers);
  const body = Buffer.allocUnsafe(4 + block.byteLength);
  body.writeUInt32BE(streamId & 0x7fffffff, 0);
  block.copy(body, 4);
  return controlFrame(SpdyFrameType.synReply, fin ? kSpdyFlagFin : 0, body);
}

export function spdyRstStreamFrame(streamId: number, status: number): Buffer {
  const body = Buffer.allocUnsafe(8);
  body.writeUInt32BE(streamId & 0x7fffffff, 0);
  body.writeUInt32BE(status, 4);
  return controlFrame(SpdyFrameType.rstStream, 0, body);
}

export function spdyPingFrame(id: number): Buffer {
  const body = Buffer.allocUnsafe(4);
  body.writeUInt32BE(id >>> 0, 0);
  return controlFrame(SpdyFrameType.ping, 0, body);
}

export function spdyGoAwayFrame(lastGoodStreamId: number, status = 0): Buffer {
  const body = Buffer.allocUnsafe(8);
  body.writeUInt32BE(lastGoodStreamId & 0x7fffffff, 0);
  body.writeUInt32BE(status, 4);
  return controlFrame(SpdyFrameType.goAway, 0, body);
}
