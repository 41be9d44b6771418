// The floors the database benchmarks measure in the same run as a proxy:
// relays that pipe bytes both ways without reading them (no parsing, no
// recording, no authentication of their own), so the ratio to them is what
// Tapline itself costs on the machine.
//   - startTcpPassthrough: a TCP pipe; TLS, when the client asks, runs end to end.
//   - startPostgresTlsPassthrough: answers PostgreSQL's SSLRequest and
//     terminates TLS on both legs, as the proxy does.
//   - startTlsPassthrough: terminates TLS on both legs (the kube proxy's shape).
import { connect, createServer, type Socket } from 'node:net';
import { TLSSocket, connect as tlsConnect } from 'node:tls';

export interface Passthrough {
  port: number;
  close(): Promise<void>;
}

/** Listens on a free loopback port; `track` registers a socket that close() destroys. */
async function serve(
  onConnection: (client: Socket, track: (socket: Socket) => void) => void,
): Promise<Passthrough> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    track(client);
    onConnection(client, track);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the pass-through has no port');
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Pipes both ways; either side failing or closing ends both. */
function relay(client: Socket, target: Socket): void {
  client.pipe(target);
  target.pipe(client);
  const destroy = (): void => {
    client.destroy();
    target.destroy();
  };
  for (const socket of [client, target]) {
    socket.on('error', destroy);
    socket.on('close', destroy);
  }
}

export function startTcpPassthrough(targetPort: number, targetHost = '127.0.0.1'): Promise<Passthrough> {
  return serve((client, track) => {
    const target = connect({ host: targetHost, port: targetPort });
    track(target);
    client.setNoDelay(true);
    target.setNoDelay(true);
    relay(client, target);
  });
}

const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

function readExactly(socket: Socket, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < length) return;
      socket.off('data', onData);
      socket.off('error', reject);
      socket.pause();
      if (buffered.length > length) socket.unshift(buffered.subarray(length));
      resolve(buffered.subarray(0, length));
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

export function startPostgresTlsPassthrough(options: {
  cert: string;
  key: string;
  ca: string;
  targetPort: number;
}): Promise<Passthrough> {
  return serve((raw, track) => {
    raw.on('error', () => raw.destroy());
    void (async () => {
      await readExactly(raw, 8); // the client's SSLRequest
      raw.write('S');
      const client = new TLSSocket(raw, { isServer: true, cert: options.cert, key: options.key });
      client.setNoDelay(true);
      const plain = connect({ host: '127.0.0.1', port: options.targetPort });
      plain.setNoDelay(true);
      track(plain);
      plain.write(SSL_REQUEST);
      const answer = await readExactly(plain, 1);
      if (answer[0] !== 0x53) throw new Error('the target refused TLS');
      const target = tlsConnect({ socket: plain, ca: options.ca, servername: 'localhost' });
      await new Promise<void>((resolve, reject) => {
        target.once('secureConnect', resolve);
        target.once('error', reject);
      });
      relay(client, target);
    })().catch(() => raw.destroy());
  });
}

/** Terminates the client's TLS with `cert`/`key` and opens its own TLS to the target, verified with `ca`. */
export function startTlsPassthrough(options: {
  cert: string;
  key: string;
  ca: string;
  targetPort: number;
  targetHost?: string;
}): Promise<Passthrough> {
  return serve((raw, track) => {
    raw.on('error', () => raw.destroy());
    const client = new TLSSocket(raw, { isServer: true, cert: options.cert, key: options.key });
    client.setNoDelay(true);
    const target = tlsConnect({
      host: options.targetHost ?? '127.0.0.1',
      port: options.targetPort,
      ca: options.ca,
      servername: 'localhost',
    });
    target.setNoDelay(true);
    track(target);
    relay(client, target);
  });
}
