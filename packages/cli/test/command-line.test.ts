import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { commandLine, launcherPath } from '../src/index.js';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
const made: string[] = [];
afterEach(() => {
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('commandLine()', () => {
  it('is `pnpm exec tapline …` in the workspace, at its root and below it', () => {
    expect(commandLine('inspect a.tapline', repositoryRoot)).toBe('pnpm exec tapline inspect a.tapline');
    expect(commandLine('verify b.tapline', join(repositoryRoot, 'examples', 'ssh-connector'))).toBe(
      'pnpm exec tapline verify b.tapline',
    );
  });

  it('is the launcher by its path where no tapline is installed, and that launcher exists', () => {
    const outside = mkdtempSync(join(tmpdir(), 'tapline-cmd-'));
    made.push(outside);
    expect(commandLine('inspect a.tapline', outside)).toBe(`node ${launcherPath} inspect a.tapline`);
    expect(existsSync(launcherPath)).toBe(true);
  });

  it('finds a tapline installed in a project above the directory', () => {
    const project = mkdtempSync(join(tmpdir(), 'tapline-cmd-'));
    made.push(project);
    mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(project, 'node_modules', '.bin', 'tapline'), '');
    mkdirSync(join(project, 'recordings', 'today'), { recursive: true });
    expect(commandLine('inspect x', join(project, 'recordings', 'today'))).toBe(
      'pnpm exec tapline inspect x',
    );
  });
});
