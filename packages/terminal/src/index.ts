export { createCommandExtractor } from './extractor.js';
export { type ExtractCommandsOptions, extractCommands } from './offline.js';
export { programOf } from './program.js';
export type {
  CommandExtractor,
  CommandExtractorOptions,
  CommandExtractorStats,
  CommandTerminalEvent,
  FullscreenTerminalEvent,
  GapTerminalEvent,
  TerminalEvent,
  TerminalStreamEvent,
} from './types.js';
