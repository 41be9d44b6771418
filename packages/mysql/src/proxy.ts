import * as diagnosticsChannel from 'node:diagnostics_channel';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import {
  createPolicyGate,
  createSourceLimiter,
  type LogLevel,
  logTo,
  type PolicyGate,
  type ResolvedFrontLimits,
  resolveFrontLimits,
  type SourceRefusalReason,
  sourceKey,
  type TaplineLogger,
} from '@tapline/core';
import { type ConnectionScope, MySqlConnection } from './connection.js';
import { MySqlErrorCode, type MySqlErrorCodeName, mysqlError } from './errors.js';
import type { MySqlProxy, MySqlProxyEvent, MySqlProxyOptions, MySqlSessionInfo } from './types.js';

const channels = new Map<string, diagnosticsChannel.Channel>();
function publish(event: MySqlProxyEvent): void {
  let channel = channels.get(event.type);
  if (channel === undefined) {
    channel = diagnosticsChannel.channel(`tapline:mysql:${event.type}`);
    channels.set(event.type, channel);
  }
  if (channel.hasSubscribers) channel.publish(event);
}

const eventLevels: Record<MySqlProxyEvent['type'], LogLevel> = {
  listening: 'info',
  session_started: 'info',
  session_ended: 'info',
  auth_failed: 'warn',
  connection_refused: 'warn',
  refused: 'warn',
  session_failed: 'error',
  error: 'error',
};

function logEvent(logger: TaplineLogger | undefined, event: MySqlProxyEvent): void {
  if (logger === undefined) return;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key === 'type') continue;
    fields[key] =
      value instanceof Error ? { code: (value as { code?: string }).code, message: value.message } : value;
  }
  logTo(logger, eventLevels[event.type] ?? 'info', fields, `mysql.${event.type}`);
}

const refusalErrors: Record<SourceRefusalReason, [MySqlErrorCodeName, string]> = {
  login_timeout: [MySqlErrorCode.LOGIN_TIMEOUT, 'the client did not authenticate in time after connecting'],
  too_many_connections: [MySqlErrorCode.TOO_MANY_CONNECTIONS, 'too many connections from this address'],
  too_many_failed_logins: [MySqlErrorCode.TOO_MANY_FAILED_LOGINS, 'too many failed logins from this address'],
};

/**
 * Creates the MySQL/MariaDB audit proxy. Users connect with their own client
 * (`mysql`, `mariadb`, drivers) over TLS and log in with a one-time token
 * that `authorize()` turns into a grant and a target; the proxy logs in to
 * the target with the target's own credentials, relays every command and
 * records the raw bytes and a Query event per statement.
 *
 * @example
 * const proxy = createMySqlProxy({ tls: { key, cert }, recorder, authorize: async (request) => grantFor(request) });
 * const address = await proxy.listen(3307, '0.0.0.0');
 */
