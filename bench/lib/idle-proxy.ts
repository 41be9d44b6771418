// A proxy in its own process, so its RSS can be measured alone: either the
// Tapline SSH proxy with the real recorder and file sink, or a bare ssh2
// relay (server in, client out, shells piped, nothing recorded). Started by
// the memory suite with fork(); configured through TAPLINE_IDLE_PROXY (JSON).
// Messages: → { type: 'ready', port }; ← { type: 'rss' } → { type: 'rss', rss, sessions }.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createFileSink, createRecorder } from '@tapline/core';
import { createSshProxy } from '@tapline/ssh';
import type { ClientChannel, ServerChannel } from 'ssh2';
import { ssh2 } from './ssh2.js';

export interface IdleProxyConfig {
  kind: 'tapline' | 'bare';
  hostKey: string;
  /** "ssh-ed25519 AAAA..." of the user key the proxy accepts. */
  userPublicKey: string;
  target: { host: string; port: number; username: string; privateKey: string; hostKey: string };
  /** Spool and recordings go here (tapline). */
  directory: string;
}

const config = JSON.parse(process.env.TAPLINE_IDLE_PROXY ?? '{}') as IdleProxyConfig;
let sessions = 0;

async function startTapline(): Promise<number> {
  mkdirSync(config.directory, { recursive: true });
  const recorder = createRecorder({
    spool: { directory: join(config.directory, 'spool') },
    sinks: [createFileSink({ directory: join(config.directory, 'recordings'), fsync: 'close' })],
  });
  const proxy = createSshProxy({
    hostKeys: [config.hostKey],
    recorder,
    // Every bench client comes from 127.0.0.1: the per-source cap (100) would refuse most of them.
    limits: { maxConnectionsPerSource: Number.POSITIVE_INFINITY },
    authorize: (request) =>
      request.publicKey?.openssh === config.userPublicKey
        ? {
            context: {
              user: { id: 'bench' },
              accessRequestId: 'ar-bench',
              resource: { id: 'r', type: 'ssh' },
            },
            target: config.target,
          }
        : null,
    onEvent: (event) => {
      if (event.type === 'session_started') sessions++;
      if (event.type === 'session_ended') sessions--;
    },
  });
  const address = await proxy.listen(0, '127.0.0.1');
  return address.port;
}

/** The bare relay: what any SSH relay must hold per session, with nothing of Tapline's. */
function startBare(): Promise<number> {
  const server = new ssh2.Server({ hostKeys: [config.hostKey] }, (connection) => {
    connection.on('error', () => {});
    connection.on('authentication', (context) => context.accept());
    connection.on('ready', () => {
      sessions++;
      const upstream = new ssh2.Client();
      upstream.on('error', () => {});
      const ready = new Promise<void>((resolve) => upstream.on('ready', () => resolve()));
      upstream.connect({
        host: config.target.host,
        port: config.target.port,
        username: config.target.username,
        privateKey: config.target.privateKey,
      });
      connection.on('close', () => {
        sessions--;
        upstream.end();
      });
      connection.on('session', (accept) => {
        const session = accept();
        let pty: { cols: number; rows: number; term: string } = { cols: 80, rows: 24, term: 'xterm' };
        session.on('pty', (acceptPty, _reject, info) => {
          pty = { cols: info.cols, rows: info.rows, term: info.term };
          acceptPty?.();
        });
        session.on('shell', (acceptShell) => {
          const clientChannel: ServerChannel = acceptShell();
          void ready.then(() =>
            upstream.shell(pty, (error, targetChannel: ClientChannel) => {
              if (error) return clientChannel.end();
              clientChannel.pipe(targetChannel);
              targetChannel.pipe(clientChannel);
              targetChannel.on('exit', (code: number) => clientChannel.exit(code));
            }),
          );
        });
      });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

const port = config.kind === 'tapline' ? await startTapline() : await startBare();
process.on('message', (message: { type: string }) => {
  if (message.type !== 'rss') return;
  globalThis.gc?.();
  process.send?.({ type: 'rss', rss: process.memoryUsage.rss(), sessions });
});
process.send?.({ type: 'ready', port });
