import * as diagnosticsChannel from 'node:diagnostics_channel';
import type { AddressInfo } from 'node:net';
import type { ClientInfo, Connection, Server, ServerConfig } from 'ssh2';
import { sftpOperations, terminalCommands } from './analyzers.js';
import { ProxyConnection } from './connection.js';
import { SshErrorCode, sshError } from './errors.js';
import type { ResolvedOptions } from './scope.js';
import { ssh2, sshCryptoInfo } from './ssh2-runtime.js';
import type { SshAuthMethod, SshProxy, SshProxyEvent, SshProxyOptions, SshSessionInfo } from './types.js';

const ALL_METHODS: readonly SshAuthMethod[] = ['publickey', 'password', 'keyboard-interactive'];

const channels = new Map<string, diagnosticsChannel.Channel>();
function publish(event: SshProxyEvent): void {
  let channel = channels.get(event.type);
  if (channel === undefined) {
    channel = diagnosticsChannel.channel(`tapline:ssh:${event.type}`);
    channels.set(event.type, channel);
  }
  if (channel.hasSubscribers) channel.publish(event);
}

function analyzer<T>(configured: T | false | undefined, byDefault: () => T): T | undefined {
  if (configured === false) return undefined;
  return configured ?? byDefault();
}

function resolveOptions(options: SshProxyOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw sshError(SshErrorCode.invalidOptions, 'createSshProxy() needs an options object');
  }
  if (!Array.isArray(options.hostKeys) || options.hostKeys.length === 0) {
    throw sshError(SshErrorCode.invalidOptions, 'options.hostKeys must list at least one private host key');
  }
  if (typeof options.authorize !== 'function') {
    throw sshError(SshErrorCode.invalidOptions, 'options.authorize must be a function');
  }
  if (typeof options.recorder?.start !== 'function') {
    throw sshError(SshErrorCode.invalidOptions, 'options.recorder must have a start(context) method');
  }
  const authMethods = options.authMethods ?? ALL_METHODS;
  if (authMethods.length === 0 || authMethods.some((method) => !ALL_METHODS.includes(method))) {
    throw sshError(
      SshErrorCode.invalidOptions,
      `options.authMethods must be a non-empty subset of ${ALL_METHODS.join(', ')}`,
    );
  }
  const onEvent = options.onEvent;
  return {
    authorize: options.authorize,
    recorder: options.recorder,
    authMethods,
    keyboardInteractivePrompt: options.keyboardInteractivePrompt ?? 'Password: ',
    loginGraceMs: options.loginGraceMs ?? 120_000,
    maxAuthTries: options.maxAuthTries ?? 6,
    targetConnectTimeoutMs: options.targetConnectTimeoutMs ?? 15_000,
    targetKeepaliveIntervalMs: options.targetKeepaliveIntervalMs ?? 15_000,
    localForwarding: options.localForwarding ?? true,
    remoteForwarding: options.remoteForwarding ?? false,
    recordForwardContent: options.recordForwardContent ?? false,
    recordSftpContent: options.recordSftpContent ?? true,
    terminalAnalyzer: analyzer(options.analyzers?.terminal, terminalCommands),
    sftpAnalyzer: analyzer(options.analyzers?.sftp, sftpOperations),
    notifyGraceMs: options.notifyGraceMs ?? 2_000,
    failedSessionGraceMs: 10_000,
    targetAlgorithms: options.algorithms?.target,
    emit(event) {
      publish(event);
      if (onEvent === undefined) return;
      try {
        onEvent(event);
      } catch {
        // A throwing listener must not break a session.
      }
    },
  };
}

/**
 * Creates the SSH audit proxy. Users connect with their own SSH client and are
 * authenticated by `authorize()`, which names the grant and the target; the
 * proxy logs in to the target with the target's own credentials (after
 * verifying its pinned host key), relays every channel and records it.
 *
 * @example
 * const proxy = createSshProxy({ hostKeys: [hostKey], recorder, authorize: async (request) => grantFor(request) });
 * const address = await proxy.listen(2222, '0.0.0.0');
 */
export function createSshProxy(options: SshProxyOptions): SshProxy {
  const resolved = resolveOptions(options);
  const crypto = sshCryptoInfo();
  const connections = new Set<ProxyConnection>();
  const config: ServerConfig = {
    hostKeys: options.hostKeys as ServerConfig['hostKeys'],
    keepaliveInterval: options.clientKeepaliveIntervalMs ?? 15_000,
    keepaliveCountMax: 3,
  };
  if (options.banner !== undefined) config.banner = options.banner;
  if (options.algorithms?.client !== undefined) config.algorithms = options.algorithms.client;
  let server: Server;
  try {
    server = new ssh2.Server(config, (connection: Connection, info: ClientInfo) => {
      const proxied = new ProxyConnection(resolved, connection, info);
      connections.add(proxied);
      connection.once('close', () => {
        // Keep it until its recording has ended, so close() can wait for it.
        void proxied.finish('client_closed').finally(() => connections.delete(proxied));
      });
    });
  } catch (error) {
    throw sshError(
      SshErrorCode.invalidOptions,
      `cannot use options.hostKeys: ${(error as Error).message}`,
      error,
    );
  }
  server.on('error', (error: Error) => resolved.emit({ type: 'error', error }));
  let closing: Promise<void> | undefined;

  return {
    crypto,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise<AddressInfo>((resolve, reject) => {
        const onError = (error: Error): void => reject(error);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.removeListener('error', onError);
          const address = server.address() as AddressInfo;
          resolved.emit({ type: 'listening', address, crypto });
          resolve(address);
        });
      });
    },
    address() {
      const address = server.address();
      return typeof address === 'object' && address !== null ? (address as AddressInfo) : null;
    },
    sessions() {
      const list: SshSessionInfo[] = [];
      for (const connection of connections) {
        const info = connection.info();
        if (info !== undefined) list.push(info);
      }
      return list;
    },
    close() {
      if (closing !== undefined) return closing;
      closing = (async () => {
        const stopped = new Promise<void>((resolve) => {
          try {
            server.close(() => resolve());
          } catch {
            resolve();
          }
        });
        const ending: Promise<void>[] = [];
        for (const connection of connections) {
          if (connection.hasSession()) {
            ending.push(
              connection.finish(
                'shutdown',
                sshError(SshErrorCode.shutdown, 'the proxy is shutting down; the session is closed'),
              ),
            );
          } else {
            connection.hangUp();
          }
        }
        await Promise.all(ending);
        await stopped;
      })();
      return closing;
    },
  };
}
