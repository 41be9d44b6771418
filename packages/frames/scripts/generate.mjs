// Regenerates src/generated/ from proto/ with protobufjs-cli. The output is
// deterministic: the same .proto files always give the same bytes, which a
// test checks, so generated code is never edited by hand.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = process.argv[2] ?? join(packageRoot, 'src', 'generated');
mkdirSync(outDir, { recursive: true });
const bin = (name) => join(packageRoot, 'node_modules', '.bin', name);
const js = join(outDir, 'frame.js');
const dts = join(outDir, 'frame.d.ts');

execFileSync(
  bin('pbjs'),
  [
    '-t',
    'static-module',
    '-w',
    'es6',
    '--es6',
    '--force-number',
    '--no-create',
    '--no-verify',
    '--no-delimited',
    '--no-typeurl',
    '--no-service',
    '-o',
    js,
    join(packageRoot, 'proto', 'tapline', 'v1', 'frame.proto'),
  ],
  { stdio: 'inherit' },
);
// protobufjs emits `import * as $protobuf from "protobufjs/minimal"`, which Node's
// ESM resolver cannot load without the extension.
writeFileSync(js, readFileSync(js, 'utf8').replace('"protobufjs/minimal"', '"protobufjs/minimal.js"'));
execFileSync(bin('pbts'), ['--no-comments', '-o', dts, js], { stdio: 'inherit' });
writeFileSync(dts, readFileSync(dts, 'utf8').replace('"protobufjs"', '"protobufjs/minimal.js"'));
