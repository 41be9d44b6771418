import { TaplineError } from './errors.js';
import type { KeyWrapper } from './key-wrapper.js';
import { checkBody, KeyCache } from './reader.js';
import { ChainChecker, rawSegments, SegmentParser } from './segment-parser.js';
import type { ByteSource } from './source.js';

export interface VerifyOptions {
  /** Lets verify also decrypt and decode encrypted bodies (hashes are checked without it). */
  keyWrapper?: KeyWrapper;
  /**
   * Decompress and decode every body, checking frame counts and seqs. Hash
   * and chain checks always run. @default true
   */
  decodeBodies?: boolean;
  /** @default MAX_SEGMENT_BODY_BYTES (64 MiB + 28 B) */
  maxBodyLength?: number;
  /** Called with each segment's position and hash once it passed the chain checks (published chain heads are compared this way). */
  onSegment?: (segmentIndex: number, hash: string) => void;
}

export interface VerifyFailure {
  code: string;
  /** Position of the first bad segment (0-based). */
  segmentIndex: number;
  message: string;
}

export interface VerifyReport {
  /** No damage found in what is there. */
  intact: boolean;
  /** Intact and ends with the end marker. */
  complete: boolean;
  sessionId: string | undefined;
  /** Whole, good segments. */
  segments: number;
  /** Frames in those segments. */
  frames: number;
  bytes: number;
  encrypted: boolean;
  /** Hex SHA-256 of the last good segment: what a signature covers. */
  chainHash: string | undefined;
  /** Offset of the last frame, ns. */
  lastOffsetNs: number;
  /** Whether bodies were decoded (false for encrypted bodies without a key). */
  bodiesDecoded: boolean;
  /** The first problem: damage, or TAPLINE_ERR_INCOMPLETE for a missing end marker. */
  error: VerifyFailure | undefined;
}

/**
 * Checks a whole recording: every segment's hash, the chain between them, the
 * end marker and (by default) every frame. Never throws for bad input: the
 * report says what is wrong and where.
 */
export async function verifyRecording(
  source: ByteSource,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const parser = new SegmentParser(
    options.maxBodyLength === undefined ? {} : { maxBodyLength: options.maxBodyLength },
  );
  const chain = new ChainChecker();
  const keys = new KeyCache(options.keyWrapper);
  const decode = options.decodeBodies ?? true;
  const report: VerifyReport = {
    intact: true,
    complete: false,
    sessionId: undefined,
    segments: 0,
    frames: 0,
    bytes: 0,
    encrypted: false,
    chainHash: undefined,
    lastOffsetNs: 0,
    bodiesDecoded: decode,
    error: undefined,
  };
  try {
    for await (const segment of rawSegments(source, parser)) {
      chain.check(segment);
      options.onSegment?.(segment.position, segment.trailer.hash);
      if (segment.header.encrypted) report.encrypted = true;
      if (decode && (!segment.header.encrypted || keys.canDecrypt)) await checkBody(segment, keys);
      else if (decode) report.bodiesDecoded = false;
      report.segments = chain.segments;
      report.frames = chain.frames;
      report.bytes += segment.bytes.length;
      report.lastOffsetNs = segment.header.lastOffsetNs;
    }
    if (chain.segments === 0) {
      throw new TaplineError('TAPLINE_ERR_EMPTY', 'the recording holds no segment', {
        component: 'frames',
        segmentIndex: 0,
      });
    }
  } catch (error) {
    report.intact = false;
    report.error = toFailure(error, chain.segments);
  }
  report.sessionId = chain.sessionId;
  report.chainHash = chain.chainHash;
  report.complete = report.intact && chain.complete;
  if (report.intact && !chain.complete) {
    report.error = {
      code: 'TAPLINE_ERR_INCOMPLETE',
      segmentIndex: chain.segments,
      message: `no end marker: the recording stops after segment ${chain.segments - 1}`,
    };
  }
  return report;
}

function toFailure(error: unknown, fallbackIndex: number): VerifyFailure {
  if (error instanceof TaplineError) {
    return { code: error.code, segmentIndex: error.segmentIndex ?? fallbackIndex, message: error.message };
  }
  return {
    code: 'TAPLINE_ERR_READ',
    segmentIndex: fallbackIndex,
    message: error instanceof Error ? error.message : String(error),
  };
}
