// The proxy's login to the target against a scripted fake server speaking
// the real wire protocol: the caching_sha2_password paths MariaDB has no
// server side for (fast auth, full auth over TLS, full auth with the RSA
// key over plain TCP, a refused password), and client_ed25519's scramble.

import {
  constants,
  createHash,
  createPublicKey,
  generateKeyPairSync,
  privateDecrypt,
  randomBytes,
  verify,
} from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MySqlErrorCode } from '../src/errors.js';
import { Capability, decodeHandshakeResponse41 } from '../src/protocol.js';
import { loginToTarget } from '../src/target.js';
import type { MySqlTarget } from '../src/types.js';
import { mariadbClient, startProxy } from './helpers/fixture.js';
import { type Certificates, makeCertificates } from './helpers/mariadb.js';

const PASSWORD = 'target-secret-Pw1';

const SERVER_CAPABILITIES =
  Capability.LONG_PASSWORD |
  Capability.FOUND_ROWS |
  Capability.LONG_FLAG |
  Capability.CONNECT_WITH_DB |
  Capability.PROTOCOL_41 |
  Capability.TRANSACTIONS |
  Capability.SECURE_CONNECTION |
  Capability.MULTI_STATEMENTS |
  Capability.MULTI_RESULTS |
  Capability.PS_MULTI_RESULTS |
  Capability.PLUGIN_AUTH |
  Capability.CONNECT_ATTRS |
  Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA |
  Capability.SESSION_TRACK |
  Capability.DEPRECATE_EOF;

const CLIENT_CAPABILITIES =
  Capability.LONG_PASSWORD |
  Capability.PROTOCOL_41 |
  Capability.TRANSACTIONS |
  Capability.SECURE_CONNECTION |
  Capability.MULTI_STATEMENTS |
  Capability.MULTI_RESULTS |
  Capability.PS_MULTI_RESULTS |
  Capability.PLUGIN_AUTH |
  Capability.SESSION_TRACK |
  Capability.DEPRECATE_EOF;

const sha256 = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();

/** XOR(SHA256(pw), SHA256(SHA256(SHA256(pw)) ‖ nonce)), from the definition. */
function expectedCachingSha2(password: string, nonce: Buffer): Buffer {
  const stage1 = sha256(Buffer.from(password, 'utf8'));
  const mask = sha256(sha256(stage1), nonce);
  return Buffer.from(stage1.map((byte, index) => byte ^ mask[index]!));
}

/** Reads whole packets (3-byte length, sequence id) off a socket that may be replaced by TLS. */
class Wire {
  #buffered = Buffer.alloc(0);
  #waiting: (() => void) | undefined;
  sequenceId = 0;
  socket: Socket;

  constructor(socket: Socket) {
    this.socket = socket;
    this.#listen(socket);
  }

  #listen(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.#buffered = Buffer.concat([this.#buffered, chunk]);
      this.#waiting?.();
    });
    socket.on('error', () => {});
  }

  async read(): Promise<Buffer> {
    for (;;) {
      if (this.#buffered.length >= 4) {
        const length = this.#buffered.readUIntLE(0, 3);
        if (this.#buffered.length >= 4 + length) {
          this.sequenceId = this.#buffered[3]!;
          const payload = this.#buffered.subarray(4, 4 + length);
          this.#buffered = this.#buffered.subarray(4 + length);
          return payload;
        }
      }
      await new Promise<void>((resolve) => {
        this.#waiting = resolve;
      });
    }
  }

  write(payload: Buffer): void {
    const header = Buffer.alloc(4);
    header.writeUIntLE(payload.length, 0, 3);
    header[3] = ++this.sequenceId & 0xff;
    this.socket.write(Buffer.concat([header, payload]));
  }

  async upgrade(certificates: Certificates): Promise<void> {
    this.socket.pause();
    this.socket.removeAllListeners('data');
    // The ClientHello may have come in the same read as the SSLRequest: hand it back.
    if (this.#buffered.length > 0) this.socket.unshift(this.#buffered);
    this.#buffered = Buffer.alloc(0);
    const secure = new TLSSocket(this.socket, {
      isServer: true,
      key: certificates.key,
      cert: certificates.cert,
    });
    this.#listen(secure);
    this.socket = secure;
    await new Promise<void>((resolve) => secure.once('secure', resolve));
  }
}

