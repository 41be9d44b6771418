import { TaplineError } from './errors.js';
import { readerFor, tapline } from './schema.js';

/** A frame as producers build it: plain object, one body set. */
export type Frame = tapline.v1.IFrame;
/** A frame as the reader yields it (protobufjs message; unset fields read as defaults). */
export type DecodedFrame = tapline.v1.Frame;

const FrameMessage = tapline.v1.Frame;
const DataMessage = tapline.v1.Data;

/** Bytes a varint of `value` takes (value is a safe non-negative integer). */
export function varintLength(value: number): number {
  let length = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    length++;
  }
  return length;
}

function writeVarint(target: Buffer, position: number, value: number): number {
  while (value >= 0x80) {
    // `& 0x7f` is exact above 2^32 too: ToInt32 keeps the low bits.
    target[position++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  target[position++] = value;
  return position;
}

/**
 * A growable byte buffer that frames are encoded straight into, so the hot
 * path never allocates a buffer per frame. `reset()` keeps the capacity.
 */
export class FrameBuffer {
  bytes: Buffer;
  length = 0;

  constructor(initialCapacity: number) {
    this.bytes = Buffer.allocUnsafe(initialCapacity);
  }

  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.bytes.length * 2));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  reset(): void {
    this.length = 0;
  }

  view(): Buffer {
    return this.bytes.subarray(0, this.length);
  }
}

/**
 * Appends `frame` as a length-delimited Frame message. Data frames (the hot
 * path) are encoded by hand, byte-for-byte as protobufjs would encode them (a
 * property test checks this); other bodies go through the generated encoder.
 */
export function encodeFrameInto(target: FrameBuffer, frame: Frame): void {
  const data = frame.data;
  if (data != null && onlyData(frame)) {
    encodeDataFrame(target, frame.seq ?? 0, frame.offsetNs ?? 0, data);
    return;
  }
  const apiCall = frame.apiCall;
  if (
    apiCall != null &&
    onlyApiCall(frame) &&
    encodeApiCallFrame(target, frame.seq, frame.offsetNs, apiCall)
  ) {
    return;
  }
  const encoded = FrameMessage.encode(frame).finish();
  target.reserve(5 + encoded.length);
  target.length = writeVarint(target.bytes, target.length, encoded.length);
  target.bytes.set(encoded, target.length);
  target.length += encoded.length;
}

function onlyData(frame: Frame): boolean {
  return frame.apiCall == null && noOtherBody(frame);
}

function onlyApiCall(frame: Frame): boolean {
  return frame.data == null && noOtherBody(frame);
}

/** No body but data or apiCall, the two the hand encoders write (named checks: this runs per frame). */
function noOtherBody(frame: Frame): boolean {
  return (
    frame.resize == null &&
    frame.sessionStart == null &&
    frame.sessionEnd == null &&
    frame.streamOpen == null &&
    frame.streamClose == null &&
    frame.command == null &&
    frame.query == null &&
    frame.fileOperation == null &&
    frame.annotation == null &&
    frame.$unknowns == null
  );
}

/** A uint64 value this encoder writes itself: a non-negative safe integer (0 for absent). */
function uint64Of(value: tapline.v1.IFrame['seq']): number {
  if (value == null) return 0;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : -1;
}

/** A uint32 value this encoder writes itself (0 for absent), or -1. */
function uint32Of(value: number | null | undefined): number {
  if (value == null) return 0;
  return Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff ? value : -1;
}

/**
 * UTF-8 length of `text`, or -1 when it holds a surrogate: protobufjs writes
 * a lone one differently from Buffer, so such a frame is left to protobufjs.
 */
function utf8Length(text: string | null | undefined): number {
  if (text == null) return 0;
  if (typeof text !== 'string') return -1;
  let length = text.length;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) continue;
    if (code >= 0xd800 && code <= 0xdfff) return -1;
    length += code < 0x800 ? 1 : 2;
  }
  return length;
}

/** Bytes of a length-delimited field of `length` bytes with a one-byte tag, 0 when empty (not written). */
function delimitedFieldLength(length: number): number {
  return length === 0 ? 0 : 1 + varintLength(length) + length;
}

