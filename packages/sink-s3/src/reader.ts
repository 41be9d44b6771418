import type { Readable } from 'node:stream';
import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { type ClientSource, formatS3Url, parseS3Url, resolveClient } from './client.js';
import { toSinkError } from './errors.js';
import { normalizePrefix, RECORDING_SUFFIX } from './layout.js';

export interface ListRecordingsOptions extends ClientSource {
  bucket: string;
  /** Only keys under this prefix (e.g. "recordings/2026/03/"). @default "" */
  prefix?: string;
}

export interface RecordingObject {
  bucket: string;
  key: string;
  /** s3://bucket/key, as in a DeliveryReceipt. */
  location: string;
  /** The session id from the file name (for the default key layout). */
  sessionId: string;
  size: number;
  lastModified: Date | undefined;
}

/** Lists recording objects (keys ending in .tapline) under a prefix, page by page. */
export async function* listRecordings(
  options: ListRecordingsOptions,
): AsyncGenerator<RecordingObject, void, undefined> {
  const { client, owned } = resolveClient(options);
  try {
    const pages = paginateListObjectsV2(
      { client },
      { Bucket: options.bucket, Prefix: normalizePrefix(options.prefix) },
    );
    try {
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          const key = object.Key;
          if (!key?.endsWith(RECORDING_SUFFIX)) continue;
          const name = key.slice(key.lastIndexOf('/') + 1, -RECORDING_SUFFIX.length);
          yield {
            bucket: options.bucket,
            key,
            location: formatS3Url(options.bucket, key),
            sessionId: decodeURIComponent(name),
            size: object.Size ?? 0,
            lastModified: object.LastModified,
          };
        }
      }
    } catch (error) {
      throw toSinkError(error, 'ListObjectsV2', { bucket: options.bucket });
    }
  } finally {
    if (owned) client.destroy();
  }
}

export interface ReadRecordingOptions extends ClientSource {
  /** "s3://bucket/key" (e.g. a DeliveryReceipt's location), or bucket and key. */
  url?: string;
  bucket?: string;
  key?: string;
  /** First byte to read (for resuming a read or seeking by segment offset). @default 0 */
  start?: number;
  /** Last byte to read, inclusive. @default the end */
  end?: number;
}

/**
 * The bytes of a recording object as a Node Readable (also an
 * AsyncIterable<Uint8Array>), streamed from a GET: feed it to the container
 * reader. Rejects with TAPLINE_ERR_SINK_PERMANENT for NoSuchKey/AccessDenied.
 */
export async function readRecording(options: ReadRecordingOptions): Promise<Readable> {
  const target = options.url ? parseS3Url(options.url) : { bucket: options.bucket, key: options.key };
  if (!target.bucket || !target.key) throw new TypeError('readRecording needs url, or bucket and key');
  const { client, owned } = resolveClient(options);
  const range =
    options.start !== undefined || options.end !== undefined
      ? `bytes=${options.start ?? 0}-${options.end ?? ''}`
      : undefined;
  try {
    const result = await client.send(
      new GetObjectCommand({ Bucket: target.bucket, Key: target.key, ...(range ? { Range: range } : {}) }),
    );
    const body = result.Body as Readable;
    if (owned) body.once('close', () => client.destroy());
    return body;
  } catch (error) {
    if (owned) client.destroy();
    throw toSinkError(error, 'GetObject', { bucket: target.bucket, key: target.key });
  }
}