/** Protocol::HandshakeV10, written out field by field. */
function handshakeV10(nonce: Buffer, plugin: string, tls: boolean): Buffer {
  const capabilities = (SERVER_CAPABILITIES | (tls ? Capability.SSL : 0)) >>> 0;
  const fixed = Buffer.alloc(4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10);
  let offset = fixed.writeUInt32LE(4242, 0); // connection id
  offset += nonce.copy(fixed, offset, 0, 8); // auth-plugin-data-part-1
  offset = fixed.writeUInt8(0, offset); // filler
  offset = fixed.writeUInt16LE(capabilities & 0xffff, offset);
  offset = fixed.writeUInt8(45, offset); // utf8mb4_general_ci
  offset = fixed.writeUInt16LE(0x0002, offset); // SERVER_STATUS_AUTOCOMMIT
  offset = fixed.writeUInt16LE(capabilities >>> 16, offset);
  fixed.writeUInt8(nonce.length + 1, offset); // auth_plugin_data_len; 10 reserved zero bytes follow
  return Buffer.concat([
    Buffer.of(10),
    Buffer.from('8.0.36-fake\0'),
    fixed,
    nonce.subarray(8),
    Buffer.of(0),
    Buffer.from(`${plugin}\0`),
  ]);
}

const OK = Buffer.of(0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00);

function err(code: number, sqlState: string, message: string): Buffer {
  const head = Buffer.alloc(3);
  head[0] = 0xff;
  head.writeUInt16LE(code, 1);
  return Buffer.concat([head, Buffer.from(`#${sqlState}${message}`)]);
}

type Script = 'fast' | 'full';

interface FakeTarget {
  port: number;
  /** What each login went through, in order, as the server saw it. */
  steps: string[][];
  close(): Promise<void>;
}

/**
 * A MySQL 8-like server for one account: caching_sha2_password, `script`
 * deciding whether the scramble is enough (a cached entry: fast auth) or the
 * password must be sent (full auth: in clear over TLS, RSA-encrypted with the
 * server's public key otherwise).
 */
async function startFakeTarget(options: {
  script: Script;
  tls: boolean;
  certificates: Certificates;
}): Promise<FakeTarget> {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const steps: string[][] = [];
  const serve = async (socket: Socket): Promise<void> => {
    const log: string[] = [];
    steps.push(log);
    const wire = new Wire(socket);
    // 20 printable scramble bytes, as servers send them.
    const nonce = Buffer.from(randomBytes(20).map((byte) => 0x21 + (byte % 94)));
    wire.sequenceId = -1;
    wire.write(handshakeV10(nonce, 'caching_sha2_password', options.tls));
    let payload = await wire.read();
    if (payload.length === 32 && payload.readUInt32LE(0) & Capability.SSL) {
      log.push('ssl_request');
      await wire.upgrade(options.certificates);
      payload = await wire.read();
    }
    const response = decodeHandshakeResponse41(payload);
    log.push(`response:${response.authPluginName}`);
    const scrambleOk = response.authResponse.equals(expectedCachingSha2(PASSWORD, nonce));
    if (options.script === 'fast') {
      if (!scrambleOk) {
        log.push('err');
        wire.write(err(1045, '28000', `Access denied for user '${response.user}'@'127.0.0.1'`));
        return;
      }
      log.push('fast_auth_success');
      wire.write(Buffer.of(0x01, 0x03));
      wire.write(OK);
      log.push('ok');
      return;
    }
    log.push('perform_full_authentication');
    wire.write(Buffer.of(0x01, 0x04));
    let reply = await wire.read();
    let password: Buffer;
    if (socket !== wire.socket) {
      password = reply;
      log.push('password_over_tls');
    } else {
      if (!reply.equals(Buffer.of(0x02)))
        throw new Error(`expected a public key request, got ${reply.toString('hex')}`);
      log.push('public_key_request');
      wire.write(Buffer.concat([Buffer.of(0x01), Buffer.from(publicPem)]));
      reply = await wire.read();
      const decrypted = privateDecrypt(
        { key: keys.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING },
        reply,
      );
      password = Buffer.from(decrypted.map((byte, index) => byte ^ nonce[index % nonce.length]!));
      log.push('rsa_password');
    }
    if (password.equals(Buffer.from(`${PASSWORD}\0`))) {
      wire.write(OK);
      log.push('ok');
    } else {
      wire.write(err(1045, '28000', `Access denied for user '${response.user}'@'127.0.0.1'`));
      log.push('err');
    }
  };
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket).catch((error: Error) => {
      steps.at(-1)?.push(`failed:${error.message}`);
      socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    steps,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let directory: string;
let certificates: Certificates;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'tapline-mysql-target-auth-'));
  certificates = makeCertificates(directory, 'fake');
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

async function login(fake: FakeTarget, target: Partial<MySqlTarget>) {
  const login = await loginToTarget({
    target: { host: '127.0.0.1', port: fake.port, user: 'app', password: PASSWORD, ...target },
    clientCapabilities: CLIENT_CAPABILITIES,
    characterSet: 45,
    maxPacketSize: 16 * 1024 * 1024,
    timeoutMs: 10_000,
    maxPacketBytes: 16 * 1024 * 1024,
  });
  login.socket.destroy();
  return login;
}

