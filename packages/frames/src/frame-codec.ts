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
  const encoded = FrameMessage.encode(frame).finish();
  target.reserve(5 + encoded.length);
  target.length = writeVarint(target.bytes, target.length, encoded.length);
  target.bytes.set(encoded, target.length);
  target.length += encoded.length;
}

function onlyData(frame: Frame): boolean {
  return (
    frame.resize == null &&
    frame.sessionStart == null &&
    frame.sessionEnd == null &&
    frame.streamOpen == null &&
    frame.streamClose == null &&
    frame.command == null &&
    frame.query == null &&
    frame.apiCall == null &&
    frame.fileOperation == null &&
    frame.annotation == null &&
    frame.$unknowns == null
  );
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
