// The floor for any TLS-terminating PostgreSQL proxy written in Node: accepts
// the client's SSLRequest and TLS, opens TLS to the target, then pipes bytes
// both ways without reading them (no parsing, no recording, no
// authentication of its own: the client's password goes to the target). The
// pgbench benchmark measures it in the same run as the real proxy, so the
// ratio between the two is what Tapline itself costs.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { TLSSocket, connect as tlsConnect } from 'node:tls';

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

export interface TlsPassthrough {
  port: number;
  close(): Promise<void>;
}

export async function startTlsPassthrough(options: {
  cert: string;
  key: string;
  ca: string;
  targetPort: number;
}): Promise<TlsPassthrough> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((raw) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => raw.destroy());
    void (async () => {
      await readExactly(raw, 8);
      raw.write('S');
      const client = new TLSSocket(raw, { isServer: true, cert: options.cert, key: options.key });
      client.setNoDelay(true);
      const plain = connect({ host: '127.0.0.1', port: options.targetPort });
      plain.setNoDelay(true);
      sockets.add(plain);
      plain.on('close', () => sockets.delete(plain));
      plain.write(SSL_REQUEST);
      const answer = await readExactly(plain, 1);
      if (answer[0] !== 0x53) throw new Error('the target refused TLS');
      const target = tlsConnect({ socket: plain, ca: options.ca, servername: 'localhost' });
      await new Promise<void>((resolve, reject) => {
        target.once('secureConnect', resolve);
        target.once('error', reject);
      });
      client.pipe(target);
      target.pipe(client);
      const destroy = (): void => {
        client.destroy();
        target.destroy();
      };
      client.on('error', destroy);
      target.on('error', destroy);
      client.on('close', destroy);
      target.on('close', destroy);
    })().catch(() => raw.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
