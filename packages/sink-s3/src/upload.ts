import type { Readable } from 'node:stream';
import { Upload } from '@aws-sdk/lib-storage';
import type { RecordingInfo } from '@tapline/core';
import { type ClientSource, formatS3Url, resolveClient } from './client.js';
import { toSinkError } from './errors.js';
import { contextMetadata, contextTags, defaultKeyLayout, encodeTagging } from './layout.js';

export interface UploadRecordingOptions extends ClientSource {
  bucket: string;
  /** The object key; or give `recording` (and `prefix`) for the default layout. */
  key?: string;
  recording?: RecordingInfo;
  prefix?: string;
  /** A finished recording: a file stream, a Buffer. */
  body: Readable | Uint8Array;
  /** @default 8 MiB */
  partSize?: number;
  /** @default 4 */
  queueSize?: number;
  serverSideEncryption?: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  sseKmsKeyId?: string;
}

/**
 * Uploads a finished recording (a file from the spool or a FileSink, a
 * backfill) in one go with @aws-sdk/lib-storage's Upload: bounded memory,
 * parallel parts, unknown length. Not resumable — an interrupted upload starts
 * over — which is why live sessions go through createS3Sink instead.
 */
export async function uploadRecording(
  options: UploadRecordingOptions,
): Promise<{ location: string; bytes: number }> {
  const key =
    options.key ??
    (options.recording ? defaultKeyLayout(options.prefix ?? '', options.recording) : undefined);
  if (!key) throw new TypeError('uploadRecording needs key, or recording');
  const { client, owned } = resolveClient(options);
  let bytes = 0;
  const tagging = options.recording ? encodeTagging(contextTags(options.recording)) : undefined;
  const upload = new Upload({
    client,
    partSize: options.partSize ?? 8 * 1024 * 1024,
    queueSize: options.queueSize ?? 4,
    leavePartsOnError: false,
    params: {
      Bucket: options.bucket,
      Key: key,
      Body: options.body,
      ContentType: 'application/vnd.tapline.recording',
      ...(options.recording ? { Metadata: contextMetadata(options.recording) } : {}),
      ...(tagging ? { Tagging: tagging } : {}),
      ...(options.serverSideEncryption ? { ServerSideEncryption: options.serverSideEncryption } : {}),
      ...(options.sseKmsKeyId ? { SSEKMSKeyId: options.sseKmsKeyId } : {}),
    },
  });
  upload.on('httpUploadProgress', (progress) => {
    if (progress.loaded !== undefined) bytes = Math.max(bytes, progress.loaded);
  });
  try {
    await upload.done();
    return { location: formatS3Url(options.bucket, key), bytes };
  } catch (error) {
    throw toSinkError(error, 'Upload', { bucket: options.bucket, key });
  } finally {
    if (owned) client.destroy();
  }
}
