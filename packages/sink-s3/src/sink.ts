import { createHash, randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  AbortMultipartUploadCommand,
  type ChecksumAlgorithm,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  type ServerSideEncryption,
  type StorageClass,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type {
  DeliveryReceipt,
  RecordingInfo,
  RecordingSummary,
  SegmentInfo,
  Sink,
  SinkCheckpoint,
  SinkRecording,
} from '@tapline/core';
import { TaplineError } from '@tapline/frames';
import { type ClientSource, formatS3Url, resolveClient } from './client.js';
import {
  abortedError,
  awsErrorCode,
  type RetryOptions,
  retryOptions,
  S3SinkErrorCode,
  toSinkError,
  withRetry,
} from './errors.js';
import { contextMetadata, contextTags, defaultKeyLayout, encodeTagging } from './layout.js';

const MiB = 1024 * 1024;
/** S3's smallest part (all but the last). */
export const MIN_PART_SIZE: number = 5 * MiB;
/** S3's largest part. */
export const MAX_PART_SIZE: number = 5 * 1024 * MiB;
/** S3's most parts per upload: the largest recording is partSize × 10000. */
export const MAX_PARTS = 10_000;

export interface S3SinkOptions extends ClientSource {
  bucket: string;
  /** Key prefix; a "/" is added when missing. @default "" */
  prefix?: string;
  /**
   * Bytes per multipart part (at least 5 MiB). Memory per recording is at most
   * one part being filled; the largest recording is partSize × 10000.
   * @default 8388608 (8 MiB: recordings up to ~78 GiB)
   */
  partSize?: number;
  /**
   * Parts uploading at once, across every recording of this sink. A write()
   * that fills a part waits for a free slot: that is the backpressure.
   * @default 4
   */
  queueSize?: number;
  /** The object key of a recording. @default PREFIX/YYYY/MM/DD/SESSION_ID.tapline (UTC start date) */
  keyLayout?: (recording: RecordingInfo) => string;
  /** Server-side encryption: "AES256" (SSE-S3), "aws:kms" (SSE-KMS) or "aws:kms:dsse". @default the bucket's default */
  serverSideEncryption?: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  /** The KMS key for SSE-KMS (id, ARN or alias). @default the account's aws/s3 key */
  sseKmsKeyId?: string;
  /** Use an S3 Bucket Key for SSE-KMS (fewer KMS calls). */
  bucketKeyEnabled?: boolean;
  storageClass?: StorageClass;
  /** Checksum sent with every part and checked by S3 on arrival. @default "CRC32" */
  checksumAlgorithm?: 'CRC32' | 'SHA256';
  /** Extra object metadata (x-amz-meta-*), merged over the tapline-* ids. */
  metadata?: Record<string, string> | ((recording: RecordingInfo) => Record<string, string>);
  /** Extra object tags, merged over the tapline-* ids (10 tags at most in all). */
  tags?: Record<string, string> | ((recording: RecordingInfo) => Record<string, string>);
  /** Put the session, user and access request ids into metadata and tags. @default true */
  contextLabels?: boolean;
  /** Bounded retries with exponential backoff and full jitter, per request. */
  retry?: RetryOptions;
  /** The sink's name in checkpoints and metadata. @default "s3" */
  name?: string;
}

/** The resumable state in an S3 sink checkpoint (JSON-safe; the spool persists it). */
export interface S3CheckpointState {
  v: 1;
  bucket: string;
  key: string;
  uploadId: string;
  partSize: number;
  /** Parts 1..n, all complete and each exactly partSize bytes. */
  parts: Array<{ n: number; etag: string; checksum?: string }>;
  /** Bytes of the object in those parts (n × partSize). */
  bytes: number;
  /** Bytes of segment `segments` (the first to replay) already inside those parts. */
  skip: number;
  /** Random token stored in the object's metadata: proves "this upload already completed" after a crash. */
  token: string;
  checksum: 'CRC32' | 'SHA256';
}

export interface S3Sink extends Sink {
  readonly bucket: string;
  /** The S3 client in use. */
  readonly client: S3Client;
  /** Releases the client when the sink created it. */
  destroy(): void;
}

class Slots {
  #free: number;
  #waiters: Array<{ grant: () => void }> = [];
  constructor(count: number) {
    this.#free = count;
  }
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(signal!.reason);
      };
      // The abort listener goes as soon as the slot is granted: one listener per
      // waiting part, not one per part ever uploaded.
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.#waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
  release(): void {
    const next = this.#waiters.shift();
    if (next) next.grant();
    else this.#free++;
  }
}

