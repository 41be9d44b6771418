export {
  createSyslogMetadataEmitter,
  type SyslogMetadataEmitter,
  type SyslogMetadataEmitterEvent,
  type SyslogMetadataEmitterOptions,
  type SyslogMetadataEmitterStats,
} from './emitter.js';
export { SyslogErrorCode } from './errors.js';
export {
  DEFAULT_ENTERPRISE_ID,
  DEFAULT_FACILITY,
  formatSyslogMessage,
  frameOctetCounted,
  type SyslogFormatOptions,
  sdName,
  severityOf,
} from './format.js';
export {
  type OctetFrameCallback,
  OctetFrameParser,
  parseSyslogMessage,
  type SyslogMessage,
} from './parser.js';