function varintFieldLength(tagBytes: number, value: number): number {
  return value === 0 ? 0 : tagBytes + varintLength(value);
}

function writeStringField(
  bytes: Buffer,
  position: number,
  tag: number,
  text: string,
  length: number,
): number {
  if (length === 0) return position;
  bytes[position++] = tag;
  position = writeVarint(bytes, position, length);
  return writeUtf8(bytes, position, text, length);
}

/** Writes `text`, whose UTF-8 length is `length` (from {@link utf8Length}). */
function writeUtf8(bytes: Buffer, position: number, text: string, length: number): number {
  if (length === text.length) {
    // ASCII: one byte per code unit, no encoder call (these strings are short).
    for (let index = 0; index < length; index++) bytes[position + index] = text.charCodeAt(index);
    return position + length;
  }
  return position + bytes.write(text, position, length, 'utf8');
}

function writeVarintField(bytes: Buffer, position: number, tag: number, value: number): number {
  if (value === 0) return position;
  bytes[position++] = tag;
  return writeVarint(bytes, position, value);
}

/**
 * Encodes an ApiCall frame (one per Kubernetes API request) by hand into
 * `target`, byte-for-byte as the generated encoder would (a property test
 * checks this): fields in field-number order, each only when not its
 * default. Returns false, writing nothing, for any value it does not take
 * as is (a Long, a fraction, a surrogate in a string, body bytes given as a
 * string, unknown fields): protobufjs then encodes that frame.
 */
export function encodeApiCallFrame(
  target: FrameBuffer,
  frameSeq: tapline.v1.IFrame['seq'],
  frameOffsetNs: tapline.v1.IFrame['seq'],
  call: tapline.v1.IApiCall,
): boolean {
  const seq = uint64Of(frameSeq);
  const offsetNs = uint64Of(frameOffsetNs);
  const streamId = uint32Of(call.streamId);
  const statusCode = uint32Of(call.statusCode);
  const durationNs = uint64Of(call.durationNs);
  const requestBytes = uint64Of(call.requestBytes);
  const responseBytes = uint64Of(call.responseBytes);
  const truncated = call.requestBodyTruncated;
  const body = call.requestBody;
  if (Math.min(seq, offsetNs, streamId, statusCode, durationNs, requestBytes, responseBytes) < 0)
    return false;
  if (truncated != null && typeof truncated !== 'boolean') return false;
  if (body != null && !(body instanceof Uint8Array)) return false;
  if (call.$unknowns != null) return false;
  const verb = utf8Length(call.verb);
  const method = utf8Length(call.method);
  const path = utf8Length(call.path);
  const apiGroup = utf8Length(call.apiGroup);
  const apiVersion = utf8Length(call.apiVersion);
  const resource = utf8Length(call.resource);
  const subresource = utf8Length(call.subresource);
  const namespace = utf8Length(call.namespace);
  const name = utf8Length(call.name);
  const userAgent = utf8Length(call.userAgent);
  if (
    Math.min(verb, method, path, apiGroup, apiVersion, resource, subresource, namespace, name, userAgent) < 0
  ) {
    return false;
  }
  const bodyLength = body?.length ?? 0;
  const callLength =
    varintFieldLength(1, streamId) +
    delimitedFieldLength(verb) +
    delimitedFieldLength(method) +
    delimitedFieldLength(path) +
    delimitedFieldLength(apiGroup) +
    delimitedFieldLength(apiVersion) +
    delimitedFieldLength(resource) +
    delimitedFieldLength(subresource) +
    delimitedFieldLength(namespace) +
    delimitedFieldLength(name) +
    varintFieldLength(1, statusCode) +
    varintFieldLength(1, durationNs) +
    delimitedFieldLength(bodyLength) +
    (truncated === true ? 2 : 0) +
    varintFieldLength(1, requestBytes) +
    varintFieldLength(2, responseBytes) +
    (userAgent === 0 ? 0 : 2 + varintLength(userAgent) + userAgent);
  // api_call is field 22: a two-byte tag.
  const frameLength =
    varintFieldLength(1, seq) + varintFieldLength(1, offsetNs) + 2 + varintLength(callLength) + callLength;
  target.reserve(varintLength(frameLength) + frameLength);
  const bytes = target.bytes;
  let position = writeVarint(bytes, target.length, frameLength);
  position = writeVarintField(bytes, position, 0x08, seq);
  position = writeVarintField(bytes, position, 0x10, offsetNs);
  bytes[position++] = 0xb2; // field 22, length-delimited
  bytes[position++] = 0x01;
  position = writeVarint(bytes, position, callLength);
  position = writeVarintField(bytes, position, 0x08, streamId);
  position = writeStringField(bytes, position, 0x12, call.verb!, verb);
  position = writeStringField(bytes, position, 0x1a, call.method!, method);
  position = writeStringField(bytes, position, 0x22, call.path!, path);
  position = writeStringField(bytes, position, 0x2a, call.apiGroup!, apiGroup);
  position = writeStringField(bytes, position, 0x32, call.apiVersion!, apiVersion);
  position = writeStringField(bytes, position, 0x3a, call.resource!, resource);
  position = writeStringField(bytes, position, 0x42, call.subresource!, subresource);
  position = writeStringField(bytes, position, 0x4a, call.namespace!, namespace);
  position = writeStringField(bytes, position, 0x52, call.name!, name);
  position = writeVarintField(bytes, position, 0x58, statusCode);
  position = writeVarintField(bytes, position, 0x60, durationNs);
  if (bodyLength !== 0) {
    bytes[position++] = 0x6a;
    position = writeVarint(bytes, position, bodyLength);
    bytes.set(body!, position);
    position += bodyLength;
  }
  if (truncated === true) {
    bytes[position++] = 0x70;
    bytes[position++] = 0x01;
  }
  position = writeVarintField(bytes, position, 0x78, requestBytes);
  if (responseBytes !== 0) {
    // field 16: a two-byte tag
    bytes[position++] = 0x80;
    bytes[position++] = 0x01;
    position = writeVarint(bytes, position, responseBytes);
  }
  if (userAgent !== 0) {
    // field 17, length-delimited: a two-byte tag
    bytes[position++] = 0x8a;
    bytes[position++] = 0x01;
    position = writeVarint(bytes, position, userAgent);
    position = writeUtf8(bytes, position, call.userAgent!, userAgent);
  }
  target.length = position;
  return true;
}

