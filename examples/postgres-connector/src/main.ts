// `node bin/connector.mjs [--port N] [--dir DIR]`: runs the connector until Ctrl-C.
// `node bin/connector.mjs --demo [--dir DIR]`: one scripted psql session and one
// node-postgres session through it, their recordings verified and inspected, exit 0.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startConnector } from './connector.js';
import { DemoError, runDemo } from './demo.js';

const { values } = parseArgs({
  options: { port: { type: 'string' }, dir: { type: 'string' }, demo: { type: 'boolean', default: false } },
});
const directory = values.dir === undefined ? undefined : resolve(values.dir);

if (values.demo) {
  try {
    process.exitCode = await runDemo(directory === undefined ? {} : { directory });
  } catch (error) {
    process.stderr.write(
      `${error instanceof DemoError ? 'demo FAILED' : 'error'}: ${(error as Error).message}\n`,
    );
    process.exitCode = 1;
  }
} else {
  const connector = await startConnector({
    port: Number(values.port ?? process.env.TAPLINE_PORT ?? 0),
    ...(directory === undefined ? {} : { directory }),
  });
  console.log(
    `Tapline PostgreSQL connector on 127.0.0.1:${connector.port}; recordings in ${connector.directory}/recordings`,
  );
  console.log(`Connect with:\n  ${connector.psqlCommand}`);
  const stop = async (): Promise<void> => {
    await connector.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
