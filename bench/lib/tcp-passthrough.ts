// The floor for any Node relay: accepts a connection, opens one to the target
// and pipes bytes both ways without reading them (TLS, when the client asks
// for it, runs end to end through it). Benchmarks measure it in the same run
// as a proxy to show what the relaying itself costs on the machine.
import { connect, createServer, type Socket } from 'node:net';

export interface TcpPassthrough {
  port: number;
  close(): Promise<void>;
}

export async function startTcpPassthrough(
  targetPort: number,
  targetHost = '127.0.0.1',
): Promise<TcpPassthrough> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    const target = connect({ host: targetHost, port: targetPort });
    track(client);
    track(target);
    client.setNoDelay(true);
    target.setNoDelay(true);
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
