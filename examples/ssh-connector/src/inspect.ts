// Reading recordings back with @tapline/cli (the `tapline` command).
import { createReadStream } from 'node:fs';
import { dirname, isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type InspectReport, inspectRecording, run } from '@tapline/cli';

/** packages/cli/bin/tapline.mjs, whether @tapline/cli resolves to its src/ or its dist/. */
const cliBin = fileURLToPath(new URL('../bin/tapline.mjs', import.meta.resolve('@tapline/cli')));
/** The workspace root: packages/cli/bin/tapline.mjs, four levels up. */
const workspaceRoot = dirname(dirname(dirname(dirname(cliBin))));

function inside(directory: string, path: string): string | undefined {
  const fromThere = relative(directory, path);
  return fromThere !== '' && !fromThere.startsWith('..') && !isAbsolute(fromThere) ? fromThere : undefined;
}

/** A path as short as it can be from the current directory. */
export function shown(path: string): string {
  return inside(process.cwd(), path) ?? path;
}

/**
 * The command that prints a recording's timeline, runnable from the current
 * directory: `pnpm exec tapline inspect …` inside this workspace, else the
 * CLI's launcher by its path.
 */
export function inspectCommand(path: string): string {
  if (inside(workspaceRoot, process.cwd()) !== undefined || process.cwd() === workspaceRoot) {
    return `pnpm exec tapline inspect ${shown(path)}`;
  }
  return `node ${cliBin} inspect ${path}`;
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
