import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return name === 'generated' ? [] : sourceFiles(path);
    return /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

describe('docs/errors.md', () => {
  it('lists every error code the packages raise', () => {
    const documented = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
    const used = new Set<string>();
    for (const name of readdirSync(join(root, 'packages'))) {
      const src = join(root, 'packages', name, 'src');
      try {
        statSync(src);
      } catch {
        continue;
      }
      for (const file of sourceFiles(src)) {
        for (const match of readFileSync(file, 'utf8').matchAll(/'(TAPLINE_ERR_[A-Z0-9_]+)'/g))
          used.add(match[1]!);
      }
    }
    expect(used.size).toBeGreaterThan(30);
    const expand = (code: string) => {
      // `TAPLINE_ERR_SINK_OPEN` / `_WRITE` rows document a family of codes.
      const family = /`(TAPLINE_ERR_[A-Z_]+?)_[A-Z]+` \/ ((?:`_[A-Z]+` ?\/? ?)+)/g;
      for (const row of documented.matchAll(family)) {
        const suffixes = row[2]!.match(/_[A-Z]+/g) ?? [];
        if (suffixes.some((suffix) => `${row[1]}${suffix}` === code)) return true;
      }
      return false;
    };
    const missing = [...used].filter((code) => !documented.includes(`\`${code}\``) && !expand(code));
    expect(missing).toEqual([]);
  });
});