export function createMySqlProxy(options: MySqlProxyOptions): MySqlProxy {
  if (typeof options !== 'object' || options === null) {
    throw mysqlError(MySqlErrorCode.INVALID_OPTIONS, 'createMySqlProxy() needs an options object');
  }
  if (typeof options.authorize !== 'function')
    throw mysqlError(MySqlErrorCode.INVALID_OPTIONS, 'options.authorize must be a function');
  if (typeof options.recorder?.start !== 'function') {
    throw mysqlError(MySqlErrorCode.INVALID_OPTIONS, 'options.recorder must have a start(context) method');
  }
  const tlsRequired = options.tls?.required ?? true;
  let secureContext: ConnectionScope['secureContext'];
  if (options.tls !== undefined && (options.tls.cert !== undefined || options.tls.pfx !== undefined)) {
    const { required: _required, ...contextOptions } = options.tls;
    try {
      secureContext = createSecureContext(contextOptions);
    } catch (error) {
      throw mysqlError(
        MySqlErrorCode.INVALID_OPTIONS,
        `cannot use options.tls: ${(error as Error).message}`,
        undefined,
        error,
      );
    }
  } else if (tlsRequired) {
    throw mysqlError(
      MySqlErrorCode.INVALID_OPTIONS,
      'options.tls needs a cert and key (or tls.required: false)',
    );
  }
  const authPlugin = options.authPlugin ?? 'caching_sha2_password';
  if (!['caching_sha2_password', 'mysql_clear_password', 'mysql_native_password'].includes(authPlugin)) {
    throw mysqlError(MySqlErrorCode.INVALID_OPTIONS, `options.authPlugin ${authPlugin} is not supported`);
  }
  const limits = resolveFrontLimits(options.limits, { loginTimeoutMs: 30_000 });
  if (typeof limits === 'string') throw mysqlError(MySqlErrorCode.INVALID_OPTIONS, `options.${limits}`);
  const onEvent = options.onEvent;
  const emit = (event: MySqlProxyEvent): void => {
    publish(event);
    logEvent(options.logger, event);
    if (onEvent === undefined) return;
    try {
      onEvent(event);
    } catch {
      // A throwing listener must not break a session.
    }
  };
  let policy: PolicyGate;
  try {
    policy = createPolicyGate(options);
  } catch (error) {
    throw mysqlError(MySqlErrorCode.INVALID_OPTIONS, `options.${(error as Error).message}`);
  }
  const limiter = createSourceLimiter(limits);
  const byConnectionId = new Map<number, MySqlConnection>();
  const connections = new Set<MySqlConnection>();
  // Ids the proxy gives clients, far above the thread ids servers hand out, so `KILL <id>` can tell them apart.
  let nextConnectionId = 0x40000000 + Math.floor(Math.random() * 0x100000);
  let closing: Promise<void> | undefined;

  const baseScope = {
    policy,
    secureContext,
    tlsRequired,
    authorize: options.authorize,
    recorder: options.recorder,
    serverVersion: options.serverVersion ?? '8.0.99-tapline',
    authPlugin,
    localInfile: options.localInfile ?? false,
    maxPacketBytes: options.maxPacketBytes ?? 64 * 1024 * 1024,
    maxParameterBytes: options.maxParameterBytes ?? 64 * 1024,
    targetConnectTimeoutMs: options.targetConnectTimeoutMs ?? 15_000,
    emit,
    byConnectionId,
  };

  const listener = createTcpServer({ pauseOnConnect: true }, (socket: Socket) => {
    const remoteAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.on('error', () => {});
    if (closing !== undefined) {
      socket.destroy();
      return;
    }
    const source = sourceKey(socket.remoteAddress);
    const refusal = limiter.throttled(source) ? 'too_many_failed_logins' : limiter.admit(source);
    if (refusal !== undefined) {
      socket.destroy();
      refuseConnection(emit, limits, remoteAddress, refusal);
      return;
    }
    let loggedIn = false;
    const scope: ConnectionScope = {
      ...baseScope,
      loggedIn: () => {
        loggedIn = true;
      },
      failedLogin: () => limiter.failedLogin(source),
    };
    nextConnectionId = nextConnectionId >= 0xfffffff0 ? 0x40000000 : nextConnectionId + 1;
    const connection = new MySqlConnection(scope, socket, nextConnectionId);
    connections.add(connection);
    const deadline = setTimeout(() => {
      if (loggedIn) return;
      refuseConnection(emit, limits, remoteAddress, 'login_timeout');
      socket.destroy();
    }, limits.loginTimeoutMs);
    deadline.unref();
    socket.once('close', () => {
      clearTimeout(deadline);
      limiter.release(source);
      // Keep it until its recording has ended, so close() can wait for it.
      void connection.finish('client_closed').finally(() => connections.delete(connection));
    });
    void connection.run();
  });
  listener.on('error', (error: Error) => emit({ type: 'error', error }));

  return {
    listen(port = 0, host = '127.0.0.1') {
      return new Promise<AddressInfo>((resolve, reject) => {
        const onError = (error: Error): void => reject(error);
        listener.once('error', onError);
        listener.listen(port, host, () => {
          listener.removeListener('error', onError);
          const address = listener.address() as AddressInfo;
          emit({ type: 'listening', address });
          resolve(address);
        });
      });
    },
    address() {
      const address = listener.address();
      return typeof address === 'object' && address !== null ? (address as AddressInfo) : null;
    },
    sessions() {
      const list: MySqlSessionInfo[] = [];
      for (const connection of connections) {
        const info = connection.info();
        if (info !== undefined) list.push(info);
      }
      return list;
    },
    close(closeOptions = {}) {
      if (closing !== undefined) return closing;
      closing = (async () => {
        const stopped = new Promise<void>((resolve) => listener.close(() => resolve()));
        const drainMs = closeOptions.drainMs ?? 0;
        for (const connection of connections) if (!connection.hasSession()) connection.hangUp();
        if (drainMs > 0) {
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
                mysqlError(MySqlErrorCode.SHUTDOWN, 'the proxy is shutting down; the session is closed'),
                {
                  code: 1053,
                  sqlState: '08S01',
                  message: 'Tapline: the proxy is shutting down; the session is closed',
                },
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

function refuseConnection(
  emit: (event: MySqlProxyEvent) => void,
  limits: ResolvedFrontLimits,
  remoteAddress: string,
  reason: SourceRefusalReason,
): void {
  const [code, message] = refusalErrors[reason];
  emit({
    type: 'connection_refused',
    remoteAddress,
    reason,
    error: mysqlError(code, message, { remoteAddress, limits }),
  });
}
