// The example connector: a PostgreSQL it starts itself, the Tapline proxy in
// front of it, recordings in a directory, and one one-time token a user types
// as the password.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder, type Recorder } from '@tapline/core';
import { createPostgresProxy, type PostgresProxy, type PostgresProxyEvent } from '@tapline/postgres';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres.js';

export interface Connector {
  port: number;
  token: string;
  /** Where the recordings go. */
  directory: string;
  /** A psql command line that logs in through the proxy. */
  psqlCommand: string;
  /** The libpq connection string of that command. */
  dsn: string;
  /** The CA that signed the proxy's certificate (PEM file), for clients that verify it. */
  caPath: string;
  recorder: Recorder;
  proxy: PostgresProxy;
  close(): Promise<void>;
}

export async function startConnector(
  options: { port?: number; directory?: string; onEvent?: (event: PostgresProxyEvent) => void } = {},
): Promise<Connector> {
  const database: EmbeddedPostgres = await startEmbeddedPostgres();
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'tapline-postgres-connector-'));
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const recorder = createRecorder({
    spool: { directory: join(directory, 'spool') },
    sinks: [createFileSink({ directory: join(directory, 'recordings') })],
  });
  const token = randomBytes(12).toString('base64url');
  const proxy = createPostgresProxy({
    // The demo reuses the database's certificate for the proxy's front.
    tls: { cert: database.cert, key: database.key },
    recorder,
    authorize: ({ user, password }) =>
      password !== token
        ? null
        : {
            context: {
              user: { id: user },
              accessRequestId: 'demo-request',
              resource: { id: 'demo-postgres', type: 'postgres', name: 'embedded PostgreSQL' },
              expiresAt: Date.now() + 60 * 60 * 1000,
            },
            target: {
              host: '127.0.0.1',
              port: database.port,
              user: database.user,
              password: database.password, // never reaches the user
              tls: { ca: database.ca, servername: 'localhost' },
            },
          },
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  const { port } = await proxy.listen(options.port ?? 0);
  const caPath = join(directory, 'ca.pem');
  writeFileSync(caPath, database.ca);
  const dsn = `host=localhost port=${port} user=demo dbname=postgres sslmode=verify-full sslrootcert=${caPath}`;
  return {
    port,
    token,
    directory,
    dsn,
    caPath,
    psqlCommand: `PGPASSWORD=${token} psql "${dsn}"`,
    recorder,
    proxy,
    async close() {
      await proxy.close();
      await recorder.close();
      database.stop();
    },
  };
}
