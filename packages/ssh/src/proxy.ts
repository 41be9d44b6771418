import * as diagnosticsChannel from 'node:diagnostics_channel';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import {
  createPolicyGate,
  createSourceLimiter,
  type LogLevel,
  logTo,
  type PolicyGate,
  resolveFrontLimits,
  type SourceLimiter,
  type SourceRefusalReason,
  sourceKey,
  type TaplineLogger,
} from '@tapline/core';
import type { ClientInfo, Connection, Server, ServerConfig } from 'ssh2';
import { sftpOperations, terminalCommands } from './analyzers.js';
import { ProxyConnection } from './connection.js';
import { SshErrorCode, type SshErrorCodeName, sshError } from './errors.js';
import type { LoginGate, ResolvedOptions } from './scope.js';
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

const eventLevels: Record<SshProxyEvent['type'], LogLevel> = {
  listening: 'info',
  session_started: 'info',
  session_ended: 'info',
  auth_failed: 'warn',
  connection_refused: 'warn',
  refused: 'warn',
  session_failed: 'error',
  error: 'error',
};

/** What the proxy reports, to a pino-compatible logger: errors as their code and message. */
function logEvent(logger: TaplineLogger | undefined, event: SshProxyEvent): void {
  if (logger === undefined) return;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key === 'type') continue;
    fields[key] =
      value instanceof Error ? { code: (value as { code?: string }).code, message: value.message } : value;
  }
  logTo(logger, eventLevels[event.type] ?? 'info', fields, `ssh.${event.type}`);
}

function analyzer<T>(configured: T | false | undefined, byDefault: () => T): T | undefined {
  if (configured === false) return undefined;
  return configured ?? byDefault();
}