function encodeDataFrame(target: FrameBuffer, seq: number, offsetNs: number, data: tapline.v1.IData): void {
  const streamId = data.streamId ?? 0;
  const direction = data.direction ?? 0;
  const channel = data.channel ?? 0;
  const payloadLength = data.bytes?.length ?? 0;
  const dataLength =
    (streamId !== 0 ? 1 + varintLength(streamId) : 0) +
    (direction !== 0 ? 1 + varintLength(direction) : 0) +
    (payloadLength !== 0 ? 1 + varintLength(payloadLength) + payloadLength : 0) +
    (channel !== 0 ? 1 + varintLength(channel) : 0);
  const frameLength =
    (seq !== 0 ? 1 + varintLength(seq) : 0) +
    (offsetNs !== 0 ? 1 + varintLength(offsetNs) : 0) +
    1 +
    varintLength(dataLength) +
    dataLength;
  target.reserve(varintLength(frameLength) + frameLength);
  const bytes = target.bytes;
  let position = writeVarint(bytes, target.length, frameLength);
  if (seq !== 0) {
    bytes[position++] = 0x08;
    position = writeVarint(bytes, position, seq);
  }
  if (offsetNs !== 0) {
    bytes[position++] = 0x10;
    position = writeVarint(bytes, position, offsetNs);
  }
  bytes[position++] = 0x1a;
  position = writeVarint(bytes, position, dataLength);
  if (streamId !== 0) {
    bytes[position++] = 0x08;
    position = writeVarint(bytes, position, streamId);
  }
  if (direction !== 0) {
    bytes[position++] = 0x10;
    position = writeVarint(bytes, position, direction);
  }
  if (payloadLength !== 0) {
    bytes[position++] = 0x1a;
    position = writeVarint(bytes, position, payloadLength);
    bytes.set(data.bytes!, position);
    position += payloadLength;
  }
  if (channel !== 0) {
    bytes[position++] = 0x20;
    position = writeVarint(bytes, position, channel);
  }
  target.length = position;
}

