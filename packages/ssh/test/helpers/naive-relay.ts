// A deliberately broken relay for the backpressure control: it writes every
// chunk from the target to the client and ignores write()'s return value.
import type { AddressInfo } from 'node:net';
import type { ServerChannel } from 'ssh2';
import { generateHostKey, ssh2 } from '../../src/ssh2-runtime.js';

export interface NaiveRelay {
  port: number;
  /** Bytes waiting in the client channels' write buffers. */
  buffered(): number;
  close(): Promise<void>;
}

export async function startNaiveRelay(target: {
  port: number;
  privateKey: string;
  username: string;
}): Promise<NaiveRelay> {
  const channels = new Set<ServerChannel>();
  const server = new ssh2.Server({ hostKeys: [generateHostKey()] }, (connection) => {
    connection.on('error', () => {});
    connection.on('authentication', (context) => context.accept());
    connection.on('ready', () => {
      connection.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec, _reject, info) => {
          const clientChannel = acceptExec();
          channels.add(clientChannel);
          clientChannel.on('error', () => {});
          const upstream = new ssh2.Client();
          upstream.on('error', () => {});
          upstream.on('ready', () => {
            upstream.exec(info.command, (error, targetChannel) => {
              if (error) return clientChannel.end();
              targetChannel.on('data', (chunk: Buffer) => clientChannel.write(chunk));
              targetChannel.on('close', () => clientChannel.end());
              clientChannel.on('close', () => {
                channels.delete(clientChannel);
                upstream.end();
              });
            });
          });
          upstream.connect({ host: '127.0.0.1', ...target });
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    buffered() {
      let total = 0;
      for (const channel of channels) total += channel.writableLength;
      return total;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
