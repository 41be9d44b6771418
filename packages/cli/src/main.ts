// The `tapline` executable's entry (bin/tapline.mjs loads it).
import { run } from './cli.js';

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
