// Reading recordings back with @tapline/cli (the `tapline` command).
import { createReadStream } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { commandLine, type InspectReport, inspectRecording, run } from '@tapline/cli';

function inside(directory: string, path: string): string | undefined {
  const fromThere = relative(directory, path);
  return fromThere !== '' && !fromThere.startsWith('..') && !isAbsolute(fromThere) ? fromThere : undefined;
}

/** A path as short as it can be from the current directory. */
export function shown(path: string): string {
  return inside(process.cwd(), path) ?? path;
}

/** The command that prints a recording's timeline, runnable from the current directory. */
export function inspectCommand(path: string): string {
  return commandLine(`inspect ${shown(path)}`);
}

/** Prints `tapline inspect <path>` (header and timeline) to stdout; returns its exit code. */
export function printInspect(path: string): Promise<number> {
  return run(['inspect', path], { stdout: process.stdout, stderr: process.stderr });
}

/** The inspect report, with the timeline. */
export function inspectFile(path: string): Promise<InspectReport> {
  return inspectRecording(path, createReadStream(path));
}

/** Command lines in the order the recorder extracted them. */
export function commandsOf(report: InspectReport): string[] {
  return report.timeline.flatMap((event) => (event.type === 'command' ? [event.text] : []));
}
