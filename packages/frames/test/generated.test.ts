import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const packageRoot = join(import.meta.dirname, '..');

describe('generated code', () => {
  it('is exactly what protobufjs-cli generates from the .proto (never edited by hand)', () => {
    const out = mkdtempSync(join(tmpdir(), 'tapline-gen-'));
    try {
      execFileSync(process.execPath, [join(packageRoot, 'scripts', 'generate.mjs'), out], { stdio: 'pipe' });
      for (const file of ['frame.js', 'frame.d.ts']) {
        const committed = readFileSync(join(packageRoot, 'src', 'generated', file), 'utf8');
        expect(
          readFileSync(join(out, file), 'utf8') === committed,
          `${file} differs from a fresh generation`,
        ).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