describe('target login with caching_sha2_password (a scripted MySQL 8 server)', () => {
  it('fast auth: the scramble is accepted (0x01 0x03, then OK)', async () => {
    const fake = await startFakeTarget({ script: 'fast', tls: true, certificates });
    try {
      const result = await login(fake, { tls: { ca: certificates.ca } });
      expect(result.tls).toBe(true);
      expect(fake.steps).toEqual([
        ['ssl_request', 'response:caching_sha2_password', 'fast_auth_success', 'ok'],
      ]);
    } finally {
      await fake.close();
    }
  });

  it('full auth over TLS: the password is sent NUL-terminated (0x01 0x04)', async () => {
    const fake = await startFakeTarget({ script: 'full', tls: true, certificates });
    try {
      const result = await login(fake, { tls: { ca: certificates.ca } });
      expect(result.tls).toBe(true);
      expect(fake.steps).toEqual([
        [
          'ssl_request',
          'response:caching_sha2_password',
          'perform_full_authentication',
          'password_over_tls',
          'ok',
        ],
      ]);
    } finally {
      await fake.close();
    }
  });

  it('full auth over plain TCP (tls: false): asks for the public key, sends (password ‖ NUL) XOR scramble RSA-OAEP-encrypted', async () => {
    const fake = await startFakeTarget({ script: 'full', tls: false, certificates });
    try {
      const result = await login(fake, { tls: false });
      expect(result.tls).toBe(false);
      expect(fake.steps).toEqual([
        [
          'response:caching_sha2_password',
          'perform_full_authentication',
          'public_key_request',
          'rsa_password',
          'ok',
        ],
      ]);
    } finally {
      await fake.close();
    }
  });

  it('a wrong password: ERR 1045 from the target is TARGET_AUTH_FAILED (fast and RSA paths)', async () => {
    const fast = await startFakeTarget({ script: 'fast', tls: true, certificates });
    const full = await startFakeTarget({ script: 'full', tls: false, certificates });
    try {
      await expect(login(fast, { password: 'wrong', tls: { ca: certificates.ca } })).rejects.toMatchObject({
        code: MySqlErrorCode.TARGET_AUTH_FAILED,
        details: { errorCode: 1045 },
      });
      await expect(login(full, { password: 'wrong', tls: false })).rejects.toMatchObject({
        code: MySqlErrorCode.TARGET_AUTH_FAILED,
      });
      expect(fast.steps.at(-1)).toEqual(['ssl_request', 'response:caching_sha2_password', 'err']);
      expect(full.steps.at(-1)).toEqual([
        'response:caching_sha2_password',
        'perform_full_authentication',
        'public_key_request',
        'rsa_password',
        'err',
      ]);
    } finally {
      await fast.close();
      await full.close();
    }
  });

  it('through the proxy, a refused target password reaches the client as an ERR naming TARGET_AUTH_FAILED, never the password', async () => {
    const fake = await startFakeTarget({ script: 'full', tls: true, certificates });
    const fixture = await startProxy(() => ({
      host: '127.0.0.1',
      port: fake.port,
      user: 'app',
      password: 'not-the-password',
      tls: { ca: certificates.ca },
    }));
    try {
      const result = await mariadbClient(fixture.port, ['-e', 'SELECT 1'], {
        ca: fixture.proxyCertificates.caPath,
      });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(MySqlErrorCode.TARGET_AUTH_FAILED);
      expect(result.stderr).not.toContain('not-the-password');
      const failed = fixture.events.find((event) => event.type === 'session_failed');
      expect(failed).toMatchObject({ error: { code: MySqlErrorCode.TARGET_AUTH_FAILED } });
    } finally {
      await fixture.close();
      await fake.close();
    }
  });
});

describe('target login with client_ed25519 (a scripted MariaDB)', () => {
  it('signs the 32-byte scramble in full, even one ending in a 0 byte', async () => {
    const { ed25519PublicKey } = await import('../src/ed25519.js');
    const scramble = Buffer.concat([randomBytes(31), Buffer.of(0)]);
    let signature: Buffer | undefined;
    const server = createServer((socket) => {
      const wire = new Wire(socket);
      void (async () => {
        wire.sequenceId = -1;
        wire.write(handshakeV10(Buffer.from('abcdefghijklmnopqrst'), 'mysql_native_password', false));
        await wire.read();
        // AuthSwitchRequest: 0xfe, plugin name NUL, the plugin's data (32 bytes, no terminator).
        wire.write(Buffer.concat([Buffer.of(0xfe), Buffer.from('client_ed25519\0'), scramble]));
        signature = Buffer.from(await wire.read());
        wire.write(OK);
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      await login({ port, steps: [], close: async () => {} }, { password: 'secret', tls: false });
      const publicKey = createPublicKey({
        key: Buffer.concat([
          Buffer.from('302a300506032b6570032100', 'hex'),
          ed25519PublicKey(Buffer.from('secret')),
        ]),
        format: 'der',
        type: 'spki',
      });
      expect(signature).toHaveLength(64);
      expect(verify(null, scramble, publicKey, signature!)).toBe(true);
    } finally {
      server.close();
    }
  });
});
