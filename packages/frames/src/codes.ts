// The codes @tapline/frames raises (docs/errors.md, "Recording container").
/** Stable codes of the errors `@tapline/frames` raises: container damage, decoding, keys. */
export const FramesErrorCode = {
  /** The bytes at a segment boundary are not a Tapline segment. */
  BAD_MAGIC: 'TAPLINE_ERR_BAD_MAGIC',
  /** The segment's format version is not one this reader knows. */
  UNSUPPORTED_VERSION: 'TAPLINE_ERR_UNSUPPORTED_VERSION',
  /** The segment names a codec this reader does not know. */
  UNKNOWN_CODEC: 'TAPLINE_ERR_UNKNOWN_CODEC',
  /** Unknown flag bits, a nonzero reserved field, a 64-bit field above 2^53, or an unreadable key block. */
  BAD_HEADER: 'TAPLINE_ERR_BAD_HEADER',
  /** The trailer magic is missing: the body length or trailer is damaged. */
  BAD_TRAILER: 'TAPLINE_ERR_BAD_TRAILER',
  /** A segment declares a body, or its trailer a raw length, above the reader's limit (refused before buffering or inflating). */
  SEGMENT_TOO_LARGE: 'TAPLINE_ERR_SEGMENT_TOO_LARGE',
  /** A segment's bytes do not match the SHA-256 in its trailer: it was modified. */
  HASH_MISMATCH: 'TAPLINE_ERR_HASH_MISMATCH',
  /** A segment is out of place: dropped, duplicated or reordered segments. */
  CHAIN_BROKEN: 'TAPLINE_ERR_CHAIN_BROKEN',
  /** A segment from another session was spliced in. */
  SESSION_MISMATCH: 'TAPLINE_ERR_SESSION_MISMATCH',
  /** Frame sequence numbers are not dense (writer input or recording). */
  SEQ_GAP: 'TAPLINE_ERR_SEQ_GAP',
  /** Frame offsets run backwards. */
  TIME_REVERSED: 'TAPLINE_ERR_TIME_REVERSED',
  /** Bytes follow the segment with the end marker. */
  DATA_AFTER_END: 'TAPLINE_ERR_DATA_AFTER_END',
  /** The recording ends inside a segment. */
  TRUNCATED: 'TAPLINE_ERR_TRUNCATED',
  /** Every segment is intact but the end marker is missing (the session was cut off). */
  INCOMPLETE: 'TAPLINE_ERR_INCOMPLETE',
  /** The input holds no segment. */
  EMPTY: 'TAPLINE_ERR_EMPTY',
  /** A segment body does not decode to the frames its trailer announces (a count above the raw length, a frame past the count, a length prefix past the body). */
  FRAME_DECODE: 'TAPLINE_ERR_FRAME_DECODE',
  /** A frame given to the writer cannot be encoded, or alone exceeds the 64 MiB segment limit. */
  FRAME_ENCODE: 'TAPLINE_ERR_FRAME_ENCODE',
  /** A segment body does not decompress, or inflates to more or fewer bytes than its trailer's raw length (stopped the moment it passes it). */
  DECOMPRESS: 'TAPLINE_ERR_DECOMPRESS',
  /** zstd compression of a segment failed on its worker (or the worker stopped). */
  COMPRESS: 'TAPLINE_ERR_COMPRESS',
  /** The zstd codec was asked for where its prebuilt binding does not load; use gzip. */
  CODEC_UNAVAILABLE: 'TAPLINE_ERR_CODEC_UNAVAILABLE',
  /** Authenticated decryption of a segment body failed. */
  DECRYPT: 'TAPLINE_ERR_DECRYPT',
  /** The recording is encrypted and no key wrapper was given. */
  KEY_REQUIRED: 'TAPLINE_ERR_KEY_REQUIRED',
  /** The key wrapper cannot unwrap this recording's data key. */
  KEY_UNAVAILABLE: 'TAPLINE_ERR_KEY_UNAVAILABLE',
  /** A session id that is not a UUID. */
  INVALID_SESSION_ID: 'TAPLINE_ERR_INVALID_SESSION_ID',
  /** An option out of range (segment size, key length, sink names, ...). */
  INVALID_OPTION: 'TAPLINE_ERR_INVALID_OPTION',
  /** The byte source itself failed while verifying. */
  READ: 'TAPLINE_ERR_READ',
} as const;

/** One of the codes in `FramesErrorCode`. */
export type FramesErrorCodeName = (typeof FramesErrorCode)[keyof typeof FramesErrorCode];