function resolveOptions(options: SshProxyOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw sshError(SshErrorCode.INVALID_OPTIONS, 'createSshProxy() needs an options object');
  }
  if (!Array.isArray(options.hostKeys) || options.hostKeys.length === 0) {
    throw sshError(SshErrorCode.INVALID_OPTIONS, 'options.hostKeys must list at least one private host key');
  }
  if (typeof options.authorize !== 'function') {
    throw sshError(SshErrorCode.INVALID_OPTIONS, 'options.authorize must be a function');
  }
  if (typeof options.recorder?.start !== 'function') {
    throw sshError(SshErrorCode.INVALID_OPTIONS, 'options.recorder must have a start(context) method');
  }
  const authMethods = options.authMethods ?? ALL_METHODS;
  if (authMethods.length === 0 || authMethods.some((method) => !ALL_METHODS.includes(method))) {
    throw sshError(
      SshErrorCode.INVALID_OPTIONS,
      `options.authMethods must be a non-empty subset of ${ALL_METHODS.join(', ')}`,
    );
  }
  const limits = resolveFrontLimits(options.limits, { loginTimeoutMs: options.loginGraceMs ?? 120_000 });
  if (typeof limits === 'string') throw sshError(SshErrorCode.INVALID_OPTIONS, `options.${limits}`);
  const onEvent = options.onEvent;
  let policy: PolicyGate;
  try {
    policy = createPolicyGate(options);
  } catch (error) {
    throw sshError(SshErrorCode.INVALID_OPTIONS, `options.${(error as Error).message}`);
  }
  return {
    policy,
    authorize: options.authorize,
    recorder: options.recorder,
    authMethods,
    keyboardInteractivePrompt: options.keyboardInteractivePrompt ?? 'Password: ',
    limits,
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
      logEvent(options.logger, event);
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
  const limiter = createSourceLimiter(resolved.limits);
  /** Accepted sockets by "ip:port", until ssh2 reports the connection (after the client's identification string). */
  const admissions = new Map<string, Admission>();
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
      const admission = admissions.get(`${info.ip}:${info.port}`);
      if (admission === undefined) {
        // Not accepted through our listener (cannot happen): never serve a connection the limits did not see.
        connection.end();
        return;
      }
      admissions.delete(admission.clientAddress);
      const proxied = new ProxyConnection(resolved, connection, info, admission.gate(resolved, limiter));
      admission.connection = proxied;
      connections.add(proxied);
      connection.once('close', () => {
        // Keep it until its recording has ended, so close() can wait for it.
        void proxied.finish('client_closed').finally(() => connections.delete(proxied));
      });
    });
  } catch (error) {
    throw sshError(
      SshErrorCode.INVALID_OPTIONS,
      `cannot use options.hostKeys: ${(error as Error).message}`,
      error,
    );
  }
  server.on('error', (error: Error) => resolved.emit({ type: 'error', error }));
  let closing: Promise<void> | undefined;

  // Our own listener, so the limits apply from TCP accept: ssh2 reports a
  // connection only once the client's identification string has arrived.
  const listener = createTcpServer((socket: Socket) => {
    const clientAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    if (closing !== undefined) {
      socket.destroy();
      return;
    }
    const source = sourceKey(socket.remoteAddress);
    // Each SSH connection is a login: an address over its failed-login limit is refused at once.
    const refusal = limiter.throttled(source) ? 'too_many_failed_logins' : limiter.admit(source);
    if (refusal !== undefined) {
      socket.on('error', () => {});
      socket.destroy();
      refuseConnection(resolved, clientAddress, refusal);
      return;
    }
    const admission = new Admission(socket, source, clientAddress);
    admissions.set(clientAddress, admission);
    const deadline = setTimeout(() => {
      if (admission.loggedIn) return;
      refuseConnection(resolved, clientAddress, 'login_timeout');
      admission.connection?.hangUp();
      // destroySoon: the disconnect message (if any) is flushed, then the socket goes, FIN or not.
      socket.destroySoon();
      setTimeout(() => socket.destroy(), 1000).unref();
    }, resolved.limits.loginTimeoutMs);
    deadline.unref();
    socket.once('close', () => {
      clearTimeout(deadline);
      admissions.delete(clientAddress);
      limiter.release(source);
    });
    server.injectSocket(socket);
  });
  listener.on('error', (error: Error) => resolved.emit({ type: 'error', error }));

  return {
    crypto,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise<AddressInfo>((resolve, reject) => {
        const onError = (error: Error): void => reject(error);
        listener.once('error', onError);
        listener.listen(port, host, () => {
          listener.removeListener('error', onError);
          const address = listener.address() as AddressInfo;
          resolved.emit({ type: 'listening', address, crypto });
          resolve(address);
        });
      });
    },
    address() {
      const address = listener.address();
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
    close(closeOptions = {}) {
      if (closing !== undefined) return closing;
      closing = (async () => {
        const stopped = new Promise<void>((resolve) => {
          listener.close(() => resolve());
        });
        // Clients still before their identification string.
        for (const admission of admissions.values()) admission.socket.destroy();
        // Draining: no new connections; clients not logged in are let go; live
        // sessions get up to drainMs to end on their own before they are ended.
        const drainMs = closeOptions.drainMs ?? 0;
        if (drainMs > 0) {
          for (const connection of connections) if (!connection.hasSession()) connection.hangUp();
          const deadline = Date.now() + drainMs;
          while (Date.now() < deadline && [...connections].some((connection) => connection.hasSession())) {
            await new Promise((resolve) =>
              setTimeout(resolve, Math.min(50, Math.max(1, deadline - Date.now()))),
            );
          }
        }
        const ending: Promise<void>[] = [];
        for (const connection of connections) {
          if (connection.hasSession()) {
            ending.push(
              connection.finish(
                'shutdown',
                sshError(SshErrorCode.SHUTDOWN, 'the proxy is shutting down; the session is closed'),
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

/** One accepted TCP connection, counted against its source address. */
class Admission {
  loggedIn = false;
  connection: ProxyConnection | undefined;

  constructor(
    readonly socket: Socket,
    readonly source: string,
    readonly clientAddress: string,
  ) {}

  gate(options: ResolvedOptions, limiter: SourceLimiter): LoginGate {
    return {
      loggedIn: () => {
        this.loggedIn = true;
      },
      failedLogin: () => limiter.failedLogin(this.source),
      throttled: () => limiter.throttled(this.source),
      refuseThrottled: () => refuseConnection(options, this.clientAddress, 'too_many_failed_logins'),
    };
  }
}

const refusalErrors: Record<SourceRefusalReason, [SshErrorCodeName, string]> = {
  login_timeout: [SshErrorCode.LOGIN_TIMEOUT, 'the client did not authenticate in time after connecting'],
  too_many_connections: [SshErrorCode.TOO_MANY_CONNECTIONS, 'too many connections from this address'],
  too_many_failed_logins: [SshErrorCode.TOO_MANY_FAILED_LOGINS, 'too many failed logins from this address'],
};

function refuseConnection(
  options: ResolvedOptions,
  clientAddress: string,
  reason: SourceRefusalReason,
): void {
  const [code, message] = refusalErrors[reason];
  options.emit({
    type: 'connection_refused',
    clientAddress,
    reason,
    error: sshError(code, message, undefined, { clientAddress, limits: options.limits }),
  });
}
