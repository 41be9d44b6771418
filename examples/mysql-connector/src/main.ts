// `node bin/connector.mjs [--port N] [--dir DIR]`: runs the connector until Ctrl-C.
// `node bin/connector.mjs --demo [--dir DIR]`: one scripted mariadb session and one
// mysql2 session through it, their recordings verified and inspected, exit 0.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startConnector } from './connector.js';
import { DemoError, runDemo } from './demo.js';

const { values } = parseArgs({
  options: { port: { type: 'string' }, dir: { type: 'string' }, demo: { type: 'boolean', default: false } },
});

if (values.demo) {
  try {
    process.exitCode = await runDemo(values.dir === undefined ? {} : { directory: resolve(values.dir) });
  } catch (error) {
    process.stderr.write(
      `${error instanceof DemoError ? 'demo FAILED' : 'error'}: ${(error as Error).message}\n`,
    );
    process.exitCode = 1;
  }
} else {
  const connector = await startConnector({
    directory: resolve(values.dir ?? '.'),
    port: Number(values.port ?? 0),
    onEvent: (event) => {
      if (
        event.type === 'session_started' ||
        event.type === 'session_ended' ||
        event.type === 'auth_failed'
      ) {
        process.stdout.write(
          `${new Date().toISOString().slice(11, 19)} ${event.type} ${'sessionId' in event ? event.sessionId : ''}\n`,
        );
      }
    },
  });
  process.stdout.write(
    `Tapline example MySQL connector: every session through it is recorded.\n  recordings  ${connector.recordingsDirectory}\n\nConnect from another terminal (the password is the token):\n  ${connector.clientCommand()}\n  token: ${connector.token}\n\nCtrl-C stops the connector.\n`,
  );
  const stop = async (): Promise<void> => {
    await connector.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