/** Where the last varint read by {@link readSmallVarint} ended (module state: the hot path allocates nothing). */
let varintEnd = 0;

/**
 * Reads a varint of at most `maxBytes` bytes ending before `end`; -1 when it
 * is longer or unterminated (the caller then leaves the frame to protobufjs).
 */
function readSmallVarint(bytes: Buffer, position: number, end: number, maxBytes: number): number {
  let value = 0;
  let multiplier = 1;
  for (let index = 0; index < maxBytes && position < end; index++) {
    const byte = bytes[position++]!;
    value += (byte & 0x7f) * multiplier;
    if (byte < 0x80) {
      varintEnd = position;
      return value;
    }
    multiplier *= 128;
  }
  return -1;
}

/**
 * An optional varint field with this tag at `position`: its value (0, with
 * `varintEnd` = `position`, when the next field is another), or -1 as
 * {@link readSmallVarint}.
 */
function readOptionalVarint(
  bytes: Buffer,
  position: number,
  end: number,
  tag: number,
  maxBytes: number,
): number {
  if (position >= end || bytes[position] !== tag) {
    varintEnd = position;
    return 0;
  }
  return readSmallVarint(bytes, position + 1, end, maxBytes);
}

/**
 * Decodes a data frame (the hot path: keystrokes and output) by hand into
 * the objects protobufjs makes: a Frame with seq, offsetNs and data, a Data
 * with each field set only when non-zero, its bytes a view into `bytes`. It
 * takes only the layout the writer emits (fields in order, each once, small
 * varints) and returns undefined for anything else, which protobufjs then
 * decodes or refuses: this path never judges a frame on its own.
 */
export function decodeDataFrame(bytes: Buffer, start: number, end: number): DecodedFrame | undefined {
  const seq = readOptionalVarint(bytes, start, end, 0x08, 7);
  if (seq < 0) return undefined;
  const offsetNs = readOptionalVarint(bytes, varintEnd, end, 0x10, 7);
  if (offsetNs < 0) return undefined;
  const dataLength = readOptionalVarint(bytes, varintEnd, end, 0x1a, 4);
  // Absent (0 with no tag) or not the rest of the frame: not a data frame of ours.
  if (dataLength <= 0 || varintEnd + dataLength !== end) return undefined;
  const streamId = readOptionalVarint(bytes, varintEnd, end, 0x08, 4);
  if (streamId < 0) return undefined;
  // An enum: one byte keeps it a small non-negative value (a negative int32 takes ten).
  const direction = readOptionalVarint(bytes, varintEnd, end, 0x10, 1);
  if (direction < 0) return undefined;
  const payloadLength = readOptionalVarint(bytes, varintEnd, end, 0x1a, 4);
  const payloadStart = varintEnd;
  if (payloadLength < 0 || payloadStart + payloadLength > end) return undefined;
  const channel = readOptionalVarint(bytes, payloadStart + payloadLength, end, 0x20, 4);
  if (channel < 0 || varintEnd !== end) return undefined;
  const data = new DataMessage();
  if (streamId !== 0) data.streamId = streamId;
  if (direction !== 0) data.direction = direction;
  if (payloadLength !== 0) data.bytes = bytes.subarray(payloadStart, payloadStart + payloadLength);
  if (channel !== 0) data.channel = channel;
  const frame = new FrameMessage();
  if (seq !== 0) frame.seq = seq;
  if (offsetNs !== 0) frame.offsetNs = offsetNs;
  frame.data = data;
  return frame;
}

/** Encodes one frame on its own (tests, tools). */
export function encodeFrame(frame: Frame): Uint8Array {
  return FrameMessage.encode(frame).finish();
}

/** What a segment's header and trailer promise about its frames. */
export interface FrameExpectations {
  /** The trailer's frame count. */
  frameCount: number;
  /** The header's first seq: frame i must carry firstSeq + i. */
  firstSeq: number;
  /** The header's offsets: every frame's offset lies between them, never decreasing. */
  firstOffsetNs: number;
  lastOffsetNs: number;
}