function partChecksum(algorithm: 'CRC32' | 'SHA256', bytes: Uint8Array): string {
  if (algorithm === 'SHA256') return createHash('sha256').update(bytes).digest('base64');
  const value = Buffer.allocUnsafe(4);
  value.writeUInt32BE(crc32(bytes) >>> 0);
  return value.toString('base64');
}

function checksumFields(algorithm: 'CRC32' | 'SHA256', checksum: string | undefined) {
  if (!checksum) return {};
  return algorithm === 'SHA256' ? { ChecksumSHA256: checksum } : { ChecksumCRC32: checksum };
}

function resolveLabels(
  value: Record<string, string> | ((recording: RecordingInfo) => Record<string, string>) | undefined,
  recording: RecordingInfo,
): Record<string, string> {
  if (!value) return {};
  return typeof value === 'function' ? value(recording) : value;
}

function validateState(state: unknown, resume: SinkCheckpoint, bucket: string): S3CheckpointState {
  const s = state as Partial<S3CheckpointState> | undefined;
  const fail = (why: string): never => {
    throw new TaplineError(S3SinkErrorCode.SINK_CHECKPOINT, `S3 sink checkpoint rejected: ${why}`, {
      component: 's3',
    });
  };
  if (!s || typeof s !== 'object' || s.v !== 1) return fail('unknown state version');
  if (s.bucket !== bucket) fail(`it belongs to bucket ${String(s.bucket)}, not ${bucket}`);
  if (typeof s.key !== 'string' || typeof s.uploadId !== 'string' || typeof s.token !== 'string')
    fail('missing fields');
  if (!Number.isInteger(s.partSize) || s.partSize! < 1) fail('bad part size');
  if (!Array.isArray(s.parts)) fail('parts missing');
  s.parts!.forEach((part, i) => {
    if (part.n !== i + 1 || typeof part.etag !== 'string') fail(`part ${i + 1} is not in sequence`);
  });
  if (s.bytes !== s.parts!.length * s.partSize!) fail('byte count does not match the parts');
  if (!Number.isInteger(s.skip) || s.skip! < 0) fail('bad skip');
  if (s.checksum !== 'CRC32' && s.checksum !== 'SHA256') fail('bad checksum algorithm');
  if (!Number.isInteger(resume.segments) || resume.segments < 0) fail('bad segment count');
  return s as S3CheckpointState;
}

/**
 * A sink that streams each recording to one S3 object through a multipart
 * upload it drives itself (CreateMultipartUpload / UploadPart /
 * CompleteMultipartUpload), so that the upload id, the finished parts and
 * their ETags can be checkpointed and an interrupted upload resumed after a
 * crash. A long session is mostly uploaded before it ends.
 */
