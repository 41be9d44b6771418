// A bare wire-protocol client built from the package's own serializer and
// parser: sends exactly the messages a test names (binary parameters,
// pipelines), and collects the server's replies up to ReadyForQuery.
import { connect as tcpConnect } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { type BackendMessage, BackendParser, serialize } from '../../src/index.js';

export interface RawClient {
  /** Sends the bytes, then resolves with the messages up to the `count`-th ReadyForQuery. */
  roundTrip(bytes: Buffer, count?: number): Promise<BackendMessage[]>;
  close(): void;
  socket: TLSSocket;
  /** What the proxy sent after the password, up to ReadyForQuery (ParameterStatus, BackendKeyData, …). */
  greeting: BackendMessage[];
}

export async function rawClient(options: {
  port: number;
  ca: string;
  password: string;
  parameters?: Record<string, string>;
}): Promise<RawClient> {
  const raw = tcpConnect({ host: '127.0.0.1', port: options.port });
  await new Promise<void>((resolve, reject) => {
    raw.once('connect', resolve);
    raw.once('error', reject);
  });
  raw.write(serialize.sslRequest());
  const answer = await new Promise<Buffer>((resolve) => raw.once('data', resolve));
  if (answer.toString() !== 'S') throw new Error('the proxy declined TLS');
  const socket = tlsConnect({ socket: raw, ca: options.ca, servername: 'localhost' });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  const parser = new BackendParser();
  const messages: BackendMessage[] = [];
  let waiter: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    parser.parse(chunk, (message) => messages.push(message));
    waiter?.();
  });
  const until = async (predicate: () => boolean): Promise<void> => {
    while (!predicate()) {
      await new Promise<void>((resolve) => {
        waiter = resolve;
      });
    }
  };
  socket.write(serialize.startupMessage({ user: 'alice', database: 'postgres', ...options.parameters }));
  await until(() => messages.length > 0);
  if (messages[0]?.name !== 'authenticationCleartextPassword')
    throw new Error(`unexpected ${messages[0]?.name}`);
  socket.write(serialize.passwordMessage(options.password));
  await until(() =>
    messages.some((message) => message.name === 'readyForQuery' || message.name === 'errorResponse'),
  );
  const greeting = messages.splice(0);
  return {
    socket,
    greeting,
    async roundTrip(bytes, count = 1) {
      messages.length = 0;
      socket.write(bytes);
      await until(() => messages.filter((message) => message.name === 'readyForQuery').length >= count);
      return messages.splice(0);
    },
    close() {
      socket.end(serialize.terminate());
    },
  };
}
