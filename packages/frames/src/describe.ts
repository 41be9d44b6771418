import { TaplineError } from './errors.js';
import { HEADER_LENGTH, parseHeader, parseTrailer, TRAILER_LENGTH } from './layout.js';

/** What a sink or spool needs to know about one segment, read from its header and trailer. */
export interface SegmentDescription {
  sessionId: string;
  segmentIndex: number;
  firstSeq: number;
  frameCount: number;
  firstOffsetNs: number;
  lastOffsetNs: number;
  final: boolean;
  encrypted: boolean;
  /** Hex SHA-256 of the segment (the chain hash up to it). */
  hash: string;
  byteLength: number;
}

/**
 * Describes one whole segment (as the writer emits it) without decoding its
 * body. Does not re-hash: use the reader or verifyRecording for integrity.
 */
export function describeSegment(segment: Uint8Array): SegmentDescription {
  if (segment.byteLength < HEADER_LENGTH + TRAILER_LENGTH) {
    throw new TaplineError('TAPLINE_ERR_TRUNCATED', 'shorter than a segment header and trailer', {
      component: 'frames',
    });
  }
  const header = parseHeader(segment, 0);
  const expected = HEADER_LENGTH + header.extensionLength + header.bodyLength + TRAILER_LENGTH;
  if (expected !== segment.byteLength) {
    throw new TaplineError(
      'TAPLINE_ERR_TRUNCATED',
      `segment is ${segment.byteLength} bytes, header says ${expected}`,
      {
        component: 'frames',
      },
    );
  }
  const trailer = parseTrailer(segment.subarray(segment.byteLength - TRAILER_LENGTH), header.segmentIndex);
  return {
    sessionId: header.sessionId,
    segmentIndex: header.segmentIndex,
    firstSeq: header.firstSeq,
    frameCount: trailer.frameCount,
    firstOffsetNs: header.firstOffsetNs,
    lastOffsetNs: header.lastOffsetNs,
    final: header.final,
    encrypted: header.encrypted,
    hash: trailer.hash,
    byteLength: segment.byteLength,
  };
}