/**
 * Decodes the length-delimited frames of a segment body one at a time, as
 * they are asked for, so a segment never costs more memory than its raw bytes
 * plus the frame in hand. The body is untrusted: every length prefix is
 * checked against the bytes that remain, the count against the trailer before
 * a frame beyond it is decoded, and each seq and offset as it comes. Throws
 * TAPLINE_ERR_FRAME_DECODE (TAPLINE_ERR_SEQ_GAP for a wrong seq,
 * TAPLINE_ERR_TIME_REVERSED for an offset outside the header's) at the first
 * bad frame, after yielding the good ones before it.
 */
export function* iterateFrames(
  raw: Uint8Array,
  segmentIndex: number,
  expected: FrameExpectations,
): Generator<DecodedFrame, void, undefined> {
  const buffer = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  let position = 0;
  let count = 0;
  let previousOffsetNs = expected.firstOffsetNs;
  while (position < raw.length) {
    if (count >= expected.frameCount) {
      throw frameError(
        `segment holds more frames than the ${expected.frameCount} its trailer says`,
        segmentIndex,
      );
    }
    let length = 0;
    let shift = 1;
    let byte: number;
    do {
      if (position >= raw.length || shift > 2 ** 35) {
        throw frameError('frame length prefix is truncated or too long', segmentIndex);
      }
      byte = raw[position++]!;
      length += (byte & 0x7f) * shift;
      shift *= 128;
    } while (byte & 0x80);
    if (length > raw.length - position) {
      throw frameError(
        `frame ${count} claims ${length} bytes, only ${raw.length - position} remain in the segment body`,
        segmentIndex,
      );
    }
    let frame = decodeDataFrame(buffer, position, position + length);
    if (frame === undefined) {
      try {
        frame = FrameMessage.decode(readerFor(raw.subarray(position, position + length)));
      } catch (cause) {
        throw frameError('frame does not decode as tapline.v1.Frame', segmentIndex, cause);
      }
    }
    if (frame.seq !== expected.firstSeq + count) {
      throw new TaplineError('TAPLINE_ERR_SEQ_GAP', `frame ${count} of the segment has seq ${frame.seq}`, {
        component: 'frames',
        segmentIndex,
      });
    }
    // The header's offsets passed the chain checks; a frame's own offset is
    // held to them, so no time read back is unbounded (a uint64 above 2^53
    // would not even be exact as a number).
    if (frame.offsetNs < previousOffsetNs || frame.offsetNs > expected.lastOffsetNs) {
      throw new TaplineError(
        'TAPLINE_ERR_TIME_REVERSED',
        `frame ${count} of the segment is at ${frame.offsetNs} ns, outside ${previousOffsetNs}..${expected.lastOffsetNs} ns`,
        { component: 'frames', segmentIndex },
      );
    }
    previousOffsetNs = frame.offsetNs;
    position += length;
    count++;
    yield frame;
  }
  if (count !== expected.frameCount) {
    throw frameError(`segment holds ${count} frames, trailer says ${expected.frameCount}`, segmentIndex);
  }
}

/**
 * Decodes every frame of a segment body into an array (see
 * {@link iterateFrames} for the checks; the array never outgrows the count).
 */
export function decodeFrames(
  raw: Uint8Array,
  segmentIndex: number,
  expected: FrameExpectations,
): DecodedFrame[] {
  return [...iterateFrames(raw, segmentIndex, expected)];
}

function frameError(message: string, segmentIndex: number, cause?: unknown): TaplineError {
  return new TaplineError('TAPLINE_ERR_FRAME_DECODE', message, { component: 'frames', segmentIndex, cause });
}

/** Converts a decoded frame to plain JSON (enums as names, bytes as base64, 64-bit as numbers). */
export function frameToJson(frame: DecodedFrame): Record<string, unknown> {
  return FrameMessage.toObject(frame, { enums: String, bytes: String, longs: Number, oneofs: true });
}

export { tapline };
