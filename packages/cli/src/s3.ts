// s3:// locations, through @tapline/sink-s3's reader (loaded only when used:
// the AWS SDK is large). Credentials come from the SDK's default chain
// (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE,
// instance roles); endpoint, region and path-style from the options.
import type { ClientSource } from '@tapline/sink-s3';
import { ioError } from './errors.js';
import {
  MAX_MANIFEST_BYTES,
  manifestTooLarge,
  type OpenedLocation,
  parseManifest,
  type RecordingManifest,
  type RecordingSource,
  readManifestFile,
  type S3Options,
  type SourceOptions,
} from './source.js';

type S3Reader = typeof import('@tapline/sink-s3');

function clientConfig(options: S3Options = {}): NonNullable<ClientSource['clientConfig']> {
  return {
    region: options.region ?? 'us-east-1',
    // The sink retries by itself and turns the SDK's retries off; a reader has no retry loop of its own.
    maxAttempts: 3,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.forcePathStyle !== undefined ? { forcePathStyle: options.forcePathStyle } : {}),
  };
}

/** Opens `s3://bucket/key` (one recording) or `s3://bucket/prefix/` (every `.tapline` under it). */
export async function openS3Location(location: string, options: SourceOptions): Promise<OpenedLocation> {
  // The SDK's eight-line notice that its releases after January 2027 need Node 22: the workspace pins the SDK.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const s3: S3Reader = await import('@tapline/sink-s3');
  let target: { bucket: string; key: string };
  try {
    target = s3.parseS3Url(location);
  } catch (cause) {
    throw ioError(`not an s3:// URL: ${location}`, cause);
  }
  const config = clientConfig(options.s3);
  if (target.key === '' || target.key.endsWith('/')) {
    const sources: RecordingSource[] = [];
    try {
      for await (const object of s3.listRecordings({
        bucket: target.bucket,
        prefix: target.key,
        clientConfig: config,
      })) {
        sources.push(
          s3Source(s3, object.location, object.bucket, object.key, object.size, config, undefined),
        );
      }
    } catch (cause) {
      throw ioError(`cannot list ${location}`, cause);
    }
    return { collection: true, sources };
  }
  return {
    collection: false,
    sources: [s3Source(s3, location, target.bucket, target.key, undefined, config, options.manifestPath)],
  };
}

function s3Source(
  s3: S3Reader,
  location: string,
  bucket: string,
  key: string,
  size: number | undefined,
  config: NonNullable<ClientSource['clientConfig']>,
  manifestPath: string | undefined,
): RecordingSource {
  return {
    location,
    size,
    bytes: () => readObject(s3, location, bucket, key, config),
    async manifest(): Promise<RecordingManifest | undefined> {
      if (manifestPath !== undefined) return readManifestFile(manifestPath, true);
      // A manifest uploaded beside the object (`<key>.json`, as FileSink writes it), if any.
      const chunks: Buffer[] = [];
      let received = 0;
      try {
        for await (const chunk of readObject(s3, `${location}.json`, bucket, `${key}.json`, config)) {
          received += chunk.byteLength;
          if (received > MAX_MANIFEST_BYTES) throw manifestTooLarge(`${location}.json`, received);
          chunks.push(Buffer.from(chunk));
        }
      } catch (error) {
        const code = (error as { cause?: { details?: { s3Code?: string } } }).cause?.details?.s3Code;
        if (code === 'NoSuchKey' || code === 'NotFound' || code === 'AccessDenied') return undefined;
        throw error;
      }
      return parseManifest(Buffer.concat(chunks).toString('utf8'), `${location}.json`);
    },
  };
}

async function* readObject(
  s3: S3Reader,
  location: string,
  bucket: string,
  key: string,
  config: NonNullable<ClientSource['clientConfig']>,
): AsyncGenerator<Uint8Array> {
  try {
    const body = await s3.readRecording({ bucket, key, clientConfig: config });
    for await (const chunk of body) yield chunk as Uint8Array;
  } catch (cause) {
    throw ioError(`cannot read ${location}`, cause);
  }
}
