import {
  type ByteSource,
  type DecodedFrame,
  isTaplineError,
  type KeyWrapper,
  readSegments,
  type VerifyFailure,
} from '@tapline/frames';

export interface ReadOptions {
  keyWrapper?: KeyWrapper;
  /** Yield only frames at or after this offset; whole segments before it are skipped undecoded. */
  fromOffsetNs?: number;
}

/** What one pass over a recording found, filled in as it reads. */
export interface ReadState {
  sessionId: string | undefined;
  /** Whole, good segments read. */
  segments: number;
  frames: number;
  bytes: number;
  /** Segments skipped without decompression (seeking). */
  skippedSegments: number;
  encrypted: boolean;
  /** The last good segment carries the end marker. */
  final: boolean;
  /** Hex SHA-256 of the last good segment. */
  chainHash: string | undefined;
  lastOffsetNs: number;
  /**
   * Set when the pass ends: the first damage (hash, chain, truncation, a key
   * that is missing or wrong), or TAPLINE_ERR_INCOMPLETE when every segment
   * is good but the end marker is missing.
   */
  error: VerifyFailure | undefined;
}

export interface RecordingPass {
  frames: AsyncGenerator<DecodedFrame>;
  state: ReadState;
}

/**
 * Reads a recording's frames, checking every segment's hash and the chain.
 * Damage does not throw: the frames before it are yielded and `state.error`
 * says where and why. I/O errors (the source failing) do throw.
 */
export function readRecordingFrames(source: ByteSource, options: ReadOptions = {}): RecordingPass {
  const state: ReadState = {
    sessionId: undefined,
    segments: 0,
    frames: 0,
    bytes: 0,
    skippedSegments: 0,
    encrypted: false,
    final: false,
    chainHash: undefined,
    lastOffsetNs: 0,
    error: undefined,
  };
  const from = options.fromOffsetNs;
  async function* frames(): AsyncGenerator<DecodedFrame> {
    try {
      const segments = readSegments(source, {
        ...(options.keyWrapper ? { keyWrapper: options.keyWrapper } : {}),
        ...(from !== undefined ? { fromOffsetNs: from } : {}),
      });
      for await (const segment of segments) {
        state.sessionId = segment.header.sessionId;
        state.segments++;
        state.frames += segment.trailer.frameCount;
        state.bytes += segment.byteLength;
        state.encrypted ||= segment.header.encrypted;
        state.final = segment.header.final;
        state.chainHash = segment.trailer.hash;
        state.lastOffsetNs = segment.header.lastOffsetNs;
        if (!segment.frames) {
          state.skippedSegments++;
          continue;
        }
        for (const frame of segment.frames) {
          if (from !== undefined && frame.offsetNs < from) continue;
          yield frame;
        }
      }
    } catch (error) {
      if (!isTaplineError(error) || error.code === 'TAPLINE_ERR_CLI_IO') throw error;
      state.error = {
        code: error.code,
        segmentIndex: error.segmentIndex ?? state.segments,
        message: error.message,
      };
      return;
    }
    if (state.segments === 0) {
      state.error = { code: 'TAPLINE_ERR_EMPTY', segmentIndex: 0, message: 'the recording holds no segment' };
    } else if (!state.final) {
      state.error = {
        code: 'TAPLINE_ERR_INCOMPLETE',
        segmentIndex: state.segments,
        message: `no end marker: the recording stops after segment ${state.segments - 1}`,
      };
    }
  }
  return { frames: frames(), state };
}
