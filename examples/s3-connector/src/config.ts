// Everything the S3 connector needs, from environment variables.
import { resolve } from 'node:path';
import { ConfigError, type TargetConfig, targetFromEnv } from '@tapline/example-ssh-connector';
import type { S3SinkOptions } from '@tapline/sink-s3';

type S3ClientConfig = NonNullable<S3SinkOptions['clientConfig']>;

export const VARIABLES: ReadonlyArray<[string, string]> = [
  ['TAPLINE_S3_BUCKET', 'bucket for the recordings (required)'],
  ['TAPLINE_S3_PREFIX', 'key prefix (default "tapline"): PREFIX/YYYY/MM/DD/<session id>.tapline'],
  ['TAPLINE_S3_REGION', 'region (default $AWS_REGION, else us-east-1)'],
  ['TAPLINE_S3_ENDPOINT', 'an S3-compatible endpoint (MinIO, Ceph, s3rver); unset for AWS'],
  ['TAPLINE_S3_SSE', 'server-side encryption: AES256 or aws:kms (default: the bucket default)'],
  ['TAPLINE_S3_KMS_KEY_ID', 'the KMS key for aws:kms'],
  ['AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY', "credentials (or any source of the AWS SDK's default chain)"],
  ['TAPLINE_METADATA_URL', 'where metadata events are POSTed (required)'],
  ['TAPLINE_METADATA_SECRET', 'HMAC secret of the Tapline-Signature header (required)'],
  ['TAPLINE_STATE_DIR', 'host key, spool, metadata outbox (default ./.tapline-s3)'],
  ['TAPLINE_PROXY_HOST', 'proxy address (default 127.0.0.1)'],
  ['TAPLINE_PROXY_PORT', 'proxy port (default 2222; 0: any free port)'],
  ['TAPLINE_GRANT_TTL_SECONDS', 'grant length from login (default 3600)'],
  ['TAPLINE_TARGET_*', 'a real sshd, as in examples/ssh-connector (default: the embedded demo target)'],
];

export interface S3ConnectorConfig {
  bucket: string;
  prefix: string;
  clientConfig: S3ClientConfig;
  serverSideEncryption?: 'AES256' | 'aws:kms';
  sseKmsKeyId?: string;
  metadataUrl: string;
  metadataSecret: string;
  stateDir: string;
  host: string;
  port: number;
  ttlMs: number;
  target: TargetConfig | undefined;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`set ${name}`);
  return value;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): S3ConnectorConfig {
  const missing = ['TAPLINE_S3_BUCKET', 'TAPLINE_METADATA_URL', 'TAPLINE_METADATA_SECRET'].filter(
    (name) => !env[name],
  );
  if (missing.length > 0) throw new ConfigError(`set ${missing.join(', ')} (see --help)`);
  const clientConfig: S3ClientConfig = { region: env.TAPLINE_S3_REGION ?? env.AWS_REGION ?? 'us-east-1' };
  // With an endpoint, @tapline/sink-s3 turns on path-style addressing.
  if (env.TAPLINE_S3_ENDPOINT) clientConfig.endpoint = env.TAPLINE_S3_ENDPOINT;
  const sse = env.TAPLINE_S3_SSE;
  if (sse !== undefined && sse !== '' && sse !== 'AES256' && sse !== 'aws:kms') {
    throw new ConfigError(`TAPLINE_S3_SSE: AES256 or aws:kms, not ${sse}`);
  }
  const port = Number(env.TAPLINE_PROXY_PORT ?? 2222);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`TAPLINE_PROXY_PORT is not a port: ${env.TAPLINE_PROXY_PORT}`);
  }
  const ttlSeconds = Number(env.TAPLINE_GRANT_TTL_SECONDS ?? 3600);
  if (!(ttlSeconds > 0)) throw new ConfigError(`TAPLINE_GRANT_TTL_SECONDS: ${env.TAPLINE_GRANT_TTL_SECONDS}`);
  let metadataUrl: URL;
  try {
    metadataUrl = new URL(required(env, 'TAPLINE_METADATA_URL'));
  } catch {
    throw new ConfigError(`TAPLINE_METADATA_URL is not a URL: ${env.TAPLINE_METADATA_URL}`);
  }
  return {
    bucket: required(env, 'TAPLINE_S3_BUCKET'),
    prefix: env.TAPLINE_S3_PREFIX ?? 'tapline',
    clientConfig,
    ...(sse ? { serverSideEncryption: sse } : {}),
    ...(env.TAPLINE_S3_KMS_KEY_ID ? { sseKmsKeyId: env.TAPLINE_S3_KMS_KEY_ID } : {}),
    metadataUrl: metadataUrl.href,
    metadataSecret: required(env, 'TAPLINE_METADATA_SECRET'),
    stateDir: resolve(cwd, env.TAPLINE_STATE_DIR ?? '.tapline-s3'),
    host: env.TAPLINE_PROXY_HOST ?? '127.0.0.1',
    port,
    ttlMs: ttlSeconds * 1000,
    target: targetFromEnv(env),
  };
}
