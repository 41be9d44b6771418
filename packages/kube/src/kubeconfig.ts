import { writeFile } from 'node:fs/promises';

export interface KubeconfigOptions {
  /** The proxy's URL, "https://127.0.0.1:6443". */
  server: string;
  /** PEM of the CA that signed the proxy's certificate. */
  certificateAuthority?: string | Uint8Array;
  /** The user's bearer token for the proxy. */
  token?: string;
  /** PEM client certificate and key, for certificate authentication. */
  clientCertificate?: string | Uint8Array;
  clientKey?: string | Uint8Array;
  /** Default namespace of the context. */
  namespace?: string;
  /** Name of the cluster, user and context. @default "tapline" */
  name?: string;
}

const base64 = (value: string | Uint8Array): string => Buffer.from(value).toString('base64');

/** A kubeconfig (JSON, which kubectl reads as YAML) that points kubectl at the proxy. */
export function kubeconfigFor(options: KubeconfigOptions): string {
  const name = options.name ?? 'tapline';
  const cluster: Record<string, string> = { server: options.server };
  if (options.certificateAuthority)
    cluster['certificate-authority-data'] = base64(options.certificateAuthority);
  const user: Record<string, string> = {};
  if (options.token) user.token = options.token;
  if (options.clientCertificate) user['client-certificate-data'] = base64(options.clientCertificate);
  if (options.clientKey) user['client-key-data'] = base64(options.clientKey);
  const context: Record<string, string> = { cluster: name, user: name };
  if (options.namespace) context.namespace = options.namespace;
  return `${JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster }],
      users: [{ name, user }],
      contexts: [{ name, context }],
      'current-context': name,
    },
    null,
    2,
  )}\n`;
}

/** Writes `kubeconfigFor(options)` to `path` (mode 0600) and returns the path. */
export async function writeKubeconfig(path: string, options: KubeconfigOptions): Promise<string> {
  await writeFile(path, kubeconfigFor(options), { mode: 0o600 });
  return path;
}
