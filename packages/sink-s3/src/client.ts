import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

export interface ClientSource {
  /** An S3 client to use as is (its retry policy then runs inside the sink's own retries). */
  client?: S3Client;
  /**
   * Config for a client the sink creates (and destroys). With an `endpoint`
   * (MinIO, Ceph, s3rver, ...) path-style addressing is the default. The SDK's
   * own retries are turned off (`maxAttempts: 1`): the sink retries itself.
   */
  clientConfig?: S3ClientConfig;
}

/** Returns the client and whether the caller owns it (created here, so destroyed here). */
export function resolveClient(source: ClientSource): { client: S3Client; owned: boolean } {
  if (source.client) return { client: source.client, owned: false };
  const config = source.clientConfig ?? {};
  return {
    client: new S3Client({
      maxAttempts: 1,
      ...(config.endpoint && config.forcePathStyle === undefined ? { forcePathStyle: true } : {}),
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
      ...config,
    }),
    owned: true,
  };
}

/** Splits "s3://bucket/key/with/slashes" into bucket and key. */
export function parseS3Url(url: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match) throw new TypeError(`not an s3:// URL: ${url}`);
  return { bucket: match[1]!, key: decodeURIComponent(match[2]!) };
}

/** The s3:// URL of an object (the key's characters kept, except those URLs cannot carry). */
export function formatS3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}
