import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every package README opens with an example; this runs each one as written
// (from inside its package, so `@tapline/<name>` resolves to itself).
const root = join(import.meta.dirname, '..');
const packages = readdirSync(join(root, 'packages')).filter((name) =>
  existsSync(join(root, 'packages', name, 'README.md')),
);

function firstExample(readme: string): { code: string; extension: string } | undefined {
  const match = /```(ts|js)\n([\s\S]*?)```/.exec(readme);
  return match ? { code: match[2]!, extension: match[1]! } : undefined;
}

describe('README examples', () => {
  it('every package has a README that opens with an example', () => {
    expect(packages.length).toBeGreaterThan(2);
    for (const name of packages) {
      expect(
        firstExample(readFileSync(join(root, 'packages', name, 'README.md'), 'utf8')),
        name,
      ).toBeDefined();
    }
  });

  for (const name of packages) {
    it(`${name}: the opening example runs`, () => {
      const example = firstExample(readFileSync(join(root, 'packages', name, 'README.md'), 'utf8'))!;
      const file = join(
        root,
        'packages',
        name,
        `.readme-example.${example.extension === 'ts' ? 'mts' : 'mjs'}`,
      );
      writeFileSync(file, example.code);
      try {
        execFileSync(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
          cwd: join(root, 'packages', name),
          stdio: 'pipe',
          timeout: 60_000,
        });
      } finally {
        rmSync(file, { force: true });
      }
    }, 90_000);
  }
});
