// The target side: connect, upgrade to TLS (verified), log in with the
// target's own credentials. The client never sees any of it.

import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import {
  cachingSha2Scramble,
  clientEd25519Response,
  nativePasswordScramble,
  rsaEncryptPassword,
} from './auth.js';
import { MySqlErrorCode, type MySqlErrorCodeName, mysqlError } from './errors.js';
import { PacketReaderStream, writePacket } from './io.js';
import {
  Capability,
  decodeAuthSwitchRequest,
  decodeErr,
  decodeHandshakeV10,
  decodeOk,
  encodeHandshakeResponse41,
  encodeSslRequest,
  type HandshakeV10,
} from './protocol.js';
import type { MySqlTarget } from './types.js';

export interface TargetLogin {
  socket: Socket | TLSSocket;
  greeting: HandshakeV10;
  /** Capabilities in force on the target connection. */
  capabilities: number;
  tls: boolean;
  statusFlags: number;
}

export interface TargetLoginRequest {
  target: MySqlTarget;
  /** What the client negotiated with the proxy (the target gets the same, minus SSL/attributes bookkeeping). */
  clientCapabilities: number;
  characterSet: number;
  maxPacketSize: number;
  database?: string;
  attributes?: Record<string, string>;
  timeoutMs: number;
  maxPacketBytes: number;
}

/** Capabilities whose presence changes the packet formats: the target must grant all the client got. */
export const FORMAT_CAPABILITIES: number =
  Capability.PROTOCOL_41 |
  Capability.DEPRECATE_EOF |
  Capability.SESSION_TRACK |
  Capability.MULTI_RESULTS |
  Capability.PS_MULTI_RESULTS |
  Capability.MULTI_STATEMENTS |
  Capability.SECURE_CONNECTION;

function fail(
  code: MySqlErrorCodeName,
  message: string,
  details?: Record<string, unknown>,
  cause?: unknown,
): never {
  throw mysqlError(code, message, details, cause);
}

