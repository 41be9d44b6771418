import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createKubeProxy,
  type KubeProxy,
  type KubeProxyOptions,
  type KubeRecorder,
  type KubeRefusal,
  writeKubeconfig,
} from '../src/index.js';
import { makePki, type TestPki } from './certs.js';
import { type FakeApiServer, startEchoServer, startFakeApiServer } from './fake-apiserver.js';
import { MemoryRecorder } from './memory-recorder.js';

export const USER_TOKEN = 'user-token-alice';
export const FORBIDDEN_TOKEN = 'user-token-mallory';
export const BOB_TOKEN = 'user-token-bob';
export const CAROL_TOKEN = 'user-token-carol';
export const CONNECTOR_TOKEN = 'connector-secret-token';
/** A token the test API server accepts but does not let impersonate. */
export const VIEWER_TOKEN = 'viewer-token-without-impersonate';

export interface Harness {
  pki: TestPki;
  api: FakeApiServer;
  proxy: KubeProxy;
  recorder: MemoryRecorder;
  /** The recorder given, when it is not the in-memory one. */
  realRecorder: KubeRecorder;
  refusals: KubeRefusal[];
  errors: Error[];
  directory: string;
  kubeconfig: string;
  kubeconfigFor(token: string): Promise<string>;
  kubectl(
    args: string[],
    options?: { timeoutMs?: number; token?: string; env?: Record<string, string> },
  ): Promise<KubectlResult>;
  close(): Promise<void>;
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The tests drive the real kubectl; WebSocket streaming needs 1.31 or newer. */
export function requireKubectl(): void {
  let output: string;
  try {
    output = execFileSync('kubectl', ['version', '--client', '-o', 'json'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
  } catch (cause) {
    throw new Error('these tests need kubectl ≥ 1.31 on the PATH (kubectl version --client failed)', {
      cause,
    });
  }
  const minor = Number(/"minor":\s*"(\d+)/.exec(output)?.[1] ?? 0);
  if (minor < 31)
    throw new Error(
      `these tests need kubectl ≥ 1.31 (WebSocket exec and port-forward); found minor ${minor}`,
    );
}

/** The tests' authorize: a bearer token's grant, as a user of the test cluster impersonated upstream. */
export function authorizeGrants(grants: Record<string, string>): KubeProxyOptions['authorize'] {
  return (credentials) => {
    const user = credentials.token ? grants[credentials.token] : undefined;
    if (!user) return undefined;
    return {
      context: {
        protocol: 'kubernetes',
        user: { id: user, email: user },
        accessRequestId: `req-${user}`,
        resource: { id: 'cluster-1', type: 'kubernetes', name: 'test-cluster' },
      },
      impersonate: { user, groups: ['developers', 'system:authenticated'] },
    };
  };
}

export async function startHarness(
  overrides: Partial<KubeProxyOptions> = {},
  recorder: KubeRecorder = new MemoryRecorder(),
): Promise<Harness> {
  requireKubectl();
  const pki = makePki();
  const echo = await startEchoServer();
  const api = await startFakeApiServer({
    key: pki.serverKey,
    cert: pki.serverCert,
    ca: pki.ca,
    tokens: [CONNECTOR_TOKEN, VIEWER_TOKEN],
    impersonators: [CONNECTOR_TOKEN],
    forbiddenUsers: ['mallory@example.com'],
    forbiddenNamespaces: ['forbidden'],
    forwardTo: echo.port,
  });
  api.addPod('default', 'web');
  const refusals: KubeRefusal[] = [];
  const errors: Error[] = [];
  const grants: Record<string, string> = {
    [USER_TOKEN]: 'alice@example.com',
    [FORBIDDEN_TOKEN]: 'mallory@example.com',
    [BOB_TOKEN]: 'bob@example.com',
    [CAROL_TOKEN]: 'carol@example.com',
  };
  const proxy = createKubeProxy({
    tls: { key: pki.serverKey, cert: pki.serverCert },
    authorize: authorizeGrants(grants),
    upstream: { url: api.url, ca: pki.ca, token: CONNECTOR_TOKEN },
    recorder,
    onEvent: (event) => {
      if (event.type === 'refused') refusals.push(event.refusal);
      else {
        errors.push(event.error);
        if (process.env.TAPLINE_DEBUG) console.log('proxy error', event.error);
      }
    },
    ...overrides,
  });
  await proxy.listen();
  const directory = mkdtempSync(join(tmpdir(), 'tapline-kube-'));
  const kubeconfigFor = (token: string): Promise<string> =>
    writeKubeconfig(join(directory, `kubeconfig-${token}`), {
      server: proxy.url,
      certificateAuthority: pki.ca,
      token,
      namespace: 'default',
    });
  const kubeconfig = await kubeconfigFor(USER_TOKEN);
  const kubectl = async (
    args: string[],
    options: { timeoutMs?: number; token?: string; env?: Record<string, string> } = {},
  ): Promise<KubectlResult> => {
    const config = options.token ? await kubeconfigFor(options.token) : kubeconfig;
    return new Promise((resolve) => {
      execFile(
        'kubectl',
        ['--kubeconfig', config, '--cache-dir', join(directory, 'cache'), ...args],
        {
          timeout: options.timeoutMs ?? 20_000,
          env: { ...process.env, ...options.env },
          killSignal: 'SIGKILL',
        },
        (error, stdout, stderr) => {
          const code = error ? (error as unknown as { code?: unknown }).code : 0;
          resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
        },
      );
    });
  };
  return {
    pki,
    api,
    proxy,
    recorder: recorder as MemoryRecorder,
    realRecorder: recorder,
    refusals,
    errors,
    directory,
    kubeconfig,
    kubeconfigFor,
    kubectl,
    async close() {
      await proxy.close();
      await api.close();
      await echo.close();
    },
  };
}
