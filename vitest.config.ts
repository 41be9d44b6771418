import { defineConfig } from 'vitest/config';

// Tests run against each package's `src/` through the `source` export condition,
// so no build is needed before `pnpm test`. No 'module' condition: it selects
// bundler-only builds (the AWS SDK's dist-es has extensionless imports Node cannot load).
export default defineConfig({
  resolve: { conditions: ['source', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['source', 'node', 'import', 'default'] } },
  test: {
    include: [
      'test/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
