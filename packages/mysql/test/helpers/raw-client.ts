// A bare MySQL protocol client for the commands no driver sends
// (COM_STMT_SEND_LONG_DATA, COM_STMT_RESET, COM_PROCESS_KILL): it logs in
// through the proxy over TLS with the token and exchanges whole packets.

import { connect as netConnect } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { encodePacket, PacketParser } from '../../src/packets.js';
import {
  Capability,
  decodeErr,
  decodeHandshakeV10,
  decodeStmtPrepareOk,
  type ErrPacket,
  encodeHandshakeResponse41,
  encodeSslRequest,
} from '../../src/protocol.js';
import { TOKEN } from './fixture.js';

export interface RawClient {
  /** The connection id the proxy's greeting gave. */
  connectionId: number;
  /** Sends one command (sequence id 0). */
  command(payload: Buffer): void;
  /** The next whole packet's payload. */
  next(): Promise<Buffer>;
  /** COM_STMT_PREPARE, reading the PREPARE_OK and its definitions; the statement id. */
  prepare(sql: string): Promise<number>;
  close(): Promise<void>;
}

/** The ERR packet in a payload, undefined for anything else. */
export function errOf(payload: Buffer): ErrPacket | undefined {
  return payload[0] === 0xff ? decodeErr(payload) : undefined;
}

/** `extraCapabilities`: flags to ask for besides the basic ones (e.g. Capability.DEPRECATE_EOF). */
export async function connectRaw(port: number, ca: string, extraCapabilities = 0): Promise<RawClient> {
  const raw = netConnect({ host: '127.0.0.1', port });
  const queue: Buffer[] = [];
  const waiting: Array<{ resolve(payload: Buffer): void; reject(error: Error): void }> = [];
  let failure: Error | undefined;
  const parser = new PacketParser();
  const onData = (chunk: Buffer): void => {
    parser.parse(chunk, (packet) => {
      const payload = Buffer.from(packet.payload);
      const waiter = waiting.shift();
      if (waiter !== undefined) waiter.resolve(payload);
      else queue.push(payload);
    });
  };
  const onEnd = (error?: Error): void => {
    failure = error ?? new Error('the proxy closed the connection');
    for (const waiter of waiting.splice(0)) waiter.reject(failure);
  };
  const next = (): Promise<Buffer> => {
    const payload = queue.shift();
    if (payload !== undefined) return Promise.resolve(payload);
    if (failure !== undefined) return Promise.reject(failure);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
  raw.on('data', onData);
  raw.once('error', onEnd);
  const greeting = decodeHandshakeV10(await next());
  raw.off('data', onData);
  const capabilities =
    Capability.PROTOCOL_41 |
    Capability.SSL |
    Capability.SECURE_CONNECTION |
    Capability.PLUGIN_AUTH |
    Capability.CONNECT_WITH_DB |
    Capability.TRANSACTIONS |
    extraCapabilities;
  raw.write(encodePacket(encodeSslRequest({ capabilities, maxPacketSize: 1 << 24, characterSet: 45 }), 1));
  const secure: TLSSocket = tlsConnect({ socket: raw, ca, servername: 'localhost' });
  await new Promise<void>((resolve, reject) => {
    secure.once('secureConnect', resolve);
    secure.once('error', reject);
  });
  secure.on('data', onData);
  secure.on('error', onEnd);
  secure.on('close', () => onEnd());
  secure.write(
    encodePacket(
      encodeHandshakeResponse41({
        capabilities,
        maxPacketSize: 1 << 24,
        characterSet: 45,
        user: 'alice',
        authResponse: Buffer.from(`${TOKEN}\0`),
        database: 'shop',
        authPluginName: 'mysql_clear_password',
        attributes: {},
      }),
      2,
    ),
  );
  const answer = await next();
  if (answer[0] !== 0x00)
    throw new Error(`login refused: ${errOf(answer)?.message ?? answer.toString('hex')}`);
  const command = (payload: Buffer): void => {
    secure.write(encodePacket(payload, 0));
  };
  return {
    connectionId: greeting.connectionId,
    command,
    next,
    async prepare(sql) {
      command(Buffer.concat([Buffer.of(0x16), Buffer.from(sql)]));
      const first = await next();
      const err = errOf(first);
      if (err !== undefined) throw new Error(`prepare failed: ${err.code} ${err.message}`);
      const ok = decodeStmtPrepareOk(first);
      // Without CLIENT_DEPRECATE_EOF each block of definitions ends with an EOF packet.
      const eof = (extraCapabilities & Capability.DEPRECATE_EOF) === 0 ? 1 : 0;
      const definitions =
        (ok.paramCount > 0 ? ok.paramCount + eof : 0) + (ok.columnCount > 0 ? ok.columnCount + eof : 0);
      for (let index = 0; index < definitions; index++) await next();
      return ok.statementId;
    },
    close() {
      return new Promise((resolve) => {
        if (secure.destroyed) return resolve();
        secure.once('close', () => resolve());
        secure.end(encodePacket(Buffer.of(0x01), 0));
      });
    },
  };
}
