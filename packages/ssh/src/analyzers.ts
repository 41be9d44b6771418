// The default analyzers: @tapline/terminal's command extractor on terminal
// channels and @tapline/sftp's tracker on sftp channels, wired to the recording.
import { createSftpTracker, type SftpTrackerOptions } from '@tapline/sftp';
import { type CommandExtractorOptions, createCommandExtractor, type TerminalEvent } from '@tapline/terminal';
import type { SftpAnalyzerFactory, TerminalAnalyzerFactory } from './types.js';

/** Options of `terminalCommands()`: the extractor's, without what the proxy sets per channel. */
export type TerminalCommandsOptions = Omit<
  CommandExtractorOptions,
  'cols' | 'rows' | 'onEvent' | 'retainEvents'
>;

/**
 * Records the command lines typed in shells (and full-screen programs such as
 * vi or top) as `command` events with source "terminal" / "fullscreen"; a
 * stretch the extractor had to skip is a "gap" annotation.
 */
export function terminalCommands(options: TerminalCommandsOptions = {}): TerminalAnalyzerFactory {
  return ({ session, streamId, cols, rows }) => {
    const onEvent = (event: TerminalEvent): void => {
      if (event.kind === 'command') {
        session.command({
          streamId,
          text: event.text,
          source: 'terminal',
          startedOffsetNs: event.startedOffsetNs,
          ...(event.endedOffsetNs === undefined ? {} : { endedOffsetNs: event.endedOffsetNs }),
          program: event.programs[0]?.name ?? '',
          inputSource: event.source,
          programs: event.programs.map((program) => program.name),
          ...(event.exitCode === undefined ? {} : { exitCode: event.exitCode }),
        });
      } else if (event.kind === 'fullscreen') {
        session.command({
          streamId,
          text: event.text,
          source: 'fullscreen',
          program: event.program,
          startedOffsetNs: event.startedOffsetNs,
          endedOffsetNs: event.endedOffsetNs,
        });
      } else {
        session.annotation({
          kind: 'gap',
          streamId,
          message: `the terminal analyzer skipped ${event.droppedBytes} bytes; commands there may be missing`,
          details: { droppedBytes: String(event.droppedBytes), analyzer: 'terminal' },
        });
      }
    };
    return createCommandExtractor({ ...options, cols, rows, retainEvents: false, onEvent });
  };
}

/** Options of `sftpOperations()`: the tracker's, without `onOperation`. */
export type SftpOperationsOptions = Omit<SftpTrackerOptions, 'onOperation'>;

/** Records SFTP file operations (open, close with byte counts, rename, remove, ...) as `fileOperation` events. */
export function sftpOperations(options: SftpOperationsOptions = {}): SftpAnalyzerFactory {
  return ({ session, streamId }) =>
    createSftpTracker({
      ...options,
      onOperation: (operation) => session.fileOperation({ ...operation, streamId }),
    });
}
