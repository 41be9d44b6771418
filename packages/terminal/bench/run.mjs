// Runs a TypeScript bench script through Vite's SSR module loader (Node 20
// cannot strip types), resolving workspace packages to their `src/`.
//   node packages/terminal/bench/run.mjs packages/terminal/bench/extract.bench.ts
import { resolve } from 'node:path';
import { createServer } from 'vite';

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: node bench/run.mjs <script.ts>');
  process.exit(2);
}
const conditions = ['source', 'module', 'node', 'import', 'default'];
const server = await createServer({
  configFile: false,
  logLevel: 'error',
  appType: 'custom',
  server: { middlewareMode: true, hmr: false, watch: null },
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  optimizeDeps: { noDiscovery: true, include: [] },
});
try {
  await server.ssrLoadModule(resolve(file));
} finally {
  await server.close();
}
