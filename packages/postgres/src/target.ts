// The proxy's connection to the target: TLS (verified by default), the
// startup packet, and authentication with the target's own credentials.

import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { TaplineError } from '@tapline/frames';
import { md5Password, ScramClient } from './auth.js';
import { PostgresErrorCode, postgresError } from './errors.js';
import type { BackendMessage } from './protocol/messages.js';
import { BackendParser } from './protocol/parser.js';
import * as serialize from './protocol/serializer.js';
import { MessagePump, type Pumped } from './pump.js';

/** How the proxy verifies the target's TLS (verify-full semantics unless `rejectUnauthorized: false`). */
export interface PostgresTargetTls {
  /** Trusted CA certificates (PEM); the system's when absent. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** The name checked against the certificate (and sent as SNI); `host` when absent. */
  servername?: string;
  /** @default true */
  rejectUnauthorized?: boolean;
  /** A client certificate and key, for targets that ask for one. */
  cert?: string | Buffer;
  key?: string | Buffer;
}

/** Where a granted session goes, with credentials the user never sees. */
export interface PostgresTarget {
  host: string;
  /** @default 5432 */
  port?: number;
  /** The role the proxy logs in as. */
  user: string;
  /** For SCRAM-SHA-256, md5 or cleartext, as the target asks. */
  password?: string;
  /** The database; the one the user asked for when absent. */
  database?: string;
  /** TLS towards the target; `false` for plaintext (a target on the same host or a private link). @default {} (TLS, verified) */
  tls?: PostgresTargetTls | false;
}

export interface TargetConnection {
  socket: Socket;
  parser: BackendParser;
  /** What the target said after AuthenticationOk up to and including ReadyForQuery. */
  greeting: Pumped<BackendMessage>[];
  processId: number;
  secretKey: number;
  /** Messages parsed after ReadyForQuery (normally none). */
  leftover: Pumped<BackendMessage>[];
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => TaplineError): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout()), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Opens TCP, then TLS when configured: the target must answer 'S' to SSLRequest. */
export async function openTargetSocket(target: PostgresTarget, timeoutMs: number): Promise<Socket> {
  const port = target.port ?? 5432;
  const where = `${target.host}:${port}`;
  const raw = await withTimeout(
    new Promise<Socket>((resolve, reject) => {
      const socket = tcpConnect({ host: target.host, port });
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (error) =>
        reject(
          postgresError(
            PostgresErrorCode.TARGET_UNREACHABLE,
            `cannot reach the target ${where}: ${error.message}`,
            { target: where },
            error,
          ),
        ),
      );
    }),
    timeoutMs,
    () =>
      postgresError(
        PostgresErrorCode.TARGET_UNREACHABLE,
        `the target ${where} did not answer in ${timeoutMs} ms`,
        { target: where },
      ),
  );
  raw.setNoDelay(true);
  if (target.tls === false) return raw;
  const tls = target.tls ?? {};
  const fail = (message: string, cause?: unknown): TaplineError => {
    raw.destroy();
    return postgresError(PostgresErrorCode.TARGET_TLS, message, { target: where }, cause);
  };
  const answer = await withTimeout(
    new Promise<number>((resolve, reject) => {
      raw.once('data', (chunk: Buffer) => {
        raw.pause();
        raw.removeAllListeners('error');
        // Anything after the one-byte answer would be unencrypted bytes injected before the handshake.
        if (chunk.length !== 1)
          reject(fail('the target sent unexpected bytes after its answer to SSLRequest'));
        else resolve(chunk[0] as number);
      });
      raw.once('error', (error) => reject(fail(`the target ${where} failed: ${error.message}`, error)));
      raw.write(serialize.sslRequest());
    }),
    timeoutMs,
    () => fail(`the target ${where} did not answer SSLRequest in ${timeoutMs} ms`),
  );
  if (answer !== 0x53)
    throw fail(`the target ${where} does not accept TLS (set target.tls to false to allow plaintext)`);
  const servername = tls.servername ?? target.host;
  return withTimeout(
    new Promise<TLSSocket>((resolve, reject) => {
      const secure = tlsConnect({
        socket: raw,
        host: servername,
        ...(isIP(servername) === 0 ? { servername } : {}),
        ...(tls.ca === undefined ? {} : { ca: tls.ca }),
        ...(tls.cert === undefined ? {} : { cert: tls.cert }),
        ...(tls.key === undefined ? {} : { key: tls.key }),
        rejectUnauthorized: tls.rejectUnauthorized ?? true,
      });
      secure.once('secureConnect', () => {
        secure.removeAllListeners('error');
        resolve(secure);
      });
      secure.once('error', (error) =>
        reject(fail(`the target's TLS certificate was not accepted (${where}): ${error.message}`, error)),
      );
    }),
    timeoutMs,
    () => fail(`the TLS handshake with ${where} did not finish in ${timeoutMs} ms`),
  );
}

