// The TypeScript blocks of the guides compile as written: each block with a
// file name (```ts title="my-store.ts"```) in docs/*.md is written out inside
// the custom-sink example (where @tapline/core and @tapline/testing resolve)
// and type-checked with the workspace's strict settings. getting-started.md's
// blocks are run for real by getting-started.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const docs = join(root, 'docs');

const guides = readdirSync(docs)
  .filter((name) => name.endsWith('.md'))
  .map((name) => ({
    name,
    blocks: [...readFileSync(join(docs, name), 'utf8').matchAll(/```ts title="([^"]+)"\n([\s\S]*?)```/g)].map(
      (match) => ({ file: match[1]!, code: match[2]! }),
    ),
  }))
  .filter((guide) => guide.blocks.length > 0);

describe('guide snippets', () => {
  it('writing-a-sink.md has named blocks to check', () => {
    expect(guides.map((guide) => guide.name)).toContain('writing-a-sink.md');
  });

  for (const guide of guides) {
    it(`${guide.name}: ${guide.blocks.map((block) => block.file).join(', ')} type-check`, () => {
      const directory = mkdtempSync(join(root, 'examples/custom-sink/.guide-'));
      try {
        for (const block of guide.blocks) writeFileSync(join(directory, block.file), block.code);
        writeFileSync(
          join(directory, 'tsconfig.json'),
          JSON.stringify({
            extends: '../../../tsconfig.base.json',
            compilerOptions: { noEmit: true, isolatedDeclarations: false },
            include: ['*.ts'],
          }),
        );
        let output = '';
        try {
          execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', directory], {
            encoding: 'utf8',
          });
        } catch (error) {
          output = String((error as { stdout?: string }).stdout ?? error);
        }
        expect(output).toBe('');
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    }, 60_000);
  }
});
