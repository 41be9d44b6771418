import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This package's launcher, bin/tapline.mjs, whether this file runs from src/ (the workspace) or dist/. */
export const launcherPath: string = fileURLToPath(new URL('../bin/tapline.mjs', import.meta.url));

/**
 * A `tapline` command line that runs as pasted in `cwd`: `pnpm exec tapline
 * …` where `cwd` or a directory above it has the command installed
 * (node_modules/.bin/tapline), else the launcher by its path. Connectors and
 * demos print it after a recording ("inspect it: …").
 */
export function commandLine(args: string, cwd: string = process.cwd()): string {
  for (let directory = cwd; ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'node_modules', '.bin', 'tapline'))) return `pnpm exec tapline ${args}`;
    if (dirname(directory) === directory) return `node ${launcherPath} ${args}`;
  }
}