export interface TargetLogin {
  /** Startup parameters besides user and database (application_name, client_encoding, options, ...). */
  parameters: Record<string, string>;
  database: string;
  timeoutMs: number;
  maxMessageBytes: number;
}

/** Connects, logs in with the target's credentials and reads up to ReadyForQuery. */
export async function connectTarget(target: PostgresTarget, login: TargetLogin): Promise<TargetConnection> {
  const socket = await openTargetSocket(target, login.timeoutMs);
  const where = `${target.host}:${target.port ?? 5432}`;
  const parser = new BackendParser({ maxMessageBytes: login.maxMessageBytes });
  const pump = new MessagePump(parser, `the target ${where} closed the connection during login`);
  pump.attach(socket);
  try {
    return await withTimeout(login_(socket, parser, pump, target, login, where), login.timeoutMs, () =>
      postgresError(
        PostgresErrorCode.TARGET_UNREACHABLE,
        `the target ${where} did not finish the login in ${login.timeoutMs} ms`,
      ),
    );
  } catch (error) {
    pump.detach();
    socket.destroy();
    throw error;
  }
}

async function login_(
  socket: Socket,
  parser: BackendParser,
  pump: MessagePump<BackendMessage>,
  target: PostgresTarget,
  login: TargetLogin,
  where: string,
): Promise<TargetConnection> {
  socket.write(
    serialize.startupMessage({ ...login.parameters, user: target.user, database: login.database }),
  );
  const authFailed = (message: string): TaplineError =>
    postgresError(PostgresErrorCode.TARGET_AUTH_FAILED, message, { target: where, user: target.user });
  const password = (): string => {
    if (target.password === undefined)
      throw authFailed(`the target ${where} asks for a password and target.password is not set`);
    return target.password;
  };
  let scram: ScramClient | undefined;
  for (;;) {
    const { message } = await pump.next();
    switch (message.name) {
      case 'authenticationCleartextPassword':
        socket.write(serialize.passwordMessage(password()));
        continue;
      case 'authenticationMD5Password':
        socket.write(serialize.passwordMessage(md5Password(target.user, password(), message.salt)));
        continue;
      case 'authenticationSASL':
        if (!message.mechanisms.includes('SCRAM-SHA-256')) {
          throw authFailed(
            `the target ${where} offers SASL mechanisms ${message.mechanisms.join(', ')}, not SCRAM-SHA-256`,
          );
        }
        scram = new ScramClient(password());
        socket.write(serialize.saslInitialResponse('SCRAM-SHA-256', scram.first()));
        continue;
      case 'authenticationSASLContinue':
        if (scram === undefined) throw authFailed('the target sent SASLContinue before SASL');
        try {
          socket.write(serialize.saslResponse(scram.final(Buffer.from(message.data).toString('utf8'))));
        } catch (error) {
          throw authFailed(`SCRAM with the target failed: ${(error as Error).message}`);
        }
        continue;
      case 'authenticationSASLFinal':
        if (scram === undefined || !scram.verify(Buffer.from(message.data).toString('utf8'))) {
          throw authFailed(
            `the target ${where} could not prove it knows the password (SCRAM server signature)`,
          );
        }
        continue;
      case 'authenticationOther':
        throw authFailed(
          `the target ${where} asks for authentication method ${message.code}, which the proxy does not speak`,
        );
      case 'errorResponse':
        throw authFailed(
          `the target ${where} refused the login: ${message.fields.M ?? 'no message'} (SQLSTATE ${message.fields.C ?? '?'})`,
        );
      case 'authenticationOk':
        return afterLogin(socket, parser, pump, where);
      default:
        throw postgresError(
          PostgresErrorCode.PROTOCOL,
          `the target sent ${message.name} during authentication`,
        );
    }
  }
}

async function afterLogin(
  socket: Socket,
  parser: BackendParser,
  pump: MessagePump<BackendMessage>,
  where: string,
): Promise<TargetConnection> {
  const greeting: Pumped<BackendMessage>[] = [];
  let processId = 0;
  let secretKey = 0;
  for (;;) {
    const pumped = await pump.next();
    const { message } = pumped;
    if (message.name === 'errorResponse') {
      throw postgresError(
        PostgresErrorCode.TARGET_AUTH_FAILED,
        `the target ${where} ended the login: ${message.fields.M ?? 'no message'} (SQLSTATE ${message.fields.C ?? '?'})`,
      );
    }
    if (message.name === 'backendKeyData') {
      processId = message.processId;
      secretKey = message.secretKey;
    }
    greeting.push(pumped);
    if (message.name === 'readyForQuery') {
      return { socket, parser, greeting, processId, secretKey, leftover: pump.detach() };
    }
  }
}
