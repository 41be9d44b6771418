// `node bin/connector.mjs`: runs the connector until Ctrl-C.
import { startConnector } from './connector.js';

const connector = await startConnector({ port: Number(process.env.TAPLINE_PORT ?? 0) });
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