export function createS3Sink(options: S3SinkOptions): S3Sink {
  const partSize = options.partSize ?? 8 * MiB;
  const queueSize = options.queueSize ?? 4;
  if (!(Number.isInteger(partSize) && partSize >= MIN_PART_SIZE && partSize <= MAX_PART_SIZE)) {
    throw new TaplineError(
      S3SinkErrorCode.SINK_CONFIG,
      `partSize must be an integer between 5 MiB and 5 GiB, got ${partSize}`,
      {
        component: 's3',
      },
    );
  }
  if (!(Number.isInteger(queueSize) && queueSize >= 1)) {
    throw new TaplineError(
      S3SinkErrorCode.SINK_CONFIG,
      `queueSize must be a positive integer, got ${queueSize}`,
      {
        component: 's3',
      },
    );
  }
  if (options.sseKmsKeyId && !options.serverSideEncryption?.startsWith('aws:kms')) {
    throw new TaplineError(
      S3SinkErrorCode.SINK_CONFIG,
      'sseKmsKeyId needs serverSideEncryption "aws:kms" or "aws:kms:dsse"',
      {
        component: 's3',
      },
    );
  }
  const { client, owned } = resolveClient(options);
  const bucket = options.bucket;
  const retry = retryOptions(options.retry);
  const checksumAlgorithm = options.checksumAlgorithm ?? 'CRC32';
  const slots = new Slots(queueSize);
  // Reused part buffers of the sink's part size (Buffer.allocUnsafe pages cost RSS only once written).
  const freeBuffers: Buffer[] = [];
  const takeBuffer = (size: number): Buffer =>
    size === partSize && freeBuffers.length ? freeBuffers.pop()! : Buffer.allocUnsafe(size);
  const giveBuffer = (buffer: Buffer): void => {
    if (buffer.length === partSize && freeBuffers.length < queueSize + 1) freeBuffers.push(buffer);
  };

  function objectParams(recording: RecordingInfo, token: string) {
    const labels = options.contextLabels ?? true;
    const metadata = {
      ...(labels ? contextMetadata(recording) : {}),
      ...resolveLabels(options.metadata, recording),
      'tapline-upload-token': token,
    };
    const tagging = encodeTagging({
      ...(labels ? contextTags(recording) : {}),
      ...resolveLabels(options.tags, recording),
    });
    return {
      Bucket: bucket,
      ContentType: 'application/vnd.tapline.recording',
      Metadata: metadata,
      ...(tagging ? { Tagging: tagging } : {}),
      ...(options.serverSideEncryption
        ? { ServerSideEncryption: options.serverSideEncryption as ServerSideEncryption }
        : {}),
      ...(options.sseKmsKeyId ? { SSEKMSKeyId: options.sseKmsKeyId } : {}),
      ...(options.bucketKeyEnabled !== undefined ? { BucketKeyEnabled: options.bucketKeyEnabled } : {}),
      ...(options.storageClass ? { StorageClass: options.storageClass } : {}),
    };
  }

  async function open(recording: RecordingInfo, resume?: SinkCheckpoint): Promise<SinkRecording> {
    let state: S3CheckpointState;
    let durableSegments = 0;
    let delivered: { bytes: number } | undefined;
    if (resume?.state !== undefined) {
      state = validateState(resume.state, resume, bucket);
      durableSegments = resume.segments;
      // The attempt before may have completed the object and died before the
      // spool noted it: then the upload id is gone (S3 says NoSuchUpload, some
      // S3-compatible stores fail otherwise) and the object carries its token.
      const head = await client
        .send(new HeadObjectCommand({ Bucket: bucket, Key: state.key }))
        .catch(() => undefined);
      if (head && head.Metadata?.['tapline-upload-token'] === state.token)
        delivered = { bytes: head.ContentLength ?? 0 };
    } else {
      if (resume && resume.segments !== 0) {
        throw new TaplineError(
          S3SinkErrorCode.SINK_CHECKPOINT,
          'S3 sink checkpoint has segments but no upload state',
          {
            component: 's3',
          },
        );
      }
      const key = options.keyLayout
        ? options.keyLayout(recording)
        : defaultKeyLayout(options.prefix ?? '', recording);
      const token = randomUUID();
      // Created at open, not lazily: a bucket that refuses us fails the session's
      // recording at its start (AccessDenied, NoSuchBucket), not minutes later.
      const created = await withRetry(
        'CreateMultipartUpload',
        () =>
          client.send(
            new CreateMultipartUploadCommand({
              ...objectParams(recording, token),
              Key: key,
              ChecksumAlgorithm: checksumAlgorithm as ChecksumAlgorithm,
            }),
          ),
        retry,
        undefined,
        { bucket, key },
      );
      if (!created.UploadId) {
        throw toSinkError(new Error('CreateMultipartUpload returned no UploadId'), 'CreateMultipartUpload', {
          bucket,
          key,
        });
      }
      state = {
        v: 1,
        bucket,
        key,
        uploadId: created.UploadId,
        partSize,
        parts: [],
        bytes: 0,
        skip: 0,
        token,
        checksum: checksumAlgorithm,
      };
    }
    return new S3Recording(recording, state, durableSegments, delivered);
  }

  class S3Recording implements SinkRecording {
    readonly #recording: RecordingInfo;
    readonly #key: string;
    readonly #uploadId: string;
    readonly #partSize: number;
    readonly #token: string;
    readonly #checksum: 'CRC32' | 'SHA256';
    readonly #details: Record<string, unknown>;
    readonly #controller = new AbortController();
    /** Completed parts by number (some may finish out of order). */
    readonly #completed = new Map<number, { n: number; etag: string; checksum?: string }>();
    /** Parts 1..#prefix are complete: the durable prefix. */
    #prefix: number;
    #nextPart: number;
    /** Bytes of the object accepted so far (durable or buffered). */
    #offset: number;
    #current: Buffer | undefined;
    #fill = 0;
    /** Segments accepted but not yet wholly inside the durable prefix. */
    #open: Array<{ index: number; start: number; end: number }> = [];
    #expected: number;
    #skipFirst: number;
    #durableSegments: number;
    #reportedPrefix: number;
    /** Finished parts the checkpoint this attempt was opened with already held. */
    readonly #resumedFrom: number;
    #inflight = new Set<Promise<void>>();
    #failure: TaplineError | undefined;
    #status: 'open' | 'closing' | 'closed' | 'aborted' = 'open';
    /** Set when a resumed attempt finds the upload already completed by the attempt before. */
    #alreadyDelivered: { bytes: number } | undefined;

    constructor(
      recording: RecordingInfo,
      state: S3CheckpointState,
      durableSegments: number,
      delivered: { bytes: number } | undefined,
    ) {
      this.#recording = recording;
      this.#alreadyDelivered = delivered;
      this.#key = state.key;
      this.#uploadId = state.uploadId;
      this.#partSize = state.partSize;
      this.#token = state.token;
      this.#checksum = state.checksum;
      for (const part of state.parts) this.#completed.set(part.n, part);
      this.#prefix = state.parts.length;
      this.#reportedPrefix = this.#prefix;
      this.#resumedFrom = state.parts.length;
      this.#nextPart = this.#prefix + 1;
      this.#offset = state.bytes;
      this.#expected = durableSegments;
      this.#durableSegments = durableSegments;
      this.#skipFirst = state.skip;
      this.#details = { bucket, key: state.key, uploadId: state.uploadId, sessionId: recording.sessionId };
    }

    async write(segment: Uint8Array, info: SegmentInfo): Promise<SinkCheckpoint | undefined> {
      this.#assertOpen('write');
      if (this.#failure) throw this.#failure;
      if (info.segmentIndex !== this.#expected) {
        throw new TaplineError(
          S3SinkErrorCode.SINK_ORDER,
          `expected segment ${this.#expected}, got ${info.segmentIndex}`,
          {
            component: 's3',
            segmentIndex: info.segmentIndex,
          },
        );
      }
      let data = segment;
      if (this.#skipFirst > 0) {
        if (this.#skipFirst >= segment.length) {
          throw new TaplineError(
            S3SinkErrorCode.SINK_CHECKPOINT,
            `checkpoint says ${this.#skipFirst} bytes of segment ${info.segmentIndex} are stored, but it has ${segment.length}`,
            { component: 's3', segmentIndex: info.segmentIndex },
          );
        }
        data = segment.subarray(this.#skipFirst);
        this.#skipFirst = 0;
      }
      const end = this.#offset + data.length;
      this.#open.push({ index: info.segmentIndex, start: end - segment.length, end });
      this.#expected++;
      if (this.#alreadyDelivered) return undefined;
      let position = 0;
      while (position < data.length) {
        this.#current ??= takeBuffer(this.#partSize);
        const take = Math.min(this.#partSize - this.#fill, data.length - position);
        this.#current.set(data.subarray(position, position + take), this.#fill);
        this.#fill += take;
        position += take;
        this.#offset += take;
        if (this.#fill === this.#partSize) await this.#dispatch();
      }
      if (this.#failure) throw this.#failure;
      return this.#checkpoint();
    }

    async close(_summary: RecordingSummary): Promise<DeliveryReceipt> {
      this.#assertOpen('close');
      this.#status = 'closing';
      try {
        await this.#settle();
        if (this.#failure) throw this.#failure;
        if (!this.#alreadyDelivered) {
          if (this.#nextPart === 1) await this.#putWhole();
          else await this.#completeUpload();
        }
        this.#status = 'closed';
        return {
          location: formatS3Url(bucket, this.#key),
          bytes: this.#alreadyDelivered?.bytes ?? this.#offset,
        };
      } catch (error) {
        this.#status = 'open';
        throw error;
      } finally {
        if (this.#status === 'closed') this.#releaseCurrent();
      }
    }

    async abort(reason: Error): Promise<void> {
      if (this.#status === 'closed' || this.#status === 'aborted') return;
      this.#status = 'aborted';
      // Stops in-flight requests. AbortMultipartUpload only for an upload that
      // never got a finished part (a strict-mode probe, an attempt that failed
      // early): otherwise finished parts are durable and a checkpoint may point at them.
      this.#controller.abort(reason);
      await this.#settle();
      this.#releaseCurrent();
      if (this.#resumedFrom === 0 && this.#completed.size === 0 && !this.#alreadyDelivered) {
        await client
          .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: this.#key, UploadId: this.#uploadId }))
          .catch(() => {});
      }
    }

    #assertOpen(operation: string): void {
      if (this.#status !== 'open') {
        throw new TaplineError(
          S3SinkErrorCode.SINK_CLOSED,
          `${operation}() on a recording that is ${this.#status}`,
          {
            component: 's3',
          },
        );
      }
    }

    async #settle(): Promise<void> {
      while (this.#inflight.size) await Promise.all(this.#inflight);
    }

    #releaseCurrent(): void {
      if (this.#current) giveBuffer(this.#current);
      this.#current = undefined;
      this.#fill = 0;
    }

    /** Sends the full part buffer; resolves when a slot was free (backpressure), not when it is uploaded. */
    async #dispatch(): Promise<void> {
      const body = this.#current!;
      const size = this.#fill;
      const partNumber = this.#nextPart++;
      this.#current = undefined;
      this.#fill = 0;
      if (partNumber > MAX_PARTS) {
        this.#failure = new TaplineError(
          S3SinkErrorCode.SINK_CONFIG,
          `recording exceeds ${MAX_PARTS} parts of ${this.#partSize} bytes; raise partSize`,
          { component: 's3', details: this.#details },
        );
        throw this.#failure;
      }
      try {
        await slots.acquire(this.#controller.signal);
      } catch (error) {
        giveBuffer(body);
        throw abortedError(error, 'UploadPart');
      }
      const upload = this.#uploadPart(partNumber, body.subarray(0, size))
        .then(
          (part) => {
            if (part) this.#completed.set(partNumber, part);
            while (this.#completed.has(this.#prefix + 1)) this.#prefix++;
          },
          (error: unknown) => {
            this.#failure ??= toSinkError(error, 'UploadPart', this.#details);
          },
        )
        .finally(() => {
          slots.release();
          giveBuffer(body);
          this.#inflight.delete(upload);
        });
      this.#inflight.add(upload);
    }

    async #uploadPart(partNumber: number, body: Uint8Array) {
      const checksum = partChecksum(this.#checksum, body);
      try {
        const result = await withRetry(
          'UploadPart',
          () =>
            client.send(
              new UploadPartCommand({
                Bucket: bucket,
                Key: this.#key,
                UploadId: this.#uploadId,
                PartNumber: partNumber,
                Body: body,
                ContentLength: body.length,
                ...checksumFields(this.#checksum, checksum),
              }),
              { abortSignal: this.#controller.signal },
            ),
          retry,
          this.#controller.signal,
          { ...this.#details, partNumber },
        );
        return { n: partNumber, etag: result.ETag ?? '', checksum };
      } catch (error) {
        if (await this.#detectDelivered(error)) return undefined;
        throw error;
      }
    }

    /**
     * After a crash between CompleteMultipartUpload and the spool noting the
     * close, the upload id is gone (NoSuchUpload) but the object is there with
     * this attempt's token: the recording is delivered, not failed.
     */
    async #detectDelivered(error: unknown): Promise<boolean> {
      const cause = (error as { cause?: unknown }).cause ?? error;
      if (awsErrorCode(cause) !== 'NoSuchUpload') return false;
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: this.#key }));
        if (head.Metadata?.['tapline-upload-token'] !== this.#token) return false;
        this.#alreadyDelivered = { bytes: head.ContentLength ?? 0 };
        return true;
      } catch {
        return false;
      }
    }

    #checkpoint(): SinkCheckpoint | undefined {
      if (this.#prefix === this.#reportedPrefix) return undefined;
      const durableBytes = this.#prefix * this.#partSize;
      while (this.#open.length && this.#open[0]!.end <= durableBytes) {
        this.#durableSegments = this.#open.shift()!.index + 1;
      }
      const next = this.#open[0];
      const skip = next && next.start < durableBytes ? durableBytes - next.start : 0;
      this.#reportedPrefix = this.#prefix;
      const parts: S3CheckpointState['parts'] = [];
      for (let n = 1; n <= this.#prefix; n++) parts.push(this.#completed.get(n)!);
      const state: S3CheckpointState = {
        v: 1,
        bucket,
        key: this.#key,
        uploadId: this.#uploadId,
        partSize: this.#partSize,
        parts,
        bytes: durableBytes,
        skip,
        token: this.#token,
        checksum: this.#checksum,
      };
      return { segments: this.#durableSegments, state };
    }

    /** Small recordings (under one part): one PutObject, then the unused upload is dropped. */
    async #putWhole(): Promise<void> {
      const body = this.#current ? this.#current.subarray(0, this.#fill) : new Uint8Array(0);
      const checksum = partChecksum(this.#checksum, body);
      await withRetry(
        'PutObject',
        () =>
          client.send(
            new PutObjectCommand({
              ...objectParams(this.#recording, this.#token),
              Key: this.#key,
              Body: body,
              ContentLength: body.length,
              ...checksumFields(this.#checksum, checksum),
            }),
          ),
        retry,
        undefined,
        this.#details,
      );
      // Best effort: the upload holds no parts; a lifecycle rule catches any leftover.
      await client
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: this.#key, UploadId: this.#uploadId }))
        .catch(() => {});
    }

    async #completeUpload(): Promise<void> {
      if (this.#fill > 0) {
        const partNumber = this.#nextPart++;
        const part = await this.#uploadPart(partNumber, this.#current!.subarray(0, this.#fill));
        if (!part) return; // already delivered
        this.#completed.set(partNumber, part);
      }
      const parts: CompletedPart[] = [];
      for (let n = 1; n < this.#nextPart; n++) {
        const part = this.#completed.get(n);
        if (!part)
          throw toSinkError(new Error(`part ${n} never completed`), 'CompleteMultipartUpload', this.#details);
        parts.push({ PartNumber: n, ETag: part.etag, ...checksumFields(this.#checksum, part.checksum) });
      }
      try {
        await withRetry(
          'CompleteMultipartUpload',
          () =>
            client.send(
              new CompleteMultipartUploadCommand({
                Bucket: bucket,
                Key: this.#key,
                UploadId: this.#uploadId,
                MultipartUpload: { Parts: parts },
              }),
            ),
          retry,
          undefined,
          this.#details,
        );
      } catch (error) {
        if (!(await this.#detectDelivered(error))) throw error;
      }
    }
  }

  return {
    name: options.name ?? 's3',
    bucket,
    client,
    open,
    destroy() {
      if (owned) client.destroy();
    },
  };
}