export async function loginToTarget(request: TargetLoginRequest): Promise<TargetLogin> {
  const { target } = request;
  const port = target.port ?? 3306;
  const address = `${target.host}:${port}`;
  let socket: Socket | TLSSocket = connectTcp({ host: target.host, port });
  socket.setNoDelay(true);
  const timer = setTimeout(() => {
    socket.destroy(
      mysqlError(
        MySqlErrorCode.TARGET_UNREACHABLE,
        `the target ${address} did not log in within ${request.timeoutMs} ms`,
      ),
    );
  }, request.timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    }).catch((error: Error) =>
      fail(
        MySqlErrorCode.TARGET_UNREACHABLE,
        `cannot reach the target ${address}: ${error.message}`,
        { target: address },
        error,
      ),
    );
    let reader = new PacketReaderStream('the target', request.maxPacketBytes);
    reader.attach(socket);
    const first = await reader.read();
    if (first.payload[0] === 0xff) {
      const err = decodeErr(first.payload);
      fail(
        MySqlErrorCode.TARGET_UNREACHABLE,
        `the target ${address} refused the connection: ${err.code} ${err.message}`,
        {
          target: address,
          errorCode: err.code,
        },
      );
    }
    const greeting = decodeHandshakeV10(first.payload);
    const serverCapabilities = greeting.capabilities;
    const missing = request.clientCapabilities & FORMAT_CAPABILITIES & ~serverCapabilities;
    if (missing !== 0 || !(serverCapabilities & Capability.PLUGIN_AUTH)) {
      fail(
        MySqlErrorCode.TARGET_UNSUPPORTED,
        `the target ${address} (${greeting.serverVersion}) lacks capabilities the client uses (0x${missing.toString(16)})`,
        {
          target: address,
          missing,
        },
      );
    }
    // TLS is required unless the grant opts out with `tls: false`: a target
    // that does not offer it (or a stripped SSL flag) ends the login here
    // instead of sending the credentials and every statement in clear.
    const useTls = target.tls !== false;
    if (useTls && (serverCapabilities & Capability.SSL) === 0) {
      fail(
        MySqlErrorCode.TARGET_TLS,
        `the target ${address} does not offer TLS (set target.tls to false to allow plaintext)`,
        { target: address, tlsOffered: false },
      );
    }
    let capabilities =
      ((request.clientCapabilities &
        serverCapabilities &
        ~(Capability.SSL | Capability.COMPRESS | Capability.CONNECT_WITH_DB | Capability.CONNECT_ATTRS)) |
        Capability.PROTOCOL_41 |
        Capability.SECURE_CONNECTION |
        Capability.PLUGIN_AUTH |
        Capability.LONG_PASSWORD) >>>
      0;
    capabilities =
      (capabilities &
        ~(
          Capability.QUERY_ATTRIBUTES |
          Capability.OPTIONAL_RESULTSET_METADATA |
          Capability.MULTI_FACTOR_AUTHENTICATION |
          Capability.ZSTD_COMPRESSION |
          Capability.SSL_VERIFY_SERVER_CERT |
          Capability.REMEMBER_OPTIONS |
          Capability.CAPABILITY_EXTENSION
        )) >>>
      0;
    if (serverCapabilities & Capability.CONNECT_ATTRS) capabilities |= Capability.CONNECT_ATTRS;
    const database = target.database ?? request.database;
    if (database !== undefined && database !== '') capabilities |= Capability.CONNECT_WITH_DB;
    if (!(serverCapabilities & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA))
      capabilities &= ~Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA;
    capabilities >>>= 0;
    let sequenceId = first.lastSequenceId;
    if (useTls) {
      capabilities = (capabilities | Capability.SSL) >>> 0;
      writePacket(
        socket,
        encodeSslRequest({
          capabilities,
          maxPacketSize: request.maxPacketSize,
          characterSet: request.characterSet,
        }),
        ++sequenceId,
      );
      reader.detach();
      const options = typeof target.tls === 'object' ? target.tls : {};
      const tlsSocket = connectTls({
        socket,
        servername: options.servername ?? (/^[\d.]+$|:/.test(target.host) ? undefined : target.host),
        ca: options.ca,
        cert: options.cert,
        key: options.key,
        rejectUnauthorized: options.rejectUnauthorized ?? true,
      });
      await new Promise<void>((resolve, reject) => {
        tlsSocket.once('secureConnect', resolve);
        tlsSocket.once('error', reject);
      }).catch((error: Error) =>
        fail(
          MySqlErrorCode.TARGET_TLS,
          `TLS to the target ${address} failed: ${error.message}`,
          { target: address },
          error,
        ),
      );
      socket = tlsSocket;
      socket.setNoDelay(true);
      reader = new PacketReaderStream('the target', request.maxPacketBytes);
      reader.attach(socket);
    }
    const nonce = greeting.authPluginData;
    const plugin = greeting.authPluginName || 'mysql_native_password';
    writePacket(
      socket,
      encodeHandshakeResponse41({
        capabilities,
        maxPacketSize: request.maxPacketSize,
        characterSet: request.characterSet,
        user: target.user,
        authResponse: authResponseFor(plugin, target.password, nonce, useTls),
        database: database ?? '',
        authPluginName: plugin,
        attributes: request.attributes ?? {},
      }),
      ++sequenceId,
    );
    let currentNonce = nonce;
    for (;;) {
      const packet = await reader.read();
      sequenceId = packet.lastSequenceId;
      const payload = packet.payload;
      const header = payload[0];
      if (header === 0x00) {
        reader.detach();
        const ok = decodeOk(payload, capabilities);
        return { socket, greeting, capabilities, tls: useTls, statusFlags: ok.statusFlags };
      }
      if (header === 0xff) {
        const err = decodeErr(payload);
        fail(
          MySqlErrorCode.TARGET_AUTH_FAILED,
          `the target ${address} refused the target credentials: ${err.code} ${err.message}`,
          {
            target: address,
            errorCode: err.code,
          },
        );
      }
      if (header === 0xfe) {
        const request = decodeAuthSwitchRequest(payload);
        // decodeAuthSwitchRequest drops a trailing NUL (native and caching_sha2
        // send 20 bytes + NUL); client_ed25519's 32 random bytes have none, and
        // may end in a 0 byte that is part of the scramble.
        currentNonce =
          request.pluginName === 'client_ed25519'
            ? payload.subarray(payload.indexOf(0, 1) + 1)
            : request.pluginData;
        if (request.pluginName === 'mysql_clear_password' && !useTls) {
          fail(
            MySqlErrorCode.TARGET_AUTH_FAILED,
            `the target ${address} asks for a cleartext password without TLS; refused`,
            { target: address },
          );
        }
        const response = authResponseFor(request.pluginName, target.password, currentNonce, useTls);
        writePacket(socket, response, ++sequenceId);
        continue;
      }
      if (header === 0x01) {
        // caching_sha2_password: 0x03 fast auth done (OK follows), 0x04 full authentication.
        const status = payload[1];
        if (status === 0x03) continue;
        if (status === 0x04) {
          if (useTls) {
            writePacket(
              socket,
              Buffer.concat([Buffer.from(target.password, 'utf8'), Buffer.of(0)]),
              ++sequenceId,
            );
          } else {
            writePacket(socket, Buffer.of(0x02), ++sequenceId);
            const keyPacket = await reader.read();
            sequenceId = keyPacket.lastSequenceId;
            const pem = keyPacket.payload.subarray(1).toString('utf8');
            writePacket(socket, rsaEncryptPassword(target.password, currentNonce, pem), ++sequenceId);
          }
          continue;
        }
        fail(
          MySqlErrorCode.TARGET_AUTH_FAILED,
          `the target ${address} sent an authentication step the proxy does not know`,
          { target: address },
        );
      }
      fail(
        MySqlErrorCode.PROTOCOL,
        `the target ${address} sent an unexpected packet during login (0x${(header ?? 0).toString(16)})`,
        { target: address },
      );
    }
  } catch (error) {
    socket.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function authResponseFor(plugin: string, password: string, nonce: Buffer, tls: boolean): Buffer {
  switch (plugin) {
    case 'mysql_native_password':
      return nativePasswordScramble(password, nonce);
    case 'caching_sha2_password':
      return cachingSha2Scramble(password, nonce);
    case 'mysql_clear_password':
      return tls ? Buffer.concat([Buffer.from(password, 'utf8'), Buffer.of(0)]) : Buffer.alloc(0);
    case 'client_ed25519':
      return clientEd25519Response(password, nonce.subarray(0, 32));
    default:
      // Unknown plugins (sha256_password, dialog, ...): an empty response; the server switches or refuses.
      return Buffer.alloc(0);
  }
}
