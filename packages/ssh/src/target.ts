import type { TaplineError } from '@tapline/frames';
import type { Algorithms, Client, ConnectConfig } from 'ssh2';
import { SshErrorCode, sshError } from './errors.js';
import { createHostKeyVerifier, fingerprintOf } from './host-key.js';
import { ssh2 } from './ssh2-runtime.js';
import type { SshTarget } from './types.js';

export interface TargetConnection {
  client: Client;
  /** "SHA256:..." of the key the target presented (it matched a pin). */
  hostKeyFingerprint: string;
  cipher: string | undefined;
}

export interface ConnectTargetOptions {
  timeoutMs: number;
  keepaliveIntervalMs: number;
  algorithms?: Algorithms;
  signal?: AbortSignal;
}

interface Ssh2Error extends Error {
  level?: string;
  code?: string;
}

interface NegotiatedLike {
  cs?: { cipher?: string };
}

/**
 * Connects to the target, verifies its host key against the pins and logs in
 * with the target credentials. Rejects with a coded TaplineError.
 */
export function connectTarget(target: SshTarget, options: ConnectTargetOptions): Promise<TargetConnection> {
  const port = target.port ?? 22;
  const where = `${target.host}:${port}`;
  let verifier: ReturnType<typeof createHostKeyVerifier>;
  try {
    verifier = createHostKeyVerifier(target.hostKey);
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<TargetConnection>((resolve, reject) => {
    const client = new ssh2.Client();
    let presented: string | undefined;
    let mismatch = false;
    let cipher: string | undefined;
    let settled = false;
    let lastError: Ssh2Error | undefined;

    const fail = (error: TaplineError): void => {
      if (settled) return;
      settled = true;
      cleanup();
      client.on('error', () => {});
      client.end();
      client.destroy();
      reject(error);
    };
    const classify = (error: Ssh2Error | undefined): TaplineError => {
      if (mismatch) {
        return sshError(
          SshErrorCode.TARGET_HOST_KEY_MISMATCH,
          `the host key of the target ${where} (${presented}) does not match the pinned key (${verifier.expected.join(
            ', ',
          )}); the connection was refused because the target may have been replaced or intercepted`,
          error,
          { presented, expected: verifier.expected },
        );
      }
      if (error?.level === 'client-timeout' || error?.message === 'Timed out while waiting for handshake') {
        return sshError(SshErrorCode.TARGET_TIMEOUT, `the target ${where} did not answer in time`, error);
      }
      if (error?.level === 'client-socket') {
        return sshError(
          SshErrorCode.TARGET_UNREACHABLE,
          `cannot reach the target ${where} (${error.code ?? error.message})`,
          error,
        );
      }
      if (error?.level === 'client-authentication') {
        return sshError(
          SshErrorCode.TARGET_AUTH_FAILED,
          `the target ${where} refused the credentials for account "${target.username}"`,
          error,
        );
      }
      return sshError(
        SshErrorCode.TARGET_HANDSHAKE_FAILED,
        `the connection to the target ${where} failed${error ? ` (${error.message})` : ''}`,
        error,
      );
    };
    const onError = (error: Ssh2Error): void => {
      lastError = error;
      fail(classify(error));
    };
    const onClose = (): void =>
      fail(
        classify(
          lastError ??
            Object.assign(new Error('closed'), { level: 'client-socket', code: 'closed by the target' }),
        ),
      );
    const onAbort = (): void =>
      fail(sshError(SshErrorCode.TARGET_HANDSHAKE_FAILED, `the connection to ${where} was abandoned`));
    const onReady = (): void => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve({ client, hostKeyFingerprint: presented ?? '', cipher });
    };
    const cleanup = (): void => {
      client.removeListener('ready', onReady);
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      options.signal?.removeEventListener('abort', onAbort);
    };

    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    client.on('ready', onReady);
    client.on('error', onError);
    client.on('close', onClose);
    client.on('handshake', (negotiated: NegotiatedLike) => {
      cipher = negotiated.cs?.cipher;
    });
    client.on('connect', () => client.setNoDelay(true));
    client.on('keyboard-interactive', (_name, _instructions, _language, prompts, finish) => {
      finish(prompts.map(() => target.password ?? ''));
    });

    const algorithms: Algorithms = { ...options.algorithms };
    if (verifier.algorithms !== undefined) {
      algorithms.serverHostKey = verifier.algorithms as Algorithms['serverHostKey'];
    }
    const config: ConnectConfig = {
      host: target.host,
      port,
      username: target.username,
      readyTimeout: options.timeoutMs,
      keepaliveInterval: options.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      tryKeyboard: target.password !== undefined,
      algorithms,
      hostVerifier: (key: Buffer): boolean => {
        presented = fingerprintOf(key);
        if (verifier.matches(key)) return true;
        mismatch = true;
        return false;
      },
    };
    if (target.password !== undefined) config.password = target.password;
    if (target.privateKey !== undefined) config.privateKey = target.privateKey;
    if (target.passphrase !== undefined) config.passphrase = target.passphrase;
    try {
      client.connect(config);
    } catch (error) {
      fail(
        sshError(
          SshErrorCode.TARGET_HANDSHAKE_FAILED,
          `cannot connect to the target ${where}: ${(error as Error).message}`,
          error,
        ),
      );
    }
  });
}
