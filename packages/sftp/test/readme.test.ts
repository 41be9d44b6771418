// The README's opening example must really run and print what it says.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

it('the README example runs and prints the operation it promises', () => {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const example = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  const promised = /\/\/ (\{.*\})\s*$/.exec(example!)?.[1];
  expect(promised).toBeDefined();
  // Inside the package (a gitignored folder), so '@tapline/sftp' resolves to itself.
  const dir = join(packageDir, '.tapline');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `readme-example-${process.pid}.mjs`);
  writeFileSync(file, example!);
  try {
    const output = execFileSync(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
      cwd: packageDir,
      encoding: 'utf8',
    });
    expect(output.trim()).toBe(promised);
  } finally {
    rmSync(file, { force: true });
  }
});
