// A proxy in front of a real sshd, with a few test users:
//   tapline  -> the target with the target key (key or token auth to the proxy)
//   pw       -> the target with the target account's password
//   badkey   -> the target, but the grant pins a different host key
//   down     -> a port nobody listens on
// plus `extraTargets` registered by tests.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionContext } from '@tapline/core';
import {
  createSshProxy,
  type SshGrant,
  type SshProxy,
  type SshProxyEvent,
  type SshProxyOptions,
  type SshTarget,
} from '../../src/index.js';
import { createMemoryRecorder, type MemoryRecorder } from './memory-recorder.js';
import { freePort } from './processes.js';
import { keygen, type Sshd, startSshd, TEST_PASSWORD, TEST_USER } from './sshd.js';

export const TOKEN = 'token-8d1f2c';

export interface Fixture {
  sshd: Sshd;
  proxy: SshProxy;
  port: number;
  recorder: MemoryRecorder;
  events: SshProxyEvent[];
  /** The user's key for public key auth to the proxy. */
  userKeyPath: string;
  directory: string;
  targets: Map<string, SshTarget>;
  /** Args for OpenSSH `ssh` to reach the proxy as `user` with the user key. */
  sshArgs(user?: string, extra?: readonly string[]): string[];
  /** Common -o options (no port, no destination) for ssh/scp/sftp. */
  clientOptions(): string[];
  close(): Promise<void>;
}

export interface FixtureOptions extends Partial<SshProxyOptions> {
  /** Extra grant fields per user name (expiresAt, labels, ...). */
  contextFor?: (username: string) => Partial<SessionContext>;
}

export async function startFixture(fixtureOptions: FixtureOptions = {}): Promise<Fixture> {
  const { contextFor, ...options } = fixtureOptions;
  const sshd = await startSshd();
  const directory = mkdtempSync(join(tmpdir(), 'tapline-proxy-'));
  const proxyHostKey = keygen(join(directory, 'proxy_host_key'));
  const userKey = keygen(join(directory, 'user_key'));
  const userFingerprint = userKey.publicKey.split(' ').slice(0, 2).join(' ');
  const otherHostKey = keygen(join(directory, 'other_host_key'));
  const recorder = createMemoryRecorder();
  const events: SshProxyEvent[] = [];
  const downPort = await freePort();
  const targets = new Map<string, SshTarget>([
    [
      TEST_USER,
      {
        host: '127.0.0.1',
        port: sshd.port,
        username: TEST_USER,
        privateKey: sshd.targetPrivateKey,
        hostKey: sshd.hostPublicKey,
      },
    ],
    [
      'pw',
      {
        host: '127.0.0.1',
        port: sshd.port,
        username: TEST_USER,
        password: TEST_PASSWORD,
        hostKey: sshd.hostPublicKey,
      },
    ],
    [
      'badkey',
      {
        host: '127.0.0.1',
        port: sshd.port,
        username: TEST_USER,
        privateKey: sshd.targetPrivateKey,
        hostKey: otherHostKey.publicKey,
      },
    ],
    [
      'down',
      { host: '127.0.0.1', port: downPort, username: TEST_USER, password: 'x', hostKey: sshd.hostPublicKey },
    ],
  ]);
  let grants = 0;
  const proxy = createSshProxy({
    hostKeys: [proxyHostKey.privateKey],
    recorder,
    authorize(request): SshGrant | null {
      const keyOk = request.publicKey !== undefined && request.publicKey.openssh === userFingerprint;
      const tokenOk = request.password === TOKEN;
      const target = targets.get(request.username);
      if ((!keyOk && !tokenOk) || target === undefined) return null;
      grants += 1;
      return {
        context: {
          user: { id: `user-${request.username}`, name: request.username },
          approvers: [{ id: 'approver-1' }],
          accessFlow: { id: 'flow-1', name: 'ssh-prod' },
          accessRequestId: `ar-${grants}`,
          resource: { id: `res-${request.username}`, type: 'ssh', name: request.username },
          ...contextFor?.(request.username),
        },
        target,
      };
    },
    onEvent: (event) => events.push(event),
    notifyGraceMs: 2000,
    ...options,
  });
  const address = await proxy.listen(0, '127.0.0.1');
  const userKeyPath = join(directory, 'user_key');
  const clientOptions = (): string[] => [
    '-F',
    '/dev/null',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    '-o',
    'ConnectTimeout=10',
  ];
  return {
    sshd,
    proxy,
    port: address.port,
    recorder,
    events,
    userKeyPath,
    directory,
    targets,
    clientOptions,
    sshArgs(user = TEST_USER, extra = []) {
      // OpenSSH keeps the first value of an option: `extra` goes first so it can override.
      return [
        ...extra,
        ...clientOptions(),
        '-o',
        'BatchMode=yes',
        '-o',
        'IdentitiesOnly=yes',
        '-i',
        userKeyPath,
        '-p',
        String(address.port),
        `${user}@127.0.0.1`,
      ];
    },
    async close() {
      await proxy.close();
      await sshd.stop();
    },
  };
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
