/** The syslog emitter's error codes (docs/errors.md, "Syslog emitter"). */
export const SyslogErrorCode: {
  readonly MALFORMED: 'TAPLINE_ERR_SYSLOG_MALFORMED';
  readonly FRAME_TOO_LARGE: 'TAPLINE_ERR_SYSLOG_FRAME_TOO_LARGE';
  readonly DELIVERY: 'TAPLINE_ERR_SYSLOG_DELIVERY';
  readonly CLOSED: 'TAPLINE_ERR_SYSLOG_CLOSED';
  readonly INVALID: 'TAPLINE_ERR_SYSLOG_INVALID';
} = {
  /** The bytes are not an RFC 5424 message or an octet-counted frame (the parser). */
  MALFORMED: 'TAPLINE_ERR_SYSLOG_MALFORMED',
  /** An octet-counted frame announces more than the parser's `maxMessageBytes`. */
  FRAME_TOO_LARGE: 'TAPLINE_ERR_SYSLOG_FRAME_TOO_LARGE',
  /** A delivery attempt failed (connect, TLS, write, or the receiver did not close after the batch); retried. */
  DELIVERY: 'TAPLINE_ERR_SYSLOG_DELIVERY',
  /** `emit()` after `close()`. */
  CLOSED: 'TAPLINE_ERR_SYSLOG_CLOSED',
  /** An option or an event the emitter cannot use. */
  INVALID: 'TAPLINE_ERR_SYSLOG_INVALID',
};
