export { TerminalErrorCode, type TerminalErrorCodeName } from './codes.js';
export { createCommandExtractor } from './extractor.js';
export { type ParsedCommand, type ParsedText, parseShellText, programOf, programsOf } from './grammar.js';
export { type ExtractCommandsOptions, extractCommands } from './offline.js';
export type {
  CommandExtractor,
  CommandExtractorOptions,
  CommandExtractorStats,
  CommandInputSource,
  CommandProgram,
  CommandTerminalEvent,
  FullscreenTerminalEvent,
  GapTerminalEvent,
  PendingCommandLine,
  TerminalEvent,
  TerminalStreamEvent,
} from './types.js';
