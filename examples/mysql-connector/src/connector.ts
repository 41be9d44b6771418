// The example MySQL connector on embedded defaults: the Tapline MySQL proxy,
// file recordings, JSONL metadata, one-time tokens and its own MariaDB.

import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createFileSink, createJsonlMetadataEmitter, createRecorder, type Recorder } from '@tapline/core';
import { createMySqlProxy, type MySqlProxy, type MySqlProxyEvent } from '@tapline/mysql';
import { certificate, type EmbeddedMariaDb, startEmbeddedMariaDb } from './mariadb.js';

export interface ConnectorOptions {
  /** Recordings, metadata, spool, certificates and the embedded MariaDB live here. */
  directory: string;
  /** @default 0 (a free port) */
  port?: number;
  /** How long a grant lasts from login. @default 3600000 */
  ttlMs?: number;
  /** Let clients run LOAD DATA LOCAL INFILE (recorded with its byte count); refused with a clear error otherwise. @default false */
  localInfile?: boolean;
  onEvent?: (event: MySqlProxyEvent) => void;
}

export interface Connector {
  address: AddressInfo;
  recordingsDirectory: string;
  /** The token to type as the password; it stays valid until the grant it opens expires (Ctrl-C reconnects with it). */
  token: string;
  /** A `mariadb` command line that connects through the proxy. */
  clientCommand(): string;
  proxyCaPath: string;
  recorder: Recorder;
  proxy: MySqlProxy;
  close(): Promise<void>;
}

export async function startConnector(options: ConnectorOptions): Promise<Connector> {
  const state = join(options.directory, '.tapline');
  const recordingsDirectory = join(options.directory, 'recordings');
  const mariadb: EmbeddedMariaDb = await startEmbeddedMariaDb(join(state, 'mariadb'));
  const proxyTls = certificate(join(state, 'tls'), 'proxy');
  const recorder = createRecorder({
    spool: { directory: join(state, 'spool') },
    sinks: [createFileSink({ directory: recordingsDirectory })],
    metadata: createJsonlMetadataEmitter({ path: join(recordingsDirectory, 'events.jsonl') }),
  });
  await recorder.recover();
  const token = randomBytes(12).toString('base64url');
  const ttlMs = options.ttlMs ?? 3_600_000;
  /** A grant per first login with the token; later connections with it (Ctrl-C) join the same grant until it expires. */
  let grant: { accessRequestId: string; expiresAt: number } | undefined;
  const proxy = createMySqlProxy({
    tls: { key: proxyTls.key, cert: proxyTls.cert },
    recorder,
    authorize: ({ user, password, scramble }) => {
      if (password !== token && scramble?.matches(token) !== true) return null;
      if (grant !== undefined && Date.now() >= grant.expiresAt) return null;
      grant ??= { accessRequestId: `ar-${randomUUID()}`, expiresAt: Date.now() + ttlMs };
      return {
        context: {
          user: { id: user, name: user },
          approvers: [{ id: 'grace', name: 'Grace Hopper (demo approver)' }],
          accessFlow: { id: 'demo', name: 'Demo: just-in-time database access' },
          accessRequestId: grant.accessRequestId,
          resource: { id: 'demo-mariadb', type: 'mysql_database', name: 'embedded MariaDB' },
          expiresAt: grant.expiresAt,
        },
        target: {
          host: mariadb.host,
          port: mariadb.port,
          user: mariadb.user,
          password: mariadb.password,
          tls: { ca: mariadb.ca },
        },
      };
    },
    localInfile: options.localInfile ?? false,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  const address = await proxy.listen(options.port ?? 0, '127.0.0.1');
  return {
    address,
    recordingsDirectory,
    token,
    proxy,
    recorder,
    proxyCaPath: proxyTls.caPath,
    clientCommand: () =>
      `mariadb -h 127.0.0.1 -P ${address.port} -u alice --ssl --ssl-ca=${proxyTls.caPath} -p demo`,
    async close() {
      await proxy.close();
      await recorder.close();
      await mariadb.stop();
    },
  };
}
