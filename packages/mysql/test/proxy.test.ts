import { writeFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePacket } from '../src/packets.js';
import { Capability, encodeHandshakeResponse41, encodeSslRequest } from '../src/protocol.js';
import { endOf, mariadbClient, type ProxyFixture, queriesOf, startProxy, TOKEN } from './helpers/fixture.js';
import { type MariaDb, startMariaDb } from './helpers/mariadb.js';

let db: MariaDb;
let fixture: ProxyFixture;

beforeAll(async () => {
  db = await startMariaDb();
  fixture = await startProxy(() => ({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    tls: { ca: db.certificates.ca },
  }));
});

afterAll(async () => {
  await fixture?.close();
  await db?.stop();
});

describe('the mariadb client through the proxy', () => {
  it('runs a batch with -e and records each statement', async () => {
    const result = await mariadbClient(
      fixture.port,
      [
        'shop',
        '-e',
        "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(20)); INSERT INTO t (name) VALUES ('a'), ('b'); SELECT * FROM t ORDER BY id",
      ],
      {
        ca: fixture.proxyCertificates.caPath,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('id\tname\n1\ta\n2\tb\n');
    const recordings = await fixture.recordingsJson();
    expect(recordings).toHaveLength(1);
    const [recording] = recordings;
    expect(recording!.intact).toBe(true);
    const queries = queriesOf(recording!.frames);
    expect(queries.map((query) => [query.text, query.rows])).toEqual([
      ['CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(20))', 0],
      ["INSERT INTO t (name) VALUES ('a'), ('b')", 2],
      ['SELECT * FROM t ORDER BY id', 2],
    ]);
    expect(queries[1]).toMatchObject({ lastInsertId: 1, mode: 'text', kind: 'query', database: 'shop' });
    expect(endOf(recording!.frames)).toMatchObject({ reason: 'END_REASON_CLIENT_CLOSED' });
  });

  it('with localInfile on, LOAD DATA LOCAL INFILE goes through and its bytes are counted', async () => {
    const local = await startProxy(
      () => ({
        host: db.host,
        port: db.port,
        user: db.user,
        password: db.password,
        tls: { ca: db.certificates.ca },
      }),
      {
        localInfile: true,
      },
    );
    try {
      const file = join(local.recordings, '..', 'rows.csv');
      writeFileSync(file, '10,x\n11,y\n12,z\n');
      const result = await mariadbClient(local.port, [
        '--local-infile=1',
        `--ssl-ca=${local.proxyCertificates.caPath}`,
        'shop',
        '-e',
        `LOAD DATA LOCAL INFILE '${file}' INTO TABLE t FIELDS TERMINATED BY ','`,
      ]);
      expect(result.stderr).toBe('');
      expect(db.sql('SELECT COUNT(*) FROM shop.t WHERE id >= 10').trim()).toBe('3');
      const [recording] = await local.recordingsJson();
      expect(queriesOf(recording!.frames)).toContainEqual(
        expect.objectContaining({ kind: 'load_data', rows: 3, copyBytes: 15 }),
      );
    } finally {
      await local.close();
    }
  });
});

/** The next whole packet's payload from a raw socket (length and sequence id stripped). */
function nextPayload(socket: Socket | Duplex, buffered: { bytes: Buffer }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const take = (): boolean => {
      const bytes = buffered.bytes;
      if (bytes.length < 4) return false;
      const length = bytes.readUIntLE(0, 3);
      if (bytes.length < 4 + length) return false;
      buffered.bytes = bytes.subarray(4 + length);
      socket.off('data', onData);
      socket.off('error', reject);
      resolve(bytes.subarray(4, 4 + length));
      return true;
    };
    const onData = (chunk: Buffer): void => {
      buffered.bytes = Buffer.concat([buffered.bytes, chunk]);
      take();
    };
    if (take()) return;
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

describe('TLS upgrade', () => {
  it('a client whose SSLRequest and ClientHello reach the proxy in one write logs in over TLS', async () => {
    const raw = netConnect({ host: '127.0.0.1', port: fixture.port });
    const fromProxy = { bytes: Buffer.alloc(0) };
    await nextPayload(raw, fromProxy); // HandshakeV10
    raw.pause();
    const capabilities =
      Capability.PROTOCOL_41 | Capability.SSL | Capability.SECURE_CONNECTION | Capability.PLUGIN_AUTH;
    const sslRequest = encodePacket(
      encodeSslRequest({ capabilities, maxPacketSize: 1 << 24, characterSet: 45 }),
      1,
    );
    // The TLS client writes through this shim: its first flight goes out glued to the SSLRequest.
    let first = true;
    const wire = new Duplex({
      read() {
        raw.resume();
      },
      write(chunk: Buffer, _encoding, callback) {
        raw.write(first ? Buffer.concat([sslRequest, chunk]) : chunk, callback);
        first = false;
      },
      destroy(error, callback) {
        raw.destroy();
        callback(error);
      },
    });
    raw.on('data', (chunk: Buffer) => wire.push(chunk));
    raw.on('end', () => wire.push(null));
    const secure = tlsConnect({ socket: wire, ca: fixture.proxyCertificates.ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    expect(first).toBe(false);
    secure.write(
      encodePacket(
        encodeHandshakeResponse41({
          capabilities,
          maxPacketSize: 1 << 24,
          characterSet: 45,
          user: 'alice',
          authResponse: Buffer.from(`${TOKEN}\0`),
          database: '',
          authPluginName: 'mysql_clear_password',
          attributes: {},
        }),
        2,
      ),
    );
    const answer = await nextPayload(secure, { bytes: Buffer.alloc(0) });
    secure.destroy();
    // 0x00: OK, the login went through the proxy to the target.
    expect(answer[0]).toBe(0x00);
  });
});
